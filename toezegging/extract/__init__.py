"""Finding the promises in a minister's letter, in answers to Kamervragen, or in a debate
report.

    text = read_document("antwoorden.pdf")            # .txt, .pdf, .docx, .html
    doc = read_structure(text)                        # kind, date, source, who answers
    for p in find_promises(text, doc.date, document=doc):
        print(p.sentence, p.phrase, p.earliest, p.latest, p.by, p.confidence, p.question)

The steps, each its own module: `reading` (files to text), `cleaning` (furniture,
footnotes, broken lines and words), `document` (the kind of document, its date and
source, who speaks for the government, which sentences are the government's own),
`sentences` (Dutch abbreviations), `timing` (the time phrases of a sentence, through the
deadline engine), `clauses` (which clause each phrase stands in), `judge` (commitment
rules and features into a confidence), `actors` (who promised it), `dedup` (each promise
once). The words are data: `lang/extract_nl.toml`.
"""

import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from .actors import Actor, ActorResolver
from .clauses import context, pieces
from .cleaning import mend
from .dedup import unique
from .document import Document, Line, read_structure
from .judge import Judgement, judge
from .reading import read_document
from .rules import Rules, load_rules
from .timing import MASK, Parse, Search, Timing, find_times

__all__ = ["Proposal", "find_promises", "read_document", "read_structure", "extract_file"]


@dataclass
class Proposal:
    sentence: str  # the sentence as the document has it
    phrase: str
    span: tuple[int, int]  # the phrase's offsets in `sentence`
    earliest: date | None
    latest: date | None
    kind: str
    hedged: bool
    recurrence: str | None = None
    estimated: bool = False
    explanation: str = ""
    by: str | None = None
    function: str | None = None
    ministry: str | None = None
    position: int = 0  # offset of the sentence in the cleaned document
    text: str = ""  # the promise as it is stored: no run-in label, broken words mended
    actor: str | None = None  # who does it, as the sentence names it ("de NZa", "ik")
    confidence: float = 0.0
    features: list[str] = field(default_factory=list)  # what decided it, strongest first
    question: str | None = None  # the question it answers, in answers to Kamervragen
    source: str | None = None  # the document's subject
    kamerstuk: str | None = None

    def to_dict(self) -> dict:
        d = asdict(self)
        d["earliest"] = self.earliest.isoformat() if self.earliest else None
        d["latest"] = self.latest.isoformat() if self.latest else None
        d["span"] = list(self.span)
        return d


