"""Whether a time phrase in its clause is a promise, and how sure: the `[[commit]]` and
`[[adjust]]` rules of `lang/extract_nl.toml` read on the clause, and the features the
clauses and the subject give (a third party, a condition, a purpose, a target, a scope).

    confidence = strongest commit weight + the weights of every adjust rule that applies

clipped to 0 .. 1. No commit rule: no promise. A phrase whose time lies before the
letter's date is never one.
"""

import re
from dataclasses import dataclass
from datetime import date

from .clauses import Context
from .rules import Rules, load_rules
from .timing import Timing


@dataclass(frozen=True)
class Judgement:
    confidence: float
    features: tuple[str, ...]  # the rules and features that decided it, strongest first
    hedged: bool
    subject: str  # government, agency, third party, unknown organisation, none
    actor: str | None  # the agency or office named as the subject, where one is


NONE = Judgement(0.0, (), False, "none", None)
_ACRONYM = re.compile(r"(?<![\w-])(?:[A-Z][A-Za-z]?-?){1,}[A-Z](?:-[A-Z]+)?(?![\w-])")


def subject_of(text: str, rules: Rules | None = None, *, antecedent: bool = False) -> tuple[str, str | None]:
    """Who does what `text` (a clause) says: the first government word, agency or third
    party that does not follow a preposition; the agent of a passive ("door de NZa").
    With `antecedent`, `text` is the words before a relative clause: the last one named."""
    rules = rules or load_rules()
    mentions: list[tuple[int, str, str]] = []
    for kind, pattern in (
        ("government", rules.government),
        ("agency", rules.agencies),
        ("third party", rules.third_parties),
    ):
        for m in pattern.finditer(text):
            mentions.append((m.start(), kind, m.group(0)))
    mentions.sort()
    taken: list[tuple[int, str, str]] = []
    for pos, kind, name in mentions:
        if taken and pos < taken[-1][0] + len(taken[-1][2]):
            continue  # inside an earlier mention ("de minister van ..." after "de minister")
        taken.append((pos, kind, name))
    if antecedent:
        return (taken[-1][1], taken[-1][2]) if taken else ("none", None)
    agent = None
    for pos, kind, name in taken:
        before = text[:pos].rstrip().lower()
        last = before.rsplit(" ", 1)[-1] if before else ""
        if rules.agent.search(text[max(0, pos - 6) : pos]) and last == rules.agent_word:
            agent = agent or (kind, name)
            continue
        two = " ".join(before.split()[-2:])
        if last in rules.prepositions or two in rules.prepositions:
            continue
        if name.lower() in rules.addressee:
            continue
        return kind, name
    if agent:
        return agent
    by = rules.agent_named.search(text)
    if by:
        return "third party", by.group(1)  # "door het Amerikaanse instituut": not in our lists
    for acronym in _ACRONYM.finditer(text):
        words_before = text[: acronym.start()].lower().split()[-3:]
        if not any(w in rules.prepositions for w in words_before):
            return "unknown organisation", acronym.group(0)
    return "none", None


def judge(
    sentence: str,
    timing: Timing,
    ctx: Context,
    ref: date,
    rules: Rules | None = None,
    *,
    question: bool = False,
) -> Judgement:
    """The judgement on one time phrase of `sentence` in its clause `ctx`."""
    rules = rules or load_rules()
    if question or timing.past or not timing.future(ref):
        return NONE
    text = ctx.text
    future = timing.future(ref)
    base, cue, hedged = 0.0, None, False
    for rule in rules.commit:
        if rule.weight <= base or (rule.future_time and not future):
            continue
        if rule.applies(text):
            base, cue, hedged = rule.weight, rule.name, rule.hedged
    if cue is None:
        return NONE
    subject, name = subject_of(text, rules)
    if subject == "none" and ctx.subject_hint:
        subject, name = subject_of(ctx.subject_hint, rules, antecedent=ctx.kind == "relative")
    features = set(ctx.features)
    if subject in ("third party", "unknown organisation", "government"):
        features.add(subject)
    if timing.kind == "vague":
        features.add("vague")
    if timing.is_event:
        features.add("event")
    if _scope(sentence, timing, rules):
        features.add("scope")
    before = sentence[ctx.start : timing.start]
    after = sentence[timing.end : ctx.end]
    scopes = {"clause": text, "sentence": sentence, "before": before, "after": after, "phrase": timing.text}
    total = base
    decided = [cue]
    for rule in rules.adjust:
        if rule.scope == "feature":
            hit = any(rule.pattern.fullmatch(f) for f in features)
        else:
            hit = rule.applies(scopes[rule.scope])
        if hit:
            total += rule.weight
            decided.append(rule.name)
            hedged = hedged or rule.hedged
    hedged = hedged or timing.hedged
    confidence = round(max(0.0, min(1.0, total)), 2)
    actor = name if subject in ("agency", "government") else None
    return Judgement(confidence, tuple(decided), hedged, subject, actor)


def _scope(sentence: str, t: Timing, rules: Rules) -> bool:
    """The phrase names the period something is about, not when it is delivered."""
    before = sentence[: t.start]
    phrase = t.text.strip()
    if rules.scope_before.search(before) or rules.scope_phrase.match(phrase):
        return True
    return bool(rules.scope_after_noun.match(phrase) and rules.noun_before.search(before))
