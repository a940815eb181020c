"""Who promised it: the member of the government named in the sentence, the one who
answers Kamervragen ("Antwoord van Staatssecretaris Heijnen (Infrastructuur en
Waterstaat)"), or the letter's signers ("De minister van Justitie en Veiligheid, / D.M. van
Weel"), and the ministry that office belongs to (`[actors]` in `lang/extract_nl.toml`)."""

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


def _offices(rules: Rules) -> str:
    """The offices as alternatives of a pattern."""
    return "|".join(map(re.escape, rules.offices))


def _links(rules: Rules) -> str:
    """The words between an office and its ministry ("van", "voor"), as alternatives."""
    return "|".join(map(re.escape, rules.office_links))


def _office_pattern(rules: Rules) -> re.Pattern:
    return re.compile(rf"\b({_offices(rules)})\b(?:\s+({_links(rules)})\b\s*)?", re.IGNORECASE)


def actors_in(sentence: str, rules: Rules | None = None) -> list[Actor]:
    """The offices named in a sentence, in order, with their ministry where it is named."""
    rules = rules or load_rules()
    out = []
    for m in _office_pattern(rules).finditer(sentence):
        office = m.group(1).lower()
        rest = sentence[m.end() :]
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


# ----------------------------------------------------------------------------- answers


def answerer(text: str, rules: Rules | None = None) -> list[Actor]:
    """The member of the government who answers Kamervragen, from the heading "Antwoord van
    Minister Hermans (Klimaat en Groene Groei) (ontvangen ...)"; those on whose behalf
    ("mede namens") are not the answerer."""
    rules = rules or load_rules()
    m = rules.answerer.search(text[:8000])
    if not m:
        return []
    office = m.group("office").lower()
    name = re.sub(r"\s+", " ", m.group("name")).strip(" ,")
    written = re.sub(r"\s+", " ", m.group("ministry")).strip()
    lead = re.split(r"\s+[–-]\s+", written, maxsplit=1)[0].strip()
    found = ministry_of(lead, rules)
    if not found:
        return [Actor(office, office, None, name)]
    ministry, alias = found
    canonical = alias.lower() == ministry.lower() or re.fullmatch(r"[A-Z&]+", alias)
    shown = ministry if re.fullmatch(r"[A-Z&]+", alias) else alias
    whole, portfolio = rules.office_links
    link = whole if canonical else portfolio
    return [Actor(f"{office} {link} {shown}", office, ministry, name)]


def speaker_actor(label: str, rules: Rules | None = None) -> Actor | None:
    """The member of the government who speaks ("Minister Hermans", "Staatssecretaris Van der
    Burg"), or None for a member of the Kamer or the chair."""
    rules = rules or load_rules()
    label = re.sub(r"\s+", " ", label).strip()
    m = re.match(rf"^(?:{re.escape(rules.article)} )?({_offices(rules)})\b(.*)$", label, re.I)
    if not m:
        return None
    office = m.group(1).lower()
    named = actors_in(label, rules)
    if named and named[0].ministry:
        return named[0]
    name = m.group(2).strip(" ,") or None
    return Actor(office, office, None, name)


# ----------------------------------------------------------------------------- signature

_COLUMNS = re.compile(r"\t+|\s{3,}")


def signature(text: str, rules: Rules | None = None) -> list[Actor]:
    """The signers of a letter, in the order they sign (the lead ministry first)."""
    rules = rules or load_rules()
    lines = text.replace("\f", "\n").splitlines()
    offices, links, article = _offices(rules), _links(rules), re.escape(rules.article)
    office_start = re.compile(rf"^({article}\s+)?({offices})\b", re.I)
    office_line = re.compile(
        rf"^(?:(?P<name>(?!{article}\s).{{2,60}}?)\s+)?(?P<function>(?:{article}\s+)?"
        rf"(?:{offices})\s+(?:{links})\s+.{{3,100}}?),?$",
        re.I,
    )
    closing = re.compile(rf"^\s*({'|'.join(map(re.escape, rules.closings))})\b", re.I)
    start = next((i for i, ln in enumerate(lines) if closing.match(ln)), None)
    if start is None:
        # no closing words: the last short line that is an office of a ministry, from the
        # second half of the text ("Minister van Economische Zaken en Klimaat")
        half = len(lines) // 2
        candidates = [
            i
            for i in range(half, len(lines))
            if len(lines[i].strip()) < 160
            and (m := office_line.match(lines[i].strip()))
            and _names_a_ministry(m.group("function"), rules)
            and (not m.group("name") or _looks_like_name(m.group("name"), rules))
        ]
        if not candidates:
            return []
        start = max(candidates[0] - 12, 0)
    else:
        start += 1
    rows: list[list[str]] = []
    seen_office = False
    for ln in lines[start : start + 40]:
        stripped = ln.strip()
        long = stripped.startswith("---") or len(stripped) > 160
        if not seen_office:
            # before the first function: skip the text; a name may stand just above it
            if long or not stripped:
                rows = [] if long else rows
                continue
            if not (office_start.match(stripped) or office_line.match(stripped)):
                rows = [[stripped]] if _looks_like_name(stripped, rules) else []
                continue
            seen_office = True
        elif long:
            break
        if stripped:
            rows.append(_cells(stripped, office_start, office_line, rules))
    return _signers_in_rows(rows, office_start, rules)


def _names_a_ministry(function: str, rules: Rules) -> bool:
    """ "Minister van Economische Zaken en Klimaat": the office and a whole ministry, nothing more."""
    m = re.search(rf"\b(?:{_links(rules)})\s+(.*?),?$", function)
    if not m:
        return False
    found = ministry_of(m.group(1), rules)
    return found is not None and len(found[1]) >= len(m.group(1).rstrip(","))


