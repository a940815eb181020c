"""`toezegging doctor`: is this installation ready to chase promises? One check per part.

Each check gives a `Check` (ok, warning or fail) with what it found and, when it is not
ok, how to fix it. Nothing is written and no mail is sent: the database is looked at,
not migrated; the mail server is greeted (EHLO, STARTTLS or TLS, login) and left.

Imports inside functions are marked `(start-up)`: `toezegging --help` loads this module,
and must not load the ORM or the mail with it.
"""

import os
import tempfile
import tomllib
from dataclasses import dataclass
from datetime import UTC, date, datetime
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .config import Config
    from .model import Promise

OK, WARNING, FAIL = "ok", "warning", "fail"


@dataclass
class Check:
    name: str
    status: str
    detail: str
    hint: str = ""

    def as_dict(self) -> dict:
        return dict(name=self.name, status=self.status, detail=self.detail, hint=self.hint or None)


def sample_promise() -> "Promise":
    """A promise with every field filled, to render each template with (data/doctor.toml)."""
    from .model import Promise  # noqa: PLC0415 (start-up)

    text = resources.files("toezegging").joinpath("data", "doctor.toml").read_text("utf-8")
    return Promise(**tomllib.loads(text)["promise"])


def check_templates(config: "Config") -> Check:
    """Every mail, digest and draft renders in both languages for a sample promise."""
    from . import mail, reminders  # noqa: PLC0415 (start-up)
    from .config import MailConfig  # noqa: PLC0415 (start-up)

    folder = config.templates_dir()
    if folder and not Path(folder).is_dir():
        return Check(
            "templates",
            FAIL,
            f"the templates folder {folder} does not exist",
            "create it, or correct or empty [paths] templates",
        )
    if folder and not os.access(folder, os.R_OK | os.X_OK):
        return Check(
            "templates",
            FAIL,
            f"the templates folder {folder} cannot be read",
            "give this user read access, or correct [paths] templates",
        )
    p = sample_promise()
    due = date(2026, 12, 31)
    rendered = 0
    try:
        for language in ("nl", "en"):
            cfg = MailConfig(language=language)
            for kind in reminders.KINDS:
                mail.compose(
                    p,
                    [],
                    kind,
                    due,
                    to="staf@example.org",
                    message_id="<doctor@x>",
                    now=datetime(2026, 12, 31, 8, tzinfo=UTC),
                    mail_config=cfg,
                    templates=folder,
                )
                rendered += 1
            mail.compose_digest(
                [(p, [], "due", due, due)],
                to="staf@example.org",
                message_id="<doctor@x>",
                now=datetime(2026, 12, 31, 8, tzinfo=UTC),
                mail_config=cfg,
                today=due,
                templates=folder,
            )
            ctx = mail.context(p, [], "overdue", due, language, templates=folder)
            mail.draft_questions(ctx, language, folder)
            rendered += 2
    except mail.RenderError as e:
        return Check(
            "templates", FAIL, str(e), "fix or remove that template in " + (folder or "the installed package")
        )
    where = f" (with {folder} over the shipped ones)" if folder else ""
    return Check("templates", OK, f"{rendered} mails and drafts render in nl and en{where}")


def check_database(config: "Config") -> Check:
    """Reachable, and at the schema this version needs (looked at, not changed)."""
    from sqlalchemy.engine import make_url  # noqa: PLC0415 (start-up)

    from .database import safe_url as _safe_url  # noqa: PLC0415 (start-up)
    from .errors import ConfigError  # noqa: PLC0415 (start-up)
    from .store import Store, current_revision, head_revision  # noqa: PLC0415 (start-up)

    url = config.database_url()
    shown = _safe_url(url)
    try:
        u = make_url(url)
    except Exception:
        return Check(
            "database",
            FAIL,
            "the database URL cannot be read",
            "fix [database] url or TOEZEGGING_DATABASE_URL",
        )
    if u.get_backend_name() == "sqlite" and u.database and u.database != ":memory:":
        if (missing := _missing_file(Path(u.database))) is not None:
            return missing
    try:
        store = Store(url, config.database.busy_timeout)
    except ConfigError as e:
        return Check("database", FAIL, str(e), "fix [database] url")
    try:
        current = current_revision(store.engine)
    except Exception as e:
        return Check(
            "database",
            FAIL,
            f"cannot reach {shown}: {_first_line(e)}",
            "check that the server runs and that [database] url is right",
        )
    finally:
        store.dispose()
    return _revision_check(shown, current, head_revision())


def _missing_file(path: Path) -> Check | None:
    """A SQLite file not made yet: fine when its folder can be written (None: it exists)."""
    if path.exists():
        return None
    if path.parent.is_dir() and os.access(path.parent, os.W_OK):
        return Check("database", OK, f"{path} does not exist yet; the first command creates it")
    return Check(
        "database",
        FAIL,
        f"{path} does not exist and its folder cannot be written",
        "create the folder or correct [database] url",
    )


