"""Finding promises in letters and answers: the steps one by one, then whole documents.

The time phrase comes from the deadline engine; the document tests at the end inject a
small fake `search` so they test the extractor alone. The rules of
`lang/extract_nl.toml` are tested in tests/test_extract_rules.py, the shared corpus in
tests/test_extract_corpus.py.
"""

import logging
import re
from dataclasses import dataclass
from datetime import date

import pytest
from extract_docs import make_docx, make_pdf

from toezegging.errors import InvalidInput
from toezegging.extract import find_promises, read_document, read_structure
from toezegging.extract.actors import ActorResolver, answerer, signature
from toezegging.extract.clauses import context, pieces
from toezegging.extract.cleaning import clean, join_lines, mend
from toezegging.extract.dedup import unique
from toezegging.extract.judge import subject_of
from toezegging.extract.letterdate import letter_date
from toezegging.extract.reading import html_text
from toezegging.extract.sentences import split_sentences
from toezegging.extract.source import letter_source, source_of
from toezegging.extract.timing import find_times

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


# ----------------------------------------------------------------------------- cleaning


def test_pdf_lines_are_rejoined_and_headings_stay_apart():
    lines = [
        "Verder werken aan vrij en veilig onderwijs",
        "",
        "Het wetsvoorstel zal naar verwachting in het eerste kwartaal van 2025 aan uw Kamer",
        "worden aangeboden. Over dat traject ontvangt uw Kamer in het eerste kwartaal van",
        "2024 een brief. Dit is een gewone zin die over de regel heen loopt tot aan de",
        "VNG en verder gaat. Het plan wordt uitgewerkt en de Kamer wordt erover geïnfor-",
        "meerd, net als de hbo-",
        "instellingen.",
    ]
    blocks = join_lines(lines)
    assert blocks[0] == "Verder werken aan vrij en veilig onderwijs"
    assert "aan uw Kamer worden aangeboden." in blocks[1]
    assert "tot aan de VNG en verder gaat." in blocks[1]
    assert "wordt erover geïnformeerd, net als de hbo-instellingen." in blocks[1]


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


def test_footnotes_at_the_foot_of_each_page_are_left_out():
    page1 = (
        "Vraag 1\nBent u bekend met het bericht?1\nAntwoord 1\nJa. De inspectie onderzoekt de\n"
        "zaak en rondt dat voor de zomer af.2 Daarna volgt een\n"
        "1 De Stentor, 3 maart 2024, «Onveilige opslag».\n"
        "2 Kamerstuk 29 383, nr. 406.\n"
        "Tweede Kamer, vergaderjaar 2023–2024, Aanhangsel 1"
    )
    page2 = "reactie van het kabinet.\n3 Tot slot een nieuwe alinea die met een getal begint."
    text = " ".join(clean(page1 + "\f" + page2))
    assert "Stentor" not in text and "29 383" not in text and "Aanhangsel" not in text
    assert "Daarna volgt een reactie van het kabinet." in text
    assert "Tot slot een nieuwe alinea" in text  # 3 never stood as a marker


def test_footnotes_in_a_text_without_pages_and_a_footnote_section():
    text = (
        "De minister heeft de Gezondheidsraad om advies gevraagd.4 Het advies volgt in\n"
        "het voorjaar.\n"
        "4 Kamerstukken II, 2023/2024, 31 839, nr. 1024\n"
        "Het kabinet neemt het advies over.\n\n" + "Een gewone zin in de brief. " * 30 + "\n\nVoetnoten\n\n"
        "5 https://www.example.org/rapport\n6 Zie de brief van 12 mei 2024, met een toezegging.\n"
    )
    joined = " ".join(clean(text))
    assert "31 839" not in joined and "example.org" not in joined and "toezegging" not in joined
    assert "Het advies volgt in het voorjaar." in joined
    assert "Het kabinet neemt het advies over." in joined


def test_mend_rejoins_broken_words_and_keeps_the_offsets():
    text = "De Kamer wordt geïnfor- meerd, zoals vertegenwoordi- gers en zorg- en welzijn."
    mended, where = mend(text)
    assert mended == "De Kamer wordt geïnformeerd, zoals vertegenwoordigers en zorg- en welzijn."
    assert len(where) == len(mended)
    assert all(text[where[i]] == ch for i, ch in enumerate(mended))


