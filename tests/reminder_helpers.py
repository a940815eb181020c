"""Helpers for the reminder tests: a real SMTP server on loopback, promises, configs."""

import json
import socket
import ssl
import threading
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from email import message_from_bytes, policy
from pathlib import Path
from zoneinfo import ZoneInfo

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from toezegging.config import Config, parse_config
from toezegging.model import DeadlineChange, Promise

USER, PASSWORD = "griffie", "geheim-wachtwoord"
AMS = ZoneInfo("Europe/Amsterdam")


def at(y, m, d, hour=9, minute=0) -> datetime:
    """A moment in Amsterdam."""
    return datetime(y, m, d, hour, minute, tzinfo=AMS)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes

    @property
    def msg(self):
        return message_from_bytes(self.data, policy=policy.default)

    @property
    def key(self) -> tuple[str, str, str]:
        """(recipient, kind, promise id): what a test compares."""
        m = self.msg
        return (",".join(self.rcpt_tos), m["X-Toezegging-Kind"], m["X-Toezegging-Promise"])


@dataclass
class Recorder:
    """An aiosmtpd handler that keeps what it accepted; `replies` injects failures."""

    received: list[Received] = field(default_factory=list)
    replies: list[str] = field(default_factory=list)  # popped one per DATA; "" = accept
    # address -> replies popped one per RCPT TO of that address ("" = accept)
    rcpt_replies: dict[str, list[str]] = field(default_factory=dict)
    on_data: object = None  # called with the mail before the 250 reply
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        with self.lock:
            queue = self.rcpt_replies.get(address) or []
            reply = queue.pop(0) if queue else ""
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            reply = self.replies.pop(0) if self.replies else ""
        if reply:
            return reply
        got = Received(
            envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content or envelope.content
        )
        with self.lock:
            self.received.append(got)
        if self.on_data:
            self.on_data(got)
        return "250 2.0.0 OK"

    def keys(self) -> list[tuple]:
        return [r.key for r in self.received]

    def message_ids(self) -> list[str]:
        return [r.msg["Message-ID"] for r in self.received]


def _auth(server, session, envelope, mechanism, auth_data):
    ok = auth_data.login == USER.encode() and auth_data.password == PASSWORD.encode()
    return AuthResult(success=ok, handled=False)


class SmtpServer:
    """aiosmtpd on 127.0.0.1 in one of three modes: plain, starttls (+login), tls (+login)."""

    def __init__(self, mode: str = "plain", tls=None, port: int | None = None):
        self.mode = mode
        self.handler = Recorder()
        self.port = port or free_port()
        self.tls = tls
        self.controller = None

    def start(self) -> "SmtpServer":
        kw = {}
        if self.mode == "starttls":
            kw = dict(
                tls_context=self.tls.server_context,
                require_starttls=True,
                authenticator=_auth,
                auth_required=True,
                auth_require_tls=True,
            )
        elif self.mode == "tls":
            kw = dict(
                ssl_context=self.tls.server_context,
                authenticator=_auth,
                auth_required=True,
                auth_require_tls=False,
            )
        self.controller = Controller(
            self.handler, hostname="127.0.0.1", port=self.port, server_hostname="127.0.0.1", **kw
        )
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller:
            self.controller.stop()
            self.controller = None


@dataclass
class Tls:
    server_context: ssl.SSLContext
    ca_file: Path


def make_tls(tmp_path: Path) -> Tls:
    import trustme

    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1", "localhost")
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cert.configure_cert(ctx)
    ca_file = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    return Tls(ctx, ca_file)


def config_text(
    db: Path,
    *,
    port: int = 25,
    security: str = "none",
    transport: str = "smtp",
    username: str = "",
    folder: str = "mail",
    to: str | list[str] = "staf@example.org",
    extra: str = "",
    reminders: dict | None = None,
    language: str = "nl",
) -> str:
    rules = dict(
        timezone="Europe/Amsterdam",
        send_hour=8,
        quiet_hours=[22, 7],
        lease_seconds=300,
        retry_base_seconds=60,
    )
    rules.update(reminders or {})
    rules_text = "\n".join(f"{k} = {json.dumps(v)}" for k, v in rules.items())
    return f"""
[database]
url = "sqlite:///{db}"

[mail]
transport = "{transport}"
host = "127.0.0.1"
port = {port}
security = "{security}"
username = "{username}"
password_env = "TOEZEGGING_TEST_SMTP_PASSWORD"
from = "Toezeggingen <toezegging@example.org>"
to = {json.dumps(to if isinstance(to, list) else [to])}
folder = "{folder}"
timeout = 5
language = "{language}"
{extra}
[reminders]
{rules_text}
"""


def make_config(tmp_path: Path, **kw) -> Config:
    path = tmp_path / "toezegging.toml"
    path.write_text(config_text(tmp_path / "toezegging.db", **kw), encoding="utf-8")
    return parse_config(path.read_text(encoding="utf-8"), path)


STAMP = datetime(2026, 6, 10, 10, 0, tzinfo=UTC)


def add_promise(store, **kw) -> int:
    """A promise row as the store engineer's `add` would write it (window given)."""
    values = dict(
        text="De Kamer wordt hierover voor eind 2026 verder geïnformeerd",
        deadline="voor eind 2026",
        reference=date(2026, 6, 10),
        earliest=date(2026, 6, 10),
        latest=date(2026, 12, 31),
        kind="part",
        by="D. Yeşilgöz-Zegerius",
        function="minister van Justitie en Veiligheid",
        ministry="Justitie en Veiligheid",
        to="Van Nispen",
        fraction="SP",
        source="het commissiedebat Gevangeniswezen en tbs",
        kamerstuk="24587-901",
        number=None,
        owner=None,
        created_at=STAMP,
        updated_at=STAMP,
    )
    values.update(kw)
    with store.session() as s:
        p = Promise(**values)
        s.add(p)
        s.flush()
        return p.id


def postpone(
    store,
    pid: int,
    when: datetime,
    new_deadline: str,
    new_latest: date,
    new_earliest: date | None = None,
    reason: str | None = None,
) -> None:
    with store.session() as s:
        p = s.get(Promise, pid)
        s.add(
            DeadlineChange(
                promise_id=pid,
                changed_at=when,
                reference=when.date(),
                old_deadline=p.deadline_now(),
                new_deadline=new_deadline,
                old_earliest=p.earliest,
                old_latest=p.latest,
                new_earliest=new_earliest,
                new_latest=new_latest,
                reason=reason,
            )
        )
        p.earliest, p.latest = new_earliest, new_latest
        if hasattr(p, "current_deadline"):
            p.current_deadline = new_deadline
        p.revision += 1
        p.updated_at = when
        s.add(p)


def close(store, pid: int, status: str = "fulfilled") -> None:
    with store.session() as s:
        p = s.get(Promise, pid)
        p.status = status
        s.add(p)


def kill_while_sending(server, start) -> int:
    """Start a sender with `start()` (a Popen) and kill it (SIGKILL) the moment the server
    has its first mail, before the 250 reply; returns the sender's exit status."""
    victim = {}

    def kill(_mail):
        if "proc" in victim:
            victim.pop("proc").kill()

    server.handler.on_data = kill
    victim["proc"] = p = start()
    p.communicate(timeout=60)
    server.handler.on_data = None
    return p.returncode
