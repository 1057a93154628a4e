"""Benchmarks for SPEC §8, run with ``python -m bench`` (see bench/README.md)."""
