"""The window around the domains: start-up, the main window and its navigation, first start, operator, password, about, guide, self-test, backup, fonts."""
