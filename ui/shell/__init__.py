"""The window around the domains: start-up, main window, navigation, first start, sign-in, help, self-test."""
