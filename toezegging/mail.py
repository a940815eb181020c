"""Reminder mails: rendering `mail_templates/` and delivering over SMTP or to files.

The only module that imports jinja2 and smtplib. Templates use `StrictUndefined`;
the HTML part is rendered with every value escaped (macros and kind templates included),
the text part and subject without. Mails are built with
`EmailMessage.set_content`/`add_alternative`, never by parsing rendered text, and
every header value that comes from data is cleaned of CR/LF and runs of white space.
The mail is deterministic for a given row and moment (Message-ID and MIME boundaries
derived from the row), so golden files can hold it.
"""

import hashlib
import os
import re
import smtplib
import ssl
import tomllib
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol
from zoneinfo import ZoneInfo

from jinja2 import (
    BaseLoader,
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PackageLoader,
    StrictUndefined,
    TemplateError,
    TemplateNotFound,
    TemplateSyntaxError,
)

from . import feeds, recurrence
from .config import FeedConfig
from .errors import ConfigError, DeliveryError
from .lang import month_names
from .model import formal_source
from .reminders import UNDATED
from .status import Status
from .text import short

if TYPE_CHECKING:
    from .config import Config, MailConfig, MemberConfig
    from .model import DeadlineChange, Promise


class ConnectionFailed(DeliveryError):
    """The mail server could not be reached or refused the session: no use trying more now."""


class PartlyRefused(DeliveryError):
    """Some recipients of one message were refused; `accepted` took it."""

    def __init__(self, message: str, permanent: bool, accepted: list[str]) -> None:
        super().__init__(message, permanent)
        self.accepted = accepted


def clean_header(value: str) -> str:
    """A header value from data: no CR/LF, white space collapsed (whatever Python does)."""
    return " ".join(str(value).replace("\r", " ").replace("\n", " ").split())


# ----------------------------------------------------------------------------- rendering


class RenderError(DeliveryError):
    """A mail template is missing or broken: no retry helps until it is fixed."""

    def __init__(self, message: str) -> None:
        super().__init__(message, permanent=True)


def _shipped_words() -> dict:
    text = resources.files("toezegging.mail_templates").joinpath("words.toml").read_text("utf-8")
    words = tomllib.loads(text)
    for language, w in words.items():
        w["months"] = list(month_names(language))  # their one home is lang/<language>.toml
    return words


def _merge(base: dict, over: dict) -> dict:
    out = dict(base)
    for k, v in over.items():
        out[k] = _merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


@lru_cache(maxsize=8)
def _words(templates: str | None = None) -> dict:
    """words.toml, with the keys of an override folder's words.toml put over the shipped ones."""
    words = _shipped_words()
    if templates:
        path = Path(templates) / "words.toml"
        if path.is_file():
            try:
                words = _merge(words, tomllib.loads(path.read_text("utf-8")))
            except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
                raise RenderError(
                    f"cannot read {path}: {e}. Fix it or remove it from "
                    "the templates folder ([paths] templates)."
                ) from None
    return words


def _datum(d: date | None, words: dict) -> str:
    """A date as the mails write it ("22 januari 2027")."""
    if d is None:
        return words["no_date"]
    return f"{d.day} {words['months'][d.month - 1]} {d.year}"


def _loader(templates: str | None) -> BaseLoader:
    """The shipped templates, with those of the same name in `templates` (a folder) first."""
    shipped = PackageLoader("toezegging.mail_templates", ".")
    if not templates:
        return shipped
    return ChoiceLoader([FileSystemLoader(templates), shipped])


@lru_cache(maxsize=16)
def _environment(language: str, templates: str | None = None, html: bool = False) -> Environment:
    """The templates of one language. The HTML part is rendered in an environment that
    escapes everything (the shared `_promise.j2` macros and the kind templates included),
    the text part and the subject in one that escapes nothing: what decides is the part
    being made, not a file's name, so no field reaches the HTML part as markup."""
    words = _words(templates)[language]
    env = Environment(
        loader=_loader(templates),
        autoescape=html,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )

    env.filters["datum"] = lambda d: _datum(d, words)
    env.globals["words"] = words
    return env