def find_promises(
    text: str,
    ref: date,
    *,
    document: Document | None = None,
    search: Search | None = None,
    parse: Parse | None = None,
    include_events: bool = True,
    min_confidence: float | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[Proposal]:
    """The sentences of `text` that promise something with a time, read at `ref` (the
    document's date).

    `search(sentence, ref)` and `parse(phrase, ref)` are the deadline engine's (injected
    in tests). Proposals below `min_confidence` (default `[decision] threshold`) are left
    out; so are promises tied to an event without a date unless `include_events`.
    """
    rules = load_rules()
    doc = document or read_structure(text, rules)
    floor = rules.threshold if min_confidence is None else min_confidence
    resolver = ActorResolver(doc.signers, rules)
    proposals: list[Proposal] = []
    total = len(doc.lines)
    for i, line in enumerate(doc.lines):
        if progress and i % 50 == 0:
            progress(i, total)
        named = resolver.see(line.sentence.text)
        if line.speaker is not None and not named:
            named = [line.speaker]
        found = _best(line, doc, ref, rules, search, parse)
        if found is None:
            continue
        timing, verdict, analysed, where = found
        if verdict.confidence < floor or (timing.is_event and not include_events):
            continue
        proposals.append(
            _proposal(
                line, timing, verdict, analysed, where, doc, resolver.resolve(named), doc.source_on(ref)
            )
        )
    if progress:
        progress(total, total)
    return unique(proposals, key=lambda p: p.sentence)


# ----------------------------------------------------------------------------- one sentence

_QUOTES = re.compile(r"«[^«»]{12,}?»|“[^“”]{12,}?”|\"[^\"]{12,}?\"|„[^„”]{12,}?”")


def _analysed(line: Line, rules: Rules) -> tuple[str, list[int]]:
    """The text the judgement reads: the sentence without its run-in label, words mended,
    quotations and references masked (same length, so offsets hold); and for each of its
    characters the offset in the sentence."""
    body = line.sentence.text[line.label_end :]
    text, where = mend(body, rules)
    for pattern in (_QUOTES, rules.reference_parens):
        text = pattern.sub(lambda m: MASK * len(m.group(0)), text)
    return text, [line.label_end + w for w in where]


def _best(
    line: Line, doc: Document, ref: date, rules: Rules, search: Search | None, parse: Parse | None
) -> tuple[Timing, Judgement, str, list[int]] | None:
    """The best (time phrase, judgement) of one sentence, with the text judged; or None."""
    analysed, where = _analysed(line, rules)
    stripped = analysed.rstrip().rstrip('"”’)»' + MASK)
    if stripped.endswith("?") or rules.quoted.search(analysed):
        return None
    times = find_times(analysed, ref, rules, search=search, parse=parse)
    if not times:
        return None
    parts = pieces(analysed, rules)
    scored: list[tuple[Timing, Judgement, int]] = []
    for t in times:
        # the phrase itself is no cue ("begin juli" holds no verb "begin")
        masked = analysed[: t.start] + MASK * (t.end - t.start) + analysed[t.end :]
        ctx = context(masked, parts, t.start, rules)
        if t.is_event and ctx.kind in ("temporal", "conditional"):
            main = next((p for p in parts if p.group == ctx.group and p.kind in ("main", "cont")), None)
            if main is not None:
                # "Wanneer het onderzoek is afgerond, informeer ik ...": the event is the time
                # of the main clause's promise, not a condition on it
                governed = context(masked, parts, main.start, rules)
                ctx = replace(governed, features=governed.features - {"conditional"})
        verdict = judge(analysed, t, ctx, ref, rules)
        if not (doc.by_government or line.speaker) and not _names_government(verdict):
            continue
        scored.append((t, verdict, ctx.group))
    if not scored:
        return None
    # the surest; of equals, a phrase with a window over an event, then the latest deadline
    # (a promise is due when its last step is)
    t, verdict, _ = max(scored, key=lambda x: (x[1].confidence, not x[0].is_event, x[0].latest or date.max))
    return t, verdict, analysed, where


def _names_government(verdict: Judgement) -> bool:
    """In a text the government did not write, only a member of the government or an agency
    named as the subject makes a promise (not the writer's own "wij")."""
    actor = verdict.actor or ""
    return (
        verdict.subject in ("government", "agency")
        and actor != ""
        and actor.lower() not in load_rules().first_person
    )


def _proposal(
    line: Line,
    t: Timing,
    verdict: Judgement,
    analysed: str,
    where: list[int],
    doc: Document,
    actor: Actor | None,
    source: str | None,
) -> Proposal:
    sentence = line.sentence.text
    a = where[t.start] if t.start < len(where) else len(sentence)
    b = where[t.end - 1] + 1 if 0 < t.end <= len(where) else len(sentence)
    text = re.sub(r"\s+", " ", _unmask(analysed, sentence, where)).strip()
    said_by = verdict.actor
    if said_by and said_by.lower() in load_rules().first_person and actor is not None:
        said_by = actor.name or actor.function
    return Proposal(
        sentence=sentence,
        phrase=sentence[a:b],
        span=(a, b),
        earliest=t.earliest,
        latest=t.latest,
        kind=t.kind,
        hedged=verdict.hedged,
        recurrence=t.recurrence,
        estimated=t.estimated,
        explanation=t.explanation,
        by=(actor.name or actor.function) if actor else None,
        function=actor.function if actor else None,
        ministry=actor.ministry if actor else None,
        position=line.sentence.start,
        text=text,
        actor=said_by or ((actor.name or actor.function) if actor else None),
        confidence=verdict.confidence,
        features=list(verdict.features),
        question=line.question,
        source=source,
        kamerstuk=doc.kamerstuk,
    )


def _unmask(analysed: str, sentence: str, where: list[int]) -> str:
    """The analysed text with what was masked put back (the stored text quotes in full)."""
    return "".join(
        sentence[where[i]] if ch == MASK and i < len(where) else ch for i, ch in enumerate(analysed)
    )


def extract_file(path: str | Path, ref: date | None = None, **kw: Any) -> list[Proposal]:
    text = read_document(path)
    doc = read_structure(text)
    when = ref or doc.date
    if when is None:
        raise ValueError("the document has no date; pass ref")
    return find_promises(text, when, document=doc, **kw)
