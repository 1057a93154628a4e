"""The year-end appraisal (考核): rule kinds, the shipped scheme, the sheet and the circular."""