def _template_frame(e: Exception) -> str | None:
    """'nl/due.j2, line 3': the innermost template of a rendering error (jinja2 puts the
    template files in the traceback), or None."""
    frames = [f for f in traceback.extract_tb(e.__traceback__) if f.filename.endswith(".j2")]
    if not frames:
        return None
    f = frames[-1]
    path = Path(f.filename)
    return f"{path.parent.name}/{path.name}, line {f.lineno}"


@contextmanager
def _guard(name: str, templates: str | None) -> Iterator[None]:
    """Turns what loading or rendering a template can raise into a `RenderError` naming it."""
    try:
        yield
    except TemplateNotFound as e:
        where = f" or in {templates}" if templates else ""
        raise RenderError(
            f"the mail template {e.name} is not in the installed package{where} "
            f"(needed for {name}); reinstall toezegging or restore the file."
        ) from None
    except TemplateSyntaxError as e:
        raise RenderError(
            f"the mail template {e.filename or e.name or name} has an error on line "
            f"{e.lineno}: {e.message}. Fix the template."
        ) from None
    except TemplateError as e:
        where = _template_frame(e) or name
        raise RenderError(f"the mail template {where} cannot be rendered: {e}. Fix the template.") from None
    except (OSError, UnicodeDecodeError) as e:
        raise RenderError(f"cannot read the mail template {name}: {e}.") from None


def _short(text: str) -> str:
    """The promise's text as a subject's title: all of it on one line, cut at a word."""
    return short(clean_header(text))


def context(
    promise: "Promise",
    history: list,
    kind: str,
    due_on: date,
    language: str,
    *,
    deadline: date | None = None,
    timezone: str = "Europe/Amsterdam",
    templates: str | None = None,
    today: date | None = None,
    member: "MemberConfig | None" = None,
) -> dict:
    """Everything a template may use, as plain values (StrictUndefined catches the rest).

    `deadline` is the `latest` this reminder is about (a recurring promise's current
    occurrence, its window); `today` the day the mail goes out (default `due_on`), so a
    late mail speaks of a deadline that has passed in the past tense. A recurring promise's
    rule is in words with its next deadline (`p.recurrence_words`, "elk jaar;
    eerstvolgende: 22 januari 2027"; the date alone is `p.upcoming`). `member` is the config's `[member]`: the
    member of parliament the drafts are for, unless the promise names another.
    `templates` is the override folder (`[paths] templates`), for its words.
    """
    words = _words(templates)[language]
    upcoming = (
        recurrence.upcoming(
            promise.recurrence, promise.latest, today or due_on, recurrence.fulfilled(history)
        )
        if promise.status == Status.OPEN
        else None
    )
    history = moves(history)
    member_name, member_fraction = _member(promise, member, words)
    changes = _change_values(history, ZoneInfo(timezone))
    return dict(
        kind=kind,
        due_on=due_on,
        today=today or due_on,
        deadline=deadline or promise.latest or due_on,
        p=_promise_values(promise, history, language, upcoming, words),
        member=member_name,
        fraction=member_fraction,
        addressee=addressee(promise.function, promise.ministry, words),
        history=changes,
        last_change=changes[-1] if changes else None,
    )


def _change_values(history: list, tz: ZoneInfo) -> list[dict]:
    """The moves of the deadline, as a template reads them (the day in `tz`)."""
    return [
        dict(
            changed_on=c.changed_at.astimezone(tz).date(),
            reference=c.reference,
            old_deadline=c.old_deadline,
            new_deadline=c.new_deadline,
            old_latest=c.old_latest,
            new_latest=c.new_latest,
            reason=c.reason or "",
        )
        for c in history
    ]


