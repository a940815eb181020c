"""Shell completion of the register's own values: promise ids (with their text as help),
tags, event names, feed names and ministries (click's `shell_complete`; the README's
"Shell completion" says how to switch it on).

It runs on every Tab, so it is quick and harmless: the register is opened read-only and
never created or migrated. A SQLite file is read with the standard library alone (no
SQLAlchemy, whose import alone would cost a Tab a third of a second); PostgreSQL through
SQLAlchemy Core, one query. A missing file, an old schema or any other failure offers
nothing rather than an error in the middle of the user's command line.
"""

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import click
from click.shell_completion import CompletionItem

from .format import cut, one_line

if TYPE_CHECKING:
    from ..config import Config

HELP_WIDTH = 60


def _config(ctx: click.Context) -> "Config":
    from ..config import load_config  # here for start-up time (a Tab loads little)

    return load_config(ctx.find_root().params.get("config_path"))


def _sqlite_file(url: str) -> Path | None:
    """The file of a `sqlite:///PATH` URL (as `Config.database_url` gives it), else None."""
    if not url.startswith("sqlite:///"):
        return None
    path = url[len("sqlite:///") :].partition("?")[0]
    return Path(path).expanduser() if path and path != ":memory:" else None


def _rows(ctx: click.Context, sql: str) -> list[tuple]:
    """The rows `sql` selects from the register, read-only; [] when it cannot be read."""
    import sqlite3  # here for start-up time: only a Tab reads the register this way

    try:
        url = _config(ctx).database_url()
        if url.startswith("sqlite"):
            path = _sqlite_file(url)
            if path is None or not path.is_file():
                return []  # never create a database on a Tab
            conn = sqlite3.connect(f"file:{quote(str(path.resolve()))}?mode=ro", uri=True, timeout=1)
            try:
                conn.execute("PRAGMA query_only=ON")
                return conn.execute(sql).fetchall()
            finally:
                conn.close()
        from sqlalchemy import create_engine, text  # here for start-up time: PostgreSQL only

        engine = create_engine(
            url, connect_args={"connect_timeout": 2} if url.startswith("postgresql") else {}
        )
        try:
            with engine.connect() as pg:
                return [tuple(r) for r in pg.execute(text(sql))]
        finally:
            engine.dispose()
    except Exception:  # a Tab never fails loudly
        return []


def _help(text: Any) -> str:
    return cut(one_line(str(text or "")), HELP_WIDTH)


def promise_ids(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """The ids of the promises in the register (not removed ones), with their text as help."""
    want = incomplete.lstrip("#")
    rows = _rows(ctx, "SELECT id, text, status FROM promise WHERE deleted_at IS NULL ORDER BY id")
    return [
        CompletionItem(str(i), help=_help(f"{text} [{status}]" if status != "open" else text))
        for i, text, status in rows
        if str(i).startswith(want)
    ]


def tags(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """The tags in use in the register."""
    found: set[str] = set()
    for (value,) in _rows(ctx, "SELECT tags FROM promise WHERE deleted_at IS NULL"):
        try:
            found.update(
                t
                for t in (json.loads(value) if isinstance(value, str) else value or [])
                if isinstance(t, str)
            )
        except ValueError:
            continue
    low = incomplete.lower()
    return [CompletionItem(t) for t in sorted(found) if t.lower().startswith(low)]


def event_names(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """The names of the shared events promises are linked to (`event link --as`)."""
    rows = _rows(
        ctx,
        "SELECT DISTINCT event_name FROM promise "
        "WHERE event_name IS NOT NULL AND deleted_at IS NULL ORDER BY event_name",
    )
    low = incomplete.lower()
    return [CompletionItem(name) for (name,) in rows if name.lower().startswith(low)]


def feed_names(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """The feeds of the config, with their titles as help."""
    try:
        feeds = _config(ctx).feeds
    except Exception:
        return []
    return [
        CompletionItem(f.name, help=_help(f.title + (" (private)" if f.private else "")))
        for f in feeds
        if f.name.startswith(incomplete)
    ]


def ministry_names(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """The ministries: their abbreviations, with the name as help (the names themselves
    where what is typed starts no abbreviation)."""
    from .. import ministries  # here for start-up time

    low = incomplete.casefold()
    short, long = [], []
    for m in ministries.table().ministries:
        matching = [a for a in m.abbreviations if a.casefold().startswith(low)]
        short += [CompletionItem(a, help=m.name) for a in (matching if low else matching[:1])]
        if low and not matching and m.name.casefold().startswith(low):
            long.append(CompletionItem(m.name, help=m.abbreviations[0] if m.abbreviations else None))
    return short + long
