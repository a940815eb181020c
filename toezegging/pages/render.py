"""Rendering the pages: the jinja2 environment, the words of each language, the way
dates and states are said, and the links between pages (served, or files on disk).

Templates live in `templates/` (autoescaped HTML, `StrictUndefined`), the words in
`words.toml`, the CSS and JS in `static/`.
"""

import hashlib
import tomllib
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from .. import recurrence as rules
from ..lang import month_names
from ..model import ChangeKind, formal_source
from ..status import Status
from ..status import name as status_name
from ..status import names as status_names
from .register import CLOSED, Item

if TYPE_CHECKING:
    from ..model import DeadlineChange, Promise

ASSETS = ("style.css", "app.js")


@cache
def words(language: str) -> dict:
    """The page words of `language`, with the month names (their home is
    lang/<language>.toml); the overview's "show" filter offers the closed statuses by their
    names (data/statuses.toml)."""
    text = resources.files("toezegging.pages").joinpath("words.toml").read_text("utf-8")
    w = tomllib.loads(text)[language]
    names = status_names(language)
    show = {**w["show"], **{s: names[s] for s in CLOSED}}
    return {**w, "months": list(month_names(language)), "show": show}


@cache
def asset(name: str) -> bytes:
    return resources.files("toezegging.pages").joinpath("static", name).read_bytes()


@cache
def _version(name: str) -> str:
    """A short hash of an asset, so a browser fetches it again when it changed."""
    return hashlib.sha256(asset(name)).hexdigest()[:10]


@cache
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("toezegging.pages", "templates"),
        autoescape=select_autoescape(
            enabled_extensions=("html", "html.j2", "svg.j2"), default_for_string=True, default=True
        ),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render(template: str, **context: Any) -> str:
    return _environment().get_template(template).render(**context)


@dataclass(frozen=True)
class Links:
    """Relative links from one page to the others, so the pages work under any prefix
    and as files opened from disk.

    Served, the pages are `/`, `/promises/ID`, `/ministries/SLUG` and `/feeds`; on disk
    they are `index.html` (`index-N.html` for page N), `promises/ID.html`,
    `ministries/SLUG.html` and `feeds.html`. `depth` is how many folders below the top
    the current page is.
    """

    static: bool = False
    depth: int = 0

    def at(self, depth: int) -> "Links":
        return Links(self.static, depth)

    @property
    def _root(self) -> str:
        return "../" * self.depth

    def _page(self, path: str) -> str:
        return self._root + path + (".html" if self.static else "")

    def overview(self, query: str = "", page: int = 1) -> str:
        if self.static:
            return self._root + ("index.html" if page == 1 else f"index-{page}.html")
        return (self._root or "./") + (f"?{query}" if query else "")

    def promise(self, promise_id: int) -> str:
        return self._page(f"promises/{promise_id}")

    def ministry(self, slug: str) -> str:
        return self._page(f"ministries/{slug}")

    def feeds(self) -> str:
        return self._page("feeds")

    def feed_file(self, name: str) -> str:
        return f"{self._root}feeds/{name}.ics"

    def asset(self, name: str) -> str:
        return f"{self._root}static/{name}?v={_version(name)}"


class Say:
    """How the pages say dates, windows and states, in the words of one language."""

    def __init__(self, language: str) -> None:
        self.language = language
        self.t = words(language)

    def day(self, d: date | None) -> str:
        if d is None:
            return self.t["no_window"]
        return f"{d.day} {self.t['months'][d.month - 1]} {d.year}"

    def window(self, p: "Promise") -> str:
        if p.open_ended:
            return self.t["no_window"]
        return self.span(p.earliest, p.latest)

    def span(self, earliest: date | None, latest: date | None) -> str:
        if latest is None:
            return self.t["no_window"]
        if earliest and earliest != latest:
            return self.t["window_range"].format(earliest=self.day(earliest), latest=self.day(latest))
        return self.day(latest)

    def recurrence(self, p: "Promise", changes: "list[DeadlineChange]", today: date) -> str:
        """A recurring promise's rule in words, with its next deadline while it is open
        ("herhaalt elk jaar; eerstvolgende: 22 januari 2027")."""
        upcoming = (
            rules.upcoming(p.recurrence, p.latest, today, rules.fulfilled(changes))
            if p.status == Status.OPEN
            else None
        )
        words = rules.in_words(p.recurrence, self.language, self.day(upcoming) if upcoming else None)
        return self.t["recurring"].format(what=words) if words else ""

    @staticmethod
    def source(p: "Promise") -> str:
        """The source as formal text names it: never a bare file name."""
        return formal_source(p.source)

    def number(self, x: float) -> str:
        """A number as the language writes it: 199.5 is '199,5' in Dutch."""
        text = f"{x:.1f}".removesuffix(".0")
        return text.replace(".", ",") if self.language == "nl" else text

    def moved(self, n: int) -> str:
        return self.count(self.t["moved"], n)

    @staticmethod
    def count(forms: list[str], n: int) -> str:
        """`n` in the form for none, one or more ("nooit", "1 keer", "{n} keer")."""
        return forms[min(n, 2)].format(n=n)

    def status(self, status: str) -> str:
        return status_name(status, self.language)

    def state(self, item: Item, today: date) -> str:
        """The state of a promise in a few words: overdue since, due in, waiting, closed."""
        p = item.p
        if item.overdue:
            return self.t["overdue_since"].format(day=self.day(p.latest))
        if item.waiting:
            return self.t["waiting"]
        if not item.is_open:
            return self.status(p.status)
        assert p.latest is not None  # open and not waiting: it has a window
        days = (p.latest - today).days
        if days == 0:
            return self.t["due_today"]
        return self.t["due_in"].format(n=days)

    def kind(self, change: Any) -> str:
        return self.t["kinds"].get(getattr(change, "kind", None) or ChangeKind.POSTPONEMENT, "")
