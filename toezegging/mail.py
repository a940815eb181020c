"""Reminder mails: rendering `mail_templates/` and delivering over SMTP or to files.

The only module that imports jinja2 and smtplib. Templates use `StrictUndefined`;
autoescape is on for the HTML part only (`*.html.j2`). Mails are built with
`EmailMessage.set_content`/`add_alternative`, never by parsing rendered text, and
every header value that comes from data is cleaned of CR/LF and runs of white space.
The mail is deterministic for a given row and moment (Message-ID and MIME boundaries
derived from the row), so golden files can hold it.
"""

import hashlib
import os
import smtplib
import ssl
import tomllib
from dataclasses import dataclass
from datetime import date, datetime
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from functools import lru_cache
from importlib import resources
from pathlib import Path
from zoneinfo import ZoneInfo

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from .errors import ConfigError, DeliveryError

KIND_TITLES = ("opens", "approaching", "due", "overdue", "postponed", "undated")


class ConnectionFailed(DeliveryError):
    """The mail server could not be reached or refused the session: no use trying more now."""


def clean_header(value: str) -> str:
    """A header value from data: no CR/LF, white space collapsed (whatever Python does)."""
    return " ".join(str(value).replace("\r", " ").replace("\n", " ").split())


# ----------------------------------------------------------------------------- rendering

@lru_cache(maxsize=1)
def _words() -> dict:
    text = resources.files("toezegging.mail_templates").joinpath("words.toml").read_text("utf-8")
    return tomllib.loads(text)


@lru_cache(maxsize=4)
def _environment(language: str) -> Environment:
    words = _words()[language]
    env = Environment(
        loader=PackageLoader("toezegging.mail_templates", "."),
        autoescape=select_autoescape(enabled_extensions=("html", "html.j2"),
                                     disabled_extensions=("txt", "txt.j2", "j2"),
                                     default_for_string=False, default=False),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )

    def datum(d: date | None) -> str:
        if d is None:
            return words["no_date"]
        return f"{d.day} {words['months'][d.month - 1]} {d.year}"

    env.filters["datum"] = datum
    env.globals["words"] = words
    return env


def _short(text: str, limit: int = 80) -> str:
    text = clean_header(text)
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(",;:.") + "…"


def context(promise, history: list, kind: str, due_on: date, language: str, *,
            deadline: date | None = None, timezone: str = "Europe/Amsterdam") -> dict:
    """Everything a template may use, as plain values (StrictUndefined catches the rest).

    `deadline` is the `latest` this reminder is about (a recurring promise's occurrence).
    """
    words = _words()[language]
    tz = ZoneInfo(timezone)
    history = moves(history)
    if promise.function:
        addressee = promise.function
    elif promise.ministry:
        addressee = f"{words['minister_of']} {promise.ministry}"
    else:
        addressee = words["minister_unknown"]
    changes = [dict(changed_on=c.changed_at.astimezone(tz).date(), reference=c.reference,
                    old_deadline=c.old_deadline, new_deadline=c.new_deadline,
                    old_latest=c.old_latest, new_latest=c.new_latest,
                    reason=c.reason or "") for c in history]
    return dict(
        kind=kind,
        due_on=due_on,
        deadline=deadline or promise.latest or due_on,
        p=dict(id=promise.id, text=clean_header(promise.text), short=_short(promise.text),
               deadline=promise.deadline, current_deadline=_current_deadline(promise, history),
               reference=promise.reference, earliest=promise.earliest, latest=promise.latest,
               explanation=promise.explanation or "", hedged=promise.hedged,
               by=promise.by or "", function=promise.function or "",
               ministry=promise.ministry or "", to=promise.to or "",
               fraction=promise.fraction or "", source=promise.source or "",
               kamerstuk=promise.kamerstuk or "", url=promise.url or "",
               number=promise.number or "", status=promise.status,
               recurrence=promise.recurrence or "",
               event=getattr(promise, "event_name", None) or getattr(promise, "anchor", None)
               or _current_deadline(promise, history)),
        member=promise.to or words["member_unknown"],
        fraction=promise.fraction or words["fraction_unknown"],
        addressee=addressee,
        history=changes,
        last_change=changes[-1] if changes else None,
    )


def moves(history: list) -> list:
    """The rows of a history that moved the deadline (corrections, events and status
    changes are not postponements)."""
    return [c for c in history if getattr(c, "is_move", True)]


