"""The everyday commands, end to end on a real database (SQLite file and PostgreSQL)."""

import json

import pytest

import toezegging.cli.promises as cli_promises

TEXT = "De Kamer wordt hierover voor eind 2026 verder geïnformeerd"


def add(cli, text=TEXT, deadline="voor eind 2026", *extra, expect=0):
    return cli("add", text, "--deadline", deadline, "--yes", "--json", *extra, expect=expect)


def listed(cli, *args):
    return json.loads(cli("list", "--json", *args).stdout)


def test_add_reads_the_deadline_back_and_stores_it(toezegging_cli):
    r = toezegging_cli(
        "add",
        TEXT,
        "--deadline",
        "voor eind 2026",
        "--by",
        "Van Weel",
        "--ministry",
        "Justitie en Veiligheid",
        "--to",
        "Mutluer",
        "--tag",
        "femicide",
        "--tag",
        "Zeden",
        "--owner",
        "staf@example.org",
        "--number",
        "tz202606-001",
        input="y\n",
    )
    assert "2026-06-10 .. 2026-12-31" in r.output
    assert "Store this promise?" in r.output
    assert "Added promise 1." in r.output
    (p,) = listed(toezegging_cli)
    assert p["id"] == 1
    assert p["text"] == TEXT
    assert p["deadline"] == "voor eind 2026"
    assert (p["reference"], p["earliest"], p["latest"]) == ("2026-06-10", "2026-06-10", "2026-12-31")
    assert p["status"] == "open" and p["overdue"] is False and p["history"] == []
    assert p["tags"] == ["femicide", "zeden"]
    assert p["number"] == "TZ202606-001"
    assert p["kind"] and p["explanation"]


def test_add_json_keeps_the_preview_off_stdout(toezegging_cli):
    r = add(toezegging_cli, TEXT, "voor de zomer", "--date", "2026-06-01")
    p = json.loads(r.stdout)
    assert (p["reference"], p["latest"]) == ("2026-06-01", "2026-07-02")
    assert "Promise:" in r.stderr


def test_add_declined_writes_nothing(toezegging_cli):
    r = toezegging_cli("add", TEXT, "--deadline", "voor eind 2026", input="n\n", expect=1)
    assert "Abort" in r.output
    assert listed(toezegging_cli, "--status", "all") == []


def test_add_asks_for_what_is_missing_when_interactive(toezegging_cli, monkeypatch):
    monkeypatch.setattr(cli_promises, "_interactive", lambda: True)
    answers = [TEXT, "onleesbaar xyzzy", "voor eind 2026", "Van Weel", "", "Mutluer", "y"]
    r = toezegging_cli("add", input="\n".join(answers) + "\n")
    assert "cannot read the deadline 'onleesbaar xyzzy'" in r.output
    (p,) = listed(toezegging_cli)
    assert (p["text"], p["deadline"], p["by"], p["ministry"], p["to"]) == (
        TEXT,
        "voor eind 2026",
        "Van Weel",
        None,
        "Mutluer",
    )


def test_add_asks_for_the_date_of_an_event_when_interactive(toezegging_cli, monkeypatch):
    monkeypatch.setattr(cli_promises, "_interactive", lambda: True)
    toezegging_cli("add", "Evaluatie", "--deadline", "na afloop van de pilot", input="2026-11-01\ny\n")
    (p,) = listed(toezegging_cli)
    # the pilot ends on 1 November: "na" is the day after to three months later
    assert (p["deadline"], p["earliest"], p["latest"], p["event_date"]) == (
        "na afloop van de pilot",
        "2026-11-02",
        "2027-02-01",
        "2026-11-01",
    )


@pytest.mark.parametrize(
    "args, message",
    [
        (["--deadline", "voor eind 2026"], "give the promise's text"),
        ([TEXT], "give the deadline"),
        ([TEXT, "--deadline", "xyzzy plugh"], "cannot read the deadline 'xyzzy plugh'"),
        ([TEXT, "--deadline", "voor eind 2026", "--date", "2026-06-11"], "in the future"),
        ([TEXT, "--deadline", "voor eind 2026", "--open-ended"], "only for a deadline tied"),
        ([TEXT, "--deadline", "voor eind 2026", "--owner", "staf"], "not an e-mail address"),
        ([TEXT, "--deadline", "voor eind 2026", "--number", "116"], "TZ202412-116"),
        ([TEXT, "--deadline", "voor eind 2026", "--url", "kamer.nl"], "not a web address"),
        (["   ", "--deadline", "voor eind 2026"], "text is empty"),
    ],
    ids=[
        "no-text",
        "no-deadline",
        "unreadable",
        "future-date",
        "open-ended-date",
        "owner",
        "number",
        "url",
        "empty-text",
    ],
)
def test_add_refuses_bad_input_and_writes_nothing(toezegging_cli, args, message):
    r = toezegging_cli("add", *args, "--yes", expect=1)
    assert message in r.output
    assert "Traceback" not in r.output
    assert listed(toezegging_cli, "--status", "all") == []


