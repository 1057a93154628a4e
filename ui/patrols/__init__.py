"""巡查日志: the patrol lists, quick patrol entry and the daily report."""
