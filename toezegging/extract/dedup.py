"""One promise once: a document that repeats itself (a PDF with a second, garbled copy of
its text) or a promise already in the register must not be proposed twice.

Sentences are compared on their letters and digits only, so "h oudt" and "houdt",
"Staten - Generaal" and "Staten-Generaal" are the same; then fuzzily, where the numbers
in them agree."""

import re
from collections.abc import Callable, Iterable
from difflib import SequenceMatcher
from typing import TypeVar

T = TypeVar("T")

_NON_ALNUM = re.compile(r"[\W_]+", re.UNICODE)
_DIGITS = re.compile(r"\D+")
RATIO = 0.9
MIN_CONTAINED = 40


def normalise(text: str) -> str:
    return _NON_ALNUM.sub("", text.lower())


def same_text(a: str, b: str) -> bool:
    """Whether two normalised texts say the same thing (one copy garbled, or with a heading)."""
    if a == b:
        return True
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    if not short:
        return False
    if len(short) >= MIN_CONTAINED and short in long_:
        return True
    if len(short) / len(long_) < RATIO - 0.05 or _DIGITS.sub("", a) != _DIGITS.sub("", b):
        return False  # the numbers and dates must agree: "onderdeel 3" is not "onderdeel 4"
    m = SequenceMatcher(None, a, b, autojunk=False)
    return m.real_quick_ratio() >= RATIO and m.quick_ratio() >= RATIO and m.ratio() >= RATIO


def unique(items: Iterable[T], key: Callable[[T], str], seen: Iterable[str] = ()) -> list[T]:
    """The items whose text is not the same as an earlier item's or one in `seen`.

    The same as comparing each with every earlier one by `same_text`, but fuzzy matching
    only runs between texts whose numbers agree (`same_text` requires that), so a long
    document with many proposals stays fast."""
    known: list[str] = []
    exact: set[str] = set()
    by_digits: dict[str, list[str]] = {}
    joined = ""  # every known text, separated, to find one that holds a new one

    def add(k: str) -> None:
        nonlocal joined
        exact.add(k)
        known.append(k)
        by_digits.setdefault(_DIGITS.sub("", k), []).append(k)
        joined += "\x00" + k

    def same(k: str) -> bool:
        if k in exact:
            return True
        if len(k) >= MIN_CONTAINED and k in joined:
            return True  # a known text holds this one
        if any(len(o) >= MIN_CONTAINED and len(o) <= len(k) and o in k for o in known):
            return True  # this one holds a known text
        return any(same_text(k, o) for o in by_digits.get(_DIGITS.sub("", k), ()))

    for s in seen:
        add(normalise(s))
    out = []
    for item in items:
        k = normalise(key(item))
        if same(k):
            continue
        add(k)
        out.append(item)
    return out