def test_unreadable_deadline_gives_examples(toezegging_cli):
    r = toezegging_cli("add", TEXT, "--deadline", "xyzzy plugh", "--yes", expect=1)
    assert "Phrases it does read include" in r.output


def test_add_event_waiting_or_with_the_date_of_its_event(toezegging_cli):
    a = json.loads(add(toezegging_cli, "A", "na afloop van de pilot").stdout)
    assert (a["latest"], a["kind"], a["open_ended"], a["waiting"]) == (None, "event", True, True)
    assert (a["anchor"], a["offset"], a["offset_mode"]) == ("de pilot", None, "after")
    b = json.loads(add(toezegging_cli, "B", "na afloop van de pilot", "--due", "2026-12-01").stdout)
    assert (b["earliest"], b["latest"], b["open_ended"]) == ("2026-12-02", "2027-03-01", False)
    assert (b["event_date"], b["waiting"]) == ("2026-12-01", False)
    # sorted by deadline, the open-ended one last
    assert [p["text"] for p in listed(toezegging_cli)] == ["B", "A"]


def test_a_register_number_is_used_once(toezegging_cli):
    add(toezegging_cli, "A", "voor eind 2026", "--number", "TZ202606-001")
    r = add(toezegging_cli, "B", "voor eind 2026", "--number", "TZ202606-001", expect=1)
    assert "already promise 1" in r.output


@pytest.fixture
def register(toezegging_cli):
    cli = toezegging_cli
    cli.today = "2026-01-15"
    add(cli, "Old", "voor de zomer", "--ministry", "OCW")
    cli.today = "2026-06-10"
    add(cli, "Year end", "voor eind 2026", "--ministry", "Justitie en Veiligheid", "--tag", "zeden")
    add(cli, "Summer", "voor de zomer", "--tag", "wodc", "--by", "Van Weel")
    add(cli, "Q1", "in het eerste kwartaal van 2027", "--tag", "zeden")
    add(cli, "Pilot", "na afloop van de pilot", "--open-ended")
    cli.today = "2026-07-15"
    return cli


@pytest.mark.parametrize(
    "args, texts",
    [
        ([], ["Old", "Summer", "Year end", "Q1", "Pilot"]),
        (["--overdue"], ["Old", "Summer"]),
        (["--due-within", "30d"], []),
        (["--due-within", "25w"], ["Year end"]),
        (["--ministry", "justitie"], ["Year end"]),
        (["--tag", "zeden"], ["Year end", "Q1"]),
        (["--search", "van weel"], ["Summer"]),
        (["--status", "fulfilled"], []),
    ],
    ids=["open", "overdue", "due-30d", "due-25w", "ministry", "tag", "search", "fulfilled"],
)
def test_list_filters(register, args, texts):
    assert [p["text"] for p in listed(register, *args)] == texts


def test_list_table(register, terminal):
    out = register("list").stdout
    assert "Year end" in out and "overdue" in out and "5 promises." in out
    assert "No promises match." in register("list", "--status", "withdrawn").stdout


def test_list_refuses_a_bad_period(register):
    r = register("list", "--due-within", "a month", expect=1)
    assert "30d or 6w" in r.output


def test_show(register):
    out = register("show", "2").stdout
    assert "Promise 2: Year end" in out and "'voor eind 2026', said on 2026-06-10" in out
    d = json.loads(register("show", "2", "--json").stdout)
    assert d["id"] == 2 and d["ministry"] == "Justitie en Veiligheid"


@pytest.mark.parametrize("command", ["show", "done", "withdraw", "lapse", "edit"])
def test_an_unknown_id_is_refused(register, command):
    extra = ["--notes", "x"] if command == "edit" else []
    r = register(command, "99", *extra, expect=1)
    assert "no promise with id 99" in r.output