def _current_deadline(promise, history) -> str:
    if history:
        return history[-1].new_deadline
    return promise.deadline


@dataclass
class Rendered:
    subject: str
    text: str
    html: str


def render(ctx: dict, language: str) -> Rendered:
    env = _environment(language)
    kind = ctx["kind"]
    text = env.get_template(f"{language}/mail.txt.j2").render(ctx)
    html = env.get_template(f"{language}/mail.html.j2").render(ctx)
    subject = env.get_template(f"{language}/{kind}.j2").make_module(ctx).subject
    return Rendered(clean_header(subject), text, html)


def draft_questions(ctx: dict, language: str) -> str:
    """The written questions alone, in the Tweede Kamer's form, ready to paste."""
    return _environment(language).get_template(f"{language}/draft.txt.j2").render(ctx)


# ----------------------------------------------------------------------------- the message

def message_id_for(reminder_id: int, promise_id: int, kind: str, due_on: date,
                   from_addr: str) -> str:
    """A Message-ID fixed by the outbox row: the same on every retry of that row."""
    return f"<toezegging.{reminder_id}.{promise_id}.{kind}.{due_on:%Y%m%d}@{_domain(from_addr)}>"


def _domain(from_addr: str) -> str:
    domain = parseaddr(from_addr)[1].rpartition("@")[2] or "toezegging.invalid"
    return "".join(c for c in domain if c.isalnum() or c in ".-") or "toezegging.invalid"


def promise_ics(promise, postponements: int, language: str, today: date) -> bytes | None:
    """The promise as a calendar (METHOD:PUBLISH) with the same event, UID and SEQUENCE
    as in the feeds, so a calendar that has both shows it once. None without a window."""
    from . import feeds
    from .config import FeedConfig

    if promise.latest is None or getattr(promise, "open_ended", False):
        return None
    feed = FeedConfig(name=f"toezegging-{promise.id}", title=_short(promise.text))
    return feeds.build([promise], {promise.id: postponements}, feed, today=today,
                       language=language)


def build_message(rendered: Rendered, *, from_addr: str, to: str, message_id: str,
                  now: datetime, language: str, ics: bytes | None = None,
                  ics_name: str = "toezegging.ics", extra: dict | None = None) -> EmailMessage:
    msg = EmailMessage(policy=policy.SMTP)
    msg["Subject"] = clean_header(rendered.subject)
    msg["From"] = clean_header(from_addr)
    msg["To"] = clean_header(to)
    msg["Date"] = format_datetime(now)
    msg["Message-ID"] = clean_header(message_id)
    msg["Auto-Submitted"] = "auto-generated"
    msg["Content-Language"] = language
    for k, v in (extra or {}).items():
        msg[k] = clean_header(v)
    msg.set_content(rendered.text)
    msg.add_alternative(rendered.html, subtype="html")
    if ics:
        msg.add_attachment(ics, maintype="text", subtype="calendar", filename=ics_name,
                           params={"method": "PUBLISH", "charset": "utf-8"})
    seed = hashlib.sha256(message_id.encode()).hexdigest()[:20]
    for i, part in enumerate(p for p in msg.walk() if p.is_multipart()):
        part.set_boundary(f"=_toezegging_{seed}_{i}")
    return msg


def compose(promise, history: list, kind: str, due_on: date, *, to: str, message_id: str,
            now: datetime, mail_config, deadline: date | None = None,
            timezone: str = "Europe/Amsterdam") -> EmailMessage:
    """The reminder mail of one outbox row."""
    lang = mail_config.language
    ctx = context(promise, history, kind, due_on, lang, deadline=deadline, timezone=timezone)
    rendered = render(ctx, lang)
    ics = promise_ics(promise, len(moves(history)), lang, due_on)
    return build_message(rendered, from_addr=mail_config.from_, to=to, message_id=message_id,
                         now=now, language=lang, ics=ics, ics_name=f"toezegging-{promise.id}.ics",
                         extra={"X-Toezegging-Promise": str(promise.id),
                                "X-Toezegging-Kind": kind})


