"""Data, not code: the parliamentary calendar (recesses, budget moments), each date with its source.

This file only makes the folder installable as `toezegging.calendars`; edit the TOML files.
"""
