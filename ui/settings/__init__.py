"""设置: the data file's settings (town, organs, operators, backup, password)."""
