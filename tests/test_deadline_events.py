"""Event phrases (spec: "Event phrases"): a span counted from an event without a date is an
event, never a span from the reference date; once the event has a date, the window follows.

The event phrases below are invented in the style of Tweede Kamer registers and letters.
"""

from datetime import date

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from toezegging.deadline import on_event, parse, search
from toezegging.deadline.calendar import add
from toezegging.deadline.expr import Span
from toezegging.deadline.lexicon import lexicon

REF = date(2026, 3, 18)


# ---------------------------------------------------------------- parse: no window, a link


@pytest.mark.parametrize(
    "phrase,anchor,offset,mode",
    [
        ("na de evaluatie", "de evaluatie", None, "after"),
        ("na publicatie van het rapport", "publicatie van het rapport", None, "after"),
        ("zodra de AMvB is vastgesteld", "de AMvB is vastgesteld", "P3M", "within"),
        ("na afronding van de pilot", "afronding van de pilot", None, "after"),
        ("na het advies van de Raad van State", "het advies van de Raad van State", None, "after"),
        (
            "binnen zes weken na de stemmingen over het wetsvoorstel",
            "de stemmingen over het wetsvoorstel",
            "P6W",
            "within",
        ),
        (
            "uiterlijk drie maanden na de vaststelling van het Nationaal Programma",
            "de vaststelling van het Nationaal Programma",
            "P3M",
            "within",
        ),
        ("een jaar na de start van de proeftuinen", "de start van de proeftuinen", "P1Y", "after"),
        (
            "twee maanden na de verkiezingen voor de Tweede Kamer",
            "de verkiezingen voor de Tweede Kamer",
            "P2M",
            "after",
        ),
        (
            "binnen een maand na ondertekening van het convenant",
            "ondertekening van het convenant",
            "P1M",
            "within",
        ),
        ("naar verwachting binnen vier weken na het commissiedebat", "het commissiedebat", "P4W", "within"),
        ("zo snel mogelijk na de consultatie", "de consultatie", "P3M", "within"),
        ("uiterlijk bij de tweede voortgangsrapportage", "de tweede voortgangsrapportage", None, "by"),
        ("drie maanden voor de inwerkingtreding", "de inwerkingtreding", "P3M", "before"),
        (
            "anderhalf jaar na de oplevering van de eerste woningen",
            "de oplevering van de eerste woningen",
            "P18M",
            "after",
        ),
        ("within six weeks of the review", "the review", "P6W", "within"),
        ("three months after the publication of the report", "the publication of the report", "P3M", "after"),
        ("as soon as possible after the consultation", "the consultation", "P3M", "within"),
        ("within a year of entry into force of the act", "entry into force of the act", "P1Y", "within"),
        ("no later than two weeks before the debate", "the debate", "P2W", "before"),
        ("in het eerste kwartaal na inwerkingtreding", "inwerkingtreding", "P3M", "within"),
        ("in het eerste jaar na de start van de pilot", "de start van de pilot", "P1Y", "within"),
    ],
    ids=lambda v: v if isinstance(v, str) and " " in v else None,
)
def test_an_event_phrase_keeps_what_it_needs_and_gets_no_window(phrase, anchor, offset, mode):
    w = parse(phrase, REF)
    assert (w.kind, w.earliest, w.latest) == ("event", None, None), w.explanation
    assert (w.anchor, w.offset, w.offset_mode) == (anchor, offset, mode)
    assert anchor in w.explanation


@pytest.mark.parametrize(
    "phrase,earliest,latest",
    [
        ("na de zomer", "2026-09-01", "2026-11-30"),
        ("na het zomerreces", "2026-09-01", "2026-11-30"),
        ("na 1 maart 2027", "2027-03-02", "2027-06-01"),
        ("na Prinsjesdag", "2026-09-16", "2026-12-15"),
        ("na de Voorjaarsnota", "2026-06-01", "2026-08-31"),
        ("na het kerstreces", "2027-01-12", "2027-04-11"),
        ("na het eerste kwartaal van 2027", "2027-04-01", "2027-06-30"),
        ("na volgende week", "2026-03-30", "2026-06-29"),
        ("zo spoedig mogelijk na de zomer", "2026-09-01", "2026-11-30"),
        ("after the summer recess", "2026-09-01", "2026-11-30"),
        ("binnen drie maanden", "2026-03-18", "2026-06-18"),
        ("zo spoedig mogelijk, doch uiterlijk 1 juli 2026", "2026-03-18", "2026-07-01"),
    ],
)
def test_phrases_with_na_that_name_a_time_read_as_before(phrase, earliest, latest):
    w = parse(phrase, REF)
    assert (w.earliest.isoformat(), w.latest.isoformat()) == (earliest, latest), w.explanation
    assert w.anchor is None and w.offset is None and w.offset_mode is None


