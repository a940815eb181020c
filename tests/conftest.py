"""Shared fixtures: `store` runs each test on SQLite and, when
`TOEZEGGING_TEST_DATABASE_URL` is set, on PostgreSQL too (each test in a clean schema).
"""

import os
import uuid

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from toezegging.store import Store

PG_ENV = "TOEZEGGING_TEST_DATABASE_URL"


def _backends() -> list[str]:
    return ["sqlite", "postgresql"] if os.environ.get(PG_ENV) else ["sqlite"]


@pytest.fixture(params=_backends())
def database_factory(request, tmp_path):
    """Makes URLs of fresh, empty databases on one backend (SQLite files or PostgreSQL schemas)."""
    backend = request.param
    made: list[str] = []
    admin = create_engine(make_url(os.environ[PG_ENV])) if backend == "postgresql" else None

    def make() -> str:
        if backend == "sqlite":
            made.append(f"toezegging-{len(made) + 1}.db")
            return f"sqlite:///{tmp_path / made[-1]}"
        schema = f"t_{uuid.uuid4().hex[:12]}"
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        made.append(schema)
        url = make_url(os.environ[PG_ENV]).update_query_dict({"options": f"-csearch_path={schema}"})
        return url.render_as_string(hide_password=False)

    make.backend = backend
    try:
        yield make
    finally:
        if admin is not None:
            with admin.begin() as conn:
                for schema in made:  # PostgreSQL schemas
                    conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()


@pytest.fixture
def database_url(database_factory):
    """A database URL for an empty database: a SQLite file, or a fresh PostgreSQL schema."""
    return database_factory()


@pytest.fixture
def store(database_url):
    """An open `Store` on an empty database with the schema created."""
    s = Store(database_url)
    s.create_schema()
    try:
        yield s
    finally:
        s.dispose()


class CliRun:
    """Runs `toezegging` commands on one database, on a frozen day, with no user config."""

    def __init__(self, url: str, home):
        self.url = url
        self.home = home
        self.today = "2026-06-10"

    def configure(self, extra: str = "") -> None:
        """Write the user's config: mail as files in HOME/mail to staf@example.org, no quiet
        hours, and `extra` (more TOML)."""
        folder = self.home / "config" / "toezegging"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "toezegging.toml").write_text(
            f'[mail]\ntransport = "file"\nfolder = "{self.home / "mail"}"\n'
            f'to = ["staf@example.org"]\n\n[reminders]\nquiet_hours = []\n\n{extra}',
            encoding="utf-8",
        )

    def __call__(self, *args: str, input: str | None = None, expect: int | None = 0):
        from click.testing import CliRunner
        from freezegun import freeze_time

        from toezegging.cli import cli

        env = {
            "TOEZEGGING_DATABASE_URL": self.url,
            "TOEZEGGING_CONFIG": None,
            "XDG_CONFIG_HOME": str(self.home / "config"),
            "XDG_DATA_HOME": str(self.home / "data"),
        }
        with freeze_time(f"{self.today} 10:00:00"):
            result = CliRunner(env=env).invoke(cli, list(args), input=input)
        if expect is not None:
            assert result.exit_code == expect, (
                f"exit {result.exit_code}\n{result.output}\n{result.exception!r}"
            )
        return result


@pytest.fixture
def toezegging_cli(database_url, tmp_path):
    """`toezegging_cli("list", "--json")`: the CLI on the `database_url` database."""
    return CliRun(database_url, tmp_path)


@pytest.fixture
def terminal(monkeypatch):
    """Commands print for a person at a terminal (tables, cut to the width): CliRunner's
    output is no terminal, so without this they print whole tab-separated rows."""
    monkeypatch.setattr("toezegging.cli.format.to_terminal", lambda: True)


@pytest.fixture
def server():
    """A plain SMTP server on 127.0.0.1 that records what it accepts (aiosmtpd)."""
    from reminder_helpers import SmtpServer

    s = SmtpServer("plain").start()
    yield s
    s.stop()


def pytest_terminal_summary(terminalreporter, config):
    """Say where the browser tests wrote their screenshots."""
    folder = getattr(config, "toezegging_artifacts", None)
    if folder is not None:
        terminalreporter.write_line(f"browser screenshots: {folder}")