def _promise_values(
    promise: "Promise", history: list, language: str, upcoming: date | None, words: dict
) -> dict:
    """The promise as a template reads it (`p.…`): plain values, blanks for what is unset."""
    return dict(
        id=promise.id,
        text=clean_header(promise.text),
        short=_short(promise.text),
        deadline=promise.deadline,
        current_deadline=_current_deadline(promise, history),
        reference=promise.reference,
        earliest=promise.earliest,
        latest=promise.latest,
        explanation=promise.explanation or "",
        hedged=promise.hedged,
        by=promise.by or "",
        function=promise.function or "",
        ministry=promise.ministry or "",
        to=promise.to or "",
        fraction=promise.fraction or "",
        source=formal_source(promise.source),
        kamerstuk=promise.kamerstuk or "",
        url=promise.url or "",
        link=web_link(promise.url),
        number=promise.number or "",
        status=promise.status,
        recurrence=promise.recurrence or "",
        recurrence_words=recurrence.in_words(
            promise.recurrence, language, _datum(upcoming, words) if upcoming else None
        ),
        upcoming=upcoming,
        event=getattr(promise, "event_name", None)
        or getattr(promise, "anchor", None)
        or _current_deadline(promise, history),
    )


def addressee(function: str | None, ministry: str | None, words: dict) -> str:
    """Whom the drafted questions are addressed to: the function ("minister van X en de
    minister van Y" for two signers), else the minister of the ministry."""
    if function:
        roles = "|".join(re.escape(r) for r in words["roles"])
        joiner = words["and_the"].split()[0]
        return re.sub(
            rf"\s+{re.escape(joiner)}\s+(?=(?:{roles})\b)", f" {words['and_the']} ", function.strip()
        )
    if ministry:
        return f"{words['minister_of']} {ministry}"
    return words["minister_unknown"]


def _member(promise: "Promise", member: "MemberConfig | None", words: dict) -> tuple[str, str]:
    """The member the drafts are for: the promise's own, else the configured one."""
    own_name = (promise.to or "").strip()
    name = (getattr(member, "name", "") or "").strip()
    fraction = (getattr(member, "fraction", "") or "").strip()
    if own_name and own_name.casefold() != name.casefold():
        return own_name, promise.fraction or words["fraction_unknown"]
    return (
        own_name or name or words["member_unknown"],
        promise.fraction or fraction or words["fraction_unknown"],
    )


def web_link(url: str | None) -> str:
    """A URL that may become a link in the HTML part: http(s) only (no javascript: or data:)."""
    url = (url or "").strip()
    return url if url.lower().startswith(("https://", "http://")) and " " not in url else ""


def moves(history: list) -> list:
    """The rows of a history that moved the deadline (corrections, events and status
    changes are not postponements)."""
    return [c for c in history if getattr(c, "is_move", True)]


def _current_deadline(promise: "Promise", history: "list[DeadlineChange]") -> str:
    if history:
        return history[-1].new_deadline
    return promise.deadline


@dataclass
class Rendered:
    subject: str
    text: str
    html: str


def _render(language: str, templates: str | None, name: str, ctx: dict, *, module: bool = False) -> Any:
    """The template `name` rendered (or, with `module`, as a module: its variables too)."""
    with _guard(name, templates):
        html = name.endswith(".html.j2")
        template = _environment(language, templates, html).get_template(name)
        return template.make_module(ctx) if module else template.render(ctx)


def render(ctx: dict, language: str, templates: str | None = None) -> Rendered:
    """Subject, text and HTML of a reminder; a `RenderError` when a template fails."""
    kind = ctx["kind"]
    text = _render(language, templates, f"{language}/mail.txt.j2", ctx)
    html = _render(language, templates, f"{language}/mail.html.j2", ctx)
    subject = _render(language, templates, f"{language}/{kind}.j2", ctx, module=True).subject
    return Rendered(clean_header(subject), text, html)


def draft_questions(ctx: dict, language: str, templates: str | None = None) -> str:
    """The written questions alone, in the Tweede Kamer's form, ready to paste."""
    return _render(language, templates, f"{language}/draft.txt.j2", ctx)


# ----------------------------------------------------------------------------- the message


def message_id_for(reminder_id: int, promise_id: int, kind: str, due_on: date, from_addr: str) -> str:
    """A Message-ID fixed by the outbox row: the same on every retry of that row."""
    return f"<toezegging.{reminder_id}.{promise_id}.{kind}.{due_on:%Y%m%d}@{_domain(from_addr)}>"


