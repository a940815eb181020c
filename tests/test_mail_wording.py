"""Mails worded for the moment they are sent, the member the user works for, two signers,
recurring rules in words, and no file name in formal text."""

from datetime import date
from email import message_from_bytes, policy
from types import SimpleNamespace

import pytest
from test_mail import at, sample_promise

from toezegging import mail
from toezegging.config import MailConfig


def render(p, kind, due_on, today, language="nl", member=None, history=()):
    ctx = mail.context(p, list(history), kind, due_on, language, today=today, member=member)
    return mail.render(ctx, language), mail.draft_questions(ctx, language)


def _cli(tmp_path, *args, today="2026-11-27"):
    from click.testing import CliRunner
    from freezegun import freeze_time

    from toezegging.cli import cli

    with freeze_time(f"{today} 10:00:00"):
        r = CliRunner().invoke(cli, ["--config", str(tmp_path / "t.toml"), *args])
    assert r.exit_code == 0, r.output
    return r


def test_a_due_mail_sent_late_speaks_of_the_past(tmp_path):
    """The issue's case: "binnen twee weken", said on 1 November, added on 27 November."""
    (tmp_path / "t.toml").write_text(
        f'[database]\nurl = "sqlite:///{tmp_path / "t.db"}"\n[mail]\ntransport = "file"\n'
        'folder = "uit"\nto = ["staf@example.org"]\n',
        encoding="utf-8",
    )
    _cli(
        tmp_path,
        "add",
        "De minister stuurt de Kamer de brief over de pilot.",
        "--deadline",
        "binnen twee weken",
        "--date",
        "2026-11-01",
        "--yes",
    )
    _cli(tmp_path, "remind", "--now", "2026-11-27T09:00")
    (eml,) = (tmp_path / "uit").glob("*.eml")
    m = message_from_bytes(eml.read_bytes(), policy=policy.default)
    text = m.get_body(("plain",)).get_content()
    assert m["Subject"].startswith("Termijn verliep op 15 november 2026")
    assert (
        "Op 15 november 2026 verliep de termijn van deze toezegging; op 27 november 2026 "
        "is zij 12 dagen over tijd." in text
    )
    assert "verloopt" not in text.split("CONCEPT")[0]


def test_an_overdue_mail_counts_the_days_to_the_day_it_is_sent():
    p = sample_promise(latest=date(2025, 7, 3))
    got, _ = render(p, "overdue", date(2026, 12, 17), date(2026, 12, 24))
    assert "Op 24 december 2026 is zij 539 dagen over tijd" in got.text


@pytest.mark.parametrize(
    ("today", "wording"),
    [
        (date(2026, 12, 1), "Over 30 dagen, op 31 december 2026, verloopt"),
        (date(2026, 12, 3), "Over 28 dagen, op 31 december 2026, verloopt"),  # sent two days late
        (date(2026, 12, 30), "Over 1 dag, op 31 december 2026, verloopt"),
        (date(2026, 12, 31), "Vandaag, 31 december 2026, verloopt"),
        (
            date(2027, 1, 2),
            "Op 31 december 2026 verliep de termijn van deze toezegging; op "
            "2 januari 2027 is zij 2 dagen over tijd.",
        ),
    ],
)
def test_an_approaching_mail_counts_from_the_day_it_is_sent(today, wording):
    got, _ = render(sample_promise(), "approaching", date(2026, 12, 1), today)
    assert wording in got.text


def test_english_mails_follow_the_send_date_too():
    got, _ = render(sample_promise(), "due", date(2026, 12, 31), date(2027, 1, 3), "en")
    assert got.subject.startswith("Deadline was 31 December 2026")
    assert "on 3 January 2027 it is 3 days late" in got.text


# ----------------------------------------------------------------------------- the member

MEMBER = SimpleNamespace(name="M. Mutluer", fraction="GroenLinks-PvdA")


def test_drafts_use_the_configured_member_when_the_promise_names_none():
    _, draft = render(
        sample_promise(to=None, fraction=None), "due", date(2026, 12, 31), date(2026, 12, 31), member=MEMBER
    )
    assert draft.startswith("Vragen van het lid M. Mutluer (GroenLinks-PvdA) aan de minister")


def test_a_promise_to_another_member_keeps_that_member():
    _, draft = render(
        sample_promise(to="Van Nispen", fraction="SP"),
        "due",
        date(2026, 12, 31),
        date(2026, 12, 31),
        member=MEMBER,
    )
    assert draft.startswith("Vragen van het lid Van Nispen (SP)")


