"""The database as a file or a server, before and around the store's work: its URL with the
password masked, the checks before a SQLite file is opened (its folder, a zero-length
leftover, a read-only file or disk), and the message for each failure of the database that
is not a bug (busy, disk full, read-only, damaged, gone).

For `store.py` (and the CLI's error seam, `describe_failure`); it imports nothing of the
store, so the store can use it freely.
"""

import os
import re
import shutil
import sqlite3
import time
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import create_engine
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

from .errors import ConfigError, StoreUnreachable

# ----------------------------------------------------------------------------- files


def cannot_open(url: str, e: Exception) -> ConfigError:
    """The error for a database that cannot be opened: `StoreUnreachable` when waiting may
    help (a server that does not answer, a lock held past busy_timeout; the scheduler waits
    for it), else `ConfigError` (a damaged, read-only or foreign database is the user's)."""

    path = sqlite_path(url)
    found = _failure(e, path)
    if found is None:
        message = (
            f"cannot open the database {safe_url(url)}: {first_line(e)}. "
            "Check [database] url in the config or TOEZEGGING_DATABASE_URL."
        )
        transient = isinstance(e, OperationalError | InterfaceError)
    else:
        message, transient = found
        message = message.replace("the database", f"the database {path or safe_url(url)}", 1)
    return (StoreUnreachable if transient else ConfigError)(scrub(message, url))


