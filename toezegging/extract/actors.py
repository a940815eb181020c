"""Who promised it: the member of the government named in the sentence, or the letter's
signature block ("De minister van Justitie en Veiligheid, / D.M. van Weel"), and the
ministry that office belongs to (`[actors]` in `lang/extract_nl.toml`)."""

import re
from dataclasses import dataclass

from .rules import Rules, load_rules


@dataclass(frozen=True)
class Actor:
    function: str  # "minister van Justitie en Veiligheid", or a bare "staatssecretaris"
    office: str  # "minister", "staatssecretaris", "minister-president"
    ministry: str | None = None
    name: str | None = None


def ministry_of(text: str, rules: Rules | None = None) -> tuple[str, str] | None:
    """(ministry, alias as written) for the first ministry alias at the start of `text`."""
    rules = rules or load_rules()
    for pattern, name in rules.ministry_aliases:
        m = pattern.match(text)
        if m:
            return name, m.group(0)
    return None


def _office_pattern(rules: Rules) -> re.Pattern:
    offices = "|".join(re.escape(o) for o in rules.offices)
    return re.compile(rf"\b({offices})\b(?:\s+(van|voor)\b\s*)?", re.IGNORECASE)


def actors_in(sentence: str, rules: Rules | None = None) -> list[Actor]:
    """The offices named in a sentence, in order, with their ministry where it is named."""
    rules = rules or load_rules()
    out = []
    for m in _office_pattern(rules).finditer(sentence):
        office = m.group(1).lower()
        rest = sentence[m.end():]
        found = ministry_of(rest, rules)
        if found is None and m.group(2) is None:
            # "staatssecretaris J&V": an abbreviation without "van"
            found = ministry_of(rest.lstrip(), rules)
            if found and not re.fullmatch(r"[A-Z&]+", found[1]):
                found = None
        if found:
            ministry, alias = found
            link = f" {m.group(2).lower()} " if m.group(2) else " "
            out.append(Actor(f"{office}{link}{alias}", office, ministry))
        else:
            out.append(Actor(office, office))
    return out


# ----------------------------------------------------------------------------- signature

_COLUMNS = re.compile(r"\t+|\s{3,}")


def signature(text: str, rules: Rules | None = None) -> list[Actor]:
    """The signers of a letter, in the order they sign (the lead ministry first)."""
    rules = rules or load_rules()
    lines = text.splitlines()
    office_start = re.compile(rf"^(de\s+)?({'|'.join(map(re.escape, rules.offices))})\b", re.I)
    closing = re.compile(rf"^\s*({'|'.join(map(re.escape, rules.closings))})\b", re.I)
    start = next((i for i, ln in enumerate(lines) if closing.match(ln)), None)
    if start is None:
        start = next(
            (
                i
                for i, ln in enumerate(lines)
                if len(ln) < 120
                and office_start.match(ln.strip())
                and ln.rstrip().endswith(",")
            ),
            None,
        )
        if start is None:
            return []
    else:
        start += 1
    rows: list[list[str]] = []
    for ln in lines[start : start + 30]:
        stripped = ln.strip()
        if stripped.startswith("---") or len(stripped) > 150:
            break
        if stripped:
            rows.append([c.strip() for c in _COLUMNS.split(stripped) if c.strip()])
    return _signers_in_rows(rows, office_start, rules)


def _signers_in_rows(rows: list[list[str]], office_start: re.Pattern, rules: Rules) -> list[Actor]:
    """Functions and names, read row by row: side by side (two columns) or one under the
    other. A line ending in a comma continues the first function not yet complete; names
    go to the functions in the order these were written."""
    waiting: list[str] = []
    out: list[Actor] = []
    for cells in rows:
        for cell in cells:
            if office_start.match(cell):
                waiting.append(cell)
            elif waiting and cell.endswith(","):
                i = next((k for k, f in enumerate(waiting) if not _complete(f, rules)), -1)
                waiting[i] = f"{waiting[i]} {cell}"
            elif waiting and _looks_like_name(cell):
                out.append(_actor_from_function(waiting.pop(0), cell, rules))
    return out


def _complete(function: str, rules: Rules) -> bool:
    """Whether a function names its whole ministry ("minister van Langdurige Zorg," is not)."""
    m = re.search(r"\b(van|voor)\s+(.*?),?$", function)
    if not m:
        return True
    found = ministry_of(m.group(2), rules)
    return bool(found) and len(found[1]) >= len(m.group(2).rstrip(","))


def _looks_like_name(cell: str) -> bool:
    words = cell.split()
    return 1 <= len(words) <= 6 and cell[:1].isupper() and not cell.endswith((".", ":"))


def _actor_from_function(function: str, name: str, rules: Rules) -> Actor:
    function = re.sub(r"^(de|De)\s+", "", function.strip().rstrip(",")).strip()
    function = re.sub(r"\s+", " ", function)
    found = actors_in(function, rules)
    if found:
        a = found[0]
        return Actor(function, a.office, a.ministry, name)
    return Actor(function, function.split()[0].lower(), None, name)


# ----------------------------------------------------------------------------- resolving

class ActorResolver:
    """Resolves who made the promise in each sentence, in document order.

    A sentence that names an office with its ministry sets it; a bare "de staatssecretaris"
    takes the last one named in the document (a debate report names it once), then the
    signer with that office; a sentence naming nobody ("Wij zullen ...") is the signers'.
    """

    def __init__(self, signers: list[Actor], rules: Rules | None = None):
        self.rules = rules or load_rules()
        self.signers = signers
        self.last: dict[str, Actor] = {}
        self._pending: list[Actor] = []

    def _with_name(self, actor: Actor) -> Actor:
        def same(s: Actor) -> Actor:
            return Actor(actor.function, actor.office, actor.ministry, s.name)

        key = actor.function.lower()
        for s in self.signers:
            if s.function.lower() == key:
                return same(s)
        matches = [
            s for s in self.signers
            if s.office == actor.office and s.ministry and s.ministry == actor.ministry
        ]
        return same(matches[0]) if len(matches) == 1 else actor

    def see(self, sentence: str) -> list[Actor]:
        """The offices a sentence names (call for every sentence, in order); a bare office
        resolves against the sentences before it, not against a later office in itself."""
        for a in self._pending:
            if a.ministry:
                self.last[a.office] = a
        self._pending = actors_in(sentence, self.rules)
        return self._pending

    def resolve(self, named: list[Actor]) -> Actor | None:
        for a in named:
            if a.ministry:
                return self._with_name(a)
            if a.office in self.last:
                return self._with_name(self.last[a.office])
            same = [s for s in self.signers if s.office == a.office]
            if len(same) == 1:
                return same[0]
            return a
        return self.joint()

    def joint(self) -> Actor | None:
        if not self.signers:
            return None
        if len(self.signers) == 1:
            return self.signers[0]
        lead = self.signers[0]
        names = " en ".join(s.name for s in self.signers if s.name)
        functions = " en ".join(s.function for s in self.signers)
        return Actor(functions, lead.office, lead.ministry, names or None)