def test_the_placeholder_only_when_nobody_is_known():
    _, draft = render(sample_promise(to=None, fraction=None), "due", date(2026, 12, 31), date(2026, 12, 31))
    assert draft.startswith("Vragen van het lid [naam Kamerlid] ([fractie])")


def test_the_member_from_the_config_file(tmp_path):
    from toezegging.config import parse_config

    cfg = parse_config('[member]\nname = "M. Mutluer"\nfraction = "GroenLinks-PvdA"\n')
    assert (cfg.member.name, cfg.member.fraction) == ("M. Mutluer", "GroenLinks-PvdA")


# ----------------------------------------------------------------------------- whom to ask


@pytest.mark.parametrize(
    ("function", "language", "heading"),
    [
        (
            "minister van Justitie en Veiligheid en minister van Sociale Zaken en Werkgelegenheid",
            "nl",
            "aan de minister van Justitie en Veiligheid en de minister van Sociale Zaken en "
            "Werkgelegenheid over",
        ),
        (
            "minister van Onderwijs, Cultuur en Wetenschap en staatssecretaris van Volksgezondheid, "
            "Welzijn en Sport",
            "nl",
            "aan de minister van Onderwijs, Cultuur en Wetenschap en de staatssecretaris van Volksgezondheid",
        ),
        ("minister van Justitie en Veiligheid", "nl", "aan de minister van Justitie en Veiligheid over"),
        (
            "Minister of Justice and Security and Minister of Finance",
            "en",
            "to the Minister of Justice and Security and the Minister of Finance about",
        ),
    ],
)
def test_two_signers_are_each_addressed(function, language, heading):
    _, draft = render(
        sample_promise(function=function), "due", date(2026, 12, 31), date(2026, 12, 31), language
    )
    assert heading in draft.splitlines()[0]


# ----------------------------------------------------------------------------- what is shown


@pytest.mark.parametrize(
    "source", ["ocw.pdf", "kabinetsreactie-initiatiefnota-van-der-werf.txt", "Brief 2026-06-10.DOCX"]
)
def test_a_file_name_never_reaches_formal_text(source):
    got, draft = render(sample_promise(source=source), "overdue", date(2027, 1, 28), date(2027, 1, 28))
    for part in (got.text, got.html, draft):
        assert source not in part
    assert "Herinnert u zich uw toezegging van 10 juni 2026" in draft


def test_a_real_source_is_kept():
    _, draft = render(
        sample_promise(source="het commissiedebat Zeden"), "due", date(2026, 12, 31), date(2026, 12, 31)
    )
    assert "uw toezegging in het commissiedebat Zeden van 10 juni 2026" in draft


@pytest.mark.parametrize(
    ("rule", "nl", "en"),
    [
        ("FREQ=YEARLY", "elk jaar", "every year"),
        ("FREQ=YEARLY;INTERVAL=2", "om de twee jaar", "every two years"),
        ("FREQ=MONTHLY;INTERVAL=6", "elk half jaar", "every six months"),
        ("FREQ=MONTHLY;INTERVAL=3", "elk kwartaal", "every quarter"),
        ("FREQ=MONTHLY", "elke maand", "every month"),
        ("FREQ=MONTHLY;INTERVAL=4", "om de vier maanden", "every four months"),
    ],
)
def test_a_recurring_rule_is_written_in_words(rule, nl, en):
    p = sample_promise(recurrence=rule)
    got, _ = render(p, "approaching", date(2026, 12, 1), date(2026, 12, 1))
    assert f"Terugkerend: {nl}" in got.text and "FREQ" not in got.text + got.html
    got, _ = render(p, "approaching", date(2026, 12, 1), date(2026, 12, 1), "en")
    assert f"Recurring: {en}" in got.text and "FREQ" not in got.text + got.html


def test_compose_words_the_mail_for_its_moment():
    cfg = MailConfig(from_="Toezeggingen <toezegging@example.org>")
    msg = mail.compose(
        sample_promise(),
        [],
        "due",
        date(2026, 12, 31),
        to="staf@example.org",
        message_id="<x@y>",
        now=at(2027, 1, 4, 9),
        mail_config=cfg,
        member=MEMBER,
    )
    assert msg["Subject"].startswith("Termijn verliep op 31 december 2026")
    assert "is zij 4 dagen over tijd" in msg.get_body(("plain",)).get_content()