def _revision_check(shown: str, current: str | None, head: str | None) -> Check:
    """The schema's revision against the one this version needs."""
    if current == head:
        return Check("database", OK, f"{shown} reachable, schema at revision {head}")
    if current is None:
        return Check("database", OK, f"{shown} reachable and empty; the first command creates the tables")
    from alembic.script import ScriptDirectory  # noqa: PLC0415 (start-up)

    from .store import _alembic_config  # noqa: PLC0415 (start-up)

    known = {s.revision for s in ScriptDirectory.from_config(_alembic_config()).walk_revisions()}
    if current not in known:
        return Check(
            "database",
            FAIL,
            f"{shown} was made by a newer version of toezegging (revision {current})",
            "upgrade toezegging, or use another database",
        )
    return Check(
        "database",
        FAIL,
        f"{shown} is at revision {current}; this version needs {head}",
        "run any command once (e.g. `toezegging list`): it upgrades the schema",
    )


def check_mail(config: "Config") -> Check:
    """SMTP answers (EHLO, STARTTLS or TLS, login), with a timeout and no mail sent; or the
    folder of `transport = "file"` can be written."""
    from . import mail  # noqa: PLC0415 (start-up)

    m = config.mail
    if m.transport == "file":
        folder = config.resolve(m.folder)
        problem = _writable(folder)
        if problem:
            return Check(
                "mail",
                FAIL,
                f"the mail folder {folder} {problem}",
                "create it with write access, or change [mail] folder",
            )
        return Check("mail", OK, f"mails are written as .eml files into {folder}")
    if not m.to:
        hint = "set [mail] to, or give each promise an owner"
        note = "; [mail] to is empty, so only promises with an owner are reminded about"
    else:
        hint, note = "", ""
    try:
        mail.SmtpTransport(m).check()
    except mail.ConnectionFailed as e:
        return Check(
            "mail",
            FAIL,
            str(e),
            "check [mail] host, port and security, the "
            f"server's state, and {m.password_env} when a login is set",
        )
    login = f", logged in as {m.username}" if m.username else ""
    status = WARNING if note else OK
    return Check("mail", status, f"{m.host}:{m.port} answers ({m.security}){login}{note}", hint)


def check_feeds_folder(config: "Config") -> Check:
    folder = config.feeds_dir()
    if folder is None:
        return Check(
            "feeds folder",
            OK,
            "[paths] feeds is not set: `toezegging feeds build "
            "--out DIR` names the folder (or `toezegging serve` serves them)",
        )
    problem = _writable(folder)
    if problem:
        return Check(
            "feeds folder",
            FAIL,
            f"the feeds folder {folder} {problem}",
            "create it with write access, or change [paths] feeds",
        )
    return Check("feeds folder", OK, f"{folder} can be written")


def check_calendar(config: "Config", today: date) -> Check:
    """Whether any open promise's deadline rests on an estimated recess or budget date."""
    from . import calendar_report  # noqa: PLC0415 (start-up)
    from .status import Status  # noqa: PLC0415 (start-up)
    from .store import open_store, query_promises  # noqa: PLC0415 (start-up)

    try:
        store = open_store(config, read_only=True)
    except Exception as e:
        return Check(
            "calendar", FAIL, f"the promises cannot be read: {_first_line(e)}", "fix the database first"
        )
    try:
        with store.session() as s:
            rep = calendar_report.report(query_promises(s, status=Status.OPEN), today)
    finally:
        store.dispose()
    years = f"{rep.years[0]}–{rep.years[-1]}" if len(rep.years) > 1 else str(rep.years[0])
    if rep.on_estimates:
        ids = ", ".join(f"#{p.id}" for p in rep.on_estimates[:10])
        more = "" if len(rep.on_estimates) <= 10 else f" and {len(rep.on_estimates) - 10} more"
        return Check(
            "calendar",
            WARNING,
            f"{len(rep.on_estimates)} open promise(s) rest on estimated dates ({ids}{more}); years {years}",
            "once the Kamer publishes them, add the dates with [calendar] extra (see `toezegging calendar`)",
        )
    return Check("calendar", OK, f"no open promise rests on an estimated date (years {years})")


def run_checks(config: "Config", today: date) -> list[Check]:
    database = check_database(config)
    checks = [database, check_templates(config), check_mail(config), check_feeds_folder(config)]
    if database.status == FAIL:
        checks.append(
            Check("calendar", FAIL, "not checked: the database is not ready", "fix the database first")
        )
    else:
        checks.append(check_calendar(config, today))
    return checks


def _first_line(e: Exception) -> str:
    from .database import first_line  # noqa: PLC0415 (start-up)

    return first_line(e)


def _writable(folder: Path) -> str:
    """'' when `folder` can be written (it, or the nearest folder above it that exists)."""
    probe = folder
    while not probe.exists():
        if probe.parent == probe:
            return "cannot be created"
        probe = probe.parent
    if not probe.is_dir():
        return f"cannot be made: {probe} is a file"
    try:
        with tempfile.NamedTemporaryFile(dir=probe, prefix=".toezegging-doctor-"):
            pass
    except OSError as e:
        return f"cannot be written ({e.strerror})"
    return ""
