"""The database file and schema at the edges: a schema toezegging did not make or a newer one,
passwords in URLs, zero-length, read-only and damaged files, a full disk, missing folders."""

import contextlib
import json
import os
import subprocess
from pathlib import Path

import pytest
from conftest import CliRun
from sqlalchemy import text

from toezegging.config import Config
from toezegging.database import safe_url
from toezegging.errors import ConfigError
from toezegging.store import Store, head_revision, open_store


def refused(cli: CliRun, *args: str) -> str:
    r = cli(*args, expect=1)
    assert r.output.startswith("Error: ") and "Traceback" not in r.output, r.output
    return r.output


def add(cli: CliRun, text_: str = "Brief over de pilots", *extra: str) -> None:
    cli("add", text_, "--deadline", "voor eind 2026", "--yes", *extra)


def listed(cli: CliRun) -> list[dict]:
    return json.loads(cli("list", "--json", "--status", "all").stdout)


# ----------------------------------------------------------------------------- item 9: schema


def test_a_database_toezegging_did_not_make_is_named_as_such(toezegging_cli, database_url):
    with Store(database_url).engine.begin() as conn:
        conn.execute(text("CREATE TABLE notities (id INTEGER PRIMARY KEY, tekst TEXT)"))
    out = refused(toezegging_cli, "list")
    assert "holds tables (notities) but no alembic_version" in out
    assert "not made by toezegging" in out and "Check [database] url" not in out


def test_a_register_whose_version_table_was_dropped(toezegging_cli, database_url):
    add(toezegging_cli)
    with Store(database_url).engine.begin() as conn:
        conn.execute(text("DROP TABLE alembic_version"))
    out = refused(toezegging_cli, "list")
    assert "no alembic_version" in out
    tables = out.split("holds tables (", 1)[1].split(")", 1)[0].split(", ")
    assert {"deadline_change", "promise", "reminder"} <= set(tables)


def test_a_database_of_a_newer_version_names_its_revision(toezegging_cli, database_url):
    add(toezegging_cli)
    with Store(database_url).engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0042'"))
    out = refused(toezegging_cli, "list")
    assert "made by a newer version of toezegging (revision 0042)" in out
    assert f"this version knows revisions up to {head_revision()}" in out
    assert "Check [database] url" not in out


# ----------------------------------------------------------------------------- item 11: passwords


@pytest.mark.parametrize(
    "url",
    [
        "postgresql+psycopg://toe:s3cr3t-pw@db.example.org:notaport/toezegging",
        "postgresql+psycopg://toe:s3cr3t-pw@[::1/toezegging",
        "postgresql+psycopg://toe:s3cr3t-pw@db.example.org:99999/toezegging",
        "postgresql+psycopg://toe:s3cr3t%2Dpw@127.0.0.1:9/none",
        "postgresql+psycopg://toe@127.0.0.1:9/none?password=s3cr3t-pw",
        "mysql://toe:s3cr3t-pw@host/db",
        "postgres ql://toe:s3cr3t-pw@host/db",
        "toe:s3cr3t-pw@host/db",
    ],
    ids=["port", "bracket", "port-range", "escaped", "query", "backend", "scheme", "no-scheme"],
)
def test_a_password_never_shows_in_a_message(monkeypatch, url):
    monkeypatch.setenv("TOEZEGGING_DATABASE_URL", url)
    with pytest.raises(ConfigError) as e:
        open_store(Config())
    assert "s3cr3t" not in str(e.value) and "***" in str(e.value), str(e.value)


@pytest.mark.parametrize(
    "url, shown",
    [
        ("postgresql+psycopg://toe:pw@host/db", "postgresql+psycopg://toe:***@host/db"),
        ("postgresql://toe:p@ss:w/rd@host:5432/db", "postgresql://toe:***@host:5432/db"),
        ("postgresql://host/db?user=a&password=pw&x=1", "postgresql://host/db?user=a&password=***&x=1"),
        ("sqlite:////home/staf/toezegging.db", "sqlite:////home/staf/toezegging.db"),
        ("not a url : pw @ x", "not a url :***@ x"),
    ],
)
def test_safe_url(url, shown):
    assert safe_url(url) == shown


# ----------------------------------------------------------------------------- item 15, issue 12


@pytest.fixture
def sqlite_cli(tmp_path) -> CliRun:
    return CliRun(f"sqlite:///{tmp_path / 'register.db'}", tmp_path)


def test_a_zero_length_file_is_refused(sqlite_cli, tmp_path):
    (tmp_path / "register.db").touch()
    os.utime(tmp_path / "register.db", (0, 0))  # not one another process is making right now
    out = refused(sqlite_cli, "list")
    assert "is empty (0 bytes)" in out and "Restoring a register" in out
    assert (tmp_path / "register.db").stat().st_size == 0


