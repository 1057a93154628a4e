"""Pieces every domain uses: the change hub, writes and jobs, message boxes, field editors, Excel and list printing, per-machine settings, icons."""
