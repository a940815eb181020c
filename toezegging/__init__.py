"""toezegging: keep track of what Dutch ministers promise parliament, and chase it."""

__version__ = "0.1.0"