def _domain(from_addr: str) -> str:
    domain = parseaddr(from_addr)[1].rpartition("@")[2] or "toezegging.invalid"
    return "".join(c for c in domain if c.isalnum() or c in ".-") or "toezegging.invalid"


def promise_ics(
    promise: "Promise", postponements: int, language: str, today: date, history: list | None = None
) -> bytes | None:
    """The promise as a calendar (METHOD:PUBLISH) with the same events, UIDs and SEQUENCE
    as in the feeds, so a calendar that has both shows it once. None without a window.
    `history` (its history rows) gives a recurring promise's fulfilled occurrences."""

    if promise.latest is None or getattr(promise, "open_ended", False):
        return None
    feed = FeedConfig(name=f"toezegging-{promise.id}", title=_short(promise.text))
    key = promise.id or 0  # as feeds.build looks it up
    return feeds.build(
        [promise],
        {key: postponements},
        feed,
        today=today,
        language=language,
        history={key: list(history or [])},
    )


def build_message(
    rendered: Rendered,
    *,
    from_addr: str,
    to: str,
    message_id: str,
    now: datetime,
    language: str,
    ics: bytes | None = None,
    ics_name: str = "toezegging.ics",
    extra: dict | None = None,
) -> EmailMessage:
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
        msg.add_attachment(
            ics,
            maintype="text",
            subtype="calendar",
            filename=ics_name,
            params={"method": "PUBLISH", "charset": "utf-8"},
        )
    seed = hashlib.sha256(message_id.encode()).hexdigest()[:20]
    for i, part in enumerate(p for p in msg.walk() if p.is_multipart()):
        part.set_boundary(f"=_toezegging_{seed}_{i}")
    return msg


def compose(
    promise: "Promise",
    history: list,
    kind: str,
    due_on: date,
    *,
    to: str,
    message_id: str,
    now: datetime,
    mail_config: "MailConfig",
    deadline: date | None = None,
    timezone: str = "Europe/Amsterdam",
    templates: str | None = None,
    member: "MemberConfig | None" = None,
) -> EmailMessage:
    """The reminder mail of one outbox row, worded for `now`, the moment it goes out."""
    lang = mail_config.language
    ctx = context(
        promise,
        history,
        kind,
        due_on,
        lang,
        deadline=deadline,
        timezone=timezone,
        templates=templates,
        today=now.astimezone(ZoneInfo(timezone)).date(),
        member=member,
    )
    rendered = render(ctx, lang, templates)
    ics = promise_ics(promise, len(moves(history)), lang, due_on, history)
    return build_message(
        rendered,
        from_addr=mail_config.from_,
        to=to,
        message_id=message_id,
        now=now,
        language=lang,
        ics=ics,
        ics_name=f"toezegging-{promise.id}.ics",
        extra={"X-Toezegging-Promise": str(promise.id), "X-Toezegging-Kind": kind},
    )


def _contexts(
    entries: list,
    language: str,
    timezone: str,
    templates: str | None,
    today: date,
    member: "MemberConfig | None",
) -> list[dict]:
    """The template context of each (promise, history, kind, due_on, deadline) entry of a
    list mail, in the entries' order."""
    return [
        context(
            promise,
            history,
            kind,
            due_on,
            language,
            deadline=deadline,
            timezone=timezone,
            templates=templates,
            today=today,
            member=member,
        )
        for promise, history, kind, due_on, deadline in entries
    ]


