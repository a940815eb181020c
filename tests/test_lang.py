"""Every rule of lang/*.toml carries examples; each one is a test."""

from datetime import date

import pytest

from toezegging.deadline import parse
from toezegging.deadline.lexicon import LANGUAGES, Lexicon, language
from toezegging.errors import UnreadableDeadline


def _examples():
    for code in LANGUAGES:
        for rule in language(code).rules:
            for ex in rule.get("examples", []):
                yield pytest.param(code, rule["name"], ex, id=f"{code}:{ex[0]}@{ex[1]}")


@pytest.mark.parametrize("code,rule,example", list(_examples()))
def test_rule_example(code, rule, example):
    """[phrase, ref, earliest, latest(, recurrence)], [phrase, ref, "event"(, anchor, offset,
    offset_mode)] or [phrase, ref, "unreadable"]."""
    phrase, ref = example[0], date.fromisoformat(example[1])
    if example[2] == "unreadable":
        with pytest.raises(UnreadableDeadline):
            parse(phrase, ref)
        return
    w = parse(phrase, ref)
    if example[2] == "event":
        assert w.kind == "event" and w.earliest is None and w.latest is None, w
        if len(example) > 3:
            anchor, offset, mode = example[3:]
            assert (w.anchor, w.offset, w.offset_mode) == (anchor, offset or None, mode), w
            assert w.anchor in w.explanation
        return
    want = (date.fromisoformat(example[2]), date.fromisoformat(example[3]))
    assert (w.earliest, w.latest) == want, f"{rule}: {w.explanation}"
    assert w.recurrence == (example[4] if len(example) > 4 else None)


def test_every_rule_has_examples():
    for code in LANGUAGES:
        for rule in language(code).rules:
            assert rule.get("examples"), f"lang/{code}.toml rule {rule['name']!r} has no examples"


def test_no_word_means_two_things_in_one_language():
    Lexicon()  # raises ValueError naming the word and its two meanings


@pytest.mark.parametrize(
    "phrase,lang",
    [
        ("voor de zomer van 2026", "nl"),
        ("before summer 2026", "en"),
        ("eind 2026", "nl"),
        ("by the end of 2026", "en"),
        ("Q1 2027", "nl"),
        ("binnen drie maanden", "nl"),
        ("within three months", "en"),
    ],
)
def test_language_of_the_phrase(phrase, lang):
    """The explanation speaks the phrase's language; a phrase with no words of either is Dutch."""
    assert parse(phrase, date(2025, 11, 20)).lang == lang


# ---------------------------------------------------------------- the month names' one home


def test_every_date_writer_takes_the_month_names_of_the_language_files():
    """lang/<code>.toml is the one home of the month names: explanations, mails, feeds (and
    so the pages) and the extractor write them from there, and no other data file has them."""
    from importlib import resources

    from toezegging import feeds, mail
    from toezegging.deadline.explain import explainer
    from toezegging.extract.rules import load_rules
    from toezegging.extract.source import letter_source
    from toezegging.lang import month_names

    assert month_names("nl")[2] == "maart" and month_names("en")[2] == "March"
    for code in LANGUAGES:
        names = list(month_names(code))
        assert len(names) == 12
        assert explainer(code).date(date(2027, 3, 1)) == f"1 {names[2]} 2027"
        assert feeds.words(code)["months"] == names
        assert mail._words()[code]["months"] == names
    assert load_rules().months == month_names("nl")
    assert letter_source(None, date(2026, 6, 3)).endswith(f"3 {month_names('nl')[5]} 2026")
    for package, name in (
        ("toezegging.mail_templates", "words.toml"),
        ("toezegging", "data/feeds.toml"),
        ("toezegging.lang", "extract_nl.toml"),
    ):
        text = resources.files(package).joinpath(name).read_text("utf-8")
        assert "months =" not in text, name
        assert "|".join(month_names("nl")[:2]) not in text, name  # nor in a pattern


def test_the_phrases_an_unreadable_phrase_error_names_are_read():
    from toezegging.deadline import EXAMPLES

    assert EXAMPLES == tuple(language("nl").settings["unreadable_examples"]) and len(EXAMPLES) >= 3
    for phrase in EXAMPLES:
        assert parse(phrase, date(2026, 1, 5)).latest is not None
