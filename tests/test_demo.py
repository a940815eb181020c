"""`toezegging demo`: end to end through the command line (in this process; the overview is
served by a real `serve` process), in a fake home whose config names another database, so
that touching the user's files would show."""

import contextlib
import email
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from email import policy
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from freezegun import freeze_time
from icalendar import Calendar

from toezegging import demo as demo_core
from toezegging.cli import cli


def _home(tmp_path: Path) -> tuple[dict, Path]:
    """An environment whose user config (and database URL) point into a fake home."""
    home = tmp_path / "home"
    (home / "config" / "toezegging").mkdir(parents=True)
    user_config = home / "config" / "toezegging" / "toezegging.toml"
    user_config.write_text(
        f'[database]\nurl = "sqlite:///{home / "real.db"}"\n[mail]\ntransport = "smtp"\nhost = "192.0.2.1"\n'
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("TOEZEGGING_")}
    env.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_DATA_HOME=str(home / "data"),
        XDG_CACHE_HOME=str(home / "cache"),
        TOEZEGGING_CONFIG=str(user_config),
        TOEZEGGING_DATABASE_URL=f"sqlite:///{home / 'env.db'}",
    )
    return env, home


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def toezegging(*args, env, cwd, expect=0) -> Result:
    """`toezegging ARGS` run in `cwd` with the environment `env` (and no other TOEZEGGING_)."""
    unset = {k: None for k in os.environ if k.startswith("TOEZEGGING_")}
    with contextlib.chdir(cwd):
        r = CliRunner(env={**unset, **env}).invoke(cli, list(args), prog_name="toezegging")
    assert r.exit_code == expect, r.output
    return r


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory):
    """One real run of `toezegging --config USER demo` in a fresh folder."""
    tmp = tmp_path_factory.mktemp("demo")
    env, home = _home(tmp)
    before = _files(home)
    r = toezegging(
        "--config", str(home / "config" / "toezegging" / "toezegging.toml"), "demo", env=env, cwd=tmp
    )
    return tmp, env, home, before, r


def test_demo_leaves_the_users_config_and_database_alone(demo_run):
    tmp, env, home, before, r = demo_run
    assert _files(home) == before  # no database, no config, nothing new in the fake home
    assert not (home / "real.db").exists() and not (home / "env.db").exists()
    assert "TOEZEGGING_DATABASE_URL is set" in r.stderr  # the hint for the commands shown


def test_demo_prints_what_it_did_and_what_to_try(demo_run):
    tmp, env, home, before, r = demo_run
    out = r.stdout
    assert "added the 10 promises" in out
    assert "Added 3 promises by hand" in out
    for name in ("alle", "open", "verlopen"):
        assert f"toezegging-demo/feeds/{name}.ics" in out
    assert "toezegging-demo/mail/*.eml" in out
    for cmd in ("list", "show 13", "draft 2", "serve"):
        assert f"toezegging --config toezegging-demo/toezegging.toml {cmd}" in out


def test_demo_mails_are_eml_files_with_drafted_questions(demo_run):
    folder = demo_run[0] / "toezegging-demo"
    paths = sorted((folder / "mail").glob("*.eml"))
    kinds = set()
    for path in paths:
        msg = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        assert msg["To"] == "demo@example.org"
        kinds.add(msg["X-Toezegging-Kind"])
        body = msg.get_body(("plain",)).get_content()
        assert "Vragen van het lid" in body
    assert kinds == {"approaching", "overdue"}
    assert len(paths) == 11


def test_demo_feeds_parse_and_hold_the_promises(demo_run):
    folder = demo_run[0] / "toezegging-demo"
    counts = {}
    for name in ("alle", "open", "verlopen"):
        cal = Calendar.from_ical((folder / "feeds" / f"{name}.ics").read_bytes())
        counts[name] = len(cal.walk("VEVENT"))
    assert counts == {"alle": 13, "open": 12, "verlopen": 6}


