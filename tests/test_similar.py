"""Near-duplicates: the same promise in other words, from the same ministry, in an
overlapping window, is found; different promises, other ministries and far-apart windows
are not. The sentences are made up in the style of debates and letters."""

from datetime import date

import pytest
from reminder_helpers import add_promise

from toezegging.similar import content_words, likeness, near_duplicates, windows_overlap

ALIKE = [
    (
        "Evaluatie van de pilot voor de zomer naar de Kamer",
        "De Kamer ontvangt voor het zomerreces de evaluatie van de pilot.",
    ),
    (
        "Brief over de uitvoering van het actieplan femicide",
        "De minister informeert de Kamer over de uitvoering van het Actieplan Femicide.",
    ),
    (
        "Onderzoek naar wachttijden in de jeugdzorg delen met de Kamer",
        "Ik zal de resultaten van het onderzoek naar de wachttijden in de jeugdzorg met uw Kamer delen.",
    ),
    (
        "Send the House the review of the housing pilots",
        "The House will receive the review of the housing pilots before the summer.",
    ),
]

DIFFERENT = [
    (
        "Evaluatie van de pilot voor de zomer naar de Kamer",
        "De Kamer ontvangt voor de zomer de jaarrapportage van de politie.",
    ),
    (
        "Brief over de uitvoering van het actieplan femicide",
        "Brief over de uitvoering van de Wet verplichte ggz.",
    ),
    (
        "Onderzoek naar wachttijden in de jeugdzorg",
        "Onderzoek naar de gevolgen van de stikstofregels voor boeren",
    ),
]


@pytest.mark.parametrize(("a", "b"), ALIKE)
def test_the_same_promise_in_other_words_is_alike(a, b):
    share, shared = likeness(a, b)
    assert share >= 0.6 and shared >= 2, (share, shared, content_words(a), content_words(b))


@pytest.mark.parametrize(("a", "b"), DIFFERENT)
def test_different_promises_are_not(a, b):
    share, shared = likeness(a, b)
    assert share < 0.6 or shared < 2, (share, shared)


@pytest.mark.parametrize(
    ("a", "b", "overlap"),
    [
        ((date(2026, 1, 1), date(2026, 6, 30)), (date(2026, 6, 1), date(2026, 12, 31)), True),
        ((date(2026, 1, 1), date(2026, 6, 30)), (date(2026, 7, 1), date(2026, 12, 31)), False),
        ((None, date(2026, 6, 30)), (date(2026, 6, 30), date(2026, 12, 31)), True),
        ((None, None), (None, None), True),
        ((None, None), (date(2026, 1, 1), date(2026, 2, 1)), False),
    ],
)
def test_windows_overlap(a, b, overlap):
    assert windows_overlap(*a, *b) is overlap


def test_near_duplicates_in_the_register(store):
    kw = dict(ministry="Justitie en Veiligheid", earliest=date(2026, 6, 10), latest=date(2026, 12, 31))
    add_promise(
        store,
        text="De minister stuurt de Kamer voor eind 2026 de evaluatie van de Wet aanpak huiselijk geweld.",
        **kw,
    )
    add_promise(
        store, text="Evaluatie Wet aanpak huiselijk geweld naar de Kamer", status="fulfilled", **kw
    )  # closed: not a duplicate to ask about
    add_promise(
        store,
        text="Evaluatie Wet aanpak huiselijk geweld",
        ministry="Onderwijs, Cultuur en Wetenschap",
        earliest=kw["earliest"],
        latest=kw["latest"],
    )
    add_promise(
        store,
        text="Evaluatie Wet aanpak huiselijk geweld",
        ministry=kw["ministry"],
        earliest=date(2028, 1, 1),
        latest=date(2028, 6, 30),
    )  # far later
    with store.session() as s:
        found = near_duplicates(
            s,
            "Evaluatie van de Wet aanpak huiselijk geweld",
            "Justitie en Veiligheid",
            date(2026, 11, 1),
            date(2026, 12, 31),
        )
        assert [m.promise.id for m in found] == [1]
        assert (
            near_duplicates(
                s,
                "Evaluatie van de Wet aanpak huiselijk geweld",
                "Justitie en Veiligheid",
                date(2026, 11, 1),
                date(2026, 12, 31),
                exclude_id=1,
            )
            == []
        )
        assert (
            near_duplicates(
                s,
                "Jaarverslag van de politie",
                "Justitie en Veiligheid",
                date(2026, 11, 1),
                date(2026, 12, 31),
            )
            == []
        )
