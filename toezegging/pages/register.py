"""The register as the pages see it: each promise with the facts a page shows, the
filters of the overview, its counts and a ministry's figures.

Pure: promise rows, their history rows and `today` go in; no clock, no database. The
caller decides which promises a reader may see (`web.py`: what the public feeds show,
or what a private feed shows).

History rows may carry a `kind` ("postponement", "correction", "event", "status");
only postponements count as moves and leave a ghost of the earlier deadline. A row
without a `kind` (an older schema) counts as a postponement.
"""

import re
import statistics
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from ..model import ChangeKind, is_overdue
from ..status import Status

if TYPE_CHECKING:
    from ..model import Promise

SOON_DAYS = 30
MOVED_OFTEN = 2
CLOSED = tuple(s.value for s in Status if s.closed)
# What the overview's "show" filter (query key `status`) can ask for; "open" is the default.
SHOW = (Status.OPEN.value, "overdue", "soon", "waiting", "moved", "all", *CLOSED)
DEFAULT_SHOW = Status.OPEN.value
NO_MINISTRY_SLUG = "none"


def is_move(change: Any) -> bool:
    """Whether a history row is a postponement (a row of an older schema has no kind)."""
    return getattr(change, "kind", None) in (None, ChangeKind.POSTPONEMENT)


def slugify(name: str) -> str:
    """A ministry's name as a path segment: 'Onderwijs, Cultuur en Wetenschap' ->
    'onderwijs-cultuur-en-wetenschap' (ASCII letters, digits and single hyphens)."""
    ascii_ = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_.lower()).strip("-")[:80]


@dataclass
class Item:
    """One promise with what the pages derive from it (on `today`)."""

    p: "Promise"  # a model.Promise (or anything with its attributes)
    changes: list  # its history rows, oldest first
    moves: int  # postponements
    ghosts: list[tuple[date | None, date]]  # the windows before each postponement
    windowed: bool  # has a window (an event without a date has none)
    overdue: bool
    soon: bool  # open and due within SOON_DAYS days
    waiting: bool  # open and without a window: waiting on an event
    ministry: str  # "" when unknown
    slug: str
    private: bool = False  # whether owner and notes may be searched
    _haystack: str | None = field(default=None, repr=False)

    @property
    def id(self) -> int:
        assert self.p.id is not None  # a promise of the register
        return self.p.id

    @property
    def latest(self) -> date:
        """The last day of the window (of an item with a window)."""
        assert self.p.latest is not None
        return self.p.latest

    @property
    def is_open(self) -> bool:
        return self.p.status == Status.OPEN

    @property
    def haystack(self) -> str:
        """The casefolded text the text filter searches (made on the first search)."""
        if self._haystack is None:
            p = self.p
            words = [
                p.text,
                p.deadline,
                p.current_deadline,
                p.by,
                p.function,
                p.ministry,
                p.to,
                p.fraction,
                p.source,
                p.kamerstuk,
                p.number,
                *(p.tags or ()),
            ]
            if self.private:
                words += [p.owner, p.notes]
            self._haystack = "\n".join(w for w in words if w).casefold()
        return self._haystack

    @property
    def promised_latest(self) -> date | None:
        """The deadline as first promised: before the first postponement, if any."""
        for c in self.changes:
            if is_move(c):
                return c.old_latest
        return self.p.latest


def _item(p: "Promise", changes: list, today: date, slug: str, private: bool) -> Item:
    d = getattr(p, "__dict__", {})  # a loaded row's values: faster than its descriptors

    def get(name: str) -> Any:
        return d[name] if name in d else getattr(p, name, None)

    latest, status = get("latest"), get("status")
    windowed = latest is not None and not get("open_ended")
    is_open = status == Status.OPEN
    moves = [c for c in changes if is_move(c)]
    ghosts = [(c.old_earliest, c.old_latest) for c in moves if c.old_latest is not None]
    return Item(
        p=p,
        changes=changes,
        moves=len(moves),
        ghosts=ghosts,
        windowed=windowed,
        overdue=windowed and is_overdue(status, latest, today),
        soon=is_open and windowed and today <= latest <= today + timedelta(days=SOON_DAYS),
        waiting=is_open and not windowed,
        ministry=(get("ministry") or "").strip(),
        slug=slug,
        private=private,
    )


@dataclass
class Filters:
    """The overview's filters, as they stand in the URL's query."""

    ministry: str = ""
    tag: str = ""
    show: str = DEFAULT_SHOW  # query key `status`
    owner: str = ""
    text: str = ""
    page: int = 1
    unknown_show: str = ""  # a `status` value that is not one of SHOW (shown as a notice)

    @classmethod
    def from_query(cls, params: Mapping[str, str], *, private: bool) -> "Filters":
        def get(key: str, limit: int = 200) -> str:
            return " ".join(str(params.get(key, "")).split())[:limit]

        show = get("status").lower() or DEFAULT_SHOW
        unknown = ""
        if show not in SHOW:
            unknown, show = show, DEFAULT_SHOW
        try:
            page = max(1, min(int(get("page", 9) or 1), 1_000_000))
        except ValueError:
            page = 1
        return cls(
            ministry=get("ministry"),
            tag=get("tag"),
            show=show,
            owner=get("owner") if private else "",
            text=get("q"),
            page=page,
            unknown_show=unknown,
        )

    def query(self, **changes: Any) -> str:
        """The query string of these filters (with `changes`), defaults left out."""
        f = replace(self, **changes)
        pairs = [
            ("ministry", f.ministry),
            ("tag", f.tag),
            ("status", "" if f.show == DEFAULT_SHOW else f.show),
            ("owner", f.owner),
            ("q", f.text),
            ("page", "" if f.page == 1 else str(f.page)),
        ]
        return urlencode([(k, v) for k, v in pairs if v])

    @property
    def narrowed(self) -> bool:
        """Whether anything but the defaults is asked for."""
        return bool(self.ministry or self.tag or self.owner or self.text or self.show != DEFAULT_SHOW)


