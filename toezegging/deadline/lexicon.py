"""Words → canonical tokens, from the language files in `toezegging/lang/`.

The engine knows no Dutch or English: each language file maps its words to these
canonical tokens, and everything after the lexer works on the tokens alone.

| token              | meaning                                               |
|--------------------|-------------------------------------------------------|
| BEFORE, BY, AFTER, FROM, AROUND, IN | the modifiers of the spec            |
| UNTIL, THROUGH     | "tot" / "t/m": before or by a period, or joining a range |
| PART:begin/mid/end | first, middle, last third of a period                |
| THIS, NEXT, LAST   | which occurrence of a period                          |
| WITHIN, OVER, COMING | spans from the reference date                       |
| RANGE, BETWEEN, AND | ranges ("2 à 3", "tussen 2 en 3")                    |
| VAGUE:<ISO span>   | a vague phrase and the span it stands for             |
| RECUR:<span>:<RRULE> | a recurrence and its first occurrence's span        |
| HEDGE, FILLER, SEP | hedges, words without date, clause separators         |
| EVENT:<mode>       | an event cue ("zodra", "tegelijk met"); mode after, at or if |
| OF                 | links a span to the event it counts from ("within a month of") |
| EVERY              | "elk", "every": a recurrence of the period or unit after it |
| ANAPHOR            | points back into the text ("daaropvolgende"): no time phrase |
| UNIT:<unit>[:pl]   | day, week, month, quarter, halfyear, year             |
| HALF               | the noun "half" of a year ("de tweede helft")         |
| MONTH:n, WEEKDAY:n, ORD:n, NUM:n | months, weekdays (Monday = 0), ordinals, numbers |
| SEASON:x, RECESS:x, BUDGET:x, BUDGETYEAR:x | named periods of the year and the Kamer |

Tokens the lexer makes itself, from digits: DATE (y, m, d), YEAR (y), NUM (n),
ORDNUM (n: "1e", "3rd"), QH (("Q"|"H"), n: "Q1", "H2"), and WORD for anything unknown.
"""

import re
from dataclasses import dataclass
from functools import cache
from typing import Any, NamedTuple

from ..lang import load

LANGUAGES = ("nl", "en")
DEFAULT_LANGUAGE = "nl"


class Unit(NamedTuple):
    """The value of UNIT: day, week, month, quarter, halfyear or year, and whether plural."""

    name: str
    plural: bool


class QH(NamedTuple):
    """The value of QH: "Q" or "H" and its number ("Q3", "H2")."""

    letter: str
    n: int


class Recur(NamedTuple):
    """The value of RECUR: the first occurrence's span (ISO 8601) and the RRULE."""

    span: str
    rrule: str


class Ymd(NamedTuple):
    """The value of DATE."""

    year: int
    month: int
    day: int


# A token's value, by kind: int for MONTH, WEEKDAY, ORD, ORDNUM and YEAR; int or float for
# NUM; str for PART, VAGUE, EVENT, SEASON, RECESS, BUDGET, BUDGETYEAR and WORD; the classes
# above for UNIT, QH, RECUR and DATE; None for the rest.
Value = int | float | str | Unit | QH | Recur | Ymd | None


@dataclass(slots=True)
class Token:
    kind: str  # BEFORE, PART, NUM, WORD, ...
    value: Value  # "begin", 3, Ymd(2027, 3, 1), Unit("month", True), ...
    start: int  # character offsets in the text that was lexed
    end: int


@dataclass(frozen=True)
class Language:
    code: str
    settings: dict[str, Any]
    explain: dict[str, Any]
    rules: list[dict[str, Any]]


@cache
def language(code: str) -> Language:
    data = load(code)
    return Language(code, data.get("settings", {}), data.get("explain", {}), data.get("rule", []))


def rule_words(rule: dict[str, Any]) -> list[tuple[str, str]]:
    """(surface, token) pairs of one rule: `token` + `words`, or a `tokens` table."""
    pairs = [(w, rule["token"]) for w in rule.get("words", [])] if "token" in rule else []
    for token, words in rule.get("tokens", {}).items():
        pairs.extend((w, token) for w in words)
    return pairs


def normalise(text: str) -> str:
    """Lower case with the same length as `text`, so offsets stay valid."""
    low = text.lower()
    if len(low) != len(text):
        low = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    return low.replace("’", "'").replace("\u00a0", " ")


def _norm_word(w: str) -> str:
    return " ".join(normalise(w).split())


def _trie_regex(words: list[str]) -> str:
    """One regex that matches any of `words`, longest first, built as a trie."""
    trie: dict[str, Any] = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict[str, Any]) -> str:
        end = "" in node
        alts = []
        for ch in sorted(k for k in node if k):
            piece = r"\s+" if ch == " " else re.escape(ch)
            alts.append(piece + build(node[ch]))
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 and not end else "(?:" + "|".join(alts) + ")"
        if end:
            body = (body if body.startswith("(?:") and len(alts) > 1 else "(?:" + body + ")") + "?"
        return body

    return build(trie)


def _parse_value(token: str) -> tuple[str, Value]:
    kind, _, rest = token.partition(":")
    if kind in ("MONTH", "WEEKDAY", "ORD"):
        return kind, int(rest)
    if kind == "NUM":
        n = float(rest)
        return kind, int(n) if n.is_integer() else n
    if kind == "UNIT":
        unit, _, plural = rest.partition(":")
        return kind, Unit(unit, plural == "pl")
    if kind == "RECUR":
        span, _, rrule = rest.partition(":")
        return kind, Recur(span, rrule)
    return kind, rest or None


