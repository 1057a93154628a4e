"""What several domains share: change hub, writes and jobs, dialogs, editors, Excel, printing, settings."""