def test_postpone_twice_keeps_the_history(register):
    register.today = "2026-07-20"
    r = register("postpone", "3", "voor eind 2026", "--reason", "Mag ik er december van maken?")
    assert "'voor de zomer'" in r.output and "2026-12-31" in r.output
    register.today = "2026-12-01"
    d = json.loads(register("postpone", "3", "in het eerste kwartaal van 2027", "--json").stdout)
    assert d["deadline"] == "voor de zomer"  # as typed, forever
    assert d["current_deadline"] == "in het eerste kwartaal van 2027"
    assert (d["earliest"], d["latest"], d["revision"]) == ("2027-01-01", "2027-03-31", 2)
    h1, h2 = d["history"]
    assert (h1["old_deadline"], h1["new_deadline"], h1["reference"]) == (
        "voor de zomer",
        "voor eind 2026",
        "2026-07-20",
    )
    assert (h1["old_latest"], h1["new_latest"], h1["reason"]) == (
        "2026-07-02",
        "2026-12-31",
        "Mag ik er december van maken?",
    )
    assert (h2["old_deadline"], h2["new_deadline"], h2["reason"]) == (
        "voor eind 2026",
        "in het eerste kwartaal van 2027",
        None,
    )
    assert d["updated_at"].startswith("2026-12-01")
    assert "postponed 2:" in register("show", "3").stdout
    assert "2x moved" in register("list").stdout


def test_postpone_refuses_and_writes_nothing(register):
    register("postpone", "3", "xyzzy plugh", expect=1)
    register("postpone", "99", "voor eind 2026", expect=1)
    register("done", "3")
    r = register("postpone", "3", "voor eind 2026", expect=1)
    assert "only an open promise" in r.output
    assert json.loads(register("show", "3", "--json").stdout)["history"] == []


def test_done_partly_withdraw_lapse(register):
    r = register("done", "2", "--letter", "Kamerstuk 28345-300")
    assert "Promise 2 is now fulfilled (Kamerstuk 28345-300)." in r.output
    d = json.loads(register("done", "3", "--partly", "--json").stdout)
    assert (d["status"], d["closed_on"], d["overdue"]) == ("partly", "2026-07-15", False)
    register("withdraw", "4")
    register("lapse", "5")
    statuses = {p["text"]: p["status"] for p in listed(register, "--status", "all")}
    assert statuses == {
        "Old": "open",
        "Year end": "fulfilled",
        "Summer": "partly",
        "Q1": "withdrawn",
        "Pilot": "lapsed",
    }
    assert [p["text"] for p in listed(register)] == ["Old"]
    r = register("withdraw", "4", expect=1)
    assert "already withdrawn" in r.output


def test_edit(register):
    r = register(
        "edit",
        "2",
        "--owner",
        "staf@example.org",
        "--tag",
        "a",
        "--tag",
        "b",
        "--notes",
        "zie debat",
        "--kamerstuk",
        "36811-5",
    )
    assert "Promise 2 updated" in r.output
    d = json.loads(register("edit", "2", "--notes", "", "--json").stdout)
    assert (d["owner"], d["tags"], d["notes"], d["kamerstuk"]) == (
        "staf@example.org",
        ["a", "b"],
        None,
        "36811-5",
    )
    assert d["revision"] == 2
    register("done", "2")
    d = json.loads(register("edit", "2", "--status", "open", "--json").stdout)
    assert (d["status"], d["closed_on"]) == ("open", None)
    d = json.loads(register("edit", "2", "--date", "2026-05-01", "--json").stdout)
    assert (d["reference"], d["earliest"], d["latest"]) == ("2026-05-01", "2026-05-01", "2026-12-31")


@pytest.mark.parametrize(
    "args, message",
    [
        ([], "nothing to change"),
        (["--date", "2027-01-01"], "in the future"),
        (["--owner", "nobody"], "not an e-mail address"),
        (["--text", ""], "text is empty"),
    ],
    ids=["nothing", "future-date", "owner", "empty-text"],
)
def test_edit_refuses_bad_input(register, args, message):
    before = register("show", "2", "--json").stdout
    r = register("edit", "2", *args, expect=1)
    assert message in r.output
    assert register("show", "2", "--json").stdout == before


def test_a_missing_config_file_is_refused(register, tmp_path):
    r = register("--config", str(tmp_path / "nope.toml"), "list", expect=1)
    assert "does not exist" in r.output


def test_a_bad_database_url_is_refused(register):
    register.url = "oracle://x@y/z"
    r = register("list", expect=1)
    assert "toezegging runs on sqlite" in r.output