@pytest.mark.parametrize(
    "block,expected",
    [
        (
            "Tot slot De vertrouwensinspecteurs publiceren het overzicht jaarlijks.",
            ["Tot slot", "De vertrouwensinspecteurs publiceren het overzicht jaarlijks."],
        ),
        (
            "Stijging aantal dossiers is zorgelijk In het schooljaar 2022/2023 waren er 2152.",
            ["Stijging aantal dossiers is zorgelijk", "In het schooljaar 2022/2023 waren er 2152."],
        ),
        (
            "Op 12 september jl. heeft het kamerlid Van der Werf een nota ingediend.",
            ["Op 12 september jl. heeft het kamerlid Van der Werf een nota ingediend."],
        ),
        (
            "Samen met onze collega van Justitie en Veiligheid werken we aan het actieplan.",
            ["Samen met onze collega van Justitie en Veiligheid werken we aan het actieplan."],
        ),
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


# ----------------------------------------------------------------------------- clauses


def _kinds(sentence: str) -> list[tuple[str, str]]:
    return [(p.kind, sentence[p.start : p.end].strip(" ,")) for p in pieces(sentence)]


def test_clauses_by_the_words_that_open_them():
    s = (
        "Bij de keuze van maatregelen voor de jaren na 2030, waarover ik u in maart "
        "informeer, betrek ik het advies van de netbeheerder."
    )
    assert [k for k, _ in _kinds(s)] == ["main", "relative", "cont"]
    s = "Mocht het nodig zijn, dan neem ik in 2027 extra maatregelen."
    kinds = _kinds(s)
    assert kinds[0][0] == "conditional"
    assert "conditional" in context(s, pieces(s), s.index("in 2027")).features
    s = "Het wetsvoorstel zal, zoals eerder gemeld, in het najaar in consultatie gaan."
    ctx = context(s, pieces(s), s.index("in het najaar"))
    assert ctx.kind == "main" and "zal" in ctx.text and "zoals" not in ctx.text


def test_complement_keeps_an_expectation_and_marks_a_report():
    s = "Ik verwacht dat de regeling in maart wordt opengesteld."
    ctx = context(s, pieces(s), s.index("in maart"))
    assert ctx.kind == "complement" and ctx.text.startswith("Ik verwacht")
    s = "In de vorige brief is aangegeven dat de Kamer in maart wordt geïnformeerd."
    ctx = context(s, pieces(s), s.index("in maart"))
    assert "reported" in ctx.features and not ctx.text.startswith("In de vorige brief")
    s = "Wij zullen dat overzicht in maart toesturen."  # "dat overzicht": no clause
    assert context(s, pieces(s), s.index("in maart")).kind == "main"


@pytest.mark.parametrize(
    "sentence,feature",
    [
        ("Het kabinet investeert om eind 2027 aan de norm te voldoen.", "purpose"),
        ("Het kabinet houdt vast aan de doelstelling om in 2030 de helft minder uit te stoten.", "target"),
        ("Ik ben voornemens om in 2027 een wetsvoorstel in te dienen.", None),
    ],
    ids=["purpose", "target", "intention"],
)
def test_om_te_clauses(sentence, feature):
    pos = re.search(r"(eind|in) 20\d\d", sentence).start()
    features = context(sentence, pieces(sentence), pos).features
    assert (feature in features) if feature else not ({"purpose", "target"} & features)


# ----------------------------------------------------------------------------- time phrases


def test_time_phrases_with_what_the_search_leaves_out():
    ref = date(2022, 10, 3)
    (t,) = find_times("De oplevering is december 2022 voorzien.", ref)
    assert (t.text, t.latest, t.origin) == ("december 2022", date(2022, 12, 31), "date")
    (t,) = find_times("De periode november 2022 tot januari 2023 gebruiken we om te testen.", ref)
    assert (t.earliest, t.latest, t.kind, t.origin) == (
        date(2022, 11, 1),
        date(2022, 12, 31),
        "month",
        "period",
    )
    (t,) = find_times("Ik laat in de eerste helft van 2023 berekenen wat dit kost.", ref)
    assert (t.text, t.earliest, t.latest) == (
        "in de eerste helft van 2023",
        date(2023, 1, 1),
        date(2023, 6, 30),
    )
    (t,) = find_times("Dat is pas laat in de eerste helft van 2023 bekend.", ref)
    assert t.text.startswith("laat")  # here "laat" is late


def test_a_past_marker_next_to_a_phrase_makes_it_past():
    ref = date(2024, 1, 26)
    times = find_times("De NZa heeft op 4 april jl. de cijfers gepubliceerd.", ref)
    assert times and all(t.past for t in times)
    times = find_times("Dat is de afgelopen drie jaar gebleken.", ref)
    assert times and all(not t.future(ref) for t in times)


def test_events_are_kept_where_the_engine_reads_them_as_events():
    ref = date(2024, 1, 26)
    (t,) = find_times("Wanneer het onderzoek is afgerond zal ik uw Kamer informeren.", ref)
    assert (t.text, t.kind, t.latest) == ("Wanneer het onderzoek is afgerond", "event", None)
    (t,) = find_times("Na afronding van de evaluatie stuur ik u de uitkomsten.", ref)
    assert t.text == "Na afronding van de evaluatie"
    assert find_times("Het kabinet vindt dit belangrijk.", ref) == []


# ----------------------------------------------------------------------------- subjects


@pytest.mark.parametrize(
    "clause,kind",
    [
        ("Na de zomer komt de NZa met nieuwe cijfers", "agency"),
        ("Samen met de gemeenten pak ik dit op", "government"),
        ("De Europese Commissie komt met een voorstel", "third party"),
        ("wordt door de provincies in 2025 vastgesteld", "third party"),
        ("die door het Amerikaanse Instituut dit jaar gepubliceerd worden", "third party"),
        ("K-EET wil de komende jaren verder", "unknown organisation"),
        ("De regeling wordt in 2025 aangepast", "none"),
    ],
)
def test_subject_of_a_clause(clause, kind):
    assert subject_of(clause)[0] == kind


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
        "Mirjam Sterk",
        "minister van Langdurige Zorg, Jeugd en Sport",
        "Volksgezondheid, Welzijn en Sport",
    )
    assert (b.name, b.ministry) == ("D.M. van Weel", "Justitie en Veiligheid")
    # the same block from a PDF, where the names came out one under the other
    wrapped = text.replace("Mirjam Sterk\t\t\t\t\tD.M. van Weel", "Mirjam Sterk\nD.M. van Weel")
    assert signature(wrapped) == [a, b]


@pytest.mark.parametrize(
    "block,expected",
    [
        (
            "Tekst.\n\nDe minister voor Primair en Voortgezet Onderwijs,\n\nAnne Visser\n\n"
            "De minister van Onderwijs, Cultuur en Wetenschap,\n\nPieter de Boer\n\n---\n",
            [
                ("Anne Visser", "minister voor Primair en Voortgezet Onderwijs"),
                ("Pieter de Boer", "minister van Onderwijs, Cultuur en Wetenschap"),
            ],
        ),
        (
            "Tekst.\n\nHoogachtend,\n\nDe staatssecretaris van Infrastructuur en Waterstaat,\n\n"
            "drs. K.L.M. Veenstra\n",
            [("drs. K.L.M. Veenstra", "staatssecretaris van Infrastructuur en Waterstaat")],
        ),
        (
            "Tekst.\n\nJoris Bakker\nMinister van Economische Zaken en Klimaat\n",
            [("Joris Bakker", "minister van Economische Zaken en Klimaat")],
        ),
        (
            "Tekst.\n\nHoogachtend,\n\nDe minister van Justitie en Veiligheid, De staatssecretaris "
            "van Justitie en Veiligheid,\n\nE.F. de Wit J. van Dam\n",
            [
                ("E.F. de Wit", "minister van Justitie en Veiligheid"),
                ("J. van Dam", "staatssecretaris van Justitie en Veiligheid"),
            ],
        ),
        (
            "Tekst.\n\nHoogachtend,\n\nDe minister van Justitie en Veiligheid, E.F. de Wit\n",
            [("E.F. de Wit", "minister van Justitie en Veiligheid")],
        ),
    ],
    ids=[
        "one-under-the-other",
        "title-in-lower-case",
        "name-before-function",
        "flattened",
        "function-then-name",
    ],
)
def test_signature_forms(block, expected):
    assert [(s.name, s.function) for s in signature(block)] == expected


def test_no_signature_from_an_association_or_a_line_of_text():
    assert signature("Met vriendelijke groet,\n\nMaarten Hijink\n\nDirecteur Valente\n") == []
    text = "Inleiding.\n" * 5 + "De staatssecretaris van Justitie en Veiligheid geeft aan dat\n"
    assert signature(text) == []


def test_the_answering_member_of_the_government():
    (a,) = answerer(
        "Antwoord van Staatssecretaris Jansen (Volksgezondheid, Welzijn en Sport – "
        "Jeugd, Preventie en Sport) (ontvangen 12 augustus 2024)."
    )
    assert (a.name, a.function, a.ministry) == (
        "Jansen",
        "staatssecretaris van Volksgezondheid, Welzijn en Sport",
        "Volksgezondheid, Welzijn en Sport",
    )
    (a,) = answerer(
        "Antwoord van Minister De Vries (Infrastructuur en Waterstaat), mede\n"
        "namens de Minister van Justitie en Veiligheid (ontvangen 17 mei 2024)."
    )
    assert (a.name, a.ministry) == ("De Vries", "Infrastructuur en Waterstaat")
    (a,) = answerer("Antwoord van Minister Smit (Buitenlandse Handel en Ontwikkelingssamenwerking)")
    assert a.function == "minister voor Buitenlandse Handel en Ontwikkelingssamenwerking"


def test_resolver_names_the_office_in_the_sentence_or_the_last_one_named_or_the_signers():
    signers = signature(
        "Hoogachtend,\n\nDe minister voor Primair en Voortgezet Onderwijs,\n\nAnne Visser\n\n"
        "De minister van Onderwijs, Cultuur en Wetenschap,\n\nPieter de Boer\n"
    )
    r = ActorResolver(signers)
    named = r.see("De minister van Onderwijs, Cultuur en Wetenschap zal dit doen.")
    assert r.resolve(named).name == "Pieter de Boer"
    joint = r.resolve(r.see("Wij zullen uw Kamer informeren."))
    assert joint.name == "Anne Visser en Pieter de Boer"
    assert joint.ministry == "Onderwijs, Cultuur en Wetenschap"
    # two signers: "aan de " + function reads as the heading of drafted questions
    assert "aan de " + joint.function == (
        "aan de minister voor Primair en Voortgezet Onderwijs en de minister van Onderwijs, "
        "Cultuur en Wetenschap"
    )

    report = ActorResolver([])
    report.see("De staatssecretaris van Justitie en Veiligheid deelt de zorg.")
    bare = report.resolve(report.see("De staatssecretaris zei toe dit te gaan bespreken."))
    assert (bare.function, bare.ministry) == (
        "staatssecretaris van Justitie en Veiligheid",
        "Justitie en Veiligheid",
    )


# ----------------------------------------------------------------------------- the document

ANSWERS = """Tweede Kamer der Staten-Generaal

Vragen van het lid Pieters (CDA) aan de Minister van Infrastructuur en Waterstaat over
het bericht «Sluis langer dicht» (ingezonden 2 april 2024).

Antwoord van Minister De Vries (Infrastructuur en Waterstaat) (ontvangen 29 april 2024).

Vraag 1
Bent u bekend met het bericht? Wilt u de Kamer voor de zomer informeren?

Antwoord 1
Ja.

Vragen 2 en 3
Wanneer gaat de sluis weer open? Wat kost dit?

Antwoord 2 en 3
Rijkswaterstaat verwacht de sluis eind 2024 weer open te stellen. Uw Kamer wordt in het
najaar over de kosten geïnformeerd.
"""


def test_answers_keep_the_answers_and_their_question_numbers():
    doc = read_structure(ANSWERS)
    assert doc.kind == "answers" and doc.by_government
    assert doc.date == date(2024, 4, 29)
    assert [(s.name, s.ministry) for s in doc.signers] == [("De Vries", "Infrastructuur en Waterstaat")]
    assert doc.source == (
        "Antwoorden op vragen van het lid Pieters (CDA) over het bericht «Sluis langer dicht»"
    )
    texts = [(line.question, line.sentence.text[line.label_end :].strip()) for line in doc.lines]
    assert texts == [
        ("1", "Ja."),
        ("2 en 3", "Rijkswaterstaat verwacht de sluis eind 2024 weer open te stellen."),
        ("2 en 3", "Uw Kamer wordt in het najaar over de kosten geïnformeerd."),
    ]


def test_numbered_questions_without_labels():
    text = ANSWERS.replace("Vraag 1\n", "1.\n").replace("Vragen 2 en 3\n", "2\n")
    text = re.sub(r"Antwoord (1|2 en 3)\n", "", text)
    text = text.replace("1.\nBent u", "1. Bent u").replace("2\nWanneer", "2 Wanneer")
    doc = read_structure(text)
    assert [(ln.question, ln.sentence.text[:12]) for ln in doc.lines] == [
        ("1", "Ja."),
        ("2", "Rijkswaterst"),
        ("2", "Uw Kamer wor"),
    ]


def test_source_of_a_letter_never_its_file_name():
    letter = "Datum 3 juni 2026\nBetreft Voortgang aanpak wachttijden\n\nGeachte voorzitter,\n"
    assert source_of(letter, "letter") == ("Voortgang aanpak wachttijden", None)
    reply = (
        "Op 2 maart jl. heeft het lid Bakker een initiatiefnota ingediend over veilig fietsen"
        "[footnoteRef:1]. [1:  Kamerstukken II, 2025–2026, 36 999, nr. 2.]\n"
    )
    assert source_of(reply, "letter") == (
        "Reactie op de initiatiefnota van het lid Bakker over veilig fietsen",
        "36 999, nr. 2",
    )
    kamerstuk = (
        "31 289 Wegverkeer\n\nNr. 512 BRIEF VAN DE MINISTER VAN INFRASTRUCTUUR EN "
        "WATERSTAAT\n\nAan de Voorzitter van de Tweede Kamer der Staten-Generaal\n"
    )
    assert source_of(kamerstuk, "letter") == ("Wegverkeer", "31 289, nr. 512")
    assert source_of("Tekst zonder kop.", "letter") == (None, None)
    assert letter_source("minister van Defensie", date(2026, 6, 3)) == (
        "Brief van de minister van Defensie van 3 juni 2026"
    )


@pytest.mark.parametrize(
    "line",
    [
        "Datum 22 januari 2024 Betreft Aanbieding cijfers",
        "Den Haag, 3 april 2025",
        "Antwoord van Minister Smit (Financiën) (ontvangen\n4 februari 2025).",
    ],
)
def test_the_date_of_a_document(line):
    assert letter_date("Titel\n" + line + "\nTekst.") is not None


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


def _found(text: str, **kw):
    return find_promises(text, REF, search=fake_search, include_events=False, **kw)


def test_find_promises_in_a_plain_letter():
    found = _found("\n".join(LETTER))
    _check_letter_promises(found)
    assert all(0.5 <= p.confidence <= 1 and p.features for p in found)
    assert found[1].actor == "WODC"
    events = find_promises("\n".join(LETTER), REF, search=fake_search)
    assert events[-1].phrase == "na afloop van de pilot" and events[-1].latest is None
    assert events[-1].kind == "event"


def test_min_confidence_filters_proposals():
    everything = _found("\n".join(LETTER), min_confidence=0.0)
    sure = _found("\n".join(LETTER), min_confidence=0.9)
    assert len(sure) < len(everything)
    assert all(p.confidence >= 0.9 for p in sure)


def test_a_letter_repeated_in_itself_gives_each_promise_once():
    text = "\n".join(LETTER) + "\n" + " ".join(LETTER).replace("hierover", "hier over")
    _check_letter_promises(_found(text))


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
    _check_letter_promises(_found(text))


def test_docx_letter_with_a_table(tmp_path):
    paragraphs = [" ".join(LETTER[:5]), *LETTER[5:]]
    path = make_docx(
        tmp_path / "brief.docx", paragraphs, [["Toezegging", "Termijn"], ["Brief aan de Kamer", "2027"]]
    )
    text = read_document(path)
    assert "Brief aan de Kamer" in text
    _check_letter_promises(_found(text))


def test_html_letter():
    html = (
        "<html><head><title>x</title><script>var a = 'zal in 2027';</script></head><body>"
        + "".join(f"<p>{line}</p>" for line in LETTER if line)
        + "</body></html>"
    )
    text = html_text(html)
    assert "var a" not in text
    _check_letter_promises(_found(text))


def test_an_association_letter_asks_and_does_not_promise():
    text = (
        "Wij zullen in 2027 opnieuw aandacht vragen voor de opvang. "
        "Dringt u er bij de staatssecretaris op aan de hulplijn in 2026 te starten?\n\n"
        "Met vriendelijke groet,\n\nMaarten Hijink\n\nDirecteur Valente\n"
    )
    assert _found(text) == []


def test_a_quoted_motion_gives_no_phrase():
    text = "\n".join(
        [
            "Geachte voorzitter,",
            "",
            "De motie verzoekt de regering «uiterlijk in 2026 een landelijk meldpunt in te richten».",
            "Ik zal uw Kamer in 2027 over de uitvoering van de motie informeren.",
            "",
            *LETTER[6:],
        ]
    )
    (p,) = _found(text)
    assert p.phrase == "in 2027"


# ----------------------------------------------------------------------------- reading


@pytest.mark.parametrize(
    "name,content", [("kapot.pdf", b"%PDF-1.4 nothing"), ("kapot.docx", b"PK\x03\x04 nothing")]
)
def test_unreadable_documents_are_refused_with_a_message(tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InvalidInput, match="cannot read"):
        read_document(path)


def test_a_pdf_with_a_password_is_refused_with_our_message(tmp_path):
    from pypdf import PdfReader, PdfWriter

    plain = tmp_path / "open.pdf"
    plain.write_bytes(make_pdf([LETTER]))
    writer = PdfWriter()
    for page in PdfReader(plain).pages:
        writer.add_page(page)
    writer.encrypt(user_password="geheim", algorithm="RC4-128")
    locked = tmp_path / "dicht.pdf"
    with open(locked, "wb") as f:
        writer.write(f)
    with pytest.raises(InvalidInput, match="password"):
        read_document(locked)


def test_pypdf_complaints_are_not_shown(tmp_path, caplog, capfd):
    pdf = bytearray(make_pdf([LETTER]))
    # a wrong startxref pointer: pypdf repairs it and logs a warning about it
    at = pdf.rindex(b"startxref\n") + len(b"startxref\n")
    end = pdf.index(b"\n", at)
    pdf[at:end] = str(int(pdf[at:end]) + 7).encode()
    path = tmp_path / "scheef.pdf"
    path.write_bytes(bytes(pdf))
    with caplog.at_level(logging.DEBUG):
        text = read_document(path)
    assert "geïnformeerd" in text
    assert not [r for r in caplog.records if r.name.startswith("pypdf") and r.levelno >= logging.WARNING]
    assert capfd.readouterr().err == ""


TRANSCRIPT = """Verslag van een commissiedebat over de jeugdzorg

De voorzitter:
Ik open de vergadering. Het woord is aan de heer Pieters.

De heer Pieters (CDA):
Wanneer komt de minister met het plan? Ik wil het in 2026 zien.

Minister De Vries:
Dank u wel, voorzitter. Ik zal uw Kamer in 2027 over het plan informeren.

De heer Pieters (CDA):
Dan zal ik in 2028 een motie indienen.
"""


def test_in_a_transcript_the_government_speaker_promises_not_the_member():
    (p,) = _found(TRANSCRIPT)
    assert (p.phrase, p.by, p.function) == ("in 2027", "De Vries", "minister")
    assert p.text == "Ik zal uw Kamer in 2027 over het plan informeren."


KAMERSTUK = """Tweede Kamer der Staten-Generaal 2
Vergaderjaar 2023–2024

31 289 Wegverkeer

Nr. 512 BRIEF VAN DE MINISTER VAN INFRASTRUCTUUR EN WATERSTAAT

Aan de Voorzitter van de Tweede Kamer der Staten-Generaal

Den Haag, 4 maart 2024

Met deze brief informeer ik uw Kamer over de aanpak van verkeersveiligheid. De nieuwe
richtlijn voor schoolzones wordt in 2027 opgesteld. Gemeenten kunnen in 2026 een aanvraag
doen.

De Minister van Infrastructuur en Waterstaat,
K. Smit
"""


def test_a_kamerstuk_edition_of_a_letter():
    doc = read_structure(KAMERSTUK)
    assert (doc.kind, doc.date, doc.source, doc.kamerstuk) == (
        "letter",
        date(2024, 3, 4),
        "Wegverkeer",
        "31 289, nr. 512",
    )
    assert [(s.name, s.function) for s in doc.signers] == [
        ("K. Smit", "minister van Infrastructuur en Waterstaat")
    ]
    (p,) = _found(KAMERSTUK)
    assert (p.phrase, p.by, p.source, p.kamerstuk) == ("in 2027", "K. Smit", "Wegverkeer", "31 289, nr. 512")
