"""The database: engine, sessions and the queries the rest of the tool asks.

SQLite (the embedded default) runs in WAL mode with a busy timeout, so two commands
at once never lose a write; PostgreSQL is used by URL for a shared team instance.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session, SQLModel, create_engine

from . import model  # noqa: F401  (registers the tables)
from .errors import ConfigError


class Store:
    def __init__(self, url: str, busy_timeout: float = 30.0):
        self.url = url
        self.engine = make_engine(url, busy_timeout)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session that commits when the block ends cleanly and rolls back otherwise."""
        with Session(self.engine, expire_on_commit=False) as s:
            try:
                yield s
                s.commit()
            except BaseException:
                s.rollback()
                raise

    def create_schema(self) -> None:
        SQLModel.metadata.create_all(self.engine)

    def dispose(self) -> None:
        self.engine.dispose()


def open_store(config) -> Store:
    """The store a command uses: URL and busy timeout from `config`, schema up to date."""
    store = Store(config.database_url(), config.database.busy_timeout)
    store.create_schema()
    return store


def make_engine(url: str, busy_timeout: float = 30.0) -> Engine:
    try:
        u = make_url(url)
    except Exception:
        raise ConfigError(
            f"database URL {url!r} is not valid; use sqlite:///path/to/toezegging.db "
            "or postgresql+psycopg://user@host/dbname."
        ) from None
    if u.get_backend_name() == "sqlite":
        if u.database and u.database != ":memory:":
            Path(u.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": busy_timeout})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute(f"PRAGMA busy_timeout={int(busy_timeout * 1000)}")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

        return engine
    return create_engine(url, pool_pre_ping=True)