def compose_digest(entries: list, *, to: str, message_id: str, now: datetime, mail_config,
                   today: date, timezone: str = "Europe/Amsterdam") -> EmailMessage:
    """One mail for many reminders, grouped by ministry (the griffie's "rappel").

    `entries` holds (promise, history, kind, due_on, deadline) tuples.
    """
    lang = mail_config.language
    groups: dict[str, list] = {}
    promises, postponements = [], {}
    for promise, history, kind, due_on, deadline in entries:
        ctx = context(promise, history, kind, due_on, lang, deadline=deadline, timezone=timezone)
        groups.setdefault(promise.ministry or "", []).append(ctx)
        promises.append(promise)
        postponements[promise.id] = len(moves(history))
    ordered = [(m, sorted(items, key=lambda c: (c["deadline"], c["p"]["id"])))
               for m, items in sorted(groups.items(), key=lambda kv: (not kv[0], kv[0].lower()))]
    ctx = dict(today=today, count=len(entries), groups=ordered)
    env = _environment(lang)
    module = env.get_template(f"{lang}/digest.txt.j2").make_module(ctx)
    html = env.get_template(f"{lang}/digest.html.j2").render(ctx)
    rendered = Rendered(clean_header(module.subject), str(module), html)
    ics = None
    if any(p.latest is not None for p in promises):
        from . import feeds
        from .config import FeedConfig

        ics = feeds.build(promises, postponements,
                          FeedConfig(name="rappel", title=rendered.subject), today=today,
                          language=lang)
    return build_message(rendered, from_addr=mail_config.from_, to=to, message_id=message_id,
                         now=now, language=lang, ics=ics, ics_name=f"rappel-{today}.ics",
                         extra={"X-Toezegging-Kind": "digest",
                                "X-Toezegging-Promise": " ".join(str(p.id) for p in promises)})


def digest_message_id(reminder_ids: list[int], today: date, from_addr: str,
                      label: str = "digest") -> str:
    """Fixed by the rows it carries: a retry of the same digest has the same Message-ID."""
    digest = hashlib.sha256(",".join(map(str, sorted(reminder_ids))).encode()).hexdigest()[:16]
    return f"<toezegging.{label}.{today:%Y%m%d}.{digest}@{_domain(from_addr)}>"


def compose_undated(entries: list, *, to: str, message_id: str, now: datetime, mail_config,
                    today: date, timezone: str = "Europe/Amsterdam") -> EmailMessage:
    """The weekly list of events still without a date, and the promises waiting on each.

    `entries` holds (promise, history, kind, due_on, deadline) tuples of kind "undated";
    promises linked to one event (`event_name`) are listed under it together.
    """
    lang = mail_config.language
    groups: dict[str, dict] = {}
    for promise, history, kind, due_on, deadline in entries:
        ctx = context(promise, history, kind, due_on, lang, deadline=deadline, timezone=timezone)
        key = (promise.event_name or "").lower() or f"#{promise.id}"
        g = groups.setdefault(key, dict(event=ctx["p"]["event"], since=promise.reference,
                                        items=[]))
        g["since"] = min(g["since"], promise.reference)
        g["items"].append(ctx)
    ordered = sorted(groups.values(), key=lambda g: (g["since"], g["event"].lower()))
    for g in ordered:
        g["weeks"] = (today - g["since"]).days // 7
        g["items"].sort(key=lambda c: c["p"]["id"])
    ctx = dict(today=today, count=len(entries), events=len(ordered), groups=ordered)
    env = _environment(lang)
    module = env.get_template(f"{lang}/undated_list.txt.j2").make_module(ctx)
    html = env.get_template(f"{lang}/undated_list.html.j2").render(ctx)
    rendered = Rendered(clean_header(module.subject), str(module), html)
    ids = " ".join(str(c["p"]["id"]) for g in ordered for c in g["items"])
    return build_message(rendered, from_addr=mail_config.from_, to=to, message_id=message_id,
                         now=now, language=lang,
                         extra={"X-Toezegging-Kind": "undated", "X-Toezegging-Promise": ids})


# ----------------------------------------------------------------------------- transports

def recipients(to: str) -> list[str]:
    return [parseaddr(a.strip())[1] for a in to.split(",") if parseaddr(a.strip())[1]]


