"""The database: engine, sessions, schema migrations and the queries the rest of the tool asks.

SQLite (the embedded default) runs in WAL mode with a busy timeout, so two commands
at once never lose a write; PostgreSQL is used by URL for a shared team instance.
The schema is kept by Alembic (`toezegging/migrations/`); `open_store` brings a
database up to the newest revision before a command uses it, so an upgrade of the tool
keeps a user's data.

For other modules:
- `open_store(config) -> Store`: the store a command uses (URL and busy timeout from
  the config, schema up to date); `with open_store(config) as store:` closes it when the
  block ends. `with store.session() as s:` commits on success.
- `open_store(config, read_only=True)` for commands that only read: a SQLite file this
  user cannot write still opens (read-only). Before a SQLite file is used, its folder must
  exist (only the default one is created), a zero-length file is refused and
  `PRAGMA quick_check` must pass; a schema this version did not make, or a newer one, is
  refused naming the cause (`database.py` holds these checks and the failure messages).
- Text with NUL or a lone surrogate never reaches a store (`check_storable`, and a
  before-flush guard on every session).
- `get_promise(session, id) -> Promise`: raises `errors.NotFound` with a helpful message.
- `query_promises(session, *, status=None, ministry=None, tag=None, owner=None,
  overdue=None, today=None, due_within_days=None, search=None) -> list[Promise]`:
  filters in SQL, sorted by `latest` (promises without a date, events, last), then id.
  `status`, `ministry`, `tag` and `owner` take one value or a list (any of them
  matches); `status=None` or `"all"` means every status. `ministry` selects by
  `ministries.select`: an abbreviation, a name, a former name in any case, or whole
  words of one ("onderwijs"); `tag` and `owner` match exactly (case-insensitively).
  `overdue=True` keeps open promises whose `latest` is before `today`; `False` the
  others. `due_within_days=N` keeps promises with `today <= latest <= today + N`.
  `search` looks for a piece of text in the text, deadline, people, source and notes.
  `waiting=True` keeps the promises that wait on an event without a date (no window yet).
  `today` is required with `overdue` or `due_within_days` (time is a parameter).
- `history(session, promise_id) -> list[DeadlineChange]`, in the order they were stored
  (by id, not by `changed_at`: two processes' clocks need not agree with the order in
  which their changes were committed, and the chain of changes follows the commits).
- `Store.write(change)`: run `change(session)` in a transaction, rerun when another
  process changed the same promise first (see `model.PROMISE_REVISION`).
"""

import json
import random
import re
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from sqlalchemy import ColumnElement, Text, cast, event, func, inspect, or_, text
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.exc import DatabaseError, IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, col, create_engine, select

from . import ministries, model  # noqa: F401  (model registers the tables)
from .config import default_database_url
from .database import (
    READ_ONLY,
    RESTORE_HINT,
    cannot_open,
    cannot_write,
    check_sqlite_file,
    read_only_engine,
    safe_url,
    sqlite_path,
    unique_violation,
)
from .errors import ConfigError, Conflict, Hint, InvalidInput, NotFound
from .model import DeadlineChange, Promise, Status, overdue_clause

if TYPE_CHECKING:
    from alembic.config import Config as AlembicConfig

    from .config import Config

MIGRATIONS = "toezegging:migrations"
# The largest id or revision: the columns are INTEGER, 32 bits on PostgreSQL.
MAX_INT = 2**31 - 1
T = TypeVar("T")
# What no store keeps: NUL (PostgreSQL refuses it, SQLite would keep it) and lone surrogates
# (halves of a UTF-16 pair, which are no characters and cannot be written as UTF-8).
UNSTORABLE = re.compile(r"[\x00\ud800-\udfff]")


def unstorable(value: str) -> str | None:
    """Why `value` cannot be stored (a NUL or a lone surrogate in it), or None when it can."""
    m = UNSTORABLE.search(value)
    if m is None:
        return None
    if m.group() == "\x00":
        return "holds a NUL character (U+0000), which cannot be stored; remove it"
    return (
        f"holds U+{ord(m.group()):04X}, half of a surrogate pair and no character "
        "(text that was not valid UTF-8?); remove it, or save the text as UTF-8"
    )


def check_storable(value: T, what: str) -> T:
    """`value` (text, or a list of texts) unchanged; `InvalidInput` naming `what` if unstorable."""
    for v in value if isinstance(value, list | tuple) else (value,):
        if isinstance(v, str) and (why := unstorable(v)):
            raise InvalidInput(f"{what} {why}.")
    return value


