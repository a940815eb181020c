"""An `Expression` + the reference date (+ the parliamentary calendar) → a `Window`."""

from dataclasses import dataclass, replace
from datetime import date, timedelta

from .calendar import ONE_DAY, Occurrence, add, midpoint, part_of, pick
from .explain import explainer
from .expr import Anchor, Expression, Part, Period, Range, Reading, Span

THREE_MONTHS = Span(months=3)
KIND = {"weekof": "week", "weekday": "day"}  # the result's kind, where a period's own is finer
# A date the calendar cannot hold (30 February, week 53 of a short year, year 9999).
CALENDAR_ERRORS = (StopIteration, IndexError, ValueError, OverflowError)


@dataclass(frozen=True, slots=True)
class Window:
    """What a deadline phrase means: `earliest .. latest` (inclusive), or an event.

    An event that a span counts from ("binnen twee maanden na inwerkingtreding") keeps
    `anchor` (the event as written), `offset` (ISO 8601, "P2M") and `offset_mode` (how the
    window follows once the event has a date: see `expr.Link`); else they are None.
    """

    earliest: date | None
    latest: date | None
    kind: str
    recurrence: str | None = None
    hedged: bool = False
    estimated: bool = False
    explanation: str = ""
    lang: str = "nl"
    anchor: str | None = None
    offset: str | None = None
    offset_mode: str | None = None

    @property
    def is_event(self) -> bool:
        return self.kind == "event"

    def to_dict(self) -> dict:
        return {
            "earliest": self.earliest.isoformat() if self.earliest else None,
            "latest": self.latest.isoformat() if self.latest else None,
            "kind": self.kind,
            "recurrence": self.recurrence,
            "hedged": self.hedged,
            "estimated": self.estimated,
            "explanation": self.explanation,
            "anchor": self.anchor,
            "offset": self.offset,
            "offset_mode": self.offset_mode,
        }


@dataclass(slots=True)
class _Result:
    earliest: date
    latest: date
    kind: str
    estimated: bool
    key: str  # the explanation template
    occ: Occurrence | None = None
    part: str | None = None
    span: Span | None = None
    span_hi: Span | None = None
    second: Occurrence | None = None
    second_part: str | None = None


def resolve(expr: Expression, ref: date, phrase: str) -> Window:
    ex = explainer(expr.lang)
    explicit = [r for r in expr.readings if r.explicit]
    chosen: _Result | None = None
    if len(explicit) == 1:
        chosen = _reading(explicit[0], ref)
    elif explicit:
        results = [_reading(r, ref) for r in explicit]
        chosen = max(results, key=lambda x: x.latest)  # ties: the first said
    elif (link := next((r.link for r in expr.readings if r.link is not None), None)) is not None:
        # A span counted from an event without a date: no window until the event has one.
        return Window(
            None,
            None,
            "event",
            expr.recurrence,
            expr.hedged,
            False,
            ex.undated(phrase, link),
            expr.lang,
            link.anchor,
            link.offset.to_iso() if link.offset is not None else None,
            link.mode,
        )
    elif any(r.vague for r in expr.readings):
        v = next(r.vague for r in expr.readings if r.vague)
        chosen = _Result(ref, add(ref, v), "vague", False, "vague", span=v)
    elif expr.recur_span is not None:  # "jaarlijks": the first occurrence within its span
        chosen = _Result(ref, add(ref, expr.recur_span), "relative", False, "within", span=expr.recur_span)
    else:
        return Window(
            None,
            None,
            "event",
            expr.recurrence,
            expr.hedged,
            False,
            ex.sentence("event", phrase=phrase),
            expr.lang,
        )
    passed = chosen.latest < ref
    earliest = chosen.latest if passed else max(chosen.earliest, ref)
    text = ex.explain(phrase, ref, earliest, chosen, expr, passed)
    return Window(
        earliest, chosen.latest, chosen.kind, expr.recurrence, expr.hedged, chosen.estimated, text, expr.lang
    )


