"""`toezegging extract` end to end: a letter or answers in, proposals out, accepted ones in
the register."""

import json

import pytest
from extract_docs import make_pdf

pytest.importorskip("toezegging.deadline")

LETTER = """Geachte voorzitter,

De resultaten van de verkenning zijn op 20 januari 2026 gepubliceerd. De Kamer wordt
hierover voor eind 2026 verder geïnformeerd. Verder startte in september 2025 een traject.
Wij zullen uw Kamer voor de zomer verder informeren over de voortgang.

Hoogachtend,

De minister van Justitie en Veiligheid,

D.M. van Weel
"""

TWO_SIGNERS = """Datum 2 juni 2026
Betreft Voortgang aanpak wachttijden jeugdzorg

Geachte voorzitter,

Het plan van aanpak wordt na het zomerreces aan uw Kamer aangeboden.

Hoogachtend,

De minister van Volksgezondheid, Welzijn en Sport,\t\tDe staatssecretaris van Justitie en Veiligheid,

A.B. Jansen\t\t\t\tC. de Wit
"""

ANSWERS = [
    "Tweede Kamer der Staten-Generaal",
    "Vergaderjaar 2023–2024 Aanhangsel van de Handelingen",
    "Vragen gesteld door de leden der Kamer, met de daarop door de regering gegeven antwoorden",
    "1234",
    "Vragen van het lid Pieters (CDA) aan de Minister van Infrastructuur en Waterstaat over",
    "het bericht «Sluis langer dicht» (ingezonden 2 april 2024).",
    "Antwoord van Minister De Vries (Infrastructuur en Waterstaat) (ontvangen 29 april",
    "2024).",
    "Vraag 1",
    "Bent u bekend met het bericht «Sluis langer dicht»?1",
    "Antwoord 1",
    "Ja.",
    "Vraag 2",
    "Wanneer gaat de sluis weer open? Kunt u de Kamer voor de zomer informeren?",
    "Antwoord 2",
    "Rijkswaterstaat verwacht de sluis eind 2024 weer open te stellen. Uw Kamer wordt",
    "hierover voor het zomerreces geïnfor-",
    "meerd. Het herstel van de sluisdeuren is in maart 2024 gestart.",
    "1 Dagblad van het Noorden, 1 april 2024, «Sluis langer dicht».",
]


@pytest.fixture
def letter(tmp_path):
    path = tmp_path / "brief.txt"
    path.write_text(LETTER, encoding="utf-8")
    return path


def test_json_lists_the_proposals_and_adds_nothing(toezegging_cli, letter):
    r = toezegging_cli("extract", str(letter), "--date", "2026-06-10", "--json")
    got = json.loads(r.stdout)
    assert [p["phrase"] for p in got] == ["voor eind 2026", "voor de zomer"]
    first = got[0]
    assert {
        "sentence",
        "text",
        "phrase",
        "earliest",
        "latest",
        "hedged",
        "by",
        "function",
        "ministry",
        "kind",
        "span",
        "actor",
        "confidence",
        "features",
        "question",
        "source",
        "kamerstuk",
    } <= set(first)
    assert (first["earliest"], first["latest"]) == ("2026-06-10", "2026-12-31")
    assert (first["by"], first["ministry"]) == ("D.M. van Weel", "Justitie en Veiligheid")
    assert 0.5 <= first["confidence"] <= 1 and first["features"]
    a, b = first["span"]
    assert first["sentence"][a:b] == "voor eind 2026"
    assert json.loads(toezegging_cli("list", "--json").stdout) == []


def test_min_confidence_leaves_out_the_less_sure(toezegging_cli, letter):
    every = json.loads(
        toezegging_cli(
            "extract", str(letter), "--date", "2026-06-10", "--json", "--min-confidence", "0"
        ).stdout
    )
    top = max(p["confidence"] for p in every)
    sure = json.loads(
        toezegging_cli(
            "extract", str(letter), "--date", "2026-06-10", "--json", "--min-confidence", str(top)
        ).stdout
    )
    assert 0 < len(sure) < len(every) or len(every) == len(sure) == 1
    assert all(p["confidence"] >= top for p in sure)
    toezegging_cli("extract", str(letter), "--min-confidence", "2", expect=2)


def test_yes_adds_all_with_a_formal_source_and_a_second_run_skips_them(toezegging_cli, letter):
    r = toezegging_cli(
        "extract",
        str(letter),
        "--date",
        "2026-06-10",
        "--yes",
        "--tag",
        "femicide",
        "--owner",
        "staf@example.org",
    )
    assert r.output.count("Added promise") == 2
    stored = json.loads(toezegging_cli("list", "--json").stdout)
    assert sorted((p["deadline"], p["latest"]) for p in stored) == [
        ("voor de zomer", "2026-07-02"),
        ("voor eind 2026", "2026-12-31"),
    ]
    # the document's own words, never the file name
    assert {p["source"] for p in stored} == {
        "Brief van de minister van Justitie en Veiligheid van 10 juni 2026"
    }
    assert not any("brief.txt" in json.dumps(p) for p in stored)
    assert {(tuple(p["tags"]), p["owner"], p["by"]) for p in stored} == {
        (("femicide",), "staf@example.org", "D.M. van Weel")
    }
    again = toezegging_cli("extract", str(letter), "--date", "2026-06-10", "--yes")
    assert "2 already in the register" in again.output
    assert "No new promises" in again.output
    assert len(json.loads(toezegging_cli("list", "--json").stdout)) == 2


