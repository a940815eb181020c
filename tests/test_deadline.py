"""The deadline engine in its two halves (read: phrase → expression; resolve: expression +
reference date → window), the spec's general rules, errors, and search mode."""

from datetime import date

import pytest

from toezegging.deadline import parse, read, search
from toezegging.deadline.expr import Part, Period, Range, Span
from toezegging.errors import UnreadableDeadline

REF = date(2025, 11, 20)


# ---------------------------------------------------------------- read (no date involved)


@pytest.mark.parametrize(
    "phrase,anchor,mod,by",
    [
        ("voor de zomer", Period("season", name="summer"), "before", False),
        ("eind 2026", Part("end", Period("year", 2026)), None, False),
        ("uiterlijk in het vierde kwartaal van 2026", Period("quarter", 2026, 4), "in", True),
        ("het eerste halfjaar van 2026", Period("half", 2026, 1), None, False),
        ("bij de begroting 2027", Period("budget", 2027, name="prinsjesdag", year_offset=-1), "in", False),
        ("volgende maand", Period("month", rel="next"), None, False),
        ("week 12 van 2027", Period("week", 2027, 12), None, False),
        (
            "tussen 1 en 15 maart 2026",
            Range(Period("day", 2026, 3, 1), Period("day", 2026, 3, 15)),
            None,
            False,
        ),
    ],
    ids=lambda v: str(v) if isinstance(v, str) else None,
)
def test_read_gives_the_unresolved_expression(phrase, anchor, mod, by):
    (reading,) = read(phrase).readings
    assert (reading.anchor, reading.mod, reading.by) == (anchor, mod, by)


def test_read_spans_and_vague():
    (r,) = read("binnen 2 à 3 maanden").readings
    assert (r.span_kind, r.span, r.span_hi) == ("within", Span(months=2), Span(months=3))
    (r,) = read("over twee weken").readings
    assert (r.span_kind, r.span) == ("over", Span(days=14))
    (r,) = read("op korte termijn").readings
    assert r.vague == Span(months=3)
    e = read("naar verwachting jaarlijks")
    assert e.hedged and e.recurrence == "FREQ=YEARLY" and e.readings == ()


def test_read_is_independent_of_case_and_white_space():
    assert read("voor de zomer van 2026") == read("VOOR  de Zomer van 2026")


# ---------------------------------------------------------------- resolve: the general rules


def test_window_never_starts_before_the_reference_date():
    w = parse("in het tweede kwartaal", date(2026, 6, 10))
    assert (w.earliest, w.latest) == (date(2026, 6, 10), date(2026, 6, 30))


def test_a_deadline_already_passed_on_the_reference_date_collapses_and_says_so():
    w = parse("1 maart 2020", REF)
    assert w.earliest == w.latest == date(2020, 3, 1)
    assert "al verstreken" in w.explanation


def test_a_year_without_data_is_estimated_and_says_so():
    w = parse("voor het zomerreces van 2027", date(2026, 10, 5))
    assert w.estimated and "geschat" in w.explanation
    assert not parse("voor de zomer van 2026", date(2026, 3, 2)).estimated


def test_estimated_in_english_says_estimated():
    w = parse("before the summer recess of 2027", date(2026, 10, 5))
    assert w.estimated and "estimated" in w.explanation


def test_a_weekday_that_does_not_match_the_date_is_said_but_the_date_wins():
    w = parse("vrijdag 2 maart 2027", REF)
    assert w.latest == date(2027, 3, 2)
    assert "geen vrijdag" in w.explanation
    assert "geen" not in parse("dinsdag 2 maart 2027", REF).explanation


def test_hedges_set_hedged_and_change_nothing_else():
    plain, hedged = parse("voor de zomer", REF), parse("naar verwachting voor de zomer", REF)
    assert hedged.hedged and not plain.hedged
    assert (plain.earliest, plain.latest) == (hedged.earliest, hedged.latest)


def test_explanation_is_one_sentence_in_the_phrase_language():
    nl = parse("voor de zomer van 2026", date(2026, 3, 2)).explanation
    en = parse("before summer 2026", date(2026, 3, 2)).explanation
    assert "zomerreces" in nl and "2 juli 2026" in nl and nl.endswith(".")
    assert "summer recess" in en and "2 July 2026" in en and en.endswith(".")


def test_voor_de_zomer_said_in_november_means_next_summer():
    """HeidelTime's mistake: "voor de zomer" said in November is the coming summer."""
    w = parse("voor de zomer", date(2025, 11, 20))
    assert w.latest == date(2026, 7, 2)


def test_adding_months_clips_to_the_end_of_the_month():
    assert parse("binnen een maand", date(2026, 1, 31)).latest == date(2026, 2, 28)


def test_vague_plus_explicit_bound_takes_the_bound():
    w = parse("op korte termijn, maar in elk geval voor het kerstreces", REF)
    assert w.latest == date(2025, 12, 18) and w.kind == "recess"


def test_event_phrases_have_no_window_and_never_a_guess():
    for phrase in ("na afloop van de pilot", "zodra de evaluatie klaar is", "after the evaluation"):
        w = parse(phrase, REF)
        assert (w.kind, w.earliest, w.latest) == ("event", None, None)
        assert w.explanation


