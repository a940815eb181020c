"""`toezegging demo`: the whole job, start to finish, in a folder of its own.

In a fresh folder it writes its own config (SQLite in the folder, mail to `.eml` files
in the folder), finds the promises in a cabinet letter shipped with the package, adds
a few by hand (`data/demo/promises.toml`: one long overdue, one fulfilled, one
postponed twice), builds the feeds, runs one reminder tick and writes the register's
pages as a static site (`site/`); `serve --today` shows the same pages live.

The demo lives at a fixed moment, `MOMENT`, chosen against the windows: on 1 December
2026 at 08:00 the promises "voor de zomer" of the letter are overdue and those "voor
eind 2026" are exactly 30 days from their deadline, so the tick writes both kinds of
mail. The same run gives the same promises, feeds and mails on any day.

It never reads the user's config or database: the store is opened on the folder's own
SQLite file by path, so neither `--config`, `TOEZEGGING_CONFIG` nor
`TOEZEGGING_DATABASE_URL` reaches it.

Imports inside functions are marked `(start-up)`: `toezegging --help` loads this module,
and must not load the ORM, the mail or the feeds with it.
"""

import shutil
import tomllib
from dataclasses import dataclass, field
from datetime import date, datetime, time
from email.parser import BytesHeaderParser
from email.policy import default as default_policy
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from .errors import InvalidInput
from .status import Status

if TYPE_CHECKING:
    from sqlmodel import Session

    from .config import Config
    from .model import Promise
    from .store import Store

DEFAULT_DIR = "toezegging-demo"
MARKER = ".toezegging-demo"  # marks a folder the demo made: the only kind --force removes
TIMEZONE = "Europe/Amsterdam"
MOMENT = datetime(2026, 12, 1, 8, 0, tzinfo=ZoneInfo(TIMEZONE))
OWNER = "demo@example.org"

CONFIG = f"""\
# Written by `toezegging demo`: a register of its own, apart from your real one.
# Relative paths are read relative to this file. Delete the folder when done.
language = "nl"

[database]
url = "sqlite:///toezegging.db"

[mail]
transport = "file"
folder = "mail"
from = "Toezeggingen (demo) <toezegging@example.org>"
to = ["{OWNER}"]

[reminders]
timezone = "{TIMEZONE}"

[server]
host = "127.0.0.1"
port = 8000

[paths]
feeds = "feeds"
"""


@dataclass
class Mail:
    path: Path
    promise_id: int
    kind: str
    subject: str


@dataclass
class Report:
    folder: Path
    config_path: Path
    letter: Path
    moment: datetime
    from_letter: list = field(default_factory=list)  # model.Promise rows
    by_hand: list = field(default_factory=list)
    feeds: list[tuple[Path, int]] = field(default_factory=list)
    mails: list[Mail] = field(default_factory=list)
    site: Path | None = None  # the static site's overview page
    url: str = ""  # where `serve` shows the overview


@dataclass(frozen=True)
class Letter:
    """The cabinet letter the demo reads (`[letter]` in data/demo/promises.toml)."""

    file: str  # shipped beside promises.toml
    date: date  # the day its time phrases are read at
    source: str  # where the promises found in it were made
    tags: list[str]


def _data(name: str) -> Traversable:
    return resources.files("toezegging").joinpath("data", "demo", name)


@cache
def _shipped() -> dict[str, Any]:
    return tomllib.loads(_data("promises.toml").read_text(encoding="utf-8"))


def letter() -> Letter:
    return Letter(**_shipped()["letter"])


def make_folder(folder: Path, force: bool) -> None:
    """Create `folder` for the demo; an earlier demo there is replaced only with `force`."""
    if folder.exists() and not folder.is_dir():
        raise InvalidInput(f"{folder} is a file; give the demo a folder with --dir PATH.")
    if folder.is_dir() and any(folder.iterdir()):
        if not (folder / MARKER).is_file():
            raise InvalidInput(
                f"{folder} already exists and was not made by the demo; choose another "
                "folder with --dir PATH (--force only replaces a folder the demo made)."
            )
        if not force:
            raise InvalidInput(
                f"{folder} already holds a demo. Look at it as it is, or run the demo again "
                "with --force to wipe that folder and start afresh."
            )
        if folder.is_symlink():
            raise InvalidInput(f"{folder} is a symbolic link; give the real folder with --dir.")
        try:
            shutil.rmtree(folder)
        except OSError as e:
            raise InvalidInput(f"cannot remove {folder}: {e.strerror}.") from None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / MARKER).write_text(
            "Made by `toezegging demo`; `demo --force` may remove this folder.\n", encoding="utf-8"
        )
    except OSError as e:
        raise InvalidInput(f"cannot create the demo folder {folder}: {e.strerror}.") from None


def _moment(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=ZoneInfo(TIMEZONE))


