"""Across years: activity keys, linking, the crosswalk of series, and what changed."""