def test_list_and_draft_on_the_demo_config(demo_run):
    tmp, env, home, before, r = demo_run
    env = {k: v for k, v in env.items() if k != "TOEZEGGING_DATABASE_URL"}
    config = "toezegging-demo/toezegging.toml"
    listed = json.loads(
        toezegging("--config", config, "list", "--status", "all", "--json", env=env, cwd=tmp).stdout
    )
    assert len(listed) == 13
    assert [p["status"] for p in listed].count("fulfilled") == 1
    assert max(len(p["history"]) for p in listed) == 2
    table = toezegging("--config", config, "list", env=env, cwd=tmp).stdout
    assert "voor eind 2026" in table and "op korte termijn" in table
    drafted = toezegging("--config", config, "draft", "11", env=env, cwd=tmp).stdout
    assert drafted.startswith("Vragen van het lid")


def test_a_second_run_is_refused_and_force_starts_afresh(tmp_path):
    env, home = _home(tmp_path)
    toezegging("demo", "--dir", "d", env=env, cwd=tmp_path)
    (tmp_path / "d" / "stray.txt").write_text("x")
    (tmp_path / "beside.txt").write_text("keep")
    again = toezegging("demo", "--dir", "d", env=env, cwd=tmp_path, expect=1)
    assert "already holds a demo" in again.stderr and "--force" in again.stderr
    assert "Traceback" not in again.stderr
    toezegging("demo", "--dir", "d", "--force", env=env, cwd=tmp_path)
    assert not (tmp_path / "d" / "stray.txt").exists()
    assert (tmp_path / "beside.txt").read_text() == "keep"
    assert len(list((tmp_path / "d" / "mail").glob("*.eml"))) == 11  # not 22


def test_force_never_removes_a_folder_the_demo_did_not_make(tmp_path):
    env, home = _home(tmp_path)
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "thesis.txt").write_text("precious")
    r = toezegging("demo", "--dir", "mine", "--force", env=env, cwd=tmp_path, expect=1)
    assert "was not made by the demo" in r.stderr
    assert (mine / "thesis.txt").read_text() == "precious"


def test_an_empty_folder_is_used(tmp_path):
    (tmp_path / "empty").mkdir()
    report = demo_core.run(tmp_path / "empty")
    assert len(report.from_letter) == 10 and len(report.mails) == 11


def test_the_demo_is_the_same_on_any_day(tmp_path):
    """The demo lives at its own fixed moment: feeds, mails and pages do not depend on today."""
    runs = []
    for day in ("2026-11-25", "2031-03-01"):
        with freeze_time(f"{day} 15:00:00"):
            report = demo_core.run(tmp_path / day)
        runs.append(
            {
                **_files(report.folder / "feeds"),
                **_files(report.folder / "mail"),
                **_files(report.folder / "site"),
            }
        )
    assert runs[0] == runs[1]


def test_demo_ends_with_the_overview_served_from_its_register(demo_run):
    tmp, env, home, before, r = demo_run
    lines = r.stdout.rstrip().splitlines()
    assert "then open http://127.0.0.1:8000/" in lines[-1]
    command = "toezegging --config toezegging-demo/toezegging.toml serve --today 2026-12-01"
    assert command in lines[-2]
    assert (tmp / "toezegging-demo" / "site" / "index.html").is_file()
    env = {k: v for k, v in env.items() if k != "TOEZEGGING_DATABASE_URL"}
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, "-m", "toezegging", *command.split()[1:], "--port", str(port)],
        env=env,
        cwd=tmp,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as resp:
                    served = resp.read().decode()
                break
            except OSError:
                assert proc.poll() is None, proc.stderr.read().decode()
                assert time.monotonic() < deadline, "serve did not start"
                time.sleep(0.1)
    finally:
        proc.terminate()
        proc.wait(10)
    on_disk = (tmp / "toezegging-demo" / "site" / "index.html").read_text(encoding="utf-8")
    for page in (served, on_disk):
        counts = re.findall(r'<span class="n">(\d+)</span>', page)[:5]
        assert counts == ["12", "6", "5", "0", "1"]  # open, overdue, due soon, waiting, moved
        assert "Stand van 1 december 2026" in page
