"""The time phrases of a sentence, each with its window, where it stands, and what
stands around it.

The deadline engine's search mode finds them (the best one, then the next with the first
masked, ...); around that, the extractor reads what the search leaves out
(`[time]` in `lang/extract_nl.toml`): a date without a preposition next to a planning word
("december 2022 voorzien"), a period ("de periode november 2022 tot januari 2023"), an
event ("Wanneer dit onderzoek is afgerond", kept when the engine's `parse` says kind
`event`), and it corrects two readings: "laat" before a phrase as the verb "laten", and a
phrase followed by "jl." or preceded by "afgelopen" as a past one.
"""

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import TYPE_CHECKING

from ..deadline import parse, search
from ..errors import ToezeggingError
from .rules import Rules, load_rules

if TYPE_CHECKING:  # the engine is imported when first used (see _engine)
    from ..deadline import Found, Window

# The deadline engine's two entry points, as find_times takes them (tests inject their own).
Search = Callable[[str, date], "Found | None"]
Parse = Callable[[str, date], "Window"]

MASK = "…"
MAX_PER_SENTENCE = 4


@dataclass(frozen=True)
class Timing:
    start: int
    end: int
    text: str
    earliest: date | None
    latest: date | None
    kind: str
    recurrence: str | None = None
    hedged: bool = False
    estimated: bool = False
    explanation: str = ""
    origin: str = "search"  # search, date, period, event
    past: bool = False  # "jl.", "afgelopen" around it

    @property
    def is_event(self) -> bool:
        return self.kind == "event"

    def future(self, ref: date) -> bool:
        """Whether the phrase names a time after the letter's date (an event always does)."""
        if self.past:
            return False
        if self.is_event:
            return True
        return self.latest is not None and self.latest > ref


def _engine() -> tuple[Search, Parse]:
    return search, parse


def _from_window(start: int, end: int, text: str, w: "Window", origin: str) -> Timing:
    return Timing(
        start,
        end,
        text,
        w.earliest,
        w.latest,
        w.kind,
        getattr(w, "recurrence", None),
        bool(getattr(w, "hedged", False)),
        bool(getattr(w, "estimated", False)),
        getattr(w, "explanation", ""),
        origin,
    )


def find_times(
    sentence: str,
    ref: date,
    rules: Rules | None = None,
    *,
    search: Search | None = None,
    parse: Parse | None = None,
) -> list[Timing]:
    """Every time phrase of `sentence`, in the order they stand."""
    rules = rules or load_rules()
    if not rules.time_cue.search(sentence):
        return []
    engine_search, engine_parse = _engine()
    search = search or engine_search
    parse = parse or engine_parse
    found: list[Timing] = []
    masked = sentence
    for _ in range(MAX_PER_SENTENCE):
        try:
            hit = search(masked, ref)
        except ToezeggingError:
            hit = None
        if hit is None:
            break
        a, b = hit.span
        found.append(_from_window(a, b, sentence[a:b], hit.window, "search"))
        masked = masked[:a] + MASK * (b - a) + masked[b:]
    found = [_correct(t, sentence, ref, rules, parse) for t in found]
    if any(ch.isdigit() for ch in sentence):
        found += _bare_dates(sentence, found, ref, rules, parse)
        found += _periods(sentence, found, ref, rules, parse)
    found += _events(sentence, found, ref, rules, parse)
    found = [_mark_past(t, sentence, rules) for t in found]
    return sorted(found, key=lambda t: t.start)


def _read(parse: Parse, phrase: str, ref: date) -> "Window | None":
    try:
        return parse(phrase, ref)
    except ToezeggingError:
        return None


def _overlaps(a: int, b: int, found: list[Timing]) -> bool:
    return any(a < t.end and t.start < b for t in found)


