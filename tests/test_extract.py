"""Finding promises in letters: the steps one by one, then whole documents.

The time phrase comes from the deadline engine; the unit tests here inject a small fake
`search` so they test the extractor alone. The corpus tests (tests/test_extract_corpus.py)
use the real engine.
"""

import re
from dataclasses import dataclass
from datetime import date

import pytest
from extract_docs import make_docx, make_pdf

from toezegging.errors import InvalidInput
from toezegging.extract import find_promises, read_document
from toezegging.extract.actors import ActorResolver, actors_in, signature
from toezegging.extract.cleaning import clean, join_lines
from toezegging.extract.commitments import judge
from toezegging.extract.dedup import unique
from toezegging.extract.letterdate import letter_date
from toezegging.extract.reading import html_text
from toezegging.extract.rules import load_rules
from toezegging.extract.sentences import split_sentences

RULES = load_rules()
REF = date(2026, 6, 10)


# ----------------------------------------------------------------------------- a fake engine

@dataclass
class FakeWindow:
    earliest: date | None
    latest: date | None
    kind: str = "year"
    hedged: bool = False
    recurrence: str | None = None
    estimated: bool = False
    explanation: str = "fake"


@dataclass
class FakeFound:
    text: str
    span: tuple[int, int]
    window: FakeWindow


def fake_search(sentence: str, ref: date):
    """Reads only 'voor eind YYYY', 'in YYYY', 'in <maand> YYYY' and 'na afloop van de pilot'."""
    m = re.search(r"(voor eind|in) (september )?(\d{4})", sentence)
    if m:
        y = int(m.group(3))
        if m.group(2):
            first, last = date(y, 9, 1), date(y, 9, 30)
        else:
            first, last = date(y, 1, 1), date(y, 12, 31)
        if m.group(1) == "voor eind":
            first = ref
        first = max(first, ref)
        if last < ref:
            first = last
        return FakeFound(m.group(0), m.span(), FakeWindow(first, last))
    m = re.search(r"na afloop van de pilot", sentence)
    if m:
        return FakeFound(m.group(0), m.span(), FakeWindow(None, None, kind="event"))
    return None


# ----------------------------------------------------------------------------- the data

CUES = [(kind, c) for kind in ("strong", "weak", "past", "asks", "hedge")
        for c in getattr(RULES, kind)]


@pytest.mark.parametrize("kind,cue", CUES, ids=[f"{k}:{c.name}" for k, c in CUES])
def test_every_cue_matches_its_examples_and_not_its_counter_examples(kind, cue):
    assert cue.examples, f"cue {cue.name!r} has no examples"
    for ex in cue.examples:
        assert cue.pattern.search(ex), f"{cue.name!r} misses its example {ex!r}"
    for ex in cue.counter:
        assert not cue.pattern.search(ex), f"{cue.name!r} matches its counter-example {ex!r}"


@pytest.mark.parametrize("text,promise", RULES.sentences, ids=[s[:40] for s, _ in RULES.sentences])
def test_sentence_examples_of_the_data_are_judged_as_labelled(text, promise):
    assert judge(text, RULES).commits is promise


@pytest.mark.parametrize("line", RULES.date_examples)
def test_letter_date_examples_are_read(line):
    assert letter_date(line) is not None


def test_every_ministry_alias_finds_its_ministry():
    for m in RULES.ministries:
        for alias in m.aliases:
            assert actors_in(f"de minister van {alias} zal", RULES)[0].ministry == m.name, alias


# ----------------------------------------------------------------------------- cleaning

def test_pdf_lines_are_rejoined_and_headings_stay_apart():
    lines = [
        "Verder werken aan vrij en veilig onderwijs",
        "",
        "Het wetsvoorstel zal naar verwachting in het eerste kwartaal van 2025 aan uw Kamer",
        "worden aangeboden. Over dat traject ontvangt uw Kamer in het eerste kwartaal van",
        "2024 een brief. Dit is een gewone zin die over de regel heen loopt tot aan de",
        "VNG en verder gaat.",
    ]
    blocks = join_lines(lines)
    assert blocks[0] == "Verder werken aan vrij en veilig onderwijs"
    assert "aan uw Kamer worden aangeboden." in blocks[1]
    assert "tot aan de VNG en verder gaat." in blocks[1]


