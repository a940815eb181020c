"""`toezegging parse`, as DESIGN.md fixes it: one phrase, or many on stdin, JSON per line."""

import json
import select
import subprocess
import sys

from click.testing import CliRunner

from toezegging.cli import cli


def run(*args, input=None):
    return CliRunner().invoke(cli, ["parse", *args], input=input)


def test_one_phrase_as_json_with_every_field():
    r = run("voor de zomer van 2026", "--ref", "2026-03-02", "--json")
    assert r.exit_code == 0, r.output
    obj = json.loads(r.output)
    assert obj == {
        "phrase": "voor de zomer van 2026",
        "earliest": "2026-03-02",
        "latest": "2026-07-02",
        "kind": "recess",
        "recurrence": None,
        "hedged": False,
        "estimated": False,
        "explanation": obj["explanation"],
        "anchor": None,
        "offset": None,
        "offset_mode": None,
    }
    assert "zomerreces" in obj["explanation"]


def test_many_phrases_on_stdin_answer_in_order_and_an_error_does_not_stop_the_batch():
    r = run("--ref", "2025-11-20", "--json", input="eind 2026\nblabla\n\njaarlijks\n")
    assert r.exit_code == 1  # at the end: every phrase is answered first
    assert "cannot read the deadline 'blabla'" in r.stderr
    lines = [json.loads(x) for x in r.stdout.splitlines()]
    assert [x["phrase"] for x in lines] == ["eind 2026", "blabla", "jaarlijks"]
    assert lines[0]["latest"] == "2026-12-31"
    assert "cannot read" in lines[1]["error"] and "eind 2026" in lines[1]["error"]
    assert lines[1]["earliest"] is None and lines[1]["examples"]
    assert lines[2]["recurrence"] == "FREQ=YEARLY"


def test_search_mode_adds_the_span():
    r = run(
        "--search",
        "--json",
        "--ref",
        "2026-06-10",
        input="De Kamer wordt hierover voor eind 2026 verder geïnformeerd\nGeen datum hier.\n",
    )
    a, b = (json.loads(x) for x in r.stdout.splitlines())
    assert a["span"] == "voor eind 2026" and a["latest"] == "2026-12-31"
    assert "error" in b and b["latest"] is None


def test_human_output_shows_window_and_explanation():
    r = run("binnen drie maanden", "--ref", "2025-11-20")
    assert r.exit_code == 0
    assert "2025-11-20 .. 2026-02-20" in r.output
    assert "binnen 3 maanden" in r.output


def test_event_phrase_is_an_event_without_window():
    obj = json.loads(run("na afloop van de pilot", "--ref", "2025-11-20", "--json").output)
    assert (obj["kind"], obj["earliest"], obj["latest"]) == ("event", None, None)


def test_an_unreadable_single_phrase_exits_1_for_a_person():
    r = run("blabla", "--ref", "2025-11-20")
    assert r.exit_code == 1 and "cannot read the deadline 'blabla'" in r.stderr
    assert r.stdout == ""


def test_a_batch_for_a_person_says_errors_on_stderr_and_exits_1_at_the_end():
    r = run("--ref", "2025-11-20", input="blabla\neind 2026\n")
    assert r.exit_code == 1
    assert "2026-09-01 .. 2026-12-31" in r.stdout and "blabla" not in r.stdout
    assert r.stderr.startswith("Error: blabla: cannot read the deadline 'blabla'")


def test_one_unreadable_phrase_as_json_is_an_error_object_and_exit_1():
    r = run("blabla", "--ref", "2025-11-20", "--json")
    assert r.exit_code == 1
    obj = json.loads(r.stdout)
    assert obj["phrase"] == "blabla" and "cannot read" in obj["error"]
    assert "cannot read the deadline 'blabla'" in r.stderr


def test_a_bad_reference_date_is_a_usage_error():
    r = run("eind 2026", "--ref", "20-11-2025")
    assert r.exit_code == 2 and "YYYY-MM-DD" in r.output


def test_the_installed_command_reads_stdin_in_a_real_process():
    p = subprocess.run(
        [sys.executable, "-m", "toezegging", "parse", "--json", "--ref", "2026-06-10"],
        input="Q1 2027\nvoor Prinsjesdag\n",
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert p.returncode == 0, p.stderr
    got = [json.loads(x)["latest"] for x in p.stdout.splitlines()]
    assert got == ["2027-03-31", "2026-09-14"]


def test_the_stream_answers_each_line_as_it_comes():
    """A program may feed phrases one by one and wait for each answer (a coprocess)."""
    p = subprocess.Popen(
        [sys.executable, "-m", "toezegging", "parse", "--json", "--ref", "2026-06-10"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        for phrase, latest in (("Q1 2027", "2027-03-31"), ("xyzzy", None), ("eind 2026", "2026-12-31")):
            p.stdin.write(phrase + "\n")
            p.stdin.flush()
            ready, _, _ = select.select([p.stdout], [], [], 60)
            assert ready, f"no answer to {phrase!r}: held back until the input ends"
            answer = json.loads(p.stdout.readline())
            assert (answer["phrase"], answer["latest"]) == (phrase, latest)
        p.stdin.close()
        assert p.wait(timeout=60) == 1  # one phrase was unreadable
    finally:
        p.kill()
