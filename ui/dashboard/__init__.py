"""工作台: today's numbers and charts, each leading to the list behind it."""