def _refuse_unstorable(session: Session, _context: object, _instances: object) -> None:
    """The last guard before a write: no text with NUL or a lone surrogate reaches a store."""
    for obj in (*session.new, *session.dirty):
        table = getattr(obj, "__tablename__", None)
        if table is None:
            continue
        for column in obj.__table__.columns:
            value = getattr(obj, column.key, None)
            if isinstance(value, str | list):
                check_storable(value, f"the {column.key} of the {table.replace('_', ' ')}")


CHANGED_MEANWHILE = (
    "the promise was changed by someone else at the same moment, after this command read it; "
    "nothing was written. Run the command again to apply it to the promise as it is now."
)


class Store:
    """A database with its engine: sessions, retried writes, schema checks.

    A context manager: `with open_store(config) as store:` disposes of it at the end of
    the block, however the block ends (`dispose()` does the same by hand)."""

    def __init__(self, url: str, busy_timeout: float = 30.0, read_only: bool = False) -> None:
        self.url = url
        self.busy_timeout = busy_timeout
        self.read_only = read_only
        self.engine = make_engine(url, busy_timeout, read_only)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session that commits when the block ends cleanly and rolls back otherwise.

        A change to a promise that another process changed since it was read (the revision
        check of `model.PROMISE_REVISION` failed), or a unique value (a register number)
        stored by another process meanwhile, raises `Conflict`, with nothing written.
        """

        with Session(self.engine, expire_on_commit=False) as s:
            event.listen(s, "before_flush", _refuse_unstorable)
            try:
                yield s
                s.commit()
            except StaleDataError:
                s.rollback()
                raise Conflict(CHANGED_MEANWHILE) from None
            except IntegrityError as e:
                s.rollback()
                if not unique_violation(e):
                    raise
                what = "register number" if "number" in str(e.orig) else "record"
                raise Conflict(
                    f"another program stored the same {what} at the same moment; nothing was "
                    "written. Run the command again."
                ) from None
            except BaseException:
                s.rollback()
                raise

    def write(self, change: Callable[[Session], T], attempts: int = 12) -> T:
        """Run `change(session)` in a transaction and commit; its result.

        When another process wins a race, the whole change runs again on fresh data: it
        changed the same promise first (`Conflict`), or stored the same unique value (a
        register number) between our check and our write. The rerun checks again, so the
        loser of a race on a register number gets the plain "already promise N", and ten
        postponements at once become a history of ten, each starting where the last ended.
        """
        for attempt in range(attempts):
            try:
                with self.session() as s:
                    return change(s)
            except Conflict:
                pass
            time.sleep(random.uniform(0.005, 0.02) * 2 ** min(attempt, 5))
        raise Conflict(
            f"the promise kept being changed by others while this command tried {attempts} "
            "times; nothing was written. Run it again."
        )

    def create_schema(self) -> None:
        """Bring the schema up to the newest migration (creates it in an empty database)."""
        upgrade_schema(self.engine)

    def check(self) -> None:
        """`ConfigError` when a SQLite file is damaged (`PRAGMA quick_check`); a quick
        look at every page, run when a command starts."""
        if self.dialect != "sqlite":
            return
        with self.engine.connect() as conn:
            problems = [row[0] for row in conn.exec_driver_sql("PRAGMA quick_check(3)")]
        if problems != ["ok"]:
            where = sqlite_path(self.url) or safe_url(self.url)
            raise ConfigError(
                f"the database {where} is damaged (PRAGMA quick_check: {problems[0]}); "
                f"nothing was written. {RESTORE_HINT}"
            )

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def dispose(self) -> None:
        """Close the store's connections (the store cannot be used after)."""
        self.engine.dispose()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.dispose()


def open_store(config: "Config", *, read_only: bool = False) -> Store:
    """The store a command uses: URL and busy timeout from `config`, schema up to date.

    `read_only=True` is for commands that only read: a SQLite file this user cannot write
    (or on a read-only disk) is then opened read-only instead of refused. A SQLite file is
    checked first (its folder exists, unless it is the default one, which is created; it
    is not a zero-length leftover; `PRAGMA quick_check` finds it sound).
    """

    url = config.database_url()
    default = url == default_database_url()
    path = sqlite_path(url)
    if path is not None:
        check_sqlite_file(path, default)
    store = Store(url, config.database.busy_timeout)
    try:
        store.create_schema()
        store.check()
    except ConfigError:
        store.dispose()
        raise
    except Exception as e:
        store.dispose()
        if path is not None and path.exists() and cannot_write(e, path):
            if read_only:
                return _open_read_only(url, path, config.database.busy_timeout)
            raise ConfigError(READ_ONLY.replace("the database", f"the database {path}", 1)) from None
        raise cannot_open(url, e) from None
    return store


