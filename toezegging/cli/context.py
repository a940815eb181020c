"""What every command shares: the config (loaded on first use), the clock, read once, and
the one way a command opens the store (`store`, `session`, `write`; the daemon's
`store_when_up`)."""

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from functools import cached_property
from typing import TYPE_CHECKING, TypeVar
from zoneinfo import ZoneInfo

if TYPE_CHECKING:  # the store imports SQLAlchemy: only when a command opens it
    from sqlmodel import Session

    from ..config import Config
    from ..store import Store

T = TypeVar("T")


class Context:
    def __init__(self, config_path: str | None = None) -> None:
        self.config_path = config_path

    @cached_property
    def config(self) -> "Config":
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

    # ------------------------------------------------------------------ the store
    #
    # Every command opens the configured store here, and it is disposed when the block
    # ends, whatever happened in it. `read_only` is for a command that only reads (it then
    # also works on a database this user may not write).

    @contextmanager
    def store(self, read_only: bool = False) -> Iterator["Store"]:
        from ..store import open_store

        store = open_store(self.config, read_only=read_only)
        try:
            yield store
        finally:
            store.dispose()

    @contextmanager
    def session(self, read_only: bool = False) -> Iterator["Session"]:
        """One transaction on the configured store: committed when the block ends cleanly."""
        with self.store(read_only) as store, store.session() as session:
            yield session

    @contextmanager
    def store_when_up(self, stop: threading.Event, log: logging.Logger) -> Iterator["Store | None"]:
        """The store for a daemon: waited for (a line in `log` per try) while the database
        cannot be reached; None when `stop` is set first."""
        from ..scheduler import wait_for_store

        store = wait_for_store(self.config, log, stop)
        try:
            yield store
        finally:
            if store is not None:
                store.dispose()

    def write(self, change: "Callable[[Session], T]") -> T:
        """Run `change(session)` in one transaction and return what it returns. When another
        process changed the same promise first, the change runs again on the new state (see
        `Store.write`), so print only after this returns."""
        with self.store() as store:
            return store.write(change)
