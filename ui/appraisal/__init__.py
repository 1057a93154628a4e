"""考核: the yearly appraisal table and its scheme."""