def _reading(r: Reading, ref: date) -> _Result:
    if r.span is not None:
        hi = r.span_hi or r.span
        if r.span_kind == "over":
            res = _Result(
                add(ref, r.span),
                add(ref, hi),
                "relative",
                False,
                "over_range" if r.span_hi else "over",
                span=r.span,
                span_hi=r.span_hi,
            )
        else:
            res = _Result(ref, add(ref, hi), "relative", False, "within", span=r.span, span_hi=r.span_hi)
    elif r.anchor is not None:
        res = _anchor(r.anchor, r.mod, ref, r.by)
    else:
        raise TypeError(f"an explicit reading without a span or an anchor: {r}")
    if r.by:
        res.earliest = ref
        res.key = "by"
    return res


def _anchor(anchor: Anchor, mod: str | None, ref: date, by: bool = False) -> _Result:
    if isinstance(anchor, Range):
        return _range(anchor, ref)
    part = anchor.part if isinstance(anchor, Part) else None
    period: Period = anchor.period if isinstance(anchor, Part) else anchor
    if (
        period.kind == "season"
        and period.name == "summer"
        and not part
        and (mod in ("before", "after") or (by and mod is None))
    ):
        # In Dutch politics "voor/na de zomer" means before/after the summer recess, and
        # "uiterlijk de zomer" ("by the summer") is "voor de zomer".
        period = replace(period, kind="recess", name="zomer")
        mod = mod or "before"
    rule = "starts_after" if mod == "before" and part in (None, "begin") else "not_ended"
    occ = pick(period, ref, rule)
    start, end = occ.start, occ.end
    if part:
        start, end = part_of(part, occ.start, occ.end)
    kind = "part" if part else KIND.get(period.kind, period.kind)
    res = _Result(start, end, kind, occ.estimated, "none", occ, part)
    if mod == "before":
        if part == "end":
            res.earliest, res.latest, res.key = ref, occ.end, "before_end"
        elif part == "mid":
            res.earliest, res.latest, res.key = ref, midpoint(occ.start, occ.end), "before_mid"
        else:
            res.earliest, res.latest, res.key = ref, (start if part else occ.boundary) - ONE_DAY, "before"
    elif mod == "after":
        res.earliest, res.latest, res.key = end + ONE_DAY, add(end, THREE_MONTHS), "after"
    elif mod == "from":
        res.earliest, res.latest, res.key = start, start, "from"
    elif mod == "around":
        res.key = "around"
        if occ.start == occ.end and not part:  # a day, or a one-day moment such as Prinsjesdag
            res.earliest, res.latest = start - timedelta(days=7), start + timedelta(days=7)
    return res


def _range(anchor: Range, ref: date) -> _Result:
    """From the start of the first reading to the end of the second."""
    a = _anchor(anchor.first, None, ref)
    b = _anchor(anchor.second, None, ref)
    if (
        a.earliest > b.earliest
        and _year_of(anchor.first) is None
        and a.kind != "year"
        and _named(anchor.first)
    ):
        a = _anchor(_with_year(anchor.first, a.earliest.year - 1), None, ref)
    if b.latest < a.earliest and _year_of(anchor.second) is None and _named(anchor.second):
        b = _anchor(anchor.second, None, a.earliest)  # "van juni tot maart"
    if b.latest < a.earliest:
        raise ValueError("a range that ends before it starts")
    return _Result(
        a.earliest,
        b.latest,
        b.kind,
        a.estimated or b.estimated,
        "none",
        a.occ,
        a.part,
        second=b.occ,
        second_part=b.part,
    )


def _named(anchor: Period | Part) -> bool:
    """A period with its own identity (maart, week 12, het zomerreces), not "volgende maand"."""
    p = anchor.period if isinstance(anchor, Part) else anchor
    return not (p.kind in ("week", "month", "quarter", "half", "year") and p.n is None)


def _year_of(anchor: Period | Part) -> int | None:
    return (anchor.period if isinstance(anchor, Part) else anchor).year


def _with_year(anchor: Period | Part, year: int) -> Period | Part:
    if isinstance(anchor, Part):
        return Part(anchor.part, replace(anchor.period, year=year, rel=None))
    return replace(anchor, year=year, rel=None)