class Lexicon:
    """Both languages' words in one regex; a word's meaning is settled per phrase."""

    def __init__(self, codes: tuple[str, ...] = LANGUAGES) -> None:
        self.codes = codes
        # surface -> {language: (kind, value)}
        self.words: dict[str, dict[str, tuple[str, Value]]] = {}
        for code in codes:
            for rule in language(code).rules:
                for surface, token in rule_words(rule):
                    s = _norm_word(surface)
                    meanings = self.words.setdefault(s, {})
                    parsed = _parse_value(token)
                    if code in meanings and meanings[code] != parsed:
                        raise ValueError(
                            f"lang/{code}.toml: '{surface}' means both {meanings[code]} and {token}"
                        )
                    meanings[code] = parsed
        qh = {
            code: (
                language(code).settings.get("quarter_prefixes", []),
                language(code).settings.get("half_prefixes", []),
            )
            for code in codes
        }
        q_prefixes = sorted({p for q, _ in qh.values() for p in q})
        h_prefixes = sorted({p for _, h in qh.values() for p in h})
        suffixes = sorted(
            {s for c in codes for s in language(c).settings.get("ordinal_suffixes", [])},
            key=len,
            reverse=True,
        )
        self.q_prefixes, self.h_prefixes = set(q_prefixes), set(h_prefixes)
        # Per language, every surface's meaning (falling back to the other language's);
        # `voter` names the one language a surface belongs to, if only one.
        self.meaning = {
            code: {s: m.get(code) or next(iter(m.values())) for s, m in self.words.items()} for code in codes
        }
        self.voter = {s: next(iter(m)) if len(m) == 1 else None for s, m in self.words.items()}
        self.differs = {s for s, m in self.words.items() if len(set(m.values())) > 1}
        wordlike = [w for w in self.words if w[0].isalnum()]
        vocab = _trie_regex(wordlike)
        punct = _trie_regex([w for w in self.words if not w[0].isalnum()])
        self.pattern = re.compile(
            r"(?P<date>(?<![\w-])(?:\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{4})(?![\w-]))"
            rf"|(?P<qh>(?<!\w)(?:{'|'.join(map(re.escape, q_prefixes + h_prefixes))})\s?[1-4](?!\w))"
            rf"|(?P<ordnum>(?<![\w.,])\d{{1,2}}(?:{'|'.join(map(re.escape, suffixes))})(?!\w))"
            r"|(?P<num>(?<![\w.,])\d+(?:,\d+)?(?![\w]|[.,]\d))"
            rf"|(?P<vocab>(?<!\w)(?:{vocab})(?!\w)|{punct})"
            r"|(?P<word>[^\W\d_][\w'.]*|\d[\w./-]*)"
        )

    def lex(self, text: str) -> tuple[list[Token], str]:
        """Tokens of `text` with offsets, and the language the phrase is in.

        Words are given their default-language meaning at once; the few whose meaning
        differs by language are looked up again when the phrase turns out to be in another.
        """
        low = normalise(text)
        tokens: list[Token] = []
        votes = dict.fromkeys(self.codes, 0)
        words, voter, default = self.words, self.voter, self.meaning[DEFAULT_LANGUAGE]
        ambiguous = []
        kind: str
        value: Value
        for m in self.pattern.finditer(low):
            group = m.lastgroup
            v = m.group()
            start, end = m.span()
            if group == "vocab":
                if v not in words:
                    v = " ".join(v.split())
                lang = voter[v]
                if lang is not None:
                    votes[lang] += 1
                elif v in self.differs:
                    ambiguous.append((len(tokens), v))
                kind, value = default[v]
            elif group == "num":
                kind, value = _number(v)
            elif group == "ordnum":
                kind, value = "ORDNUM", _leading_int(v)
            elif group == "qh":
                kind, value = "QH", QH("Q" if v[0] in self.q_prefixes else "H", int(v[-1]))
            elif group == "date":
                kind, value = "DATE", _numeric_date(v)
                if value is None:
                    kind, value = "WORD", v
            else:
                kind, value = "WORD", v
            tokens.append(Token(kind, value, start, end))
        lang = DEFAULT_LANGUAGE  # unless another language has more words of its own
        for code, n in votes.items():
            if n > votes[lang]:
                lang = code
        if lang != DEFAULT_LANGUAGE:
            meaning = self.meaning[lang]
            for i, v in ambiguous:
                tokens[i].kind, tokens[i].value = meaning[v]
        return tokens, lang


def _number(v: str) -> tuple[str, int | float]:
    n = float(v.replace(",", "."))
    if n.is_integer():
        n = int(n)
        if len(v) == 4 and 1900 <= n <= 2199:
            return "YEAR", n
    return "NUM", n


_DIGITS = re.compile(r"\d+")


def _leading_int(v: str) -> int:
    """The number of an ordinal written in digits ("3e", "1st"); the lexer matched digits first."""
    m = _DIGITS.match(v)
    return int(m.group()) if m else 0


def _numeric_date(s: str) -> Ymd | None:
    parts = [int(p) for p in re.split(r"[-/.]", s)]
    y, m, d = parts if parts[0] > 31 else (parts[2], parts[1], parts[0])
    if not (1 <= m <= 12 and 1 <= d <= 31):
        return None
    return Ymd(y, m, d)


@cache
def lexicon() -> Lexicon:
    return Lexicon()
