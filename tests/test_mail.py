"""Mails: golden renderings per kind, clean headers, and delivery through a real SMTP server
on 127.0.0.1 (plain, STARTTLS with login, implicit TLS with login) with failures injected."""

import os
from datetime import UTC, date, datetime
from email import message_from_bytes, policy
from pathlib import Path
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from reminder_helpers import PASSWORD, USER, SmtpServer, add_promise, make_config, make_tls

from toezegging import delivery, mail, outbox
from toezegging.config import MailConfig

GOLDEN = Path(__file__).parent / "golden_mail"
AMS = ZoneInfo("Europe/Amsterdam")
KINDS = ("opens", "approaching", "due", "overdue", "postponed")


def at(y, m, d, hour=9, minute=0) -> datetime:
    return datetime(y, m, d, hour, minute, tzinfo=AMS)


def sample_promise(**kw):
    values = dict(
        id=42,
        text="De Kamer wordt hierover voor eind 2026 verder geïnformeerd",
        deadline="voor eind 2026",
        reference=date(2026, 6, 10),
        earliest=date(2026, 6, 10),
        latest=date(2026, 12, 31),
        explanation="voor eind 2026 = tot en met 31 december 2026.",
        hedged=False,
        by="D. Yeşilgöz-Zegerius",
        function="minister van Justitie en Veiligheid",
        ministry="Justitie en Veiligheid",
        to="Van Nispen",
        fraction="SP",
        source="het commissiedebat Gevangeniswezen en tbs",
        kamerstuk="24587-901",
        url="https://www.tweedekamer.nl/kamerstukken/toezeggingen/detail?id=TZ202606-042",
        number="TZ202606-042",
        status="open",
        recurrence=None,
        kind="part",
        estimated=False,
        open_ended=False,
        tags=["gevangeniswezen"],
        owner=None,
        current_deadline=None,
        fulfilled_by=None,
        closed_on=None,
        created_at=datetime(2026, 6, 10, 10, tzinfo=UTC),
        updated_at=datetime(2026, 6, 10, 10, tzinfo=UTC),
        revision=0,
    )
    values.update(kw)
    return SimpleNamespace(**values)


def change(when, old, new, old_latest, new_latest, reason=None):
    return SimpleNamespace(
        changed_at=when,
        reference=when.date(),
        old_deadline=old,
        new_deadline=new,
        old_latest=old_latest,
        new_latest=new_latest,
        reason=reason,
    )


SAMPLES = {
    "opens": dict(
        due_on=date(2027, 1, 1),
        earliest=date(2027, 1, 1),
        latest=date(2027, 3, 31),
        deadline="in het eerste kwartaal van 2027",
    ),
    "approaching": dict(due_on=date(2026, 12, 24)),
    "due": dict(due_on=date(2026, 12, 31)),
    "overdue": dict(due_on=date(2027, 1, 28)),
    "postponed": dict(
        due_on=date(2027, 1, 12),
        latest=date(2027, 7, 2),
        earliest=date(2027, 1, 12),
        current_deadline="voor de zomer van 2027",
        revision=2,
    ),
}


def sample_mail(kind: str, language: str = "nl"):
    s = dict(SAMPLES[kind])
    due_on = s.pop("due_on")
    p = sample_promise(**s)
    history = []
    if kind == "postponed":
        history = [
            change(
                datetime(2026, 11, 3, 14, tzinfo=UTC),
                "voor eind 2026",
                "eind 2026",
                date(2026, 12, 31),
                date(2026, 12, 31),
                "Eerst het advies van de Raad.",
            ),
            change(
                datetime(2027, 1, 12, 11, tzinfo=UTC),
                "eind 2026",
                "voor de zomer van 2027",
                date(2026, 12, 31),
                date(2027, 7, 2),
                "Mag ik er de zomer van maken?",
            ),
        ]
    cfg = MailConfig(from_="Toezeggingen <toezegging@example.org>", language=language)
    mid = mail.message_id_for(7, p.id, kind, due_on, cfg.from_)
    return mail.compose(
        p,
        history,
        kind,
        due_on,
        to="Staf <staf@example.org>",
        message_id=mid,
        now=datetime.combine(due_on, datetime.min.time(), AMS).replace(hour=8),
        mail_config=cfg,
    )


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("kind", KINDS)
def test_golden_mail(kind, language):
    got = sample_mail(kind, language).as_bytes()
    path = GOLDEN / f"{language}-{kind}.eml"
    if os.environ.get("TOEZEGGING_UPDATE_GOLDEN"):
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(got)
    assert got == path.read_bytes(), f"{path.name} differs; TOEZEGGING_UPDATE_GOLDEN=1 rewrites"


