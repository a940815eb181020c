"""hypothesis properties of the deadline engine."""

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from toezegging.deadline import parse, search
from toezegging.deadline.lexicon import LANGUAGES, language
from toezegging.errors import UnreadableDeadline

EXAMPLES = sorted(
    {
        ex[0]
        for code in LANGUAGES
        for rule in language(code).rules
        for ex in rule.get("examples", [])
        if ex[2] != "unreadable"
    }
)
FORWARD = [p for p in EXAMPLES if not any(w in p.lower() for w in ("vorig", "last year", "2020"))]
refs = st.dates(min_value=date(2015, 1, 1), max_value=date(2045, 12, 31))


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(EXAMPLES), refs)
def test_a_window_never_ends_before_it_starts(phrase, ref):
    w = parse(phrase, ref)
    if w.kind != "event":
        assert w.earliest <= w.latest, w.explanation


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(FORWARD), refs)
def test_a_forward_phrase_never_starts_before_the_reference_date(phrase, ref):
    w = parse(phrase, ref)
    if w.kind != "event" and w.latest >= ref:
        assert w.earliest >= ref


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(EXAMPLES),
    refs,
    st.sampled_from(["", " ", "  ", "\t"]),
    st.sampled_from([str.upper, str.lower, str.title, lambda s: s]),
)
def test_case_and_surrounding_white_space_change_nothing(phrase, ref, pad, case):
    a, b = parse(phrase, ref), parse(pad + case(phrase) + pad, ref)
    assert (a.earliest, a.latest, a.kind, a.recurrence, a.hedged) == (
        b.earliest,
        b.latest,
        b.kind,
        b.recurrence,
        b.hedged,
    )


@settings(max_examples=1500, deadline=None)
@given(st.text(max_size=80), refs)
def test_any_unicode_gives_a_window_an_event_or_a_clean_error(text, ref):
    try:
        w = parse(text, ref)
    except UnreadableDeadline as e:
        assert e.message
        return
    assert w.kind == "event" or w.earliest <= w.latest


@settings(max_examples=500, deadline=None)
@given(
    st.lists(st.sampled_from(EXAMPLES + ["en", "de", "123", "2026", "-", ",", "week", "Q9"]), max_size=6).map(
        " ".join
    ),
    refs,
)
def test_word_salad_of_known_words_never_raises_anything_else(text, ref):
    try:
        w = parse(text, ref)
    except UnreadableDeadline:
        return
    assert w.kind == "event" or w.earliest <= w.latest


@settings(max_examples=200, deadline=None)
@given(refs, st.integers(min_value=1, max_value=36))
def test_within_n_months_ends_n_months_later(ref, n):
    w = parse(f"binnen {n} maanden", ref)
    assert w.earliest == ref
    months = ref.year * 12 + ref.month - 1 + n
    assert (w.latest.year, w.latest.month) == (months // 12, months % 12 + 1)
    assert w.latest - ref <= timedelta(days=31 * n + 1)


@settings(max_examples=400, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            EXAMPLES + ["De Kamer", "wordt", "geïnformeerd", "het reces", "vorig jaar", ",", "2026", "week"]
        ),
        max_size=8,
    ).map(" ".join),
    refs,
)
def test_search_in_any_sentence_finds_a_consistent_span_or_nothing(sentence, ref):
    found = search(sentence, ref)
    if found is not None:
        assert sentence[found.span[0] : found.span[1]] == found.text
        if found.window.is_event:
            assert found.window.anchor and found.window.latest is None
        else:
            assert found.window.earliest <= found.window.latest