def test_the_default_path_is_created_with_its_folder(tmp_path):
    cli = CliRun("", tmp_path)  # no database URL: the default in the user's data folder
    add(cli)
    db = tmp_path / "data" / "toezegging" / "toezegging.db"
    assert db.stat().st_size > 0 and len(listed(cli)) == 1


def test_a_zero_length_file_at_the_default_path_is_a_new_register(tmp_path):
    db = tmp_path / "data" / "toezegging" / "toezegging.db"
    db.parent.mkdir(parents=True)
    db.touch()
    cli = CliRun("", tmp_path)
    add(cli)
    assert len(listed(cli)) == 1


def test_an_explicit_path_in_a_missing_folder_is_refused(tmp_path):
    cli = CliRun(f"sqlite:///{tmp_path / 'nieuw' / 'register.db'}", tmp_path)
    out = refused(cli, "list")
    assert f"the folder {tmp_path / 'nieuw'} does not exist" in out
    assert not (tmp_path / "nieuw").exists()


def _damage(db: Path, at: int, garbage: bytes) -> None:
    with db.open("r+b") as f:
        f.seek(at)
        f.write(garbage)


def test_a_damaged_file_is_refused_on_start(sqlite_cli, tmp_path):
    for i in range(30):
        add(sqlite_cli, f"Brief {i} " + "x" * 400)
    db = tmp_path / "register.db"
    _damage(db, 4096 * 2, b"\xff" * 4096 * 3)  # three pages after the schema's
    out = refused(sqlite_cli, "list")
    assert "the database" in out and "is damaged" in out and "Restoring a register" in out


def test_a_file_that_is_no_database_is_refused(sqlite_cli, tmp_path):
    (tmp_path / "register.db").write_bytes(b"dit is geen database" * 300)
    out = refused(sqlite_cli, "list")
    assert "is damaged" in out or "is not a toezegging database" in out


@contextlib.contextmanager
def mounted(path: Path, size: str):
    """A small tmpfs at `path` (root only): a disk of its own that can fill or turn read-only."""
    path.mkdir()
    r = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], capture_output=True
    )
    if r.returncode:
        pytest.skip("needs root to mount a small tmpfs")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


def _read_only(folder: Path) -> None:
    if os.geteuid() == 0:
        subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
    else:
        for p in folder.iterdir():
            p.chmod(0o444)
        folder.chmod(0o555)


def test_a_read_only_register_can_still_be_read(tmp_path):
    holder = tmp_path / "disk"
    with mounted(holder, "4m") if os.geteuid() == 0 else contextlib.nullcontext(holder) as d:
        d.mkdir(exist_ok=True)
        cli = CliRun(f"sqlite:///{d / 'register.db'}", tmp_path)
        add(cli, "Brief", "--number", "TZ202606-001")
        cli("postpone", "1", "voor de zomer van 2027")
        _read_only(d)
        try:
            assert [p["text"] for p in listed(cli)] == ["Brief"]
            assert "Promise 1 (TZ202606-001): Brief" in cli("show", "1").stdout
            assert json.loads(cli("export").stdout)[0]["revision"] == 1
            assert "Brief" in cli("list").stdout
            out = cli("add", "Nieuw", "--deadline", "voor eind 2026", "--yes", expect=1).output
            assert "Error: the database " in out and "is read-only for this user" in out
            assert "nothing was written" in out and "Traceback" not in out
            out = refused(cli, "postpone", "1", "voor eind 2027")
            assert "is read-only" in out
        finally:
            if os.geteuid() != 0:
                d.chmod(0o755)


def test_a_full_disk_gives_a_clear_message_and_writes_nothing(tmp_path):
    with mounted(tmp_path / "disk", "512k") as d:
        cli = CliRun(f"sqlite:///{d / 'register.db'}", tmp_path)
        add(cli, "Brief")
        filler = d / "filler"
        with contextlib.suppress(OSError), filler.open("wb") as f:
            while True:
                f.write(b"\0" * 4096)
                f.flush()
        out = refused(cli, "add", "Nieuw", "--deadline", "voor eind 2026", "--yes", "--notes", "x" * 200_000)
        assert f"the disk that holds the database {d / 'register.db'} is full" in out
        assert "nothing was written. Free some space" in out
        filler.unlink()
        assert [p["text"] for p in listed(cli)] == ["Brief"]


def test_restoring_a_register_is_documented():
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Restoring a register", 1)[1].split("\n## ", 1)[0]
    assert "toezegging export" in section and "toezegging import" in section
