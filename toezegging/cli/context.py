"""What every command shares: the config (loaded on first use) and the clock, read once."""

from datetime import date, datetime
from functools import cached_property
from zoneinfo import ZoneInfo


class Context:
    def __init__(self, config_path: str | None = None):
        self.config_path = config_path

    @cached_property
    def config(self):
        from .. import parliament
        from ..config import load_config

        config = load_config(self.config_path)
        parliament.use_extra(config.calendar_files())
        return config

    @cached_property
    def now(self) -> datetime:
        """The moment this command runs, in the configured zone (the only clock read)."""
        return datetime.now(ZoneInfo(self.config.reminders.timezone))

    @cached_property
    def today(self) -> date:
        return self.now.date()
