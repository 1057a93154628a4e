"""基础信息: villages, people, grids, households and enterprises."""