def _parts(msg):
    m = message_from_bytes(msg.as_bytes(), policy=policy.default)
    text = m.get_body(("plain",)).get_content().replace("\r\n", "\n")
    html = m.get_body(("html",)).get_content().replace("\r\n", "\n")
    (ics,) = [p for p in m.iter_attachments() if p.get_content_type() == "text/calendar"]
    return m, text, html, ics


def test_a_mail_has_the_promise_the_window_the_history_and_numbered_questions():
    m, text, html, ics = _parts(sample_mail("overdue"))
    assert m["Subject"] == (
        "Verlopen sinds 31 december 2026: De Kamer wordt hierover voor eind 2026 verder geïnformeerd"
    )
    assert (
        "D. Yeşilgöz-Zegerius (minister van Justitie en Veiligheid) deed deze toezegging "
        "op 10 juni 2026 in het commissiedebat Gevangeniswezen en tbs" in " ".join(text.split())
    )
    assert "Zoals gezegd: “voor eind 2026”" in text
    questions = text.split("CONCEPT SCHRIFTELIJKE VRAGEN\n", 1)[1]
    assert questions.startswith(
        "Vragen van het lid Van Nispen (SP) aan de minister van Justitie en Veiligheid over de "
        "toezegging “De Kamer wordt hierover voor eind 2026 verder geïnformeerd” "
        "(TZ202606-042)\n\n1.\nHerinnert u zich uw toezegging in het commissiedebat "
        "Gevangeniswezen en tbs van 10 juni 2026: “De Kamer wordt hierover voor eind 2026 "
        "verder geïnformeerd”, met als termijn “voor eind 2026”?\n\n2.\nWaarom is deze "
        "toezegging, die uiterlijk 31 december 2026 nagekomen had moeten zijn, nog niet "
        "nagekomen?\n\n3.\nWanneer kan de Kamer de uitvoering van deze toezegging tegemoet zien?"
    )
    assert html.split("<ol>", 1)[1].count("<li>") == 4
    assert ics.get_content_type() == "text/calendar" and ics.get_param("method") == "PUBLISH"
    body = ics.get_content()
    assert "METHOD:PUBLISH" in body and "UID:toezegging-42@toezegging.local" in body
    assert "DTSTART;VALUE=DATE:20261231" in body
    import icalendar

    (event,) = icalendar.Calendar.from_ical(body).walk("VEVENT")
    assert event.decoded("DTSTART") == date(2026, 12, 31)


def test_postponed_mail_tells_the_history():
    _, text, _, _ = _parts(sample_mail("postponed"))
    assert "opnieuw verschoven, van “eind 2026” naar “voor de zomer van 2027”" in text
    assert "- 3 november 2026: termijn verschoven van “voor eind 2026”" in text


def test_headers_from_data_are_cleaned_and_html_only_is_escaped():
    p = sample_promise(text="Brief over <b>\r\nBcc: x@evil.example</b> &   meer")
    cfg = MailConfig(from_="Toezeggingen\r\n <toezegging@example.org>")
    msg = mail.compose(
        p,
        [],
        "due",
        date(2026, 12, 31),
        to="a@example.org\nBcc: b@x",
        message_id="<m@x>",
        now=at(2026, 12, 31, 8),
        mail_config=cfg,
    )
    m, text, html, _ = _parts(msg)
    assert (
        m["Subject"] == "Termijn verloopt op 31 december 2026: Brief over <b> Bcc: x@evil.example</b> & meer"
    )
    assert m["Bcc"] is None and "\n" not in m["To"]
    assert "Brief over <b> Bcc: x@evil.example</b> & meer" in text
    assert "Brief over &lt;b&gt; Bcc: x@evil.example&lt;/b&gt; &amp; meer" in html


def test_strict_undefined_is_a_render_error_that_names_the_template():
    c = mail.context(sample_promise(), [], "due", date(2026, 12, 31), "nl")
    del c["member"]
    named = r"the mail template nl/\w+\.txt\.j2, line \d+ .*'member' is undefined"
    with pytest.raises(mail.RenderError, match=named) as e:
        mail.render(c, "nl")
    assert e.value.permanent


# ----------------------------------------------------------------------------- SMTP


@pytest.fixture
def tls(tmp_path, monkeypatch):
    t = make_tls(tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(t.ca_file))
    monkeypatch.setenv("TOEZEGGING_TEST_SMTP_PASSWORD", PASSWORD)
    return t


