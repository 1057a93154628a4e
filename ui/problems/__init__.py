"""问题整改: the rectification list and a problem's detail pane."""
