"""Recurring promises: the rule in words, and the occurrences it gives.

A recurring promise ("jaarlijks", "elk kwartaal") stores its rule as an RRULE
(`recurrence`) and its *current occurrence* as its window (`earliest`/`latest`): the
first occurrence not yet fulfilled. Everything reads that one window (list, show,
reminders, feeds, pages, mails); `promises.fulfil_occurrence` moves it on to the next
occurrence. So an occurrence whose deadline passed unfulfilled is overdue, like any
promise.

- `describe(rule, language)`: the rule in words ("elk jaar", "om de twee jaar"); people
  never see the RRULE. `in_words(rule, language, day)` adds the next deadline ("elk
  jaar; eerstvolgende: 22 januari 2027"). The words are data (`data/recurrence.toml`).
- `following(rule, latest, fulfilled)`: the deadlines of the occurrences after the one
  ending on `latest`; `next_window` the window of the next one (the same length).
- `upcoming(rule, latest, today, fulfilled)`: the first deadline of the series on or after
  `today` (the "eerstvolgende" a mail or feed shows).
- `nominal(earliest, latest, history)`: the current occurrence's window as the rule set it,
  before any postponement of this occurrence (a postponement moves one occurrence, not
  the series); `fulfilled(history)` how many occurrences were fulfilled.
- `remaining(rule, done)`: the rule of the occurrences after the first `done` (the feed's
  series); `explain(...)` the explanation stored once `done` opened occurrence n.

The one dateutil import. A simple rule (FREQ and INTERVAL only, the rules the deadline
engine writes) steps by whole months or years and keeps to the month's end: 31 January
"elk kwartaal" gives 30 April, not 31 July (where RRULE would skip the months without a
31st). Other rules follow RRULE as written. An unreadable rule counts as no rule.

dateutil is imported inside the functions that need it `(start-up)`: `list` runs without it.
"""

import tomllib
from collections.abc import Iterable, Iterator
from datetime import date, datetime, time
from functools import cache, lru_cache
from importlib import resources
from typing import Any, TypeGuard

from .model import ChangeKind

# The most occurrences looked at in one go (a rule that never fires stops there).
LIMIT = 1000
_STEP = {"YEARLY": "years", "MONTHLY": "months", "WEEKLY": "weeks", "DAILY": "days"}


@cache
def _words() -> dict:
    text = resources.files("toezegging").joinpath("data", "recurrence.toml").read_text("utf-8")
    return tomllib.loads(text)


def _parts(rule: str) -> dict[str, str]:
    out = {}
    for part in rule.upper().removeprefix("RRULE:").split(";"):
        key, _, value = part.partition("=")
        if key.strip():
            out[key.strip()] = value.strip()
    return out


def describe(rule: str | None, language: str = "nl") -> str:
    """The rule in words, in `language` ("" for no rule)."""
    if not rule:
        return ""
    w = _words().get(language, _words()["nl"])
    parts = _parts(rule)
    try:
        n = int(parts.get("INTERVAL", "1"))
    except ValueError:
        return w["other"]
    number = w["numbers"][n] if 0 < n < len(w["numbers"]) else str(n)
    freq = parts.get("FREQ", "")
    if freq == "YEARLY":
        return w["yearly"] if n == 1 else w["every_n_years"].format(n=number)
    if freq == "MONTHLY":
        if n == 12:
            return w["yearly"]
        known = {1: "monthly", 3: "quarterly", 6: "half_yearly"}
        return w[known[n]] if n in known else w["every_n_months"].format(n=number)
    if freq == "WEEKLY":
        return w["weekly"] if n == 1 else w["every_n_weeks"].format(n=number)
    if freq == "DAILY" and n == 1:
        return w["daily"]
    return w["other"]


def in_words(rule: str | None, language: str = "nl", day: str | None = None) -> str:
    """The rule in words with its next deadline, `day` as the caller writes dates:
    "elk jaar; eerstvolgende: 22 januari 2027" ("" for no rule)."""
    words = describe(rule, language)
    if not words or not day:
        return words
    w = _words().get(language, _words()["nl"])
    return w["upcoming"].format(rule=words, day=day)


def explain(phrase: str, rule: str, n: int, earliest: str | None, latest: str, language: str = "nl") -> str:
    """The explanation stored on a recurring promise whose occurrence `n` is now its window
    (`earliest` and `latest` written as the deadline engine writes dates)."""
    w = _words().get(language, _words()["nl"])
    key = "next_occurrence" if earliest else "next_occurrence_by"
    return w[key].format(
        phrase=phrase, rule=describe(rule, language), n=n, earliest=earliest or "", latest=latest
    )