def test_word_paragraphs_keep_bullets_and_headings_apart():
    text = (
        "H4 – Beschermd achter de voordeur\n"
        "· Maak huisbezoeken vaker mogelijk bij een vermoeden van huiselijk geweld\n"
        "Wij onderschrijven het belang. " + "Een lange zin in een alinea. " * 12 + "\n"
        "Vanuit het Rijk brengen \n\n\nwe goede initiatieven in beeld.\n"
    )
    blocks = clean(text)
    assert blocks[0] == "H4 – Beschermd achter de voordeur"
    assert blocks[1].startswith("· Maak huisbezoeken")
    assert blocks[2].startswith("Wij onderschrijven")
    assert "Vanuit het Rijk brengen we goede initiatieven in beeld." in blocks[2]


def test_word_markup_and_footnote_markers_are_dropped():
    text = (
        "Op 12 september jl. is een nota ingediend over geweld tegen vrouwen[footnoteRef:1]. "
        "[1:  Kamerstukken II, 2025–2026, 36 811, nr. 2.] \n"
        "[bookmark: _Hlk229507972]Wij danken de indiener. Zij hebben 2152 meldingen "
        "ontvangen.1 Dat is veel. Het gaat om de Monitor 2023. 3 Dat wetsvoorstel volgt. "
        "Hiermee wordt femicide2 ernstig belemmerd, zie nr. 4 Kamerstukken."
    )
    (block,) = clean(text)
    assert "[" not in block
    assert "vrouwen. Wij danken" in block
    assert "ontvangen. Dat is veel." in block
    assert "2023. Dat wetsvoorstel" in block
    assert "femicide ernstig" in block
    assert "nr. 4 Kamerstukken" in block  # a number after an abbreviation is not a marker


@pytest.mark.parametrize(
    "block,expected",
    [
        ("Tot slot De vertrouwensinspecteurs publiceren het overzicht jaarlijks.",
         ["Tot slot", "De vertrouwensinspecteurs publiceren het overzicht jaarlijks."]),
        ("Stijging aantal dossiers is zorgelijk In het schooljaar 2022/2023 waren er 2152.",
         ["Stijging aantal dossiers is zorgelijk", "In het schooljaar 2022/2023 waren er 2152."]),
        ("Op 12 september jl. heeft het kamerlid Van der Werf een nota ingediend.",
         ["Op 12 september jl. heeft het kamerlid Van der Werf een nota ingediend."]),
        ("Samen met onze collega van Justitie en Veiligheid werken we aan het actieplan.",
         ["Samen met onze collega van Justitie en Veiligheid werken we aan het actieplan."]),
    ],
    ids=["tot-slot", "heading", "jl", "proper-names"],
)
def test_run_in_headings_are_split_off(block, expected):
    assert clean(block) == expected


def test_broken_words_are_mended_only_where_the_document_knows_the_word():
    text = (
        "Wij werken hard. Omdat het moet, w erken we door. Het kabinet he eft dit gedaan en "
        "heeft dat ook. Het Kabine t besluit. Zo kunnen we dit aan pakken in gang zetten. "
        "Met ingang van vandaag, in de zomer. Zo nodig adviseren de inspecteurs ook."
    )
    (block,) = clean(text)
    assert "werken we door" in block and "heeft dit gedaan" in block and "Kabinet besluit" in block
    assert "in gang zetten" in block  # "in" is a word of its own: not joined to "ingang"
    assert "adviseren de inspecteurs" in block


# ----------------------------------------------------------------------------- sentences

