"""信访举报: the complaints list with deadlines and actions."""
