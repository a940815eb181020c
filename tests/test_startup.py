"""Start-up speed (issue 12, item 19) as import structure: each command imports what it
uses, and no more. The figures themselves are `benchmarks/cli.py`'s; here a fresh
interpreter runs a command and reports which of the heavy libraries it loaded."""

import json
import os
import subprocess
import sys

import pytest

from toezegging.store import head_from_files, head_revision

# What a command that only reads the register, or adds one promise, never needs.
NEVER = [
    "alembic",
    "jinja2",
    "icalendar",
    "apscheduler",
    "uvicorn",
    "starlette",
    "httpx",
    "pypdf",
    "docx",
    "dateutil",
    "toezegging.mail",
    "toezegging.feeds",
    "toezegging.extract",
    "toezegging.import_export",
    "toezegging.web",
]
DATABASE = ["sqlalchemy", "sqlmodel", "pydantic"]

PROBE = """
import json, sys
from toezegging.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
print(json.dumps(sorted(sys.modules)), file=sys.stderr)
"""


def loaded(tmp_path, *args, env_extra=None) -> set[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TOEZEGGING_")}
    env.update(
        TOEZEGGING_DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite'}",
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        XDG_DATA_HOME=str(tmp_path / "data"),
        **(env_extra or {}),
    )
    r = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
    modules = set(json.loads(r.stderr.strip().splitlines()[-1]))
    return {
        m.split(".")[0] if not m.startswith("toezegging.") else ".".join(m.split(".")[:2]) for m in modules
    }


def test_the_head_revision_read_from_the_files_is_alembics():
    assert head_from_files() == head_revision()


@pytest.fixture
def register(tmp_path):
    assert "sqlmodel" in loaded(tmp_path, "add", "Brief", "-d", "eind 2026", "--yes")  # made, migrated
    return tmp_path


@pytest.mark.parametrize(
    "args",
    [
        ["list"],
        ["list", "--json"],
        ["show", "1"],
        ["add", "Evaluatie van de pilot", "-d", "voor de zomer van 2027", "--ministry", "VWS", "--yes"],
    ],
    ids=["list", "list-json", "show", "add-yes"],
)
def test_a_command_on_a_register_at_its_schema_loads_no_more_than_it_uses(register, args):
    got = loaded(register, *args)
    assert "toezegging.store" in got  # it did read the register
    assert not got & set(NEVER), got & set(NEVER)


@pytest.mark.parametrize(
    "args", [["--version"], ["--help"], ["parse", "eind 2026"]], ids=["version", "help", "parse"]
)
def test_commands_without_the_register_load_no_database_library(tmp_path, args):
    got = loaded(tmp_path, *args)
    assert not got & set(NEVER + DATABASE), got & set(NEVER + DATABASE)


def test_completion_loads_no_database_library(register):
    got = loaded(
        register,
        env_extra={
            "_TOEZEGGING_COMPLETE": "bash_complete",
            "COMP_WORDS": "toezegging show ",
            "COMP_CWORD": "2",
        },
    )
    assert not got & set(NEVER + DATABASE), got & set(NEVER + DATABASE)