# ----------------------------------------------------------------------------- occurrences


def _split(rule: str) -> tuple[str, int | None]:
    """The rule without COUNT (counted here, from the first occurrence), and the COUNT."""
    parts = _parts(rule)
    count = parts.pop("COUNT", None)
    body = ";".join(f"{k}={v}" for k, v in parts.items())
    return body, (int(count) if count is not None else None)


@lru_cache(maxsize=4096)
def _rrule(body: str, start: date) -> Any:  # a dateutil rrule (or rruleset)
    from dateutil.rrule import rrulestr  # noqa: PLC0415 (start-up)

    return rrulestr(body, dtstart=datetime.combine(start, time()))


def valid(rule: str | None) -> TypeGuard[str]:
    """Whether `rule` is an RRULE that can be followed (an unreadable one counts as none)."""
    if not rule:
        return False
    try:
        body, count = _split(rule)
        if count is not None and count < 1:
            return False
        _rrule(body, date(2000, 1, 1))
    except (ValueError, TypeError, KeyError):
        return False
    return True


def _simple(body: str) -> tuple[str, int] | None:
    """(unit, step) of a rule of FREQ and INTERVAL alone; None for any other rule."""
    parts = _parts(body)
    if set(parts) - {"FREQ", "INTERVAL"} or parts.get("FREQ") not in _STEP:
        return None
    n = int(parts.get("INTERVAL", "1"))
    return (_STEP[parts["FREQ"]], n) if n > 0 else None


def following(rule: str | None, latest: date, fulfilled: int = 0) -> Iterator[date]:
    """The deadlines of the occurrences after the one ending on `latest`, which is
    occurrence number `fulfilled + 1` (a COUNT in the rule counts from the first)."""
    from dateutil.relativedelta import relativedelta  # noqa: PLC0415 (start-up)

    if not valid(rule):
        return
    body, count = _split(rule)
    left = LIMIT if count is None else min(LIMIT, count - fulfilled - 1)
    if left <= 0:
        return
    simple = _simple(body)
    if simple is not None:
        unit, n = simple
        for k in range(1, left + 1):
            yield latest + relativedelta(**{unit: n * k})
        return
    for occ in _rrule(body, latest).xafter(datetime.combine(latest, time()), count=left):
        yield occ.date()


def next_window(
    rule: str | None, earliest: date | None, latest: date, fulfilled: int = 0
) -> tuple[date | None, date] | None:
    """The window of the occurrence after (earliest, latest), of the same length; None when
    the rule has no more (its COUNT or UNTIL reached) or cannot be read."""
    nxt = next(following(rule, latest, fulfilled), None)
    if nxt is None:
        return None
    return (nxt - (latest - earliest) if earliest is not None else None), nxt


def upcoming(rule: str | None, latest: date | None, today: date, fulfilled: int = 0) -> date | None:
    """The first deadline of the series on or after `today`: the current occurrence's own
    (`latest`) while it has not passed, else the first one after it that has not."""
    if latest is None or not valid(rule):
        return None
    if latest >= today:
        return latest
    return next((d for d in following(rule, latest, fulfilled) if d >= today), None)


def remaining(rule: str, done: int) -> str:
    """`rule` for the occurrences after the first `done` (a COUNT counts only those left),
    as an iCalendar RRULE value starting at the next occurrence."""
    parts = _parts(rule)
    if "COUNT" in parts:
        parts["COUNT"] = str(max(int(parts["COUNT"]) - done, 0))
    return ";".join(f"{k}={v}" for k, v in parts.items())


def fulfilled(history: Iterable) -> int:
    """How many occurrences of a recurring promise were fulfilled (its "occurrence" rows)."""
    return sum(1 for c in history if getattr(c, "kind", None) == ChangeKind.OCCURRENCE)


def nominal(earliest: date | None, latest: date | None, history: list) -> tuple[date | None, date | None]:
    """The current occurrence's window as the rule set it: before the first postponement
    since the last occurrence was fulfilled (the series keeps its dates), else the window."""
    since = list(history)
    for i in range(len(since) - 1, -1, -1):
        if getattr(since[i], "kind", None) == ChangeKind.OCCURRENCE:
            since = since[i + 1 :]
            break
    move = next(
        (
            c
            for c in since
            if getattr(c, "kind", None) == ChangeKind.POSTPONEMENT and c.old_latest is not None
        ),
        None,
    )
    if move is not None:
        return move.old_earliest, move.old_latest
    return earliest, latest
