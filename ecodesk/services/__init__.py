"""Use cases: one module per domain area; all validation lives here."""
