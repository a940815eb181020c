"""A sentence in clauses, so that a time phrase is judged with the verb it belongs to.

No parser: commas, semicolons and the words that open a clause (`[clauses]` in
`lang/extract_nl.toml`) cut the sentence into pieces. A piece is a main clause (or a part
of one, "cont"), or a subordinate clause of a kind: relative, conditional, temporal,
purpose, reason, interjection ("zoals toegezegd"), complement ("Ik verwacht dat ...").
Inside a piece, "om ... te <verb>" is marked as an intention, a target or a purpose by
the word before it.

`context(sentence, pieces, pos)` gives what the judgement reads for a time phrase at
`pos`: the text of its clause (a main clause with all its parts, a complement with the
verb that governs it) and the clause's kind.
"""

import re
from dataclasses import dataclass, field

from .rules import Rules, load_rules

_TOKEN = re.compile(r"[^\s,;:()]+|[,;:()]")
_SUBORDINATE = ("relative", "conditional", "temporal", "purpose", "reason", "interjection")


@dataclass(frozen=True)
class Piece:
    start: int
    end: int
    kind: str  # main, cont, relative, conditional, temporal, purpose, reason, interjection, complement
    group: int  # the main clause this piece belongs to or governs
    governor: str = ""  # for a complement: the words before "dat"


@dataclass(frozen=True)
class Context:
    kind: str  # the clause's kind (for a main clause: "main")
    text: str  # what the judgement reads
    start: int  # the clause's own piece in the sentence
    end: int
    group: int
    features: frozenset[str] = field(default_factory=frozenset)  # purpose, target, ...
    # where the clause names no subject of its own, the words that may: the noun a relative
    # clause hangs on, the clause that governs a complement ("De staatssecretaris geeft aan
    # dat ...")
    subject_hint: str = ""


def pieces(sentence: str, rules: Rules | None = None) -> list[Piece]:
    """The pieces of `sentence`, in order (text in brackets stays in its piece)."""
    cutter = _Cutter(sentence, rules or load_rules())
    depth = 0
    for m in _TOKEN.finditer(sentence):
        tok = m.group(0)
        if tok == "(":
            depth += 1
        elif tok == ")":
            depth = max(0, depth - 1)
        elif depth:
            continue
        elif tok in ",;:":
            cutter.separator(m)
        else:
            cutter.word(m)
    return cutter.done()


class _Cutter:
    """Cuts a sentence into pieces, token by token: `start` and `kind` of the piece being
    read, `group` the main clause it belongs to."""

    def __init__(self, sentence: str, rules: Rules) -> None:
        self.sentence, self.rules = sentence, rules
        self.out: list[Piece] = []
        self.group = 0
        self.start = 0
        self.kind = _opening_kind(sentence, 0, rules) or "main"

    def _close(self, end: int) -> None:
        self.out.append(Piece(self.start, end, self.kind, self.group))

    def separator(self, m: re.Match) -> None:
        """A comma, semicolon or colon ends a piece; the next opens by its first words."""
        sentence, tok = self.sentence, m.group(0)
        if sentence[self.start : m.start()].strip():
            self._close(m.start())
        start = m.end()
        while start < len(sentence) and sentence[start].isspace():
            start += 1
        self.start = start
        nxt = _opening_kind(sentence, start, self.rules)
        if tok in ";:" or nxt == "new-main":
            self.group += 1
            self.kind = "main"
        elif nxt:
            self.kind = nxt
        else:
            self.kind = (
                "cont"
                if any(p.group == self.group and p.kind in ("main", "cont") for p in self.out)
                else "main"
            )

    def word(self, m: re.Match) -> None:
        """A word that may open a clause without a comma before it: a conjunction before a
        new subject, "waar-", "dat", "die"."""
        sentence, rules = self.sentence, self.rules
        low = m.group(0).lower()
        opened = bool(sentence[self.start : m.start()].strip())
        if opened and low in rules.coordinators and rules.new_subject.match(sentence[m.end() :].lstrip()):
            self._close(m.start())
            self.group += 1
            self.start, self.kind = m.start(), "main"
        elif opened and low.startswith(rules.relative_prefix) and rules.subordinators.get(low) == "relative":
            self._close(m.start())
            self.start, self.kind = m.start(), "relative"
        elif (
            opened
            and low in (rules.complementizer, rules.relative_pronoun)
            and _opens_clause(sentence, self.start, m, rules)
        ):
            before = sentence[self.start : m.start()]
            self._close(m.start())
            if low == rules.relative_pronoun or rules.relative_dat.search(before):
                self.start, self.kind = m.start(), "relative"
            else:
                self.start, self.kind = m.start(), "complement"
                self.out.append(Piece(-1, -1, "governor", self.group, before.strip()))

    def done(self) -> list[Piece]:
        out = self.out
        if self.start < len(self.sentence):
            self._close(len(self.sentence))
        out = _attach_governors(out)
        if len(out) == 1 and out[0].kind in _SUBORDINATE:
            # "Als onderdeel van de aanpak wordt ...": no comma closes it, so no clause of its own
            out[0] = Piece(out[0].start, out[0].end, "main", out[0].group)
        return _groups_follow(out)