def compose_digest(
    entries: list,
    *,
    to: str,
    message_id: str,
    now: datetime,
    mail_config: "MailConfig",
    today: date,
    timezone: str = "Europe/Amsterdam",
    templates: str | None = None,
    member: "MemberConfig | None" = None,
) -> EmailMessage:
    """One mail for many reminders, grouped by ministry (the griffie's "rappel").

    `entries` holds (promise, history, kind, due_on, deadline) tuples.
    """
    lang = mail_config.language
    groups: dict[str, list] = {}
    promises, postponements, histories = [], {}, {}
    contexts = _contexts(entries, lang, timezone, templates, today, member)
    for (promise, history, *_), ctx in zip(entries, contexts, strict=True):
        groups.setdefault(promise.ministry or "", []).append(ctx)
        promises.append(promise)
        postponements[promise.id] = len(moves(history))
        histories[promise.id] = list(history)
    ordered = [
        (m, sorted(items, key=lambda c: (c["deadline"], c["p"]["id"])))
        for m, items in sorted(groups.items(), key=lambda kv: (not kv[0], kv[0].lower()))
    ]
    ctx = dict(today=today, count=len(entries), groups=ordered)
    module = _render(lang, templates, f"{lang}/digest.txt.j2", ctx, module=True)
    html = _render(lang, templates, f"{lang}/digest.html.j2", ctx)
    rendered = Rendered(clean_header(module.subject), str(module), html)
    name = _words(templates)[lang]["digest_file"]
    ics = _digest_calendar(promises, postponements, histories, name, rendered.subject, today, lang)
    return build_message(
        rendered,
        from_addr=mail_config.from_,
        to=to,
        message_id=message_id,
        now=now,
        language=lang,
        ics=ics,
        ics_name=f"{name}-{today}.ics",
        extra={"X-Toezegging-Kind": "digest", "X-Toezegging-Promise": " ".join(str(p.id) for p in promises)},
    )


def _digest_calendar(
    promises: list,
    postponements: dict,
    histories: dict,
    name: str,
    title: str,
    today: date,
    language: str,
) -> bytes | None:
    """The digest's calendar attachment: its promises with a window (None when none has)."""
    if not any(p.latest is not None for p in promises):
        return None
    return feeds.build(
        promises,
        postponements,
        FeedConfig(name=name, title=title),
        today=today,
        language=language,
        history=histories,
    )


def digest_message_id(reminder_ids: list[int], today: date, from_addr: str, label: str = "digest") -> str:
    """Fixed by the rows it carries: a retry of the same digest has the same Message-ID."""
    digest = hashlib.sha256(",".join(map(str, sorted(reminder_ids))).encode()).hexdigest()[:16]
    return f"<toezegging.{label}.{today:%Y%m%d}.{digest}@{_domain(from_addr)}>"


def compose_undated(
    entries: list,
    *,
    to: str,
    message_id: str,
    now: datetime,
    mail_config: "MailConfig",
    today: date,
    timezone: str = "Europe/Amsterdam",
    templates: str | None = None,
    member: "MemberConfig | None" = None,
) -> EmailMessage:
    """The weekly list of events still without a date, and the promises waiting on each.

    `entries` holds (promise, history, kind, due_on, deadline) tuples of kind "undated";
    promises linked to one event (`event_name`) are listed under it together.
    """
    lang = mail_config.language
    groups: dict[str, dict] = {}
    contexts = _contexts(entries, lang, timezone, templates, today, member)
    for (promise, *_), ctx in zip(entries, contexts, strict=True):
        key = (promise.event_name or "").lower() or f"#{promise.id}"
        g = groups.setdefault(key, dict(event=ctx["p"]["event"], since=promise.reference, items=[]))
        g["since"] = min(g["since"], promise.reference)
        g["items"].append(ctx)
    ordered = sorted(groups.values(), key=lambda g: (g["since"], g["event"].lower()))
    for g in ordered:
        g["weeks"] = (today - g["since"]).days // 7
        g["items"].sort(key=lambda c: c["p"]["id"])
    ctx = dict(today=today, count=len(entries), events=len(ordered), groups=ordered)
    module = _render(lang, templates, f"{lang}/undated_list.txt.j2", ctx, module=True)
    html = _render(lang, templates, f"{lang}/undated_list.html.j2", ctx)
    rendered = Rendered(clean_header(module.subject), str(module), html)
    ids = " ".join(str(c["p"]["id"]) for g in ordered for c in g["items"])
    return build_message(
        rendered,
        from_addr=mail_config.from_,
        to=to,
        message_id=message_id,
        now=now,
        language=lang,
        extra={"X-Toezegging-Kind": UNDATED, "X-Toezegging-Promise": ids},
    )


# ----------------------------------------------------------------------------- transports