def test_two_signers_subject_and_function(toezegging_cli, tmp_path):
    path = tmp_path / "wachttijden.txt"
    path.write_text(TWO_SIGNERS, encoding="utf-8")
    r = toezegging_cli("extract", str(path), "--yes")
    assert "Added promise" in r.output
    (p,) = json.loads(toezegging_cli("list", "--json").stdout)
    assert p["reference"] == "2026-06-02"  # the letter's "Datum" line
    assert p["source"] == "Voortgang aanpak wachttijden jeugdzorg"
    assert p["by"] == "A.B. Jansen en C. de Wit"
    # joined so that the drafted heading "aan de <function>" reads right
    assert p["function"] == (
        "minister van Volksgezondheid, Welzijn en Sport en de staatssecretaris van Justitie en Veiligheid"
    )
    draft = toezegging_cli("draft", str(p["id"])).output
    assert (
        "aan de minister van Volksgezondheid, Welzijn en Sport en de staatssecretaris van "
        "Justitie en Veiligheid"
    ) in " ".join(draft.split())


def test_interactive_accept_edit_and_skip(toezegging_cli, letter):
    r = toezegging_cli(
        "extract",
        str(letter),
        "--date",
        "2026-06-10",
        input="e\nDe Kamer wordt voor eind 2026 geïnformeerd.\n\n\nvoor 1 november 2026\ns\n",
    )
    assert "[1/2]" in r.output and "[2/2]" in r.output
    (p,) = json.loads(toezegging_cli("list", "--json").stdout)
    assert p["text"] == "De Kamer wordt voor eind 2026 geïnformeerd."
    assert (p["deadline"], p["latest"]) == ("voor 1 november 2026", "2026-10-31")


def test_a_typo_at_the_prompt_asks_again(toezegging_cli, letter):
    r = toezegging_cli("extract", str(letter), "--date", "2026-06-10", input="x\nAccept\nq\n")
    assert "'x' is not one of a, e, s, q" in r.output
    (p,) = json.loads(toezegging_cli("list", "--json").stdout)
    assert p["deadline"] == "voor eind 2026"


def test_ctrl_c_keeps_the_promises_already_accepted(toezegging_cli, letter):
    # the input ends at the second prompt: click reads it as Ctrl-C (Abort)
    r = toezegging_cli("extract", str(letter), "--date", "2026-06-10", input="a\n", expect=130)
    assert "Interrupted: the 1 promise(s) accepted before are stored" in r.output
    (p,) = json.loads(toezegging_cli("list", "--json").stdout)
    assert p["deadline"] == "voor eind 2026"


def test_answers_to_kamervragen_saved_as_pdf(toezegging_cli, tmp_path):
    path = tmp_path / "antwoorden.pdf"
    path.write_bytes(make_pdf([ANSWERS[:12], ANSWERS[12:]]))
    got = json.loads(toezegging_cli("extract", str(path), "--json").stdout)
    assert [(p["question"], p["phrase"], p["earliest"], p["latest"]) for p in got] == [
        ("2", "eind 2024", "2024-09-01", "2024-12-31"),
        ("2", "voor het zomerreces", "2024-04-29", "2024-07-04"),
    ]
    assert got[0]["actor"] == "Rijkswaterstaat"
    assert {(p["by"], p["function"], p["ministry"]) for p in got} == {
        ("De Vries", "minister van Infrastructuur en Waterstaat", "Infrastructuur en Waterstaat")
    }
    assert got[1]["text"] == "Uw Kamer wordt hierover voor het zomerreces geïnformeerd."
    assert got[0]["source"] == (
        "Antwoorden op vragen van het lid Pieters (CDA) over het bericht "
        "«Sluis langer dicht» (Aanhangsel Handelingen, vergaderjaar "
        "2023–2024, nr. 1234)"
    )
    r = toezegging_cli("extract", str(path), "--yes")
    assert r.output.count("Added promise") == 2
    assert "Document dated 2024-04-29" in r.output


@pytest.mark.parametrize("content", [b"%PDF-1.4 nothing", b"%PDF-1.7\n1 0 obj << /Type /Catalog"])
def test_a_broken_pdf_gives_our_message_and_writes_nothing(toezegging_cli, tmp_path, content):
    path = tmp_path / "kapot.pdf"
    path.write_bytes(content)
    r = toezegging_cli("extract", str(path), "--date", "2026-06-10", "--yes", expect=1)
    assert "cannot read" in r.output and "save it again" in r.output
    assert "Traceback" not in r.output and "pypdf" not in r.output.lower()
    assert json.loads(toezegging_cli("list", "--json").stdout) == []


def test_letter_date_from_the_letterhead_or_refused(toezegging_cli, tmp_path, letter):
    dated = tmp_path / "gedateerd.txt"
    dated.write_text("Datum 3 juni 2026\n\n" + LETTER, encoding="utf-8")
    got = json.loads(toezegging_cli("extract", str(dated), "--json").stdout)
    assert got[0]["earliest"] == "2026-06-03"
    r = toezegging_cli("extract", str(letter), expect=1)
    assert "--date YYYY-MM-DD" in r.output


def test_a_future_letter_date_is_refused(toezegging_cli, letter):
    r = toezegging_cli("extract", str(letter), "--date", "2027-01-01", expect=1)
    assert "in the future" in r.output
