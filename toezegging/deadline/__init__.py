"""The fuzzy-deadline engine: a time phrase + the day it was said → a `Window`.

    >>> parse("voor de zomer van 2026", date(2026, 6, 10)).latest
    datetime.date(2026, 7, 2)

Two steps, each testable alone (../shared/spec/deadlines.md is the contract):

1. `read(phrase)` → an unresolved `Expression` (lexicon.py: words → canonical tokens,
   from lang/*.toml; grammar.py: tokens → expression). Independent of the date, so it
   is cached per phrase.
2. `resolve(expression, ref, phrase)` → `Window` (resolve.py, with calendar.py for the
   arithmetic and ../parliament.py for recesses and budget moments; explain.py words it).

`search(sentence, ref)` finds the time phrase inside a sentence (search.py).

An event phrase ("binnen twee maanden na inwerkingtreding") gets no window but keeps its
`anchor`, `offset` and `offset_mode`; `on_event(...)` gives the window once the event has
a date (event.py).
"""

from datetime import date
from functools import lru_cache

from ..errors import UnreadableDeadline
from .event import on_event
from .expr import Expression
from .grammar import Unreadable
from .grammar import read as _read_tokens
from .lexicon import DEFAULT_LANGUAGE, language, lexicon
from .resolve import CALENDAR_ERRORS, Window, resolve
from .search import Found, search

__all__ = ["EXAMPLES", "Expression", "Found", "Window", "on_event", "parse", "read", "search"]

# Named in the error for a phrase the engine cannot read (lang/nl.toml, [settings]).
EXAMPLES: tuple[str, ...] = tuple(language(DEFAULT_LANGUAGE).settings["unreadable_examples"])

MAX_PHRASE = 500


@lru_cache(maxsize=8192)
def read(phrase: str) -> Expression:
    """The unresolved expression of a phrase; raises UnreadableDeadline."""
    if not phrase or not phrase.strip() or len(phrase) > MAX_PHRASE:
        raise UnreadableDeadline(phrase.strip()[:80], EXAMPLES)
    tokens, lang = lexicon().lex(phrase)
    try:
        return _read_tokens(tokens, lang, phrase)
    except Unreadable:
        raise UnreadableDeadline(phrase.strip(), EXAMPLES) from None


def parse(phrase: str, ref: date) -> Window:
    """Read `phrase`, said on `ref`, into a window (or an event). Raises UnreadableDeadline."""
    expr = read(" ".join(phrase.split()))
    try:
        return resolve(expr, ref, phrase)
    except CALENDAR_ERRORS:
        raise UnreadableDeadline(phrase.strip(), EXAMPLES) from None
