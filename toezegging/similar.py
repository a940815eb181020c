"""Near-duplicates: is a new promise one the register already holds, in other words?

A promise typed after a debate and the same promise found later in the minister's letter
read differently ("Evaluatie pilot voor de zomer naar de Kamer" and "De Kamer ontvangt
voor het zomerreces de evaluatie van de pilot"). Two promises are alike when the same
ministry holds them, their windows overlap, and their texts share most of their content
words: words of four letters or more that are not in `lang/stopwords.toml`, compared on
their first six letters, so that "evaluatie" and "evaluaties", "gemeenten" and
"gemeentelijke" meet. The overlap is counted against the shorter text.
"""

import re
import tomllib
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources

from sqlmodel import Session, col, select

from .model import Promise, Status

# At least this share of the shorter text's content words, and at least this many.
THRESHOLD = 0.6
MIN_SHARED = 2
STEM = 6
_WORD = re.compile(r"[^\W\d_]{4,}", re.UNICODE)


@cache
def _stopwords() -> frozenset[str]:
    text = resources.files("toezegging").joinpath("lang", "stopwords.toml").read_text("utf-8")
    data = tomllib.loads(text)
    return frozenset(w.casefold() for words in data.values() for w in words)


def content_words(text: str) -> frozenset[str]:
    stop = _stopwords()
    return frozenset(w[:STEM] for w in (m.group(0).casefold() for m in _WORD.finditer(text)) if w not in stop)


def likeness(a: str, b: str) -> tuple[float, int]:
    """(share of the shorter text's content words the other has, how many are shared)."""
    wa, wb = content_words(a), content_words(b)
    if not wa or not wb:
        return 0.0, 0
    shared = len(wa & wb)
    return shared / min(len(wa), len(wb)), shared


def windows_overlap(
    a_earliest: date | None, a_latest: date | None, b_earliest: date | None, b_latest: date | None
) -> bool:
    """Whether two windows share a day; two promises without a window (events) overlap."""
    if a_latest is None or b_latest is None:
        return a_latest is None and b_latest is None
    return (a_earliest or a_latest) <= b_latest and (b_earliest or b_latest) <= a_latest


@dataclass
class Match:
    promise: Promise
    share: float
    shared: int


def near_duplicates(
    session: Session,
    text: str,
    ministry: str | None,
    earliest: date | None,
    latest: date | None,
    exclude_id: int | None = None,
) -> list[Match]:
    """Open promises of the same ministry with an overlapping window and a like text,
    most alike first."""
    if not ministry:
        return []
    stmt = select(Promise).where(
        Promise.status == Status.OPEN.value, col(Promise.deleted_at).is_(None), Promise.ministry == ministry
    )
    out = []
    for p in session.exec(stmt):
        if p.id == exclude_id or not windows_overlap(earliest, latest, p.earliest, p.latest):
            continue
        share, shared = likeness(text, p.text)
        if share >= THRESHOLD and shared >= MIN_SHARED:
            out.append(Match(p, share, shared))
    return sorted(out, key=lambda m: (-m.share, m.promise.id))