def _open_read_only(url: str, path: Path, busy_timeout: float) -> Store:
    store = Store(url, busy_timeout, read_only=True)
    try:
        store.check()
        current, head = current_revision(store.engine), head_revision()
        _check_revision(store.engine, current)
        if current != head:
            raise ConfigError(
                f"the database {path} is read-only and was made by an older version of "
                f"toezegging (revision {current}; this version needs {head}). Upgrading it "
                "needs write access once: make the file and its folder writable and run any "
                "command."
            )
    except ConfigError:
        store.dispose()
        raise
    except Exception as e:
        store.dispose()
        raise cannot_open(url, e) from None
    return store


def make_engine(url: str, busy_timeout: float = 30.0, read_only: bool = False) -> Engine:
    try:
        u = make_url(url)
    except Exception:
        raise ConfigError(
            f"database URL {safe_url(url)!r} is not valid; use sqlite:///path/to/toezegging.db "
            "or postgresql+psycopg://user@host/dbname."
        ) from None
    backend = u.get_backend_name()
    if backend == "sqlite" and read_only and u.database:
        return read_only_engine(Path(u.database).expanduser(), busy_timeout)
    if backend == "sqlite":
        engine = create_engine(url, connect_args={"timeout": busy_timeout})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: DBAPIConnection, _record: object) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute(f"PRAGMA busy_timeout={int(busy_timeout * 1000)}")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

        return engine
    if backend != "postgresql":
        raise ConfigError(
            f"database URL {safe_url(url)!r} names {backend!r}; toezegging runs on "
            "sqlite:///... or postgresql+psycopg://..."
        )
    try:
        engine = create_engine(url, pool_pre_ping=True)
    except ModuleNotFoundError:
        raise ConfigError(
            "PostgreSQL needs the psycopg driver: pip install 'toezegging[postgres]'."
        ) from None

    @event.listens_for(engine, "connect")
    def _pg_lock_timeout(dbapi_conn: DBAPIConnection, _record: object) -> None:
        # busy_timeout means on PostgreSQL what it means on SQLite: how long a write waits
        # for a lock another session holds before it gives up with a clear message.
        cur = dbapi_conn.cursor()
        cur.execute(f"SET lock_timeout = {max(1, int(busy_timeout * 1000))}")
        cur.close()
        dbapi_conn.commit()

    return engine


# ----------------------------------------------------------------------------- migrations
# Alembic is imported inside the functions that use it: a database already at the head
# revision opens without it (`_at_head` reads the version with one query), which keeps it
# out of every command's start-up.