@pytest.mark.parametrize(
    "phrase",
    [
        "",
        "   ",
        "blabla",
        "de kat krabt de krullen",
        "voor",
        "1e",
        "30 februari 2027",
        "week 53 van 2027",
        "x" * 600,
    ],
)
def test_unreadable_phrases_raise_a_clear_error_with_examples(phrase):
    with pytest.raises(UnreadableDeadline) as e:
        parse(phrase, REF)
    assert "cannot read the deadline" in e.value.message
    assert "voor de zomer van 2026" in e.value.message


def test_a_recurrence_of_nothing_is_unreadable_not_a_crash():
    # "elke"/"every" before an ordinal with no period after it names no first occurrence
    for phrase in ("elke vijfde", "every third"):
        with pytest.raises(UnreadableDeadline):
            parse(phrase, REF)
    w = parse("elke vijfde zodra", REF)  # an event cue: an event, as without "elke vijfde"
    assert (w.kind, w.earliest, w.latest) == ("event", None, None)


@pytest.mark.parametrize(
    "phrase,earliest,latest",
    [
        ("van maart tot de eerste helft van april", date(2026, 3, 1), date(2026, 4, 15)),
        ("van 1 maart tot de tweede week van april", date(2026, 3, 1), date(2026, 4, 14)),
        ("1 maart tot vrijdag de eerste week van april", date(2026, 3, 1), date(2026, 4, 7)),
    ],
)
def test_a_range_may_end_in_a_part_of_a_month(phrase, earliest, latest):
    w = parse(phrase, REF)
    assert (w.earliest, w.latest) == (earliest, latest)


# ---------------------------------------------------------------- search mode


@pytest.mark.parametrize(
    "sentence,phrase,latest",
    [
        ("De Kamer wordt hierover voor eind 2026 verder geïnformeerd", "voor eind 2026", date(2026, 12, 31)),
        (
            "Uw Kamer wordt hierover naar verwachting voor deze zomer geïnformeerd",
            "voor deze zomer",
            date(2026, 7, 2),
        ),
        ("Ook start het WODC dit jaar een verkenning.", "dit jaar", date(2026, 12, 31)),
        ("We informeren u zo snel mogelijk over de uitkomst.", "zo snel mogelijk", date(2026, 9, 10)),
        (
            "Het rapport verschijnt in week 12 van 2027 op de website.",
            "in week 12 van 2027",
            date(2027, 3, 28),
        ),
        (
            "The minister will report by the end of 2026 on the pilots.",
            "by the end of 2026",
            date(2026, 12, 31),
        ),
    ],
    ids=lambda v: v if isinstance(v, str) and len(v) < 30 else None,
)
def test_search_finds_the_phrase_and_its_span(sentence, phrase, latest):
    found = search(sentence, date(2026, 6, 10))
    assert found is not None
    assert found.text == phrase
    assert sentence[found.span[0] : found.span[1]] == phrase
    assert found.window.latest == latest


@pytest.mark.parametrize(
    "sentence",
    [
        "Wij pakken dit zo snel als het kan op, zo zegt de minister.",
        "De Tweede Kamer heeft hierover een motie aangenomen.",
        "De week werd niet genoemd, de eerste week evenmin.",
        "Het tweede punt betreft de opvang.",
        "Zo blijft de opvang bereikbaar.",
        "De middelen staan op de begroting van VWS.",
        "Het Actieplan 2023 bevat 24 maatregelen.",
        "Er kwam een late reactie van de gemeente.",
        "Aan het begin van het debat werd gestemd.",
        "Het eind is nog niet in zicht.",
        "De minister is niet voor uitstel.",
        "Dat gebeurde in maart.",  # a bare month with "in" is a time phrase; see the next test
    ],
    ids=lambda v: v[:30],
)
def test_search_has_no_false_hits_on_lone_words(sentence):
    found = search(sentence, date(2026, 6, 10))
    if "maart" in sentence:
        assert found is not None and found.text == "in maart"
    else:
        assert found is None, found


def test_search_prefers_the_latest_deadline_and_windows_over_vague_words():
    s = "Op korte termijn start een pilot; de resultaten volgen uiterlijk in het eerste kwartaal van 2027."
    found = search(s, date(2026, 6, 10))
    assert found.text == "uiterlijk in het eerste kwartaal van 2027"
    assert found.window.latest == date(2027, 3, 31)


def test_search_marks_a_hedge_anywhere_in_the_sentence():
    s = "De minister verwacht de bevindingen in het eerste kwartaal van 2027 met uw Kamer te kunnen delen"
    found = search(s, date(2026, 6, 10))
    assert found.text == "in het eerste kwartaal van 2027" and found.window.hedged


def test_a_range_given_largest_first_is_the_same_range():
    a, b = parse("over 3 à 2 maanden", REF), parse("over 2 à 3 maanden", REF)
    assert (a.earliest, a.latest) == (b.earliest, b.latest) == (date(2026, 1, 20), date(2026, 2, 20))


def test_every_result_kind_is_one_of_the_spec():
    kinds = {
        "day",
        "week",
        "month",
        "quarter",
        "half",
        "season",
        "year",
        "part",
        "recess",
        "budget",
        "relative",
        "vague",
        "event",
    }
    for phrase in (
        "in de week van 12 januari",
        "vrijdag 3 maart 2028",
        "medio 2026",
        "Q1 2027",
        "jaarlijks",
        "binnenkort",
        "na de verkiezingen",
        "voor Prinsjesdag",
        "rond de jaarwisseling",
        "van maart tot mei",
        "eind 2026 - begin 2027",
    ):
        assert parse(phrase, REF).kind in kinds, phrase