def add_from_letter(session: "Session", text: str) -> "list[Promise]":
    """Every promise the extractor finds in the letter, added as `extract --yes` would."""
    from .extract import find_promises  # noqa: PLC0415 (start-up)
    from .promises import add_promise, from_proposal  # noqa: PLC0415 (start-up)

    shipped = letter()
    added = []
    for p in find_promises(text, shipped.date):
        promise = from_proposal(
            p,
            reference=shipped.date,
            today=MOMENT.date(),
            now=_moment(shipped.date),
            fields={"source": shipped.source, "tags": list(shipped.tags), "owner": OWNER},
        )
        added.append(add_promise(session, promise))
    return added


def add_by_hand(session: "Session", entries: list[dict]) -> "list[Promise]":
    """The hand-written promises, with their postponements and closing."""
    from .promises import Draft, add_promise, postpone, prepare, set_status  # noqa: PLC0415 (start-up)

    added = []
    for e in entries:
        fields = {
            k: e[k]
            for k in ("by", "function", "ministry", "to", "fraction", "source", "tags", "notes")
            if k in e
        }
        draft = Draft(
            text=e["text"],
            deadline=e["deadline"],
            reference=e["reference"],
            fields={**fields, "owner": OWNER},
        )
        p = add_promise(session, prepare(draft, today=MOMENT.date(), now=_moment(e["reference"])))
        for change in e.get("postponed", []):
            postpone(
                session,
                p.stored_id,
                change["deadline"],
                today=change["on"],
                now=_moment(change["on"]),
                reason=change.get("reason"),
            )
        if "fulfilled" in e:
            on = e["fulfilled"]["on"]
            set_status(
                session,
                p.stored_id,
                Status.FULFILLED,
                today=on,
                now=_moment(on),
                letter=e["fulfilled"].get("letter"),
            )
        added.append(p)
    return added


def build_feeds(store: "Store", config: "Config", out: Path, today: date) -> list[tuple[Path, int]]:
    from . import feed_queries  # noqa: PLC0415 (start-up)
    from . import feeds as feed_core  # noqa: PLC0415 (start-up)

    out.mkdir(parents=True, exist_ok=True)
    with store.session() as s:
        promises, counts = feed_queries.load_promises(s)
        history = feed_queries.recurring_history(s)
    written = []
    for feed in config.feeds:
        path = out / f"{feed.name}.ics"
        path.write_bytes(
            feed_core.build(promises, counts, feed, today=today, language=config.language, history=history)
        )
        written.append((path, len(feed_core.select(promises, feed, today))))
    return written


def build_site(store: "Store", config: "Config", out: Path, today: date) -> Path:
    """The register's pages as a static site in `out`; returns its overview page."""
    from . import feed_queries  # noqa: PLC0415 (start-up)
    from .pages.site import files  # noqa: PLC0415 (start-up)

    with store.session() as s:
        promises, counts = feed_queries.load_promises(s)
        changes = feed_queries.load_changes(s)
    for rel, data in files(promises, counts, changes, config, today=today).items():
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return out / "index.html"


def read_mails(folder: Path) -> list[Mail]:
    out = []
    parser = BytesHeaderParser(policy=default_policy)
    for path in sorted(folder.glob("*.eml")):
        with path.open("rb") as f:
            h = parser.parse(f)
        out.append(Mail(path, int(h["X-Toezegging-Promise"]), str(h["X-Toezegging-Kind"]), str(h["Subject"])))
    return sorted(out, key=lambda m: (m.promise_id, m.kind))


def run(folder: Path | str, *, force: bool = False) -> Report:
    """Make the demo in `folder` (see the module's docstring); returns what it did."""
    from .config import parse_config  # noqa: PLC0415 (start-up)
    from .delivery import tick  # noqa: PLC0415 (start-up)
    from .store import Store  # noqa: PLC0415 (start-up)

    folder = Path(folder).expanduser().absolute()
    make_folder(folder, force)
    config_path = folder / "toezegging.toml"
    config_path.write_text(CONFIG, encoding="utf-8")
    config = parse_config(CONFIG, config_path)
    shipped = letter()
    letter_path = folder / shipped.file
    letter_path.write_bytes(_data(shipped.file).read_bytes())
    entries = _shipped()["promise"]

    report = Report(folder, config_path, letter_path, MOMENT)
    # By path, never through config.database_url(): TOEZEGGING_DATABASE_URL must not reach it.
    store = Store(f"sqlite:///{folder / 'toezegging.db'}", config.database.busy_timeout)
    try:
        store.create_schema()
        with store.session() as s:
            report.from_letter = add_from_letter(s, letter_path.read_text(encoding="utf-8"))
            report.by_hand = add_by_hand(s, entries)
        feeds = config.feeds_dir()
        assert feeds is not None  # CONFIG names it
        report.feeds = build_feeds(store, config, feeds, MOMENT.date())
        tick(store, config, MOMENT)
        report.site = build_site(store, config, folder / "site", MOMENT.date())
    finally:
        store.dispose()
    report.mails = read_mails(config.resolve(config.mail.folder))
    report.url = f"http://{config.server.host}:{config.server.port}/"
    return report