def _opens_clause(sentence: str, start: int, m: re.Match, rules: Rules) -> bool:
    """Whether "dat" or "die" opens a clause here (not "die brief", "dat is")."""
    before = sentence[start : m.start()].rstrip()
    last = before.rsplit(" ", 1)[-1].lower() if before else ""
    if not rules.clause_next.match(sentence, m.end()):
        return False
    if m.group(0).lower() == rules.relative_pronoun:
        return bool(last) and last.isalpha() and last not in rules.prepositions and last not in rules.articles
    return True


def _attach_governors(out: list[Piece]) -> list[Piece]:
    """A complement keeps the words before its "dat" (its governor) for the judgement."""
    fixed: list[Piece] = []
    governor = None
    for p in out:
        if p.kind == "governor":
            governor = p.governor
            continue
        if p.kind == "complement" and governor is not None:
            p = Piece(p.start, p.end, p.kind, p.group, governor)
            governor = None
        fixed.append(p)
    return fixed


def _groups_follow(out: list[Piece]) -> list[Piece]:
    """A subordinate clause that opens the sentence ("Zodra ..., wordt ...", "Mocht ..., dan
    zal ik ...") belongs to the main clause after it."""
    fixed = []
    for i, p in enumerate(out):
        if p.kind in _SUBORDINATE and i == 0:
            nxt = next((q for q in out[1:] if q.kind in ("main", "cont")), None)
            if nxt is not None:
                p = Piece(p.start, p.end, p.kind, nxt.group, p.governor)
        fixed.append(p)
    return fixed


def _opening_kind(sentence: str, pos: int, rules: Rules) -> str | None:
    rest = sentence[pos:].lstrip()
    m = rules.subordinator_re.match(rest)
    if m:
        word = re.sub(r"\s+", " ", m.group(0).lower())
        kind = rules.subordinators.get(word)
        if word in rules.when_words and _is_temporal_event(rest, rules):
            return "temporal"
        return kind
    if rules.coordinator_re.match(rest) and rules.new_subject.match(rest.split(" ", 1)[1]):
        return "new-main"
    if rules.then_re.match(rest):
        return "cont"
    return None


def _is_temporal_event(rest: str, rules: Rules) -> bool:
    """ "Wanneer/als het onderzoek is afgerond": a moment, not a condition."""
    return bool(rules.completed.search(rest.split(",", 1)[0]))


def context(sentence: str, parts: list[Piece], pos: int, rules: Rules | None = None) -> Context:
    """What the judgement reads for a time phrase that starts at `pos`."""
    rules = rules or load_rules()
    piece = next((p for p in parts if p.start <= pos < p.end), parts[-1])
    features: set[str] = set()
    hint = ""
    om = _om_clause(sentence, piece, pos, rules)
    if piece.kind in ("main", "cont"):
        members = [p for p in parts if p.group == piece.group and p.kind in ("main", "cont")]
        text = " ".join(sentence[p.start : p.end].strip() for p in members)
        governing = next(
            (
                p
                for p in parts
                if p.group == piece.group and p.kind in _SUBORDINATE and p.start < members[0].start
            ),
            None,
        )
        if governing is not None and governing.kind == "conditional":
            features.add("conditional")
        kind = "main"
    elif piece.kind == "complement":
        own = sentence[piece.start : piece.end].strip()
        hint = piece.governor
        if rules.expect_that.search(piece.governor):
            text = f"{piece.governor} {own}"  # "Ik verwacht dat ...": the expectation counts
        else:
            text = own
            if rules.report_that.search(piece.governor):
                features.add("reported")
        kind = "complement"
    else:
        text = sentence[piece.start : piece.end].strip()
        kind = piece.kind
        if kind in ("conditional", "purpose", "reason"):
            features.add(kind)
        if kind == "relative" and rules.that_re.match(sentence[piece.start :]):
            hint = " ".join(sentence[: piece.start].split()[-6:])  # the noun it hangs on
    if om:
        features.add(om)
    return Context(kind, text, piece.start, piece.end, piece.group, frozenset(features), hint)


def _om_clause(sentence: str, piece: Piece, pos: int, rules: Rules) -> str | None:
    """ "purpose" or "target" when `pos` lies in an "om ... te <verb>" clause of its piece
    that is not an intention ("ik ben voornemens om ...")."""
    text = sentence[piece.start : piece.end]
    rel = pos - piece.start
    for m in rules.om.finditer(text):
        end = rules.om_verb.search(text[m.end() :])
        if not end:
            continue
        stop = m.end() + end.end()
        if not (m.start() <= rel < stop):
            continue
        before = text[: m.start()]
        if rules.om_intention.search(before):
            return None
        if rules.om_target.search(before):
            return "target"
        if rules.om_no_clause.search(before):
            return None  # "het gaat om ...": no clause
        return "purpose"
    return None
