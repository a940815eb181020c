"""The CLI with a mail config (the database comes from the `toezegging_cli` fixture's env):
mails written to files by the real tick, or sent to an SMTP port nobody answers on.

Make the fixture visible where it is used: `cli = cli_mail.cli`.
"""

from email import message_from_bytes, policy
from pathlib import Path

import pytest


def mail_config(tmp_path: Path, *, smtp_port: int | None = None) -> Path:
    transport = (
        f'transport = "smtp"\nhost = "127.0.0.1"\nport = {smtp_port}\nsecurity = "none"\ntimeout = 2'
        if smtp_port
        else f'transport = "file"\nfolder = "{tmp_path / "mail"}"'
    )
    config = tmp_path / "toezegging.toml"
    config.write_text(
        f"""
[mail]
{transport}
from = "Toezeggingen <toezegging@example.org>"
to = ["staf@example.org"]
[reminders]
quiet_hours = []
""",
        encoding="utf-8",
    )
    return config


@pytest.fixture
def cli(toezegging_cli, tmp_path):
    """`cli(*args)` runs `toezegging --config CONFIG *args`; `cli.folder` holds the mails,
    `cli.set_today(day)` moves the frozen day, `cli.use_smtp(port)` switches to SMTP."""
    state = {"config": mail_config(tmp_path)}

    def run(*args, **kw):
        return toezegging_cli("--config", str(state["config"]), *args, **kw)

    run.folder = tmp_path / "mail"
    run.url = toezegging_cli.url
    run.set_today = lambda day: setattr(toezegging_cli, "today", day)
    run.use_smtp = lambda port: state.update(config=mail_config(tmp_path, smtp_port=port))
    return run


def mails(folder: Path) -> list:
    """The mails written so far, oldest first."""
    return [
        message_from_bytes(p.read_bytes(), policy=policy.default)
        for p in sorted(folder.glob("*.eml"), key=lambda p: p.stat().st_mtime_ns)
    ]


def body(msg) -> str:
    return msg.get_body(("plain",)).get_content()
