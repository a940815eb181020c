"""One name per ministry: reading a ministry as written, and filtering on one.

The ministries, their abbreviations, former names, short forms and the portfolios of
ministers without a ministry of their own are data: `data/ministries.toml`.

Reading a name (`canonical`): case, accents ("Financien"), commas and a leading
"Ministerie van", "minister van/voor" or "staatssecretaris van/voor" do not matter; the
whole of what is left must be one of the ministry's names. "OCW", "ocw", "Ministerie van
Onderwijs, Cultuur en Wetenschap", "minister voor Primair en Voortgezet Onderwijs" and
"onderwijs" all read as "Onderwijs, Cultuur en Wetenschap". A promise stores that
canonical name (`as_stored`); a name that is no ministry's is kept as given, so a user can
follow a new one, and `unknown_note` words the warning with the nearest names.

Filtering (`select`, for `list --ministry`, `[[feeds]] ministry` and the sync): a value
that reads as a ministry selects that ministry. Otherwise it is a part of a name, matched
on whole words, in order: "justitie", "groene groei" or "cultuur en wetenschap" select
every ministry one of whose names (canonical, former, short or portfolio) holds those
words, so "klimaat" selects Klimaat en Groene Groei and Economische Zaken (once
"Economische Zaken en Klimaat"). A value that selects no ministry at all is matched as a
piece of text in the stored name, as for a ministry the data does not know.
"""

import difflib
import re
import tomllib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources


@dataclass(frozen=True)
class Ministry:
    name: str
    abbreviations: tuple[str, ...] = ()
    former: tuple[str, ...] = ()
    short: tuple[str, ...] = ()
    portfolios: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()
    since: int | None = None

    @property
    def names(self) -> tuple[str, ...]:
        """Every written form of this ministry, the canonical name first."""
        return (self.name, *self.abbreviations, *self.former, *self.short, *self.portfolios)

    @property
    def long_names(self) -> tuple[str, ...]:
        """The forms a part of a name is matched against (no abbreviations)."""
        return (self.name, *self.former, *self.short, *self.portfolios)


@dataclass(frozen=True)
class Table:
    ministries: tuple[Ministry, ...]
    exact: dict[str, Ministry]  # normalised form -> ministry
    words: tuple[tuple[tuple[str, ...], Ministry], ...]  # words of each long name
    prefixes: tuple[str, ...]
    no_part: frozenset[str]
    function: re.Pattern[str]  # an office with its ministry inside a function's text


_SPACES = re.compile(r"\s+")
_PUNCT = re.compile(r"[,.;:()\"'“”‘’]")


def _fold(text: str) -> str:
    """Lower case, accents dropped, '&' without spaces, punctuation and spacing evened."""
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = _PUNCT.sub(" ", text)
    text = re.sub(r"\s*&\s*", "&", text)
    return _SPACES.sub(" ", text).strip()


def normalise(text: str, prefixes: Iterable[str] | None = None) -> str:
    """The form a name is looked up by: folded, with a leading 'Ministerie van' (etc.) dropped."""
    folded = _fold(text)
    for p in prefixes if prefixes is not None else table().prefixes:
        if folded == p:
            return ""
        if folded.startswith(p + " "):
            return folded[len(p) + 1 :]
    return folded


@cache
def table() -> Table:
    """The ministries of `data/ministries.toml`, read once."""
    return build_table(
        tomllib.loads(resources.files("toezegging").joinpath("data/ministries.toml").read_text("utf-8"))
    )


def build_table(raw: dict) -> Table:
    """The lookup table of the data; a form that names two ministries is refused."""
    read = raw["read"]
    prefixes = tuple(sorted((_fold(p) for p in read["prefixes"]), key=len, reverse=True))
    ministries = tuple(
        Ministry(
            m["name"],
            abbreviations=tuple(m.get("abbreviations", ())),
            former=tuple(m.get("former", ())),
            short=tuple(m.get("short", ())),
            portfolios=tuple(m.get("portfolios", ())),
            examples=tuple(m.get("examples", ())),
            since=m.get("since"),
        )
        for m in raw["ministry"]
    )
    exact: dict[str, Ministry] = {}
    for m in ministries:
        for form in m.names:
            key = normalise(form, prefixes)
            other = exact.setdefault(key, m)
            if other is not m:
                raise ValueError(f"ministries.toml: {form!r} names both {other.name!r} and {m.name!r}")
    words = tuple((tuple(normalise(f, prefixes).split()), m) for m in ministries for f in m.long_names)
    return Table(
        ministries,
        exact,
        words,
        prefixes,
        frozenset(_fold(w) for w in read["no_part"]),
        re.compile(read["function"], re.IGNORECASE),
    )


