"""Promises → iCalendar feeds (the one module that imports icalendar).

A pure function of its inputs: the same promise rows, postponement counts, feed
settings and `today` always give the same bytes, so an ETag is a hash and a golden
file can hold a feed. Nothing here reads a clock or a database.

Each promise with a window is one all-day VEVENT on its `latest` day (DTEND the day
after), with a UID that never changes for that promise, SEQUENCE = the promise's
revision and DTSTAMP/LAST-MODIFIED from its update time. Promises without a window
(event phrases, open-ended) are left out. The source is shown as formal text names it
(`model.formal_source`): never a bare file name.

A recurring promise's window is its current occurrence (see `toezegging.recurrence`);
each occurrence shows its own status. The fulfilled ones are events of their own
(`toezegging-ID-keer-N`, marked fulfilled, from the promise's "occurrence" history rows,
passed as `history`), the current one is the promise's event (`toezegging-ID`, open or
overdue, no RRULE), and the ones after it are one recurring event (`toezegging-ID-reeks`,
starting at the next occurrence, the rule written as RRULE, never with a status of
another occurrence; cancelled once the series ended). The rule is written in words in
the descriptions ("elk jaar; eerstvolgende: 22 januari 2027").

The calendar's own properties come from icalendar's `Calendar.new` (with an explicit
`uid=`). Events are written line by line, dates, durations and rules by icalendar's
value types, text escaped and lines folded here exactly as icalendar does: building
10,000 `Event.new` objects takes over a second on its own, and a feed of 10,000
promises must build in well under one (benchmarks/feeds.py). `tests/test_feeds.py`
checks the lines against icalendar's own `Event.new(...).to_ical()`.
"""

import hashlib
import re
import tomllib
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, timedelta
from functools import cache, lru_cache
from importlib import resources
from types import SimpleNamespace
from typing import TYPE_CHECKING, Protocol

from icalendar import Calendar, vDDDTypes, vDuration, vRecur, vText

from . import ministries, recurrence, status
from .lang import month_names
from .model import REMOVED, ChangeKind, formal_source, is_overdue
from .status import Status
from .text import TITLE_MAX, clean
from .text import title as short_title

if TYPE_CHECKING:
    from .config import FeedConfig

PRODID = "-//toezegging//Toezeggingen//NL"
# The right-hand side of every UID. Fixed, so that moving the server to another
# address never changes a UID (a changed UID is a new event to every client).
UID_DOMAIN = "toezegging.local"
REFRESH = timedelta(hours=6)
SUMMARY_MAX = TITLE_MAX

_DATE = b";VALUE=DATE"


class PromiseLike(Protocol):
    """What a feed reads of a promise (a `model.Promise` row has all of it)."""

    id: int | None
    text: str
    deadline: str
    current_deadline: str | None
    earliest: date | None
    latest: date | None
    kind: str
    recurrence: str | None
    hedged: bool
    estimated: bool
    explanation: str
    open_ended: bool
    by: str | None
    function: str | None
    ministry: str | None
    to: str | None
    fraction: str | None
    source: str | None
    kamerstuk: str | None
    url: str | None
    number: str | None
    tags: list[str]
    owner: str | None
    status: str
    fulfilled_by: str | None
    closed_on: date | None
    created_at: datetime
    updated_at: datetime
    revision: int
    deleted_at: datetime | None


_FIELDS = tuple(PromiseLike.__annotations__)
_OPTIONAL = frozenset({"deleted_at"})  # a promise-like object without it was never removed


def plain(p: PromiseLike) -> SimpleNamespace:
    """The fields a feed reads, copied once out of a (database) row.

    A mapped row answers each attribute through the ORM's descriptors, which costs
    more than writing the event; its loaded values sit in `__dict__`. An attribute not
    loaded there is read the ordinary way.
    """
    d = getattr(p, "__dict__", {})
    return SimpleNamespace(
        **{k: d[k] if k in d else getattr(p, k, None) if k in _OPTIONAL else getattr(p, k) for k in _FIELDS}
    )