@pytest.mark.parametrize(
    "phrase,earliest,latest",
    [
        ("binnen drie maanden in overleg met de sector", "2026-03-18", "2026-06-18"),
        ("op korte termijn samen met de VNG", "2026-03-18", "2026-06-18"),
        ("binnen zes weken na dagtekening van deze brief", "2026-03-18", "2026-04-29"),
        ("within three months in consultation with the sector", "2026-03-18", "2026-06-18"),
    ],
)
def test_a_span_beside_words_that_are_no_event_keeps_its_window(phrase, earliest, latest):
    """Only a link a span can count from ("na", "nadat", "zodra", "vanaf", "of") makes an
    event; "in overleg met", "samen met" and the letter's own date do not."""
    w = parse(phrase, REF)
    assert (w.earliest.isoformat(), w.latest.isoformat()) == (earliest, latest), w.explanation


def test_an_explicit_bound_beside_an_event_wins_and_an_event_beats_a_vague_word():
    w = parse("binnen drie maanden na de evaluatie, maar uiterlijk 1 juli 2027", REF)
    assert w.latest == date(2027, 7, 1)
    w = parse("zo spoedig mogelijk, doch uiterlijk zes weken na ontvangst van het advies", REF)
    assert (w.kind, w.offset, w.offset_mode) == ("event", "P6W", "within")


def test_the_explanation_says_what_the_window_will_be():
    nl = parse("binnen twee maanden na inwerkingtreding", REF).explanation
    assert "nog geen datum" in nl and "'inwerkingtreding'" in nl and "uiterlijk 2 maanden daarna" in nl
    en = parse("within three months of the report", REF).explanation
    assert "no date yet" in en and "'the report'" in en and "3 months after it" in en


# ---------------------------------------------------------------- on_event: the window once dated

D = date(2026, 10, 1)


@pytest.mark.parametrize(
    "phrase,earliest,latest",
    [
        ("binnen twee maanden na inwerkingtreding", D, date(2026, 12, 1)),
        ("twee jaar na inwerkingtreding", date(2028, 10, 1), date(2028, 10, 1)),
        ("na de verkiezingen", date(2026, 10, 2), date(2027, 1, 1)),
        ("zo spoedig mogelijk na ontvangst van het advies", D, date(2027, 1, 1)),
        ("voor het eerstvolgende commissiedebat", REF, date(2026, 9, 30)),
        ("uiterlijk een week voor het notaoverleg", REF, date(2026, 9, 24)),
        ("uiterlijk bij de kabinetsreactie", REF, D),
        ("tegelijk met de evaluatie", D, D),
        ("within six weeks of the review", D, date(2026, 11, 12)),
    ],
)
def test_dating_the_event_gives_the_window_of_the_spec(phrase, earliest, latest):
    w = parse(phrase, REF)
    got = on_event(phrase, REF, D, anchor=w.anchor, offset=w.offset, mode=w.offset_mode, lang=w.lang)
    assert (got.earliest, got.latest) == (earliest, latest), got.explanation
    assert w.anchor in got.explanation


def test_a_dated_event_never_starts_before_the_reference_date_and_says_when_it_passed():
    w = on_event(
        "binnen twee maanden na inwerkingtreding",
        REF,
        date(2026, 2, 1),
        anchor="inwerkingtreding",
        offset="P2M",
        mode="within",
    )
    assert (w.earliest, w.latest) == (REF, date(2026, 4, 1))
    w = on_event(
        "binnen twee maanden na inwerkingtreding",
        REF,
        date(2025, 6, 1),
        anchor="inwerkingtreding",
        offset="P2M",
        mode="within",
    )
    assert w.earliest == w.latest == date(2025, 8, 1) and "al verstreken" in w.explanation


def test_dating_an_event_of_unknown_mode_holds_the_promise_to_that_day():
    w = on_event("", REF, D, anchor=None, offset=None, mode=None)
    assert (w.earliest, w.latest) == (REF, D) and "1 oktober 2026" in w.explanation


def test_the_dated_explanation_speaks_english_for_an_english_phrase():
    w = on_event(
        "within three months of the report",
        REF,
        D,
        anchor="the report",
        offset="P3M",
        mode="within",
        lang="en",
    )
    assert w.explanation == (
        "'within three months of the report' = within 3 months of "
        "'the report' (1 October 2026), so by 1 January 2027."
    )


# ---------------------------------------------------------------- search mode


@pytest.mark.parametrize(
    "sentence,span,anchor",
    [
        (
            "De Kamer wordt binnen drie maanden na inwerkingtreding van de wet geïnformeerd.",
            "binnen drie maanden na inwerkingtreding van de wet",
            "inwerkingtreding van de wet",
        ),
        (
            "De minister stuurt binnen twee maanden na de laatste verkiezingsronde een brief.",
            "binnen twee maanden na de laatste verkiezingsronde",
            "de laatste verkiezingsronde",
        ),
        (
            "Ik informeer uw Kamer zo spoedig mogelijk na ontvangst van het advies van de Raad van State.",
            "zo spoedig mogelijk na ontvangst van het advies van de Raad van State",
            "ontvangst van het advies van de Raad van State",
        ),
        (
            "De evaluatie volgt twee jaar na inwerkingtreding.",
            "twee jaar na inwerkingtreding",
            "inwerkingtreding",
        ),
        (
            "Zodra de AMvB is vastgesteld, ontvangt u een brief.",
            "Zodra de AMvB is vastgesteld",
            "de AMvB is vastgesteld",
        ),
        (
            "Na afronding van de pilot informeert de staatssecretaris de Kamer.",
            "Na afronding van de pilot",
            "afronding van de pilot",
        ),
        (
            "We will inform the House within six weeks of the review.",
            "within six weeks of the review",
            "the review",
        ),
    ],
)
def test_search_finds_the_event_phrase_not_the_bare_span(sentence, span, anchor):
    found = search(sentence, REF)
    assert found is not None and found.text == span
    assert sentence[found.span[0] : found.span[1]] == span
    assert found.window.is_event and found.window.anchor == anchor