def cannot_write(e: Exception, path: Path) -> bool:
    """Whether opening `path` failed because this user cannot write it or its folder."""
    words = str(getattr(e, "orig", e))
    if "readonly database" in words or "read-only file system" in words:
        return True
    return "unable to open database file" in words and not (
        os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)
    )


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL (None for PostgreSQL, an in-memory database or a bad URL)."""
    try:
        u = make_url(url)
    except Exception:
        return None
    if u.get_backend_name() != "sqlite" or not u.database or u.database == ":memory:":
        return None
    if u.database.startswith("file:"):  # a URI filename (uri=true); leave it to SQLite
        return None
    return Path(u.database).expanduser()


def check_sqlite_file(path: Path, default: bool) -> None:
    """Before SQLite opens `path`: the folder exists (the default one is created) and the
    file, if there is one, is not zero-length (a failed copy would silently become a new,
    empty register)."""
    if default:
        path.parent.mkdir(parents=True, exist_ok=True)
        return
    if not path.parent.is_dir():
        raise ConfigError(
            f"the folder {path.parent} does not exist, so the database {path} cannot be made "
            "there. Create the folder, or correct [database] url in the config or "
            "TOEZEGGING_DATABASE_URL."
        )
    if path.is_file() and _zero_length(path):
        raise ConfigError(
            f"the database file {path} is empty (0 bytes): it holds no register (a copy or a "
            "disk that failed?). Restore the register (see 'Restoring a register' in the "
            "README), or delete the empty file to start a new register there."
        )


def _zero_length(path: Path, grace: float = 1.0) -> bool:
    """Whether `path` is and stays zero-length: a file just made by another process that is
    creating the database grows within moments, so a young one is watched for a while."""
    deadline = time.monotonic() + grace
    while True:
        st = path.stat()
        if st.st_size:
            return False
        if time.time() - st.st_mtime > 2 * grace or time.monotonic() > deadline:
            return True
        time.sleep(0.05)


def read_only_engine(path: Path, busy_timeout: float) -> Engine:
    """SQLite opened read-only: `mode=ro`, and where even that fails because the WAL index
    cannot be made beside the file (a read-only folder or disk, where nobody can be writing
    it), `immutable=1`. Every connection is also `query_only`."""

    base = f"file:{quote(str(path.resolve()))}?mode=ro"
    try:
        sqlite3.connect(base, uri=True).execute("SELECT count(*) FROM sqlite_master").close()
        uri = base
    except sqlite3.OperationalError:
        uri = base + "&immutable=1"

    def connect() -> sqlite3.Connection:
        conn = sqlite3.connect(uri, uri=True, timeout=busy_timeout, check_same_thread=False)
        conn.execute("PRAGMA query_only=ON")
        return conn

    return create_engine("sqlite://", creator=connect)


def unique_violation(e: Exception) -> bool:
    """Whether a database error is a unique constraint refusing a second equal value."""
    orig = getattr(e, "orig", e)
    return getattr(orig, "sqlstate", None) == "23505" or "UNIQUE constraint failed" in str(orig)


# ----------------------------------------------------------------------------- failures

RESTORE_HINT = "Restore it from a backup or an export: see 'Restoring a register' in the README."
BUSY = (
    "the database is busy: another program held a lock on it for longer than [database] "
    "busy_timeout; nothing was written. Try again, or raise busy_timeout in the config."
)
READ_ONLY = (
    "the database is read-only for this user (or on a read-only disk); nothing was written. "
    "Commands that only read (list, show, export, draft, outbox, stats, calendar, feeds "
    "build, serve) still work; to change the register, make the database file and its "
    "folder writable."
)
# (SQLite's words or PostgreSQL's SQLSTATE, what the user reads); the first that matches wins.
FAILURES = (
    (("database is locked", "database table is locked", "55P03"), BUSY),
    (
        ("database or disk is full", "53100"),
        "the disk that holds the database is full; nothing was written. Free some space and "
        "run the command again.",
    ),
    (("attempt to write a readonly database", "25006"), READ_ONLY),
    (
        ("database disk image is malformed", "file is not a database"),
        f"the database is damaged ({{cause}}); nothing was written. {RESTORE_HINT}",
    ),
    (
        ("disk I/O error",),
        "the database could not be read or written (disk I/O error); nothing was written. "
        "Check the disk and the file's permissions.",
    ),
)


def describe_failure(e: BaseException, generic: bool = True, path: Path | None = None) -> str | None:
    """A clear message for a database failure that is not a bug (a lock held too long, a full
    disk, a read-only or damaged file, and with `generic` any other failure of the database
    itself, such as a lost connection), or None for anything else. `path`, the SQLite file,
    tells a full disk from other I/O errors (SQLite cannot always tell them apart)."""

    found = _failure(e, path)
    if found is not None:
        return found[0]
    if generic and isinstance(e, OperationalError):  # the database went away, refused us, ...
        return f"the database failed: {first_line(e)}; nothing was written. Try again."
    return None


def _failure(e: BaseException, path: Path | None) -> tuple[str, bool] | None:
    """(message, whether waiting may help) for a failure in `FAILURES`, else None."""

    if not isinstance(e, DBAPIError):
        return None
    orig = getattr(e, "orig", None)
    words = f"{orig} {getattr(orig, 'sqlstate', '') or ''}"
    if "disk I/O error" in words and path is not None:
        try:
            if shutil.disk_usage(path.parent).free < 1 << 20:
                words = "database or disk is full"
        except OSError:
            pass
    for keys, message in FAILURES:
        if any(k in words for k in keys):
            return message.format(cause=first_line(e)), message is BUSY
    return None


def first_line(e: Exception) -> str:
    return (str(getattr(e, "orig", None) or e).strip().splitlines() or [type(e).__name__])[0]


def safe_url(url: str) -> str:
    """`url` with its password masked, also when it does not parse as a URL: the part
    between the user name and the last '@' of the address, and a `password=` parameter."""
    head, sep, query = url.partition("?")
    scheme, has_scheme, rest = head.partition("://")
    if not has_scheme:
        scheme, rest = "", head
    user_info, at, host = rest.rpartition("@")
    if at and ":" in user_info:
        rest = user_info.split(":", 1)[0] + ":***@" + host
    shown = (scheme + "://" if has_scheme else "") + rest
    if sep:
        query = re.sub(r"(^|&)((?:password|passwd|pwd)=)[^&]*", r"\1\2***", query, flags=re.I)
        shown += "?" + query
    return shown


def scrub(message: str, url: str) -> str:
    """`message` without the password of `url` in it (a driver may quote its connection)."""
    try:
        password = make_url(url).password
    except Exception:
        password = None
    return message.replace(str(password), "***") if password else message
