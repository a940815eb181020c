"""Finding the promises in a minister's letter or a debate report.

    text = read_document("brief.pdf")                 # .txt, .pdf, .docx, .html
    for p in find_promises(text, date(2026, 6, 10)):  # the letter's date
        print(p.sentence, p.phrase, p.earliest, p.latest, p.by, p.ministry)

The steps, each its own module: `reading` (files to text), `cleaning` (broken lines,
furniture, footnote markers, run-in headings, broken words), `sentences` (Dutch
abbreviations), `commitments` (future or intention, not a past fact), `actors` (who
promised it), `dedup` (each promise once). The time phrase and its window come from the
deadline engine's search mode. The words are data: `lang/extract_nl.toml`.
"""

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date

from ..errors import ToezeggingError
from .actors import ActorResolver, signature
from .cleaning import clean
from .commitments import has_any_cue, judge
from .dedup import unique
from .reading import read_document
from .rules import load_rules
from .sentences import split_sentences

__all__ = ["Proposal", "find_promises", "read_document", "extract_file"]


@dataclass
class Proposal:
    sentence: str
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
    cues: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        d = asdict(self)
        d["earliest"] = self.earliest.isoformat() if self.earliest else None
        d["latest"] = self.latest.isoformat() if self.latest else None
        d["span"] = list(self.span)
        return d


def _engine_search():
    from ..deadline import search

    return search


def find_promises(
    text: str,
    ref: date,
    *,
    search: Callable | None = None,
    include_events: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> list[Proposal]:
    """The sentences of `text` that promise something with a time, read at `ref`.

    `search(sentence, ref)` is the deadline engine's search mode (injected in tests);
    it returns an object with `.text`, `.span` and `.window`, or None. Phrases of kind
    "event" (no date) are left out unless `include_events`.
    """
    rules = load_rules()
    search = search or _engine_search()
    signers = signature(text, rules)
    resolver = ActorResolver(signers, rules)
    sentences = split_sentences(clean(text, rules), rules)
    proposals: list[Proposal] = []
    total = len(sentences)
    for i, s in enumerate(sentences):
        if progress and i % 50 == 0:
            progress(i, total)
        named = resolver.see(s.text)
        if not has_any_cue(s.text, rules):
            continue
        wording = judge(s.text, rules)
        if not wording.commits:
            continue
        if not signers and not wording.names_government:
            continue  # not the government's letter, and nobody in government is named
        found = _search(search, s.text, ref)
        if found is None:
            continue
        w = found.window
        if w.latest is None and not include_events:
            continue
        if w.latest is not None and w.latest < ref:
            continue  # a dated past fact
        actor = resolver.resolve(named)
        proposals.append(
            Proposal(
                sentence=s.text,
                phrase=found.text,
                span=tuple(found.span),
                earliest=w.earliest,
                latest=w.latest,
                kind=w.kind,
                hedged=bool(w.hedged or wording.hedged),
                recurrence=w.recurrence,
                estimated=bool(w.estimated),
                explanation=w.explanation,
                by=(actor.name or actor.function) if actor else None,
                function=actor.function if actor else None,
                ministry=actor.ministry if actor else None,
                position=s.start,
                cues=list(wording.cues),
            )
        )
    if progress:
        progress(total, total)
    return unique(proposals, key=lambda p: p.sentence)


def _search(search: Callable, sentence: str, ref: date):
    try:
        return search(sentence, ref)
    except ToezeggingError:
        return None


def extract_file(path, ref: date, **kw) -> list[Proposal]:
    return find_promises(read_document(path), ref, **kw)