def _correct(t: Timing, sentence: str, ref: date, rules: Rules, parse: Parse) -> Timing:
    """'laat in de eerste helft van 2023' where 'laat' is the verb: read without it; "voor
    het commissiedebat van 18 april": read with the meeting."""
    window = max(0, t.start - 80)
    meeting = rules.meeting.search(sentence[window : t.start])
    if meeting:
        a = window + meeting.start()
        w = _read(parse, sentence[a : t.end], ref)
        if w is not None and w.latest is not None:
            return _from_window(a, t.end, sentence[a : t.end], w, t.origin)
    m = rules.laat_verb.match(t.text)
    if not m or rules.laat_adverb_before.search(sentence[: t.start]):
        return t
    rest = t.text[m.end() :]
    w = _read(parse, rest, ref)
    if w is None or w.kind == "event":
        return t
    return _from_window(t.start + m.end(), t.end, rest, w, t.origin)


def _bare_dates(sentence: str, found: list[Timing], ref: date, rules: Rules, parse: Parse) -> list[Timing]:
    if not rules.bare_date_planning.search(sentence):
        return []
    out: list[Timing] = []
    for m in rules.bare_date.finditer(sentence):
        a, b = m.span("phrase")
        if _overlaps(a, b, found + out):
            continue
        w = _read(parse, m.group("phrase"), ref)
        if w is not None and w.latest is not None:
            out.append(_from_window(a, b, m.group("phrase"), w, "date"))
    return out


def _periods(sentence: str, found: list[Timing], ref: date, rules: Rules, parse: Parse) -> list[Timing]:
    """ "de periode november 2022 tot januari 2023": from the start of the first to the end
    of the last ("tot en met") or the day before the last begins ("tot")."""
    out: list[Timing] = []
    for m in rules.period.finditer(sentence):
        first = _read(parse, m.group("first"), date.min.replace(year=1900))
        last = _read(parse, m.group("last"), date.min.replace(year=1900))
        if (
            first is None
            or last is None
            or first.earliest is None
            or last.earliest is None
            or last.latest is None
        ):
            continue  # (a window has both ends or neither)
        inclusive = m.group("link").lower() not in rules.period_exclusive
        latest = last.latest if inclusive else last.earliest - timedelta(days=1)
        earliest = max(first.earliest, ref)
        if latest < ref:
            earliest = latest
        a, b = m.span()
        if latest < first.earliest:
            continue
        found = [t for t in found if not (a <= t.start and t.end <= b)]
        if _overlaps(a, b, found):
            continue
        # no kind of its own in the spec: the kind of its end ("month", "year")
        out.append(
            Timing(
                a,
                b,
                sentence[a:b],
                earliest,
                latest,
                last.kind,
                explanation=f"'{sentence[a:b]}' = {first.earliest:%Y-%m-%d} .. {latest:%Y-%m-%d}",
                origin="period",
            )
        )
    return out


def _events(sentence: str, found: list[Timing], ref: date, rules: Rules, parse: Parse) -> list[Timing]:
    out: list[Timing] = []
    for m in rules.event_openers.finditer(sentence):
        a = m.start()
        end = len(sentence)
        comma = sentence.find(",", m.end())
        if comma >= 0:
            end = comma
        opener = m.group(0).lower()
        if opener.startswith(rules.clause_openers):
            stop = rules.event_end.search(sentence, m.end(), end)
        else:
            stop = rules.event_stop.search(sentence, m.end(), end)
        if stop:
            end = stop.start()
        phrase = sentence[a:end].rstrip(" .;:!?")
        if len(phrase.split()) < 2 or _overlaps(a, a + len(phrase), found + out):
            continue
        w = _read(parse, phrase, ref)
        if w is not None and w.kind == "event":
            out.append(_from_window(a, a + len(phrase), phrase, w, "event"))
    return out


def _mark_past(t: Timing, sentence: str, rules: Rules) -> Timing:
    if (
        rules.past_after.match(sentence[t.end :])
        or rules.past_before.search(sentence[: t.start])
        or rules.past_inside.search(t.text)
    ):
        return replace(t, past=True)
    return t