@pytest.fixture
def server_factory():
    servers = []

    def start(mode="plain", tls=None, port=None):
        s = SmtpServer(mode, tls, port).start()
        servers.append(s)
        return s

    yield start
    for s in servers:
        s.stop()


def _two_promises(store):
    add_promise(store, owner="eigenaar@example.org")  # due on 31 December
    add_promise(store, latest=date(2027, 1, 7), earliest=date(2026, 6, 10))  # 7 days before


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
@pytest.mark.parametrize("mode", ["plain", "starttls", "tls"])
def test_tick_delivers_through_smtp(store, tmp_path, tls, server_factory, mode):
    server = server_factory(mode, tls)
    security = {"plain": "none", "starttls": "starttls", "tls": "tls"}[mode]
    config = make_config(
        tmp_path, port=server.port, security=security, username="" if mode == "plain" else USER
    )
    _two_promises(store)
    report = delivery.tick(store, config, at(2026, 12, 31, 8, 5))
    assert (report.sent, report.failed, report.retry) == (2, 0, 0)
    assert sorted(server.handler.keys()) == [
        ("eigenaar@example.org", "due", "1"),
        ("staf@example.org", "approaching", "2"),
    ]
    assert server.handler.received[0].mail_from == "toezegging@example.org"
    delivery.tick(store, config, at(2026, 12, 31, 9, 5))
    assert len(server.handler.received) == 2


def test_starttls_never_falls_back_to_plain(store, tmp_path, tls, server_factory):
    server = server_factory("plain")
    config = make_config(tmp_path, port=server.port, security="starttls", username=USER)
    add_promise(store)
    report = delivery.tick(store, config, at(2026, 12, 31, 9))
    assert (report.sent, report.retry, report.waiting) == (0, 0, 1)
    assert server.handler.received == []
    (row,) = outbox.listing(store)
    assert row.state == "pending" and "does not offer STARTTLS" in row.error
    assert row.attempts == 0  # the server's doing, not the message's


def test_password_comes_from_the_environment_only(store, tmp_path, tls, server_factory, monkeypatch):
    server = server_factory("starttls", tls)
    monkeypatch.delenv("TOEZEGGING_TEST_SMTP_PASSWORD")
    config = make_config(tmp_path, port=server.port, security="starttls", username=USER)
    add_promise(store)
    report = delivery.tick(store, config, at(2026, 12, 31, 9))
    assert report.waiting == 1 and server.handler.received == []
    assert "TOEZEGGING_TEST_SMTP_PASSWORD" in outbox.listing(store)[0].error


def test_server_down_for_a_tick_then_back(store, tmp_path, server_factory):
    from reminder_helpers import free_port

    port = free_port()
    config = make_config(tmp_path, port=port)
    _two_promises(store)
    first = delivery.tick(store, config, at(2026, 12, 31, 9))  # nobody listening
    assert (first.sent, first.retry, first.waiting) == (0, 0, 2)  # stops at the first failure
    server = server_factory("plain", port=port)
    # Ticks back off on the connection (60 s after one failure), then send everything.
    assert delivery.tick(store, config, at(2026, 12, 31, 9, 0)).waiting == 2
    back = delivery.tick(store, config, at(2026, 12, 31, 9, 1))
    assert (back.sent, back.waiting, back.server_down_since) == (2, 0, None)
    assert outbox.server_state(store) is None
    assert sorted(server.handler.keys()) == [
        ("eigenaar@example.org", "due", "1"),
        ("staf@example.org", "approaching", "2"),
    ]
    delivery.tick(store, config, at(2026, 12, 31, 10))
    assert len(server.handler.received) == 2


def test_451_is_retried_with_the_same_message_id(store, tmp_path, server_factory):
    server = server_factory("plain")
    server.handler.replies = ["451 4.3.0 Probeer het later nog eens"]
    config = make_config(tmp_path, port=server.port)
    add_promise(store)
    assert delivery.tick(store, config, at(2026, 12, 31, 9)).retry == 1
    (row,) = outbox.listing(store)
    assert row.state == "pending" and row.error.startswith("451")
    assert delivery.tick(store, config, at(2026, 12, 31, 9, 1)).sent == 1
    assert server.handler.keys() == [("staf@example.org", "due", "1")]
    assert server.handler.message_ids() == [row.message_id]


