"""Unresolved expressions: what a phrase says, before a reference date gives it dates.

Value objects, never changed once made (`read()` caches and shares them); they are not
frozen dataclasses only because a frozen one costs three times as much to make, and a
phrase makes several.

`Before(Recess("zomer"))` in the style guide's words is here
`Reading(mod="before", anchor=Period("recess", name="zomer"))`.
"""

from dataclasses import dataclass


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
        """`P3M`, `P6W`, `P2Y`, `P10D`."""
        n, unit = int(text[1:-1]), text[-1]
        return cls.of(n, {"D": "day", "W": "week", "M": "month", "Y": "year"}[unit])


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
class Reading:
    """One clause's meaning. Exactly one of anchor, span or vague is set, or none (event).

    mod: None, "in", "before", "after", "from", "around"; `by` stacks on top ("uiterlijk").
    span_kind: "within" or "over", with `span` (lower) and `span_hi` (upper, for ranges).
    """

    anchor: Anchor | None = None
    mod: str | None = None
    by: bool = False
    span_kind: str | None = None
    span: Span | None = None
    span_hi: Span | None = None
    vague: Span | None = None
    event: bool = False

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