@dataclass
class Counts:
    open: int = 0
    overdue: int = 0
    soon: int = 0
    waiting: int = 0
    moved: int = 0


@dataclass
class MinistryFigures:
    name: str
    slug: str
    made: int
    on_time: int
    late: int
    open: int
    overdue: int
    median_late: float | None
    most_moved: list[Item] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)


class Register:
    """The promises a reader may see, on `today`, indexed for the pages."""

    def __init__(
        self, promises: Iterable, changes: Mapping[int, list], today: date, *, private: bool = False
    ) -> None:
        self.today = today
        self.private = private
        self.slugs: dict[str, str] = {}  # ministry name -> slug
        self.names: dict[str, str] = {}  # slug -> ministry name
        rows = sorted((p for p in promises if getattr(p, "deleted_at", None) is None), key=lambda p: p.id)
        for name in sorted({(p.ministry or "").strip() for p in rows}, key=_name_key):
            self._slug_for(name)
        self.items = [
            _item(p, list(changes.get(p.id, ())), today, self.slugs[(p.ministry or "").strip()], private)
            for p in rows
        ]
        self.by_id = {i.id: i for i in self.items}
        self.tags = sorted({t for i in self.items for t in (i.p.tags or ())}, key=str.casefold)
        self.owners = (
            sorted({i.p.owner for i in self.items if i.p.owner}, key=str.casefold) if private else []
        )
        self.memo: dict = {}  # what the pages derive once per register (feed counts)

    def _slug_for(self, name: str) -> str:
        base = slugify(name) or NO_MINISTRY_SLUG
        slug, n = base, 2
        while slug in self.names:
            slug, n = f"{base}-{n}", n + 1
        self.slugs[name], self.names[slug] = slug, name
        return slug

    @property
    def ministries(self) -> list[tuple[str, str]]:
        """(name, slug) of every ministry with a promise, by name; no ministry last."""
        return [(n, s) for n, s in self.slugs.items()]

    # ------------------------------------------------------------------ the overview

    def matching(self, f: Filters) -> list[Item]:
        """The items that pass every filter but `show` (the counts are over these)."""
        ministry, tag, owner = f.ministry.casefold(), f.tag.casefold(), f.owner.casefold()
        text = f.text.casefold()
        out = []
        for i in self.items:
            if ministry and i.ministry.casefold() != ministry and i.slug != ministry:
                continue
            if tag and tag not in (t.casefold() for t in (i.p.tags or ())):
                continue
            if owner and (i.p.owner or "").casefold() != owner:
                continue
            if text and text not in i.haystack:
                continue
            out.append(i)
        return out

    @staticmethod
    def counts(items: Iterable[Item]) -> Counts:
        c = Counts()
        for i in items:
            if not i.is_open:
                continue
            c.open += 1
            c.overdue += i.overdue
            c.soon += i.soon
            c.waiting += i.waiting
            c.moved += i.moves >= MOVED_OFTEN
        return c

    @staticmethod
    def shown(items: Iterable[Item], show: str) -> list[Item]:
        keep = {
            "all": lambda i: True,
            Status.OPEN: lambda i: i.is_open,
            "overdue": lambda i: i.overdue,
            "soon": lambda i: i.soon,
            "waiting": lambda i: i.waiting,
            "moved": lambda i: i.is_open and i.moves >= MOVED_OFTEN,
        }.get(show, lambda i: i.p.status == show)
        return [i for i in items if keep(i)]

    @staticmethod
    def ordered(items: Iterable[Item]) -> list[Item]:
        """Items with a window grouped by ministry (by name, none last), each group by
        deadline; then the items without a window (their own lane), by id."""
        items = list(items)
        windowed = sorted(
            (i for i in items if i.windowed),
            key=lambda i: (_name_key(i.ministry), i.p.latest, i.p.earliest or i.p.latest, i.id),
        )
        return windowed + [i for i in items if not i.windowed]

    # ------------------------------------------------------------------ a ministry

    def ministry(self, slug: str) -> MinistryFigures | None:
        name = self.names.get(slug)
        if name is None:
            return None
        items = [i for i in self.items if i.slug == slug]
        on_time = late = 0
        days_late = []
        for i in items:
            promised = i.promised_latest
            if i.p.status in (Status.FULFILLED, Status.PARTLY):
                if promised and i.p.closed_on and i.p.closed_on > promised:
                    late += 1
                    days_late.append((i.p.closed_on - promised).days)
                else:
                    on_time += 1
            elif i.is_open and promised and promised < self.today:
                days_late.append((self.today - promised).days)
        moved = sorted((i for i in items if i.moves), key=lambda i: (-i.moves, i.id))
        return MinistryFigures(
            name=name,
            slug=slug,
            made=len(items),
            on_time=on_time,
            late=late,
            open=sum(i.is_open for i in items),
            overdue=sum(i.overdue for i in items),
            median_late=statistics.median(days_late) if days_late else None,
            most_moved=moved[:5],
            items=items,
        )


def _name_key(name: str) -> tuple[bool, str]:
    return (not name, name.casefold())