def test_550_fails_permanently_and_is_logged(store, tmp_path, server_factory, caplog):
    server = server_factory("plain")
    server.handler.replies = ["550 5.1.1 Onbekende ontvanger"]
    config = make_config(tmp_path, port=server.port)
    add_promise(store)
    assert delivery.tick(store, config, at(2026, 12, 31, 9)).failed == 1
    assert "550 5.1.1 Onbekende ontvanger" in caplog.text
    delivery.tick(store, config, at(2026, 12, 31, 12))
    assert server.handler.received == []
    assert outbox.listing(store)[0].state == "failed"


def test_file_transport_writes_eml_files(store, tmp_path):
    config = make_config(tmp_path, transport="file", folder="uit")
    add_promise(store)
    delivery.tick(store, config, at(2026, 12, 31, 9))
    (eml,) = (tmp_path / "uit").iterdir()
    m = message_from_bytes(eml.read_bytes(), policy=policy.default)
    assert eml.name == "toezegging.1.1.due.20261231_example.org.eml"
    assert m["Message-ID"] == "<toezegging.1.1.due.20261231@example.org>"
    assert m["X-Toezegging-Kind"] == "due"


def test_golden_digest():
    entries = []
    for kind, ministry, pid in (
        ("overdue", "Justitie en Veiligheid", 42),
        ("approaching", "Financiën", 43),
        ("due", "Justitie en Veiligheid", 44),
    ):
        s = dict(SAMPLES[kind])
        due_on = s.pop("due_on")
        p = sample_promise(id=pid, ministry=ministry, **s)
        entries.append((p, [], kind, due_on, p.latest))
    cfg = MailConfig(from_="Toezeggingen <toezegging@example.org>")
    mid = mail.digest_message_id([1, 2, 3], date(2027, 1, 28), cfg.from_)
    got = mail.compose_digest(
        entries,
        to="staf@example.org",
        message_id=mid,
        now=at(2027, 1, 28, 8),
        mail_config=cfg,
        today=date(2027, 1, 28),
    ).as_bytes()
    path = GOLDEN / "nl-digest.eml"
    if os.environ.get("TOEZEGGING_UPDATE_GOLDEN"):
        path.write_bytes(got)
    assert got == path.read_bytes(), f"{path.name} differs; TOEZEGGING_UPDATE_GOLDEN=1 rewrites"
    m = message_from_bytes(got, policy=policy.default)
    assert m["Subject"] == "Rappel van 28 januari 2027: 3 toezeggingen vragen aandacht"
    text = m.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert text.index("== Financiën ==") < text.index("== Justitie en Veiligheid ==")


def test_digest_is_one_mail_per_recipient(store, tmp_path, server_factory):
    server = server_factory("plain")
    config = make_config(tmp_path, port=server.port, reminders=dict(digest=True))
    add_promise(store, owner="a@example.org", ministry="Financiën")
    add_promise(store, owner="a@example.org", latest=date(2027, 1, 7))
    add_promise(store, owner="b@example.org")
    report = delivery.tick(store, config, at(2026, 12, 31, 9))
    assert report.sent == 3
    got = sorted(
        (r.rcpt_tos, r.msg["X-Toezegging-Kind"], r.msg["X-Toezegging-Promise"])
        for r in server.handler.received
    )
    assert got == [(["a@example.org"], "digest", "1 2"), (["b@example.org"], "digest", "3")]
    ids = {r.message_id for r in outbox.listing(store)}
    assert len(ids) == 2 and all(i.startswith("<toezegging.digest.20261231.") for i in ids)
    delivery.tick(store, config, at(2026, 12, 31, 12))
    assert len(server.handler.received) == 2


def test_a_promise_of_two_signers_takes_a_plural_verb():
    cfg = MailConfig(from_="Toezeggingen <toezegging@example.org>")
    due = date(2026, 12, 1)
    now = datetime(2026, 12, 1, 8, tzinfo=AMS)
    one = mail.compose(
        sample_promise(),
        [],
        "approaching",
        due,
        to="staf@example.org",
        message_id="<a@example.org>",
        now=now,
        mail_config=cfg,
    )
    two = mail.compose(
        sample_promise(by="M. Sterk en D.M. van Weel"),
        [],
        "approaching",
        due,
        to="staf@example.org",
        message_id="<b@example.org>",
        now=now,
        mail_config=cfg,
    )
    assert "deed deze toezegging" in _parts(one)[1]
    assert (
        "M. Sterk en D.M. van Weel (minister van Justitie en Veiligheid) deden deze toezegging"
        in _parts(two)[1]
    )