class FileTransport:
    """Writes each mail as `<folder>/<message id>.eml`; a retry rewrites the same file."""

    def __init__(self, folder: Path):
        self.folder = folder

    def send(self, msg: EmailMessage, to: list[str]) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            name = "".join(c if c.isalnum() or c in ".-_" else "_" for c in msg["Message-ID"])
            path = self.folder / f"{name.strip('_')}.eml"
            tmp = path.with_suffix(".eml.tmp")
            tmp.write_bytes(msg.as_bytes(policy=policy.SMTP))
            os.replace(tmp, path)
        except OSError as e:
            raise ConnectionFailed(f"cannot write mail to {self.folder}: {e}") from None

    def close(self) -> None:
        pass


class SmtpTransport:
    """One SMTP session per tick, opened on the first mail; never falls back to plain text."""

    def __init__(self, mail_config):
        self.cfg = mail_config
        self.smtp: smtplib.SMTP | None = None

    def _where(self) -> str:
        return f"{self.cfg.host}:{self.cfg.port}"

    def _connect(self) -> smtplib.SMTP:
        c = self.cfg
        password = None
        if c.username:
            password = c.password()
            if not password:
                raise ConnectionFailed(
                    f"mail.username is set but the environment variable {c.password_env} "
                    "holds no password; export it (the password never sits in the file).")
        context = ssl.create_default_context()
        try:
            if c.security == "tls":
                smtp = smtplib.SMTP_SSL(c.host, c.port, timeout=c.timeout, context=context)
            else:
                smtp = smtplib.SMTP(c.host, c.port, timeout=c.timeout)
            try:
                smtp.ehlo()
                if c.security == "starttls":
                    if not smtp.has_extn("starttls"):
                        raise ConnectionFailed(
                            f"the mail server {self._where()} does not offer STARTTLS; refusing "
                            "to send in plain text. Use security = \"tls\" with the server's TLS "
                            "port, or fix the server.")
                    smtp.starttls(context=context)
                    smtp.ehlo()
                if c.username:
                    smtp.login(c.username, password)
            except BaseException:
                smtp.close()
                raise
        except ConnectionFailed:
            raise
        except smtplib.SMTPAuthenticationError as e:
            raise ConnectionFailed(
                f"the mail server {self._where()} refused the login of {c.username!r} "
                f"({e.smtp_code}); check mail.username and {c.password_env}.") from None
        except (OSError, smtplib.SMTPException) as e:
            raise ConnectionFailed(f"cannot reach the mail server {self._where()}: {e}") from None
        return smtp

    def send(self, msg: EmailMessage, to: list[str]) -> None:
        if self.smtp is None:
            self.smtp = self._connect()
        envelope_from = parseaddr(self.cfg.from_)[1]
        try:
            self.smtp.send_message(msg, from_addr=envelope_from, to_addrs=to)
        except smtplib.SMTPRecipientsRefused as e:
            codes = [code for code, _ in e.recipients.values()]
            self._reset()
            raise DeliveryError(f"recipients refused: {_codes(e.recipients)}",
                                permanent=all(c >= 500 for c in codes)) from None
        except smtplib.SMTPResponseException as e:
            self._reset()
            text = e.smtp_error.decode(errors="replace") if isinstance(e.smtp_error, bytes) \
                else str(e.smtp_error)
            raise DeliveryError(f"{e.smtp_code} {text}", permanent=500 <= e.smtp_code < 600) \
                from None
        except (smtplib.SMTPException, OSError) as e:
            self._drop()
            raise DeliveryError(f"mail server {self._where()}: {e}") from None

    def _reset(self) -> None:
        try:
            self.smtp.rset()
        except (smtplib.SMTPException, OSError):
            self._drop()

    def _drop(self) -> None:
        if self.smtp is not None:
            try:
                self.smtp.close()
            finally:
                self.smtp = None

    def close(self) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (smtplib.SMTPException, OSError):
                pass
            self._drop()


def _codes(refused: dict) -> str:
    def text(m):
        return m.decode(errors="replace") if isinstance(m, bytes) else str(m)

    return "; ".join(f"{addr}: {code} {text(msg)}" for addr, (code, msg) in refused.items())


def transport_for(config):
    """The transport the config names: SMTP, or .eml files in `mail.folder`."""
    m = config.mail
    if m.transport == "file":
        return FileTransport(config.resolve(m.folder))
    if m.transport == "smtp":
        return SmtpTransport(m)
    raise ConfigError(f"mail.transport = {m.transport!r} is not one of smtp, file.")