def _cells(line: str, office_start: re.Pattern, office_line: re.Pattern, rules: Rules) -> list[str]:
    """The cells of a signature line: columns apart, two functions run together ("De minister
    van X, De staatssecretaris van Y,") apart, a name before its function apart."""
    cells = [c.strip() for c in _COLUMNS.split(line) if c.strip()]
    out: list[str] = []
    offices, article = _offices(rules), re.escape(rules.article)
    for cell in cells:
        pieces = re.split(rf",\s+(?=(?:{article}\s+)?(?:{offices})\b)", cell, flags=re.I)
        for i, piece in enumerate(pieces):
            piece = piece.strip() + ("," if i < len(pieces) - 1 else "")
            m = office_line.match(piece)
            if (
                m
                and m.group("name")
                and _looks_like_name(m.group("name"), rules)
                and not office_start.match(piece)
            ):
                out += [m.group("name").strip(), m.group("function").strip()]
            elif office_start.match(piece) and (split := _function_then_name(piece, rules)):
                out += list(split)
            else:
                out.append(piece)
    return out


def _function_then_name(cell: str, rules: Rules) -> tuple[str, str] | None:
    """ "De minister van Justitie en Veiligheid, D.M. van Weel" on one line: (function, name)."""
    m = re.search(rf"\b(?:{_links(rules)})\s+", cell)
    if not m:
        return None
    found = ministry_of(cell[m.end() :], rules)
    if not found:
        return None
    end = m.end() + len(found[1])
    rest = cell[end:].lstrip()
    if not rest.startswith(","):
        return None
    name = rest[1:].strip()
    if not name or not _looks_like_name(name, rules):
        return None
    return cell[:end] + ",", name


def _signers_in_rows(rows: list[list[str]], office_start: re.Pattern, rules: Rules) -> list[Actor]:
    """Functions and names, read row by row: side by side (two columns) or one under the
    other, the name after its function or before it. A line ending in a comma continues
    the first function not yet complete; names go to the functions in the order these were
    written."""
    waiting: list[str] = []
    names: list[str] = []  # names read before any function waits for them
    out: list[Actor] = []
    for cells in rows:
        for cell in cells:
            if office_start.match(cell):
                if names:
                    out.append(_actor_from_function(cell, names.pop(0), rules))
                else:
                    waiting.append(cell)
            elif cell.endswith(",") and any(not _complete(f, rules) for f in waiting):
                i = next((k for k, f in enumerate(waiting) if not _complete(f, rules)), -1)
                waiting[i] = f"{waiting[i]} {cell}"
            elif _looks_like_name(cell, rules):
                split = _two_names(cell, rules) if len(waiting) >= 2 else [cell]
                for name in split:
                    if waiting:
                        out.append(_actor_from_function(waiting.pop(0), name, rules))
                    elif not out:
                        names.append(name)
    return out


def _complete(function: str, rules: Rules) -> bool:
    """Whether a function names its whole ministry ("minister van Langdurige Zorg," is not)."""
    m = re.search(rf"\b({_links(rules)})\s+(.*?),?$", function)
    if not m:
        return True
    found = ministry_of(m.group(2), rules)
    return found is not None and len(found[1]) >= len(m.group(2).rstrip(","))


def _title_re(rules: Rules) -> re.Pattern:
    titles = "|".join(re.escape(t) for t in rules.titles)
    return re.compile(rf"^(?:(?:{titles})\.?\s+)+", re.I)


def _looks_like_name(cell: str, rules: Rules) -> bool:
    cell = _title_re(rules).sub("", cell.strip())
    words = cell.split()
    if not (1 <= len(words) <= 8) or not cell[:1].isupper() or cell.endswith((".", ":", ",")):
        return False
    return not rules.not_a_name.search(cell)


def _two_names(cell: str, rules: Rules) -> list[str]:
    """Two names run together on one line ("Mark Harbers Vivianne Heijnen", "D.M. van Weel
    drs. A.B. Jansen"): split where a title or initials start the second, or at the middle
    capital word."""
    words = cell.split()
    if len(words) < 4:
        return [cell]
    title = _title_re(rules)
    starts = [
        i
        for i in range(2, len(words) - 1)
        if title.match(words[i] + " ") or re.fullmatch(r"(?:[A-ZÀ-Ý]\.)+", words[i])
    ]
    if not starts:
        starts = [
            i
            for i in range(2, len(words) - 1)
            if words[i][:1].isupper()
            and words[i - 1][:1].isupper()
            and words[i - 1].lower() not in rules.name_particles
        ]
    if not starts:
        return [cell]
    i = min(starts, key=lambda k: abs(k - len(words) / 2))
    return [" ".join(words[:i]), " ".join(words[i:])]


def _actor_from_function(function: str, name: str, rules: Rules) -> Actor:
    article = re.escape(rules.article)
    capital = re.escape(rules.article[:1].upper() + rules.article[1:])
    function = re.sub(rf"^({article}|{capital})\s+", "", function.strip().rstrip(",")).strip()
    function = re.sub(r"\s+", " ", function)
    function = function[:1].lower() + function[1:]
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

    def __init__(self, signers: list[Actor], rules: Rules | None = None) -> None:
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
            s
            for s in self.signers
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
        """The signers together: names joined by " en ", functions by " en de " (`join_names`,
        `join_functions`), so that "aan de " + function reads "aan de minister van X en de
        minister van Y"."""
        if not self.signers:
            return None
        if len(self.signers) == 1:
            return self.signers[0]
        lead = self.signers[0]
        names = self.rules.join_names.join(s.name for s in self.signers if s.name)
        functions = self.rules.join_functions.join(s.function for s in self.signers)
        return Actor(functions, lead.office, lead.ministry, names or None)
