"""An event phrase's window once its event has a date (spec: "Event phrases").

`parse` gives an event phrase no window, only what it needs to get one: the event as
written (`anchor`), the span (`offset`, ISO 8601) and how it counts (`offset_mode`, see
`expr.Link`). When the user gives the event's date, `on_event` makes the window; like
every window it never starts before the reference date.
"""

from datetime import date, timedelta

from .calendar import ONE_DAY, add
from .explain import explainer
from .expr import Span
from .resolve import THREE_MONTHS, Window

MODES = ("within", "after", "before", "by", "at", "from", "around")
WEEK = timedelta(days=7)


def on_event(
    phrase: str,
    ref: date,
    day: date,
    *,
    anchor: str | None,
    offset: str | None,
    mode: str | None,
    lang: str = "nl",
    hedged: bool = False,
) -> Window:
    """The window of `phrase` (said on `ref`) now that its event took place on `day`.

    Without a mode (an event phrase the engine could not link, or an imported promise
    without a phrase) the event's date is the deadline: `[ref, day]`.
    """
    span = Span.iso(offset) if offset else None
    mode = mode if mode in MODES else "by"
    if mode == "within":
        earliest, latest = day, add(day, span or THREE_MONTHS)
    elif mode == "after":
        earliest, latest = (
            (add(day, span), add(day, span)) if span else (day + ONE_DAY, add(day, THREE_MONTHS))
        )
    elif mode == "before":
        earliest, latest = ref, add(day, span, -1) if span else day - ONE_DAY
    elif mode == "by":
        earliest, latest = ref, day
    elif mode == "around":
        earliest, latest = day - WEEK, day + WEEK
    else:  # at, from
        earliest = latest = day
    passed = latest < ref
    earliest = latest if passed else max(earliest, ref)
    text = explainer(lang).dated(phrase, anchor, mode, span, day, earliest, latest, ref, passed, hedged)
    return Window(earliest, latest, "relative", None, hedged, False, text, lang, anchor, offset, mode)
