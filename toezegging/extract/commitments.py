"""Whether a sentence's wording commits the government to something: the cues of
`[commitments]` in `lang/extract_nl.toml`. The time phrase is judged elsewhere."""

from dataclasses import dataclass

from .rules import Cue, Rules, load_rules


@dataclass(frozen=True)
class Wording:
    strong: tuple[str, ...]  # names of the cues that matched
    weak: tuple[str, ...]
    past: tuple[str, ...]
    asks: tuple[str, ...]
    hedged: bool
    question: bool
    names_government: bool

    @property
    def commits(self) -> bool:
        """Future or intention; not a question; not a past fact or a request with weak cues only."""
        if self.question:
            return False
        if self.strong:
            return True
        return bool(self.weak) and not self.past and not self.asks

    @property
    def cues(self) -> tuple[str, ...]:
        return self.strong + self.weak


def _matching(cues: tuple[Cue, ...], sentence: str) -> tuple[str, ...]:
    return tuple(c.name for c in cues if c.pattern.search(sentence))


def judge(sentence: str, rules: Rules | None = None) -> Wording:
    rules = rules or load_rules()
    return Wording(
        strong=_matching(rules.strong, sentence),
        weak=_matching(rules.weak, sentence),
        past=_matching(rules.past, sentence),
        asks=_matching(rules.asks, sentence),
        hedged=bool(_matching(rules.hedge, sentence)),
        question=sentence.rstrip().rstrip("\"”’)").endswith("?"),
        names_government=bool(rules.government.search(sentence)),
    )


def has_any_cue(sentence: str, rules: Rules) -> bool:
    """A cheap first test: does any strong or weak cue match at all?"""
    return any(c.pattern.search(sentence) for c in rules.strong + rules.weak)
