"""`toezegging extract` end to end: a letter in, proposals out, accepted ones in the register."""

import json

import pytest

pytest.importorskip("toezegging.deadline")

LETTER = """Geachte voorzitter,

De resultaten van de verkenning zijn op 20 januari 2026 gepubliceerd. De Kamer wordt
hierover voor eind 2026 verder geïnformeerd. Verder startte in september 2025 een traject.
Wij zullen uw Kamer voor de zomer verder informeren over de voortgang.

Hoogachtend,

De minister van Justitie en Veiligheid,

D.M. van Weel
"""


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
    assert {"sentence", "phrase", "earliest", "latest", "hedged", "by", "ministry", "kind",
            "span"} <= set(first)
    assert (first["earliest"], first["latest"]) == ("2026-06-10", "2026-12-31")
    assert (first["by"], first["ministry"]) == ("D.M. van Weel", "Justitie en Veiligheid")
    a, b = first["span"]
    assert first["sentence"][a:b] == "voor eind 2026"
    assert json.loads(toezegging_cli("list", "--json").stdout) == []


def test_yes_adds_all_and_a_second_run_skips_them(toezegging_cli, letter):
    r = toezegging_cli("extract", str(letter), "--date", "2026-06-10", "--yes",
                       "--tag", "femicide", "--owner", "staf@example.org")
    assert r.output.count("Added promise") == 2
    stored = json.loads(toezegging_cli("list", "--json").stdout)
    assert sorted((p["deadline"], p["latest"]) for p in stored) == [
        ("voor de zomer", "2026-07-02"), ("voor eind 2026", "2026-12-31")]
    assert {p["source"] for p in stored} == {"brief.txt"}
    assert {(tuple(p["tags"]), p["owner"], p["by"]) for p in stored} == {
        (("femicide",), "staf@example.org", "D.M. van Weel")}
    again = toezegging_cli("extract", str(letter), "--date", "2026-06-10", "--yes")
    assert "2 already in the register" in again.output
    assert "No new promises" in again.output
    assert len(json.loads(toezegging_cli("list", "--json").stdout)) == 2


def test_interactive_accept_edit_and_skip(toezegging_cli, letter):
    r = toezegging_cli("extract", str(letter), "--date", "2026-06-10",
                       input="e\nDe Kamer wordt voor eind 2026 geïnformeerd.\n\n\n"
                             "voor 1 november 2026\ns\n")
    assert "[1/2]" in r.output and "[2/2]" in r.output
    (p,) = json.loads(toezegging_cli("list", "--json").stdout)
    assert p["text"] == "De Kamer wordt voor eind 2026 geïnformeerd."
    assert (p["deadline"], p["latest"]) == ("voor 1 november 2026", "2026-10-31")


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
