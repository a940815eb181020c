"""The structure of a document: what kind it is, who speaks for the government in it, and
which of its sentences are the government's own.

- **answers** to Kamervragen: the heading names the answering member of the government
  ("Antwoord van Minister Hermans (Klimaat en Groene Groei)"); the questions are the
  member's words and are left out; each answer's sentences carry its question number.
- **letter**: the signature names the signers; a letter signed by none of the government
  (an association's) is read like a report.
- **report** of a debate, or a text by others (an initiator's memorandum): only sentences
  whose subject is a member of the government count.

Footnotes, page furniture and quoted motions are removed before reading (`cleaning`).
"""

import datetime
import re
from dataclasses import dataclass, field

from .actors import Actor, answerer, signature, speaker_actor
from .cleaning import clean
from .letterdate import letter_date
from .rules import Rules, load_rules
from .sentences import Sentence, split_sentences
from .source import letter_source, source_of


@dataclass(frozen=True)
class Line:
    """A sentence of the government's own text."""

    sentence: Sentence
    question: str | None = None  # the question it answers ("6", "3 en 4")
    label_end: int = 0  # where a run-in label ("Antwoord 6 ", "Minister Hermans: ") ends
    speaker: Actor | None = None  # in a debate's transcript: the member of the government speaking


@dataclass
class Document:
    kind: str  # answers, letter, report
    by_government: bool
    date: datetime.date | None
    source: str | None
    kamerstuk: str | None
    signers: list[Actor] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)

    def source_on(self, day: datetime.date | None) -> str | None:
        """The subject, or for a document without one "Brief van de <signers> van <day>"."""
        rules = load_rules()
        signed_by = rules.join_functions.join(s.function for s in self.signers) if self.signers else None
        return self.source or letter_source(signed_by, day or self.date, rules)


def read_structure(text: str, rules: Rules | None = None) -> Document:
    rules = rules or load_rules()
    head = re.sub(r"\s+", " ", text[:8000])
    labels = _count_labels(text, rules)
    if rules.answers.search(head) or (labels[0] >= 1 and labels[1] >= 1):
        kind = "answers"
        signers = answerer(text, rules) or signature(text, rules)
        by_government = True
    else:
        signers = signature(text, rules)
        turns = sum(1 for ln in text.splitlines() if rules.speaker.match(ln.strip()))
        if signers:
            kind, by_government = "letter", True
        elif turns >= 3 or rules.report.search(text[:3000]):
            kind, by_government = "report", False
        else:
            kind = "letter"
            by_government = bool(rules.government_letter.search(text)) and not rules.others.search(text)
    day = letter_date(text, rules)
    source, kamerstuk = source_of(text, kind, rules)

    numbered = kind == "answers" and labels[0] == 0

    def breaks(line: str) -> bool:
        return bool(
            rules.question.match(line)
            or rules.answer.match(line)
            or (numbered and rules.numbered_question.match(line))
        )

    def turn(line: str) -> bool:
        return bool(rules.speaker.match(line))

    blocks = clean(text, rules, breaks if kind == "answers" else turn if kind == "report" else None)
    sentences = split_sentences(blocks, rules)
    if kind == "answers":
        lines = _answer_lines(blocks, sentences, rules)
    elif kind == "report":
        lines = _turns(blocks, sentences, rules)
    else:
        lines = [Line(s) for s in sentences]
    return Document(kind, by_government, day, source, kamerstuk, signers, lines)


def _count_labels(text: str, rules: Rules) -> tuple[int, int]:
    q = a = 0
    for line in text.splitlines():
        line = line.strip()
        if rules.question.match(line):
            q += 1
        elif rules.answer.match(line) and rules.numbered_answer.match(line):
            a += 1
    return q, a


def _answer_lines(blocks: list[str], sentences: list[Sentence], rules: Rules) -> list[Line]:
    """The sentences of the answers, each with its question number; the heading and the
    questions are left out. Questions are labelled ("Vraag 3") or, where none is, numbered
    ("3. Bent u bereid ...?"); an answer is labelled ("Antwoord 3") or follows its
    numbered question."""
    numbered = not any(rules.question.match(b) for b in blocks)
    state: list[tuple[str, str | None]] = []
    current, number = "head", None
    for b in blocks:
        q = rules.question.match(b)
        a = rules.answer.match(b)
        nq = rules.numbered_question.match(b) if numbered else None
        if q:
            current, number = "question", _number(q.group("n"))
        elif a:
            current = "answer"
            number = _number(a.group("n")) if a.group("n") else number
        elif nq:
            current, number = "question", nq.group("n")
        elif numbered and current == "question":
            current = "answer"
        state.append((current, number))
    starts, pos = [], 0
    for b in blocks:
        starts.append(pos)
        pos += len(b) + 2
    out = []
    for s in sentences:
        where, n = state[s.block]
        if where != "answer":
            continue
        label = rules.answer.match(s.text) if s.start == starts[s.block] else None
        if label and not s.text[label.end() :].strip():
            continue  # the label alone
        out.append(Line(s, n, label.end() if label else 0))
    return out


def _number(n: str) -> str:
    return re.sub(r"\s+", " ", n).strip()


def _turns(blocks: list[str], sentences: list[Sentence], rules: Rules) -> list[Line]:
    """The sentences of a report, each with the member of the government who speaks in a
    transcript's turn ("Minister Hermans: ..."), where one does."""
    speakers: list[tuple[Actor | None, int]] = []  # per block: speaker, label end
    current = None
    for b in blocks:
        m = rules.speaker.match(b)
        if m:
            current = speaker_actor(m.group("speaker"), rules)
        speakers.append((current, m.end() if m else 0))
    starts, pos = [], 0
    for b in blocks:
        starts.append(pos)
        pos += len(b) + 2
    out = []
    for s in sentences:
        speaker, label = speakers[s.block]
        label_end = label if s.start == starts[s.block] else 0
        if label_end and not s.text[label_end:].strip():
            continue
        out.append(Line(s, None, label_end, speaker))
    return out
