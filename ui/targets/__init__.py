"""目标: the 目标指标 of a year, month by month, against their targets (table, chart, import, export)."""