@cache
def words(language: str) -> dict:
    """The feed wording of `language` ("nl" or "en") from `data/feeds.toml`, with the month
    names (their one home is lang/<language>.toml) and the status names (data/statuses.toml)."""
    text = resources.files("toezegging").joinpath("data/feeds.toml").read_text("utf-8")
    return {
        **tomllib.loads(text)[language],
        "months": list(month_names(language)),
        "status": status.names(language),
    }


# ----------------------------------------------------------------------------- selection


def has_window(p: PromiseLike) -> bool:
    return p.latest is not None and not p.open_ended


def _fold_set(values: Iterable[str]) -> set[str]:
    return {v.casefold() for v in values}


def matches(p: PromiseLike, feed: "FeedConfig", today: date) -> bool:
    """Whether promise `p` belongs in `feed` (a `config.FeedConfig`) on `today`.

    Each filter that is set must hold (AND); within one filter any value may match (OR).
    Text comparisons ignore case; `ministry` selects as `list --ministry` does
    (`ministries.select`: abbreviation, name, former name or whole words of one).
    """
    if feed.status and p.status.casefold() not in _fold_set(feed.status):
        return False
    if feed.ministry and not ministries.select(feed.ministry).matches(p.ministry):
        return False
    if feed.tag and not _fold_set(p.tags or ()) & _fold_set(feed.tag):
        return False
    if feed.owner and (p.owner or "").casefold() not in _fold_set(feed.owner):
        return False
    if feed.overdue is not None and is_overdue(p.status, p.latest, today) != feed.overdue:
        return False
    return True


def select(promises: Iterable[PromiseLike], feed: "FeedConfig", today: date) -> list[PromiseLike]:
    """The promises of `feed`, in feed order: by deadline, then by id."""
    chosen = [p for p in promises if has_window(p) and matches(p, feed, today)]
    chosen.sort(key=lambda p: (p.latest, p.id or 0))
    return chosen


# ----------------------------------------------------------------------------- text


def _day(d: date, w: dict) -> str:
    return f"{d.day} {w['months'][d.month - 1]} {d.year}"


def _postponed(n: int, w: dict) -> str:
    forms = w["postponed_counts"]
    return forms[min(n, 2)].format(n=n)


def _status(p: PromiseLike) -> str:
    """The status a feed shows: a removed promise is "removed" whatever its status was."""
    return REMOVED if p.deleted_at is not None else p.status


def summary(p: PromiseLike, w: dict, status: str | None = None) -> str:
    """The event's title: the text (ministry), after "[Voldaan] " and the like when
    `status` (default the promise's) is not open."""
    status = status or _status(p)
    text = short_title(p.text)
    if p.ministry:
        text = f"{text} ({clean(p.ministry)})"
    if status != Status.OPEN:
        text = w["closed_prefix"].format(status=w["status"].get(status, status)) + text
    return text


def description(
    p: PromiseLike,
    postponements: int,
    w: dict,
    *,
    language: str = "nl",
    upcoming: date | None = None,
    occurrence: SimpleNamespace | None = None,
) -> str:
    """The full text first, then one labelled line per known fact.

    `upcoming` is a recurring promise's next deadline ("eerstvolgende"); `occurrence` an
    occurrence that is not the current one (a fulfilled one, or the series after the
    current one): its window, status, letter and day replace the promise's."""
    lab = w["labels"]
    o = occurrence
    status = o.status if o is not None else _status(p)
    earliest, latest = (o.earliest, o.latest) if o is not None else (p.earliest, p.latest)
    window = _window_words(p, earliest, latest, w)
    by, to, where = _parties(p, lab)
    rule = recurrence.in_words(p.recurrence, language, _day(upcoming, w) if upcoming else None)
    closed_on = o.closed_on if o is not None else p.closed_on
    facts = [
        ("deadline", f"“{p.deadline}”"),
        (
            "current_deadline",
            o is None
            and p.current_deadline
            and p.current_deadline != p.deadline
            and f"“{p.current_deadline}”",
        ),
        ("window", window),
        ("explanation", o is None and p.explanation),
        ("recurrence", rule),
        ("by", by),
        ("to", to),
        ("where", where),
        ("number", p.number),
        ("status", w["status"].get(status, status)),
        ("postponed", o is None and _postponed(postponements, w)),
        ("fulfilled_by", o.fulfilled_by if o is not None else p.fulfilled_by),
        ("closed_on", closed_on and _day(closed_on, w)),
        ("url", p.url),
    ]
    lines = [f"{lab[key]}: {value}" for key, value in facts if value]
    return clean(p.text) + "\n\n" + clean("\n".join(lines))


