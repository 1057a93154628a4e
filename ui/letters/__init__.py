"""承诺书: signing, coverage and the letter templates."""
