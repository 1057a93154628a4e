"""Commitment letters (承诺书/责任书): placeholders, shipped wording, batch PDF, coverage export."""