def _window_words(p: PromiseLike, earliest: date | None, latest: date | None, w: dict) -> str | None:
    """The window in words ("1 t/m 30 juni 2026 (voorzichtig)"); None without a window."""
    if latest is None:
        return None
    window = _day(latest, w)
    if earliest and earliest != latest:
        window = w["range"].format(earliest=_day(earliest, w), latest=window)
    notes = [w[k] for k in ("hedged", "estimated") if getattr(p, k)]
    if notes:
        window += f" ({', '.join(notes)})"
    return window


def _parties(p: PromiseLike, lab: dict) -> tuple[str, str, str]:
    """Who promised (with the ministry), to whom (with the fraction), and where it was said."""
    by = ", ".join(x for x in (p.by, p.function) if x)
    if p.ministry:
        by = f"{by} ({p.ministry})" if by else p.ministry
    to = p.to or ""
    if p.fraction:
        to = f"{to} ({p.fraction})" if to else p.fraction
    where = ", ".join(
        x for x in (formal_source(p.source), p.kamerstuk and f"{lab['kamerstuk']} {p.kamerstuk}") if x
    )
    return by, to, where


# ----------------------------------------------------------------------------- writing


def fold(line: bytes) -> bytes:
    """Fold a content line as icalendar 7 does, only faster: pieces of at most 74 octets
    (so no line exceeds 75 with the leading space), never inside a UTF-8 character, and
    never right after a backslash or caret (clients mishandle a split escape).
    """
    if len(line) <= 74:
        return line
    parts, start, n = [], 0, len(line)
    while start < n:
        end = start + 74
        if end >= n:
            parts.append(line[start:])
            break
        while line[end] & 0xC0 == 0x80:
            end -= 1
        if end - 1 > start and line[end - 1] in b"\\^":
            end -= 1
        parts.append(line[start:end])
        start = end
    return b"\r\n ".join(parts)


def _text(value: str) -> bytes:
    """TEXT escaping (RFC 5545 3.3.11) of cleaned text. icalendar's vText does the same,
    but costs more than the rest of an event, and turns a literal "\\N" into "\\n".
    """
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\n", "\\n")
        .encode("utf-8")
    )


@lru_cache(maxsize=65536)
def _dt(value: date | datetime) -> bytes:
    return vDDDTypes(value).to_ical()


def _utc(moment: datetime) -> datetime:
    """A moment in UTC, to the second (a naive moment is taken to be UTC already)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).replace(microsecond=0)


_URL_OK = re.compile(r"https?://[^\s\x00-\x1f\x7f\"<>\\^`{|}]+\Z")


def _shared(
    p: PromiseLike, desc: str, categories: list[str], state: bytes, rule: str | None = None
) -> list[bytes]:
    """The folded lines a promise's events have in common (`state` is their STATUS)."""
    stamp = _dt(_utc(p.updated_at))
    lines = [
        b"DTSTAMP:" + stamp,
        b"DESCRIPTION:" + _text(desc),
        b"SEQUENCE:" + str(max(int(p.revision or 0), 0)).encode(),
        b"CREATED:" + _dt(_utc(p.created_at or p.updated_at)),
        b"LAST-MODIFIED:" + stamp,
        b"STATUS:" + state,
        b"TRANSP:TRANSPARENT",
    ]
    if categories:
        lines.append(b"CATEGORIES:" + b",".join(_text(c) for c in categories))
    if rule:
        try:
            lines.append(b"RRULE:" + vRecur.from_ical(rule).to_ical())
        except ValueError:
            pass  # an unreadable rule is left out rather than breaking the feed
    if p.url and _URL_OK.match(p.url):
        lines.append(b"URL:" + p.url.encode("utf-8"))
    return [fold(ln) for ln in lines]