def recipients(to: str) -> list[str]:
    return [parseaddr(a.strip())[1] for a in to.split(",") if parseaddr(a.strip())[1]]


class FileTransport:
    """Writes each mail as `<folder>/<message id>.eml`; a retry rewrites the same file."""

    def __init__(self, folder: Path) -> None:
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

    def __init__(self, mail_config: "MailConfig") -> None:
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
                    "holds no password; export it (the password never sits in the file)."
                )
        context = ssl.create_default_context()
        smtp: smtplib.SMTP
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
                            'to send in plain text. Use security = "tls" with the server\'s TLS '
                            "port, or fix the server."
                        )
                    smtp.starttls(context=context)
                    smtp.ehlo()
                if c.username:
                    smtp.login(c.username, password or "")
            except BaseException:
                smtp.close()
                raise
        except ConnectionFailed:
            raise
        except smtplib.SMTPAuthenticationError as e:
            raise ConnectionFailed(
                f"the mail server {self._where()} refused the login of {c.username!r} "
                f"({e.smtp_code}); check mail.username and {c.password_env}."
            ) from None
        except (OSError, smtplib.SMTPException) as e:
            raise ConnectionFailed(f"cannot reach the mail server {self._where()}: {e}") from None
        return smtp

    def check(self) -> None:
        """Connect, greet, secure and log in as configured, then leave: no mail is sent.
        Raises `ConnectionFailed` saying what went wrong."""
        smtp = self._connect()
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            smtp.close()

    def send(self, msg: EmailMessage, to: list[str]) -> None:
        if self.smtp is None:
            self.smtp = self._connect()
        envelope_from = parseaddr(self.cfg.from_)[1]
        try:
            refused = self.smtp.send_message(msg, from_addr=envelope_from, to_addrs=to)
        except smtplib.SMTPRecipientsRefused as e:
            codes = [code for code, _ in e.recipients.values()]
            self._reset()
            raise DeliveryError(
                f"recipients refused: {_codes(e.recipients)}", permanent=all(c >= 500 for c in codes)
            ) from None
        except smtplib.SMTPResponseException as e:
            self._reset()
            text = (
                e.smtp_error.decode(errors="replace")
                if isinstance(e.smtp_error, bytes)
                else str(e.smtp_error)
            )
            if e.smtp_code == 421:  # the server closes the session: its doing, not the message's
                self._drop()
                raise ConnectionFailed(
                    f"the mail server {self._where()} closed the session: {e.smtp_code} {text}"
                ) from None
            raise DeliveryError(f"{e.smtp_code} {text}", permanent=500 <= e.smtp_code < 600) from None
        except (smtplib.SMTPServerDisconnected, OSError) as e:
            # The session broke: the server's doing, not the message's.
            self._drop()
            raise ConnectionFailed(f"the mail server {self._where()} broke off: {e}") from None
        except smtplib.SMTPException as e:
            self._drop()
            raise DeliveryError(f"mail server {self._where()}: {e}") from None
        if refused:  # some recipients were refused, the others took it
            codes = [code for code, _ in refused.values()]
            raise PartlyRefused(
                f"recipients refused: {_codes(refused)}",
                permanent=all(c >= 500 for c in codes),
                accepted=[a for a in to if a not in refused],
            )

    def _reset(self) -> None:
        if self.smtp is None:
            return
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
    def text(m: object) -> str:
        return m.decode(errors="replace") if isinstance(m, bytes) else str(m)

    return "; ".join(f"{addr}: {code} {text(msg)}" for addr, (code, msg) in refused.items())


class Transport(Protocol):
    """Where mails go: `send` one to its recipients, `close` at the end of a tick."""

    def send(self, msg: EmailMessage, to: list[str]) -> None: ...

    def close(self) -> None: ...


def transport_for(config: "Config") -> Transport:
    """The transport the config names: SMTP, or .eml files in `mail.folder`."""
    m = config.mail
    if m.transport == "file":
        return FileTransport(config.resolve(m.folder))
    if m.transport == "smtp":
        return SmtpTransport(m)
    raise ConfigError(f"mail.transport = {m.transport!r} is not one of smtp, file.")
