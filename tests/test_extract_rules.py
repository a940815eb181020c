"""Every rule of `lang/extract_nl.toml` with its examples: each pattern matches its examples
and not its counter-examples, each source rule yields the subject it names, and the whole
sentences of `[[sentence]]` are judged as labelled, with the real deadline engine."""

import re
from datetime import date

import pytest

from toezegging.extract import find_promises
from toezegging.extract.actors import actors_in
from toezegging.extract.document import Document, Line
from toezegging.extract.letterdate import letter_date
from toezegging.extract.rules import load_rules
from toezegging.extract.sentences import Sentence

RULES = load_rules()

JUDGED = [(f"commit:{r.name}", r) for r in RULES.commit] + [(f"adjust:{r.name}", r) for r in RULES.adjust]


@pytest.mark.parametrize("rule", [r for _, r in JUDGED], ids=[i for i, _ in JUDGED])
def test_every_rule_matches_its_examples_and_not_its_counter_examples(rule):
    assert rule.examples, f"rule {rule.name!r} has no examples"
    for ex in rule.examples:
        assert rule.applies(ex), f"{rule.name!r} misses its example {ex!r}"
    for ex in rule.counter:
        assert not rule.applies(ex), f"{rule.name!r} matches its counter-example {ex!r}"


@pytest.mark.parametrize("example", RULES.examples, ids=[e.name for e in RULES.examples])
def test_every_pattern_matches_its_examples(example):
    assert example.examples, f"{example.name} has no examples"
    for ex in example.examples:
        assert example.pattern.search(ex), f"{example.name} misses {ex!r}"
    for ex in example.counter:
        assert not example.pattern.search(ex), f"{example.name} matches {ex!r}"


def test_every_adjust_feature_named_in_code_has_a_rule():
    named = {r.pattern.pattern for r in RULES.adjust if r.scope == "feature"}
    assert named == {
        "third party",
        "unknown organisation",
        "government",
        "conditional",
        "purpose",
        "reason",
        "target",
        "scope",
        "vague",
        "reported",
        "event",
    }


@pytest.mark.parametrize("rule", RULES.sources, ids=[r.name for r in RULES.sources])
def test_every_source_rule_yields_its_subject(rule):
    assert rule.examples
    for ex in rule.examples:
        text, want = ex.split(" => ")
        m = rule.pattern.search(text) or rule.pattern.search(re.sub(r"\s+", " ", text))
        assert m, f"{rule.name} does not match {text!r}"
        groups = {k: re.sub(r"\s+", " ", v).strip(" .,") for k, v in m.groupdict().items() if v}
        assert rule.template.format(**groups) == want


@pytest.mark.parametrize("line", RULES.date_examples)
def test_letter_date_examples_are_read(line):
    assert letter_date(line) is not None


def test_every_ministry_alias_finds_its_ministry():
    for m in RULES.ministries:
        for alias in m.aliases:
            assert actors_in(f"de minister van {alias} zal", RULES)[0].ministry == m.name, alias


def _judge(text: str, ref: date):
    """The proposal for one sentence of a government letter, or None."""
    doc = Document("letter", True, ref, None, None, [], [Line(Sentence(text, 0, 0))])
    found = find_promises(text, ref, document=doc)
    return found[0] if found else None


@pytest.mark.parametrize("example", RULES.sentences, ids=[s.text[:50] for s in RULES.sentences])
def test_sentence_examples_are_judged_as_labelled(example):
    p = _judge(example.text, date.fromisoformat(example.date))
    if not example.promise:
        assert p is None, f"proposed ({p.phrase!r}, {p.confidence}, {p.features})"
        return
    assert p is not None, "not proposed"
    if example.phrase == "event":
        assert p.kind == "event" and p.latest is None
    elif example.phrase:
        assert p.phrase == example.phrase


def test_the_time_cue_matches_every_period_word_of_the_deadline_engine():
    """A sentence without a cue is not given to the engine: every word that can make a time
    phrase for the engine (a month, season, recess, budget moment, unit, half, weekday,
    vague or recurring phrase in lang/nl.toml) must hold a cue."""
    from toezegging.deadline.lexicon import language, rule_words

    kinds = {"MONTH", "SEASON", "RECESS", "BUDGET", "BUDGETYEAR", "UNIT", "HALF", "VAGUE", "RECUR", "WEEKDAY"}
    words = {
        w for rule in language("nl").rules for w, token in rule_words(rule) if token.split(":")[0] in kinds
    }
    assert words
    missed = sorted(w for w in words if not RULES.time_cue.search(w))
    assert not missed, f"add these to [time] cue: {missed}"