def test_abbreviations_and_initials_do_not_end_a_sentence():
    block = (
        "Op 22 mei jl. Is dat zo. Zie o.a. Art. 3 en bijv. Nr. 4 van mr. Jansen. "
        "Getekend door D.M. van Weel. De Kamer wordt i.v.m. De zomer z.s.m. Geïnformeerd. "
        "Is dat zo? Ja! Dan 57 van de 116 dossiers."
    )
    got = [s.text for s in split_sentences([block])]
    assert got == [
        "Op 22 mei jl. Is dat zo.",
        "Zie o.a. Art. 3 en bijv. Nr. 4 van mr. Jansen.",
        "Getekend door D.M. van Weel.",
        "De Kamer wordt i.v.m. De zomer z.s.m. Geïnformeerd.",
        "Is dat zo?",
        "Ja!",
        "Dan 57 van de 116 dossiers.",
    ]


def test_sentence_offsets_point_into_the_cleaned_document():
    blocks = ["Eerste zin. Tweede zin.", "Derde zin."]
    doc = "\n\n".join(blocks)
    for s in split_sentences(blocks):
        assert doc[s.start : s.start + len(s.text)] == s.text


# ----------------------------------------------------------------------------- actors

def test_signature_in_two_columns():
    text = (
        "Wij zullen uw Kamer informeren.\n\n\nHoogachtend,\n\n\n"
        "de minister van Langdurige Zorg,\t\tde minister van Justitie en Veiligheid,\n"
        "Jeugd en Sport,\n\n\n\nMirjam Sterk\t\t\t\t\tD.M. van Weel\n"
        " De Voorzitter van de T weede Kamer " + "garbled copy " * 20 + "\n"
    )
    (a, b) = signature(text)
    assert (a.name, a.function, a.ministry) == (
        "Mirjam Sterk", "minister van Langdurige Zorg, Jeugd en Sport",
        "Volksgezondheid, Welzijn en Sport",
    )
    assert (b.name, b.ministry) == ("D.M. van Weel", "Justitie en Veiligheid")
    # the same block from a PDF, where the names came out one under the other
    wrapped = text.replace("Mirjam Sterk\t\t\t\t\tD.M. van Weel", "Mirjam Sterk\nD.M. van Weel")
    assert signature(wrapped) == [a, b]


def test_signature_one_after_another_and_no_signature_from_an_association():
    text = (
        "Tekst.\n\nDe minister voor Primair en Voortgezet Onderwijs,\n\nMariëlle Paul\n\n"
        "De minister van Onderwijs, Cultuur en Wetenschap,\n\nRobbert Dijkgraaf\n\n---\n"
    )
    assert [s.name for s in signature(text)] == ["Mariëlle Paul", "Robbert Dijkgraaf"]
    assert signature("Met vriendelijke groet,\n\nMaarten Hijink\n\nDirecteur Valente\n") == []


def test_resolver_names_the_office_in_the_sentence_or_the_last_one_named_or_the_signers():
    signers = signature(
        "Hoogachtend,\n\nDe minister voor Primair en Voortgezet Onderwijs,\n\nMariëlle Paul\n\n"
        "De minister van Onderwijs, Cultuur en Wetenschap,\n\nRobbert Dijkgraaf\n"
    )
    r = ActorResolver(signers)
    named = r.see("De minister van Onderwijs, Cultuur en Wetenschap zal dit doen.")
    assert r.resolve(named).name == "Robbert Dijkgraaf"
    joint = r.resolve(r.see("Wij zullen uw Kamer informeren."))
    assert joint.name == "Mariëlle Paul en Robbert Dijkgraaf"
    assert joint.ministry == "Onderwijs, Cultuur en Wetenschap"

    report = ActorResolver([])
    report.see("De staatssecretaris van Justitie en Veiligheid deelt de zorg.")
    bare = report.resolve(report.see("De staatssecretaris zei toe dit te gaan bespreken."))
    assert (bare.function, bare.ministry) == (
        "staatssecretaris van Justitie en Veiligheid", "Justitie en Veiligheid",
    )


# ----------------------------------------------------------------------------- dedup