def _state(p: PromiseLike) -> bytes:
    # Withdrawn and removed promises stay in the feed as cancelled events (same UID,
    # higher SEQUENCE), so a subscribed calendar drops them.
    return (
        b"CANCELLED"
        if _status(p) in (Status.WITHDRAWN, REMOVED)
        else b"TENTATIVE"
        if p.hedged
        else b"CONFIRMED"
    )


def _event(
    uid: str, start: date, end: date, title: str, shared: list[bytes], alarm: tuple[int, str] | None = None
) -> list[bytes]:
    lines = [
        b"BEGIN:VEVENT",
        fold(b"UID:" + _text(uid)),
        b"DTSTART" + _DATE + b":" + _dt(start),
        b"DTEND" + _DATE + b":" + _dt(end),
        fold(b"SUMMARY:" + _text(title)),
        *shared,
    ]
    if alarm:
        days, text = alarm
        lines += [
            b"BEGIN:VALARM",
            b"ACTION:DISPLAY",
            b"TRIGGER:" + vDuration(timedelta(days=-days)).to_ical(),
            fold(b"DESCRIPTION:" + _text(text)),
            b"END:VALARM",
        ]
    lines.append(b"END:VEVENT")
    return lines


def events(
    p: PromiseLike,
    postponements: int,
    feed: "FeedConfig",
    w: dict,
    domain: str = UID_DOMAIN,
    *,
    history: list | None = None,
    today: date | None = None,
    language: str = "nl",
) -> list[bytes]:
    """The content lines of the event(s) of one promise (which must have a window).

    `history` (the promise's history rows, oldest first) is read for a recurring promise:
    its fulfilled occurrences and the series after the current one."""
    title = summary(p, w)
    categories = []
    for c in [p.ministry or "", *(p.tags or ())]:
        c = " ".join(clean(c).split())
        if c and c not in categories:
            categories.append(c)
    rule = p.recurrence if recurrence.valid(p.recurrence) else None
    rows = history or []
    fulfilled = recurrence.fulfilled(rows) if rule else 0
    upcoming = None
    if rule and p.status == Status.OPEN and p.deleted_at is None and today is not None:
        upcoming = recurrence.upcoming(rule, p.latest, today, fulfilled)
    desc = description(p, postponements, w, language=language, upcoming=upcoming)
    shared = _shared(p, desc, categories, _state(p))
    alarm = None
    if feed.alarm_days is not None and _status(p) == Status.OPEN:
        alarm = (feed.alarm_days, w["alarm"].format(summary=title))
    out: list[bytes] = []
    if rule:
        out += _past_occurrences(p, rows, categories, w, domain, language)
    latest = p.latest
    assert latest is not None  # a promise with a window
    end = latest + timedelta(days=1)
    out += _event(f"toezegging-{p.id}@{domain}", latest, end, title, shared, alarm)
    if feed.show_window and p.earliest and p.earliest < latest:
        out += _event(
            f"toezegging-{p.id}-venster@{domain}",
            p.earliest,
            end,
            w["window_summary"].format(summary=title),
            shared,
        )
    if rule:
        out += _series(p, rule, rows, fulfilled, categories, w, domain, language, alarm)
    return out


def _past_occurrences(
    p: PromiseLike, rows: list, categories: list[str], w: dict, domain: str, language: str
) -> list[bytes]:
    """The fulfilled occurrences of a recurring promise, each an event of its own."""
    out: list[bytes] = []
    n = 0
    for c in rows:
        if getattr(c, "kind", None) != ChangeKind.OCCURRENCE or c.old_latest is None:
            continue
        n += 1
        status = REMOVED if p.deleted_at is not None else (c.new_status or Status.FULFILLED)
        occ = SimpleNamespace(
            earliest=c.old_earliest,
            latest=c.old_latest,
            status=status,
            fulfilled_by=c.reason,
            closed_on=c.reference,
        )
        desc = description(p, 0, w, language=language, occurrence=occ)
        state = b"CANCELLED" if status == REMOVED else b"CONFIRMED"
        out += _event(
            f"toezegging-{p.id}-keer-{n}@{domain}",
            c.old_latest,
            c.old_latest + timedelta(days=1),
            summary(p, w, status),
            _shared(p, desc, categories, state),
        )
    return out


