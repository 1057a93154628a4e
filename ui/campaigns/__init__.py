"""专项行动: campaigns, their phases, roster and submissions."""
