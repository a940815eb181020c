"""Unresolved expressions: what a phrase says, before a reference date gives it dates.

Value objects, never changed once made (`read()` caches and shares them); they are not
frozen dataclasses only because a frozen one costs three times as much to make, and a
phrase makes several.

`Before(Recess("zomer"))` in the style guide's words is here
`Reading(mod="before", anchor=Period("recess", name="zomer"))`.
"""

import re
from dataclasses import dataclass

_ISO = re.compile(r"P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?")


@dataclass(slots=True)
class Span:
    """A length of time: months and days (a year is 12 months, a week 7 days)."""

    months: int = 0
    days: int = 0

    @classmethod
    def of(cls, n: float, unit: str) -> "Span":
        months = {"month": 1, "quarter": 3, "halfyear": 6, "year": 12}.get(unit)
        if months is not None:
            return cls(months=round(n * months))
        return cls(days=round(n * (7 if unit == "week" else 1)))

    @classmethod
    def iso(cls, text: str) -> "Span":
        """An ISO 8601 duration of dates: `P3M`, `P6W`, `P2Y`, `P10D`, `P1Y6M`."""
        m = _ISO.fullmatch(text.strip().upper())
        if not m or not any(m.groups()):
            raise ValueError(f"not an ISO 8601 duration of days, weeks, months or years: {text!r}")
        y, mo, w, d = (int(g) if g else 0 for g in m.groups())
        return cls(months=12 * y + mo, days=7 * w + d)

    def to_iso(self) -> str:
        """`P2Y`, `P18M`, `P6W`, `P10D`, `P1M15D`; the shortest of the usual forms."""
        months = (
            (f"{self.months // 12}Y" if self.months % 12 == 0 else f"{self.months}M") if self.months else ""
        )
        days = (
            (f"{self.days // 7}W" if self.days % 7 == 0 and not months else f"{self.days}D")
            if self.days
            else ""
        )
        return "P" + (months + days or "0D")


@dataclass(slots=True)
class Period:
    """A named period, maybe without its year ("maart", "het zomerreces", "week 12").

    kind: day, week, month, quarter, half, year, season, recess, budget.
    `rel` picks the occurrence when `year` is missing: None, "this", "next", "last".
    """

    kind: str
    year: int | None = None
    n: int | None = None  # month, week, quarter or half number
    day: int | None = None
    name: str | None = None  # season, recess or budget moment
    rel: str | None = None
    year_offset: int = 0  # "de begroting 2027" is presented on Prinsjesdag 2026
    weekday: int | None = None  # said with a day ("vrijdag 3 maart"), checked not needed
    year_rel: str | None = None  # "van dit/volgend jaar": the year counted from the reference date


@dataclass(slots=True)
class Part:
    """begin, mid or end: the first, middle or last third of a period."""

    part: str
    period: Period


@dataclass(slots=True)
class Range:
    """From the start of the first to the end of the second ("van maart tot mei")."""

    first: "Period | Part"
    second: "Period | Part"


Anchor = Period | Part | Range


@dataclass(slots=True)
class Link:
    """A deadline hung on an event without a date ("binnen twee maanden na inwerkingtreding").

    `anchor` is the event as written; `mode` how the window follows once the event has a
    date D (see ../shared/spec/deadlines.md, "Event phrases"): "within" [D, D + offset];
    "after" [D + offset, D + offset], or without an offset the `na` rule [D + 1 day,
    D + 3 months]; "before" [ref, D - offset] (or D - 1 day); "by" [ref, D]; "at" and
    "from" [D, D]; "around" [D - 7 days, D + 7 days].
    """

    anchor: str
    mode: str
    offset: "Span | None" = None


@dataclass(slots=True)
class Reading:
    """One clause's meaning. Exactly one of anchor, span or vague is set, or none (event).

    mod: None, "in", "before", "after", "from", "around"; `by` stacks on top ("uiterlijk").
    span_kind: "within" or "over", with `span` (lower) and `span_hi` (upper, for ranges).
    An event reading may carry a `link`: the event it hangs on and how it counts from it.
    """

    anchor: Anchor | None = None
    mod: str | None = None
    by: bool = False
    span_kind: str | None = None
    span: Span | None = None
    span_hi: Span | None = None
    vague: Span | None = None
    event: bool = False
    link: Link | None = None

    @property
    def explicit(self) -> bool:
        return self.anchor is not None or self.span is not None


@dataclass(slots=True)
class Expression:
    """A whole phrase: its readings (one per clause), recurrence, hedge and language."""

    readings: tuple[Reading, ...]
    lang: str
    recurrence: str | None = None  # RRULE
    recur_span: Span | None = None  # the first occurrence's span, when no period is given
    hedged: bool = False