def _alembic_config(connection: Connection | None = None) -> "AlembicConfig":
    from alembic.config import Config as AlembicConfig  # noqa: PLC0415 (start-up)

    cfg = AlembicConfig()
    cfg.set_main_option("script_location", MIGRATIONS)
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str | None:
    from alembic.script import ScriptDirectory  # noqa: PLC0415 (start-up)

    return ScriptDirectory.from_config(_alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext  # noqa: PLC0415 (start-up)

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def _check_revision(engine: Engine, current: str | None) -> None:
    """`ConfigError` for a schema this version cannot bring up to date: one made by a newer
    version of toezegging, or tables without Alembic's record of their revision."""
    from alembic.script import ScriptDirectory  # noqa: PLC0415 (start-up)
    from alembic.util.exc import CommandError  # noqa: PLC0415 (start-up)

    where = safe_url(engine.url.render_as_string(hide_password=False))
    if current is not None:
        try:
            ScriptDirectory.from_config(_alembic_config()).get_revision(current)
            return
        except CommandError:
            raise ConfigError(
                f"the database {where} was made by a newer version of toezegging (revision "
                f"{current}); this version knows revisions up to {head_revision()}. Upgrade "
                "toezegging (pip install -U toezegging) to use it."
            ) from None
    with engine.connect() as conn:
        tables = sorted(inspect(conn).get_table_names())
    if tables and "alembic_version" not in tables:
        shown = ", ".join(tables[:8]) + (", ..." if len(tables) > 8 else "")
        raise ConfigError(
            f"the database {where} holds tables ({shown}) but no alembic_version, the record "
            "of its schema's revision: it was not made by toezegging, or that record was "
            "removed. Point [database] url (or TOEZEGGING_DATABASE_URL) at a new database, "
            f"or restore the register. {RESTORE_HINT}"
        )


_REVISION = re.compile(r"^revision\s*=\s*['\"]([^'\"]+)['\"]", re.M)
_DOWN = re.compile(r"^down_revision\s*=\s*(?:None|['\"]([^'\"]+)['\"])\s*$", re.M)


def head_from_files() -> str | None:
    """The newest migration's revision, read from the `revision = ...` and
    `down_revision = ...` lines of `migrations/versions/` without importing Alembic (which
    costs a command a tenth of a second at start-up); None when those lines do not make
    one plain chain (a merge, an unusual file), and Alembic is asked instead."""
    revisions, downs = set(), set()
    try:
        for f in resources.files("toezegging.migrations").joinpath("versions").iterdir():
            if not f.name.endswith(".py"):
                continue
            source = f.read_text(encoding="utf-8")
            rev, down = _REVISION.search(source), _DOWN.search(source)
            if rev is None or down is None:
                return None
            revisions.add(rev.group(1))
            if down.group(1):
                downs.add(down.group(1))
    except OSError:
        return None
    heads = revisions - downs
    return heads.pop() if len(heads) == 1 and len(downs) == len(revisions) - 1 else None


def _at_head(engine: Engine) -> bool:
    """Whether the database's schema is at the newest revision, asked with one plain query
    (the common case: nothing to migrate, and Alembic is not imported)."""
    head = head_from_files()
    if head is None:
        return False
    try:
        with engine.connect() as conn:
            found = [row[0] for row in conn.exec_driver_sql("SELECT version_num FROM alembic_version")]
    except Exception:  # no such table (a new database), or a failure the full path reports
        return False
    return found == [head]


def upgrade_schema(engine: Engine, revision: str = "head") -> None:
    """Run the Alembic migrations up to `revision` (nothing to do when already there)."""
    if revision == "head" and _at_head(engine):
        return
    from alembic import command  # noqa: PLC0415 (start-up)

    head = head_revision() if revision == "head" else revision
    for attempt in range(6):
        current = current_revision(engine)
        if current == head:
            return
        _check_revision(engine, current)
        try:
            with engine.begin() as conn:
                if conn.dialect.name == "postgresql":
                    # Two processes opening a new database at once: one migrates, one waits.
                    conn.execute(text("SELECT pg_advisory_xact_lock(7203184)"))
                command.upgrade(_alembic_config(conn), revision)
            return
        except DatabaseError:
            # SQLite runs DDL outside a transaction: another process creating the same
            # new database wins the race ("table ... already exists"); wait for it.
            if attempt == 5 or engine.dialect.name != "sqlite":
                raise
            time.sleep(0.1 * 2**attempt)


# ----------------------------------------------------------------------------- queries

# Where the ids are: every promise, of any status (`list --status all` on the command line).
LIST_ALL = Hint("see the list of every promise, of any status", "list_all")


def get_promise(session: Session, promise_id: int | str) -> Promise:
    """The promise with this id, or `NotFound` saying how to find the right one."""
    try:
        pid = int(str(promise_id).strip().lstrip("#"))
    except ValueError:
        raise NotFound(
            f"'{promise_id}' is not a promise id; ids are numbers, {LIST_ALL}.", LIST_ALL
        ) from None
    p = session.get(Promise, pid) if 1 <= pid <= MAX_INT else None
    if p is None:
        raise NotFound(f"no promise with id {pid}; {LIST_ALL} for the ids.", LIST_ALL)
    return p


def history(session: Session, promise_id: int) -> list[DeadlineChange]:
    """The deadline changes of one promise, oldest first."""
    stmt = (
        select(DeadlineChange).where(DeadlineChange.promise_id == promise_id).order_by(col(DeadlineChange.id))
    )
    return list(session.exec(stmt))


def histories(session: Session, promise_ids: Iterable[int]) -> dict[int, list[DeadlineChange]]:
    """The deadline changes of many promises in one query, by promise id, oldest first."""
    ids = list(promise_ids)
    out: dict[int, list[DeadlineChange]] = {i: [] for i in ids}
    if not ids:
        return out
    for start in range(0, len(ids), 500):
        stmt = (
            select(DeadlineChange)
            .where(col(DeadlineChange.promise_id).in_(ids[start : start + 500]))
            .order_by(col(DeadlineChange.id))
        )
        for ch in session.exec(stmt):
            out[ch.promise_id].append(ch)
    return out


# A filter's value: one, or several (any of them matches).
Values = str | Iterable[str] | None
# The texts `search` looks in.
SEARCHED = (
    "text",
    "deadline",
    "by",
    "function",
    "ministry",
    "to",
    "fraction",
    "source",
    "kamerstuk",
    "number",
    "notes",
    "fulfilled_by",
)


def _values(v: Values) -> list[str]:
    if v is None:
        return []
    if isinstance(v, str):
        return [v]
    return [str(x) for x in v]


def _like_escape(s: str) -> str:
    return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def query_promises(
    session: Session,
    *,
    status: Values = None,
    ministry: Values = None,
    tag: Values = None,
    owner: Values = None,
    overdue: bool | None = None,
    today: date | None = None,
    due_within_days: int | None = None,
    search: str | None = None,
    waiting: bool | None = None,
) -> list[Promise]:
    """Promises matching every filter given, by deadline (see the module docstring)."""
    tags = _values(tag)
    where = [
        col(Promise.deleted_at).is_(None),
        *_of_status(_values(status)),
        *_of_ministry(_values(ministry)),
        *_of_owner(_values(owner)),
        *_of_tags(tags),
        *_of_time(overdue, today, due_within_days, waiting),
        *_of_search(search),
    ]
    stmt = (
        select(Promise)
        .where(*where)
        .order_by(col(Promise.latest).is_(None), col(Promise.latest), col(Promise.earliest), col(Promise.id))
    )
    found = list(session.exec(stmt))
    if tags:  # the LIKE of `_of_tags` may over-match a tag that contains a quote; check exactly
        wanted = {t.strip().lower() for t in tags}
        found = [p for p in found if wanted & {t.lower() for t in p.tags}]
    return found


def _of_status(statuses: list[str]) -> list[ColumnElement[bool]]:
    statuses = [s.lower() for s in statuses]
    if not statuses or "all" in statuses:
        return []
    unknown = [s for s in statuses if s not in {x.value for x in Status}]
    if unknown:
        raise InvalidInput(
            f"unknown status {unknown[0]!r}; use one of " + ", ".join(s.value for s in Status) + " or all."
        )
    return [col(Promise.status).in_(statuses)]


def _of_ministry(values: list[str]) -> list[ColumnElement[bool]]:
    """One name per ministry: a value selects ministries (see `ministries`); what selects
    none is matched as a piece of the stored name."""
    chosen = ministries.select(values)
    if not chosen:
        return []
    stored = func.lower(col(Promise.ministry))
    clauses = [stored.in_(sorted(chosen.stored_forms))] if chosen.names else []
    clauses += [stored.like(f"%{_like_escape(t)}%", escape="\\") for t in chosen.texts]
    return [or_(*clauses)]


def _of_owner(owners: list[str]) -> list[ColumnElement[bool]]:
    if not owners:
        return []
    return [func.lower(col(Promise.owner)).in_([o.lower() for o in owners])]


def _of_tags(tags: list[str]) -> list[ColumnElement[bool]]:
    """Tags are stored as a JSON list of lower-case strings: match the quoted tag."""
    if not tags:
        return []
    stored = cast(col(Promise.tags), Text)
    return [
        or_(*(stored.like(f"%{_like_escape(json.dumps(t.strip().lower()))}%", escape="\\") for t in tags))
    ]


def _of_time(
    overdue: bool | None, today: date | None, due_within_days: int | None, waiting: bool | None
) -> list[ColumnElement[bool]]:
    """Overdue or not, due within N days of `today`, waiting on an event without a date."""
    out = []
    if overdue is not None or due_within_days is not None:
        if today is None:
            raise ValueError("query_promises: pass today= with overdue or due_within_days")
        if overdue is not None:
            late = overdue_clause(col(Promise.status), col(Promise.latest), today)
            out.append(late if overdue else ~late)
        if due_within_days is not None:
            latest = col(Promise.latest)
            out += [latest >= today, latest <= today + timedelta(days=due_within_days)]
    if waiting:
        out += [col(Promise.latest).is_(None), col(Promise.kind) == "event"]
    return out


def _of_search(search: str | None) -> list[ColumnElement[bool]]:
    """A piece of text in any of the `SEARCHED` texts, in any case."""
    if not search or not search.strip():
        return []
    pattern = f"%{_like_escape(search.strip().lower())}%"
    return [or_(*(func.lower(getattr(Promise, name)).like(pattern, escape="\\") for name in SEARCHED))]


def find_by_number(session: Session, number: str) -> Promise | None:
    return session.exec(select(Promise).where(Promise.number == number)).first()


def promise_texts(session: Session) -> list[str]:
    """The text of every promise in the register, removed ones too (`extract` proposes
    none of them again)."""
    return list(session.exec(select(Promise.text)))


def fix_sequences(session: Session) -> None:
    """After rows were inserted with explicit ids (an import), move PostgreSQL's counter on."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            text(
                "SELECT setval(pg_get_serial_sequence('promise', 'id'), "
                "COALESCE((SELECT MAX(id) FROM promise), 0) + 1, false)"
            )
        )