@lru_cache(maxsize=4096)
def canonical(value: str | None) -> str | None:
    """The canonical name of the ministry `value` names, or None when it names none."""
    if not value or not value.strip():
        return None
    m = table().exact.get(normalise(value))
    return m.name if m else None


@lru_cache(maxsize=4096)
def abbreviation(value: str | None) -> str | None:
    """The usual abbreviation of the ministry `value` names ("VWS"), or None."""
    if not value or not value.strip():
        return None
    m = table().exact.get(normalise(value))
    return m.abbreviations[0] if m and m.abbreviations else None


def as_stored(value: str | None) -> str | None:
    """What a promise stores for `value`: its canonical name, or the value as given."""
    if value is None:
        return None
    value = " ".join(value.split())
    return (canonical(value) or value) if value else None


def suggestions(value: str, n: int = 3) -> list[str]:
    """The canonical names of the ministries whose names are nearest to `value`."""
    t = table()
    key = normalise(value)
    close = difflib.get_close_matches(key, list(t.exact), n=n * 3, cutoff=0.6)
    out: list[str] = []
    for c in close:
        name = t.exact[c].name
        if name not in out:
            out.append(name)
    return out[:n]


def unknown_note(value: str | None) -> str | None:
    """A warning for a ministry the data does not know (None when it knows it)."""
    if not value or canonical(value) is not None:
        return None
    close = suggestions(value)
    hint = f" Did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
    return (
        f"'{value}' is not a ministry toezegging knows; it is kept as given.{hint} "
        "The known ones are listed in toezegging/data/ministries.toml."
    )


def _part_of(words: tuple[str, ...], name: tuple[str, ...]) -> bool:
    n = len(words)
    return any(name[i : i + n] == words for i in range(len(name) - n + 1))


def by_part(value: str) -> list[str]:
    """The canonical names of the ministries a part of a name selects (whole words, in order)."""
    t = table()
    words = tuple(normalise(value).split())
    if not words or all(w in t.no_part for w in words):
        return []
    out: list[str] = []
    for name_words, m in t.words:
        if m.name not in out and _part_of(words, name_words):
            out.append(m.name)
    return out


@dataclass(frozen=True)
class Selection:
    """What a filter of ministry values selects (see the module docstring)."""

    names: frozenset[str]  # canonical names of the ministries selected
    texts: tuple[str, ...]  # casefolded values that select no ministry: matched as text
    unknown: tuple[str, ...]  # those values as given (for a warning)

    @property
    def stored_forms(self) -> frozenset[str]:
        """Lower-case stored values that mean a selected ministry (for SQL `IN`)."""
        t = {m.name: m for m in table().ministries}
        return frozenset(f.lower() for n in self.names for f in t[n].names)

    def matches(self, stored: str | None) -> bool:
        if not stored:
            return False
        if canonical(stored) in self.names:
            return True
        folded = stored.casefold()
        return any(t in folded for t in self.texts)

    def __bool__(self) -> bool:
        return bool(self.names or self.texts)


@lru_cache(maxsize=256)
def _select(values: tuple[str, ...]) -> Selection:
    names: set[str] = set()
    texts: list[str] = []
    unknown: list[str] = []
    for v in values:
        if not v or not v.strip():
            continue
        exact = canonical(v)
        found = [exact] if exact else by_part(v)
        if found:
            names.update(found)
        else:
            texts.append(" ".join(v.split()).casefold())
            unknown.append(v.strip())
    return Selection(frozenset(names), tuple(texts), tuple(unknown))


def select(values: str | Iterable[str] | None) -> Selection:
    """The selection of one value or many (any of them may match)."""
    if values is None:
        return Selection(frozenset(), (), ())
    if isinstance(values, str):
        values = [values]
    return _select(tuple(str(v) for v in values))


def filter_note(selection: Selection) -> str | None:
    """A warning for filter values that name no known ministry, with the nearest names."""
    if not selection.unknown:
        return None
    parts = []
    for v in selection.unknown:
        close = suggestions(v)
        parts.append(f"'{v}'" + (f" (did you mean {' or '.join(repr(c) for c in close)}?)" if close else ""))
    return (
        f"{', '.join(parts)} names no ministry toezegging knows; "
        "matched as a piece of the ministry's name as stored."
    )


def from_function(function: str | None) -> str | None:
    """The ministry of a function such as 'Staatssecretaris van Justitie en Veiligheid'."""
    if not function:
        return None
    for m in reversed(list(table().function.finditer(function))):
        found = canonical(m.group(1))
        if found:
            return found
    return canonical(function)


def from_register(ministerie: str | None, function: str | None) -> str | None:
    """The ministry of a Tweede Kamer record: its `Ministerie`, else read from its `Functie`."""
    if ministerie and ministerie.strip():
        return as_stored(ministerie)
    return from_function(function)