def test_a_garbled_second_copy_gives_each_promise_once():
    clean_copy = "Het kabinet houdt dit onderwerp op de politieke agenda en zal in 2027 beslissen."
    garbled = "Het  kabinet h oudt dit onderwerp op de politieke  agenda en zal in  2027 beslissen."
    other = "Het kabinet zal in 2028 een heel ander besluit nemen over de opvang."
    assert unique([clean_copy, garbled, other], key=str) == [clean_copy, other]
    assert unique([other], key=str, seen=[other.upper()]) == []


# ----------------------------------------------------------------------------- whole documents

LETTER = [
    "Geachte voorzitter,",
    "",
    "De resultaten zijn in september 2025 gepubliceerd. De Kamer wordt hierover voor eind",
    "2026 verder geïnformeerd. Verder startte in september 2025 een traject. Ook start het",
    "WODC in 2027 een verkenning. Wij zullen u na afloop van de pilot informeren.",
    "",
    "Hoogachtend,",
    "",
    "De minister van Justitie en Veiligheid,",
    "",
    "D.M. van Weel",
]


def _check_letter_promises(found):
    assert [(p.phrase, p.earliest, p.latest) for p in found] == [
        ("voor eind 2026", REF, date(2026, 12, 31)),
        ("in 2027", date(2027, 1, 1), date(2027, 12, 31)),
    ]
    assert {p.by for p in found} == {"D.M. van Weel"}
    assert {p.ministry for p in found} == {"Justitie en Veiligheid"}


def test_find_promises_in_a_plain_letter():
    found = find_promises("\n".join(LETTER), REF, search=fake_search)
    _check_letter_promises(found)
    events = find_promises("\n".join(LETTER), REF, search=fake_search, include_events=True)
    assert events[-1].phrase == "na afloop van de pilot" and events[-1].latest is None


def test_a_letter_repeated_in_itself_gives_each_promise_once():
    text = "\n".join(LETTER) + "\n" + " ".join(LETTER).replace("hierover", "hier over")
    _check_letter_promises(find_promises(text, REF, search=fake_search))


def test_pdf_letter_read_without_its_page_furniture(tmp_path):
    header = "Ministerie van Justitie en Veiligheid"
    pages = [
        [header, *LETTER[:5], "Pagina 1 van 3"],
        [header, *LETTER[5:8], "Pagina 2 van 3"],
        [header, *LETTER[8:], "Pagina 3 van 3"],
    ]
    path = tmp_path / "brief.pdf"
    path.write_bytes(make_pdf(pages))
    text = read_document(path)
    assert "geïnformeerd" in text and "Pagina" not in text and header not in text
    _check_letter_promises(find_promises(text, REF, search=fake_search))


def test_docx_letter_with_a_table(tmp_path):
    paragraphs = [" ".join(LETTER[:5]), *LETTER[5:]]
    path = make_docx(tmp_path / "brief.docx", paragraphs, [["Toezegging", "Termijn"],
                                                          ["Brief aan de Kamer", "2027"]])
    text = read_document(path)
    assert "Brief aan de Kamer" in text
    _check_letter_promises(find_promises(text, REF, search=fake_search))


def test_html_letter():
    html = (
        "<html><head><title>x</title><script>var a = 'zal in 2027';</script></head><body>"
        + "".join(f"<p>{line}</p>" for line in LETTER if line) + "</body></html>"
    )
    text = html_text(html)
    assert "var a" not in text
    _check_letter_promises(find_promises(text, REF, search=fake_search))


def test_an_association_letter_asks_and_does_not_promise():
    text = (
        "Wij zullen in 2027 opnieuw aandacht vragen voor de opvang. "
        "Dringt u er bij de staatssecretaris op aan de hulplijn in 2026 te starten?\n\n"
        "Met vriendelijke groet,\n\nMaarten Hijink\n\nDirecteur Valente\n"
    )
    assert find_promises(text, REF, search=fake_search) == []


@pytest.mark.parametrize("name,content", [("kapot.pdf", b"%PDF-1.4 nothing"),
                                          ("kapot.docx", b"PK\x03\x04 nothing")])
def test_unreadable_documents_are_refused_with_a_message(tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InvalidInput, match="cannot read"):
        read_document(path)