def test_search_finds_a_weekday_after_komende_but_not_a_bare_weekday():
    found = search("De brief wordt komende maandag verstuurd.", date(2026, 11, 27))
    assert found.text == "komende maandag" and found.window.latest == date(2026, 11, 30)
    assert search("Op maandag vergadert de commissie.", date(2026, 11, 27)) is None


def test_search_prefers_a_window_over_an_event_and_reads_na_te_as_no_event():
    s = "Voor de zomer ontvangt u de planning, en binnen drie maanden na inwerkingtreding de evaluatie."
    assert search(s, REF).text == "Voor de zomer"
    assert search("Ik ben bereid na te gaan of dat kan.", REF) is None
    assert search("Als de Kamer dat wenst, stuur ik een brief.", REF) is None


# ---------------------------------------------------------------- the property

SPANS = [
    "binnen twee maanden",
    "twee jaar",
    "zo spoedig mogelijk",
    "uiterlijk zes weken",
    "over drie maanden",
    "binnen 2 à 3 maanden",
    "binnen een half jaar",
    "drie weken",
    "binnen 10 dagen",
    "op korte termijn",
    "anderhalf jaar",
    "binnen een jaar",
]
LINKS = ["na", "kort na", "na afloop van", "volgend op", "nadat"]
NOUNS = [
    "evaluatie",
    "inwerkingtreding",
    "verkiezingsronde",
    "advies",
    "rapport",
    "pilot",
    "stemmingen",
    "consultatie",
    "kabinetsreactie",
    "Raad",
    "State",
    "AMvB",
    "monitor",
    "commissiedebat",
    "ondertekening",
    "convenant",
    "proeftuinen",
    "behandeling",
    "wet",
]
WORDS = st.one_of(
    st.sampled_from(NOUNS + ["de", "het", "van", "laatste", "nieuwe"]),
    st.from_regex(r"[a-zë]{3,12}", fullmatch=True),
)


@settings(max_examples=400, deadline=None)
@given(
    st.sampled_from(SPANS),
    st.sampled_from(LINKS),
    st.lists(WORDS, min_size=1, max_size=5).map(" ".join),
    st.dates(min_value=date(2015, 1, 1), max_value=date(2040, 12, 31)),
    st.dates(min_value=date(2015, 1, 1), max_value=date(2045, 12, 31)),
)
def test_a_span_na_event_words_never_gets_a_window_before_its_event_has_a_date(span, link, words, ref, day):
    tokens, _ = lexicon().lex(words)
    assume(any(t.kind == "WORD" for t in tokens))  # event words: at least one word ...
    assume(all(t.kind in ("WORD", "FILLER") for t in tokens))  # ... and none that names a time
    w = parse(f"{span} {link} {words}", ref)
    assert (w.kind, w.earliest, w.latest) == ("event", None, None), w.explanation
    assert w.anchor == words and w.offset_mode in ("within", "after")
    dated = on_event(
        f"{span} {link} {words}", ref, day, anchor=w.anchor, offset=w.offset, mode=w.offset_mode, lang=w.lang
    )
    assert dated.earliest <= dated.latest and (dated.earliest >= ref or dated.latest < ref)
    offset = Span.iso(w.offset)
    assert dated.latest == add(day, offset)


@pytest.mark.parametrize(
    ("sentence", "anchor"),
    [
        ("Wanneer het onderzoek is afgerond zal ik uw Kamer informeren.", "het onderzoek is afgerond"),
        ("Zodra het onderzoek afgerond is ontvangt u de resultaten.", "het onderzoek afgerond is"),
        (
            "Nadat de gemeenten hebben gereageerd stuur ik de Kamer een brief.",
            "de gemeenten hebben gereageerd",
        ),
        ("Once the review is published we will inform the House.", "the review is published"),
    ],
)
def test_an_event_clause_ends_with_its_verbs(sentence, anchor):
    found = search(sentence, date(2024, 1, 26))
    assert found.window.kind == "event" and found.window.anchor == anchor


def test_together_with_people_is_no_event():
    assert (
        search(
            "Wij danken de indiener, die samen met collega-Kamerleden dit onderwerp agendeert.",
            date(2026, 6, 10),
        )
        is None
    )