def _series(
    p: PromiseLike,
    rule: str,
    rows: list,
    fulfilled: int,
    categories: list[str],
    w: dict,
    domain: str,
    language: str,
    alarm: tuple[int, str] | None,
) -> list[bytes]:
    """The occurrences after the current one: one event with the rule, from the next one."""
    earliest, latest = recurrence.nominal(p.earliest, p.latest, rows)
    nxt = recurrence.next_window(rule, earliest, latest, fulfilled) if latest else None
    if nxt is None:
        return []
    ended = _status(p) != Status.OPEN
    occ = SimpleNamespace(
        earliest=nxt[0], latest=nxt[1], status=Status.OPEN, fulfilled_by=None, closed_on=None
    )
    desc = description(p, 0, w, language=language, occurrence=occ)
    state = b"CANCELLED" if ended else b"TENTATIVE" if p.hedged else b"CONFIRMED"
    return _event(
        f"toezegging-{p.id}-reeks@{domain}",
        nxt[1],
        nxt[1] + timedelta(days=1),
        summary(p, w, Status.OPEN),
        _shared(p, desc, categories, state, recurrence.remaining(rule, fulfilled + 1)),
        None if ended else alarm,
    )


def feed_title(feed: "FeedConfig") -> tuple[str, str]:
    """The feed's name and description (a config without [[feeds]] has its default feeds
    worded in its language already: config.default_feeds)."""
    return feed.title or feed.name, feed.description


def calendar_head(feed: "FeedConfig", domain: str = UID_DOMAIN) -> bytes:
    """The VCALENDAR lines before the events (without END:VCALENDAR)."""
    title, desc = feed_title(feed)
    cal = Calendar.new(
        uid=f"toezegging-feed-{feed.name}@{domain}",
        prodid=PRODID,
        calscale="GREGORIAN",
        method="PUBLISH",
        refresh_interval=REFRESH,
        description=clean(desc) or None,
    )
    # icalendar 7 writes REFRESH-INTERVAL without VALUE=DURATION (RFC 7986 requires
    # it) and NAME/X-WR-CALNAME/X-WR-CALDESC without escaping commas and semicolons.
    cal["REFRESH-INTERVAL"].params["VALUE"] = "DURATION"
    cal["NAME"] = vText(clean(title))
    cal["X-WR-CALNAME"] = vText(clean(title))
    if desc:
        cal["X-WR-CALDESC"] = vText(clean(desc))
    cal["X-PUBLISHED-TTL"] = vDuration(REFRESH)
    body = cal.to_ical()
    end = b"END:VCALENDAR\r\n"
    assert body.endswith(end)
    return body[: -len(end)]


def build(
    promises: Iterable[PromiseLike],
    postponements: Mapping[int, int],
    feed: "FeedConfig",
    *,
    today: date,
    language: str = "nl",
    domain: str = UID_DOMAIN,
    history: Mapping[int, list] | None = None,
) -> bytes:
    """The iCalendar bytes of `feed` (a `config.FeedConfig`) over `promises`.

    `postponements` maps a promise id to its number of deadline changes; `today`
    decides which promises are overdue and a recurring promise's next deadline.
    `history` maps a promise id to its history rows (`feed_queries.load_changes`): a
    recurring promise's fulfilled occurrences are read there (without it, they are left
    out). Deterministic: no clock, no randomness.
    """
    w = words(language)
    history = history or {}
    lines: list[bytes] = []
    for p in select(map(plain, promises), feed, today):
        key = p.id or 0  # every stored promise has an id
        lines += events(
            p,
            postponements.get(key, 0),
            feed,
            w,
            domain,
            history=history.get(key),
            today=today,
            language=language,
        )
    body = b"\r\n".join(lines)
    return calendar_head(feed, domain) + body + (b"\r\n" if lines else b"") + b"END:VCALENDAR\r\n"


def etag(body: bytes) -> str:
    """A strong HTTP entity tag: a hash of the bytes."""
    return '"' + hashlib.sha256(body).hexdigest()[:40] + '"'
