"""Near-duplicates are caught (issue 12, item 10): a promise typed after a debate and the
same promise found later in the minister's letter become one promise, and one mail.
`add` and `extract` ask "Is this #1?"; with --yes the like promise is left out unless
--allow-duplicate, and --json says which promise it matched."""

import json

import pytest

TYPED = "Evaluatie van de pilot voor de zomer naar de Kamer"
SENTENCE = "De Kamer ontvangt voor het zomerreces de evaluatie van de pilot."
LETTER = f"""Datum 10 juni 2026
Betreft Voortgang van de pilot

Geachte voorzitter,

{SENTENCE}

Hoogachtend,

De minister van Volksgezondheid, Welzijn en Sport,

A.B. Jansen
"""


@pytest.fixture
def debate(toezegging_cli, tmp_path):
    """After the debate of 2 March the staff member typed the promise in their own words;
    on 10 June the minister's letter arrives."""
    c = toezegging_cli
    c.configure()
    c.today = "2026-03-02"
    c("add", TYPED, "--deadline", "voor de zomer", "--ministry", "VWS", "--yes")
    c.today = "2026-06-10"
    c.letter = tmp_path / "brief-pilot.txt"
    c.letter.write_text(LETTER, encoding="utf-8")
    return c


def promises(cli) -> list[dict]:
    return json.loads(cli("list", "--json", "--status", "all").stdout)


def test_the_letters_sentence_is_the_promise_typed_after_the_debate_one_promise_one_mail(debate):
    r = debate("extract", str(debate.letter), "--yes")
    assert "Left out (like #1): De Kamer ontvangt voor het zomerreces" in r.stderr
    assert [p["id"] for p in promises(debate)] == [1]
    debate("remind", "--now", "2026-06-25T09:00")  # a week before the summer recess
    mails = sorted((debate.home / "mail").glob("*.eml"))
    assert len(mails) == 1 and ".1." in mails[0].name  # one mail, about promise 1


def test_add_yes_leaves_a_like_promise_out_and_says_which_it_matched(debate):
    r = debate(
        "add",
        SENTENCE,
        "--deadline",
        "voor het zomerreces",
        "--ministry",
        "Volksgezondheid, Welzijn en Sport",
        "--yes",
    )
    assert "Is this #1?" in r.stdout and TYPED in r.stdout and "2026-03-02 .. 2026-07-02" in r.stdout
    assert "Not added: it looks like promise #1" in r.stdout and "--allow-duplicate" in r.stdout
    assert len(promises(debate)) == 1
    out = json.loads(
        debate(
            "add", SENTENCE, "--deadline", "voor het zomerreces", "--ministry", "VWS", "--yes", "--json"
        ).stdout
    )
    assert (out["added"], out["id"], out["duplicate_of"]) == (False, None, [1])
    out = json.loads(
        debate(
            "add",
            SENTENCE,
            "--deadline",
            "voor het zomerreces",
            "--ministry",
            "VWS",
            "--yes",
            "--json",
            "--allow-duplicate",
        ).stdout
    )
    assert (out["added"], out["id"], out["duplicate_of"]) == (True, 2, [1])
    assert len(promises(debate)) == 2


def test_add_asks_is_this_1_and_a_typo_asks_again(debate):
    r = debate("add", SENTENCE, "--deadline", "voor het zomerreces", "--ministry", "VWS", input="x\ns\n")
    assert "Is this #1?" in r.output and "'x' is not a or s; try again." in r.output
    assert "Not added (the register holds it as promise #1)." in r.output
    assert len(promises(debate)) == 1
    r = debate("add", SENTENCE, "--deadline", "voor het zomerreces", "--ministry", "VWS", input="a\n")
    assert "Added promise 2. (like promise 1; added anyway)" in r.output
    assert len(promises(debate)) == 2


@pytest.mark.parametrize(
    ("text", "ministry", "deadline"),
    [
        (SENTENCE, "OCW", "voor het zomerreces"),  # another ministry
        ("De jaarrapportage van de politie", "VWS", "voor het zomerreces"),  # another promise
        (SENTENCE, "VWS", "in het eerste kwartaal van 2027"),  # a window that does not overlap
    ],
    ids=["ministry", "text", "window"],
)
def test_unlike_promises_are_not_asked_about(debate, text, ministry, deadline):
    out = json.loads(
        debate("add", text, "--ministry", ministry, "--deadline", deadline, "--yes", "--json").stdout
    )
    assert (out["added"], out["duplicate_of"]) == (True, [])


def test_a_closed_promise_is_no_duplicate(debate):
    debate("done", "1")
    out = json.loads(
        debate("add", TYPED, "--deadline", "voor de zomer", "--ministry", "VWS", "--yes", "--json").stdout
    )
    assert (out["added"], out["duplicate_of"]) == (True, [])


def test_extract_json_gives_the_ids_matched(debate):
    (proposal,) = json.loads(debate("extract", str(debate.letter), "--json").stdout)
    assert proposal["duplicate_of"] == [1]
    (left,) = json.loads(debate("extract", str(debate.letter), "--yes", "--json").stdout)
    assert (left["added"], left["id"], left["duplicate_of"]) == (False, None, [1])
    assert left["text"] == SENTENCE and left["ministry"] == "Volksgezondheid, Welzijn en Sport"
    (added,) = json.loads(
        debate("extract", str(debate.letter), "--yes", "--json", "--allow-duplicate").stdout
    )
    assert (added["added"], added["id"], added["duplicate_of"]) == (True, 2, [1])


def test_extract_on_a_terminal_shows_the_like_promise_and_skips_it_by_default(debate):
    r = debate("extract", str(debate.letter), input="\n")
    assert "Is this #1?" in r.output and TYPED in r.output
    assert "[a]ccept, [e]dit, [s]kip, [q]uit [s]" in r.output  # Enter skips it
    assert "Nothing added." in r.output and len(promises(debate)) == 1
    r = debate("extract", str(debate.letter), input="a\n")  # the user says: add it anyway
    assert "Added promise 2" in r.output and len(promises(debate)) == 2


def test_two_like_proposals_in_one_letter_become_one_promise(debate, tmp_path):
    letter = tmp_path / "twee.txt"
    letter.write_text(
        LETTER.replace(
            SENTENCE,
            "Voor het zomerreces ontvangt de Kamer de "
            "evaluatie van de wachttijdenpilot. Ook stuur ik "
            "de Kamer voor het zomerreces de evaluatie van de "
            "wachttijdenpilot.",
        ),
        encoding="utf-8",
    )
    debate("done", "1")
    r = debate("extract", str(letter), "--yes")
    assert r.stdout.count("Added promise") == 1 and "Left out (like #2)" in r.stderr
