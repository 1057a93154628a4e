"""统计: the counts per village over any period, and the county's own form filled from them."""
