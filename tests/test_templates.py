"""Mail templates: an office's own folder over the shipped ones, every field escaped in the
HTML part, and a broken template never silent (failed with its reason, `remind` exits 3,
`outbox --failed` shows it, `outbox retry` sends it once fixed)."""

import json
from datetime import date

import pytest
from reminder_helpers import add_promise, make_config
from test_mail import at, sample_promise

from toezegging import delivery, mail, outbox

FIELDS = (
    "text",
    "by",
    "function",
    "ministry",
    "to",
    "fraction",
    "source",
    "kamerstuk",
    "number",
    "deadline",
    "explanation",
    "current_deadline",
)


# ----------------------------------------------------------------------------- overrides


def test_a_template_of_the_same_name_replaces_the_shipped_one(tmp_path):
    own = tmp_path / "eigen"
    (own / "nl").mkdir(parents=True)
    (own / "nl" / "due.j2").write_text(
        '{% import "nl/_promise.j2" as pr with context %}\n'
        "{% set subject %}Vandaag de dag: {{ p.short }}{% endset %}\n"
        "{% set intro %}Onze eigen inleiding.{% endset %}\n"
        '{% set questions = ["Wanneer komt het?"] %}\n',
        encoding="utf-8",
    )
    ctx = mail.context(sample_promise(), [], "due", date(2026, 12, 31), "nl", templates=str(own))
    got = mail.render(ctx, "nl", str(own))
    assert got.subject.startswith("Vandaag de dag: De Kamer wordt")
    assert "Onze eigen inleiding." in got.text and "Wanneer komt het?" in got.html
    # mail.txt.j2 and _promise.j2 are not in the folder: the shipped ones are used
    assert "deed deze toezegging op 10 juni 2026" in got.text
    # another kind is untouched
    shipped = mail.render(mail.context(sample_promise(), [], "overdue", date(2027, 1, 28), "nl"), "nl")
    own_overdue = mail.render(
        mail.context(sample_promise(), [], "overdue", date(2027, 1, 28), "nl", templates=str(own)),
        "nl",
        str(own),
    )
    assert own_overdue == shipped


def test_words_toml_in_the_folder_goes_over_the_shipped_words(tmp_path):
    own = tmp_path / "eigen"
    own.mkdir()
    (own / "words.toml").write_text('[nl]\nmember_unknown = "[naam van ons Kamerlid]"\n', encoding="utf-8")
    p = sample_promise(to=None, fraction=None)
    ctx = mail.context(p, [], "due", date(2026, 12, 31), "nl", templates=str(own))
    text = mail.draft_questions(ctx, "nl", str(own))
    assert text.startswith("Vragen van het lid [naam van ons Kamerlid] ([fractie])")
    assert "31 december 2026" in text  # the months still come from the shipped words


def test_a_broken_template_is_a_render_error_naming_file_and_line(tmp_path):
    own = tmp_path / "eigen"
    (own / "nl").mkdir(parents=True)
    (own / "nl" / "mail.txt.j2").write_text("Hallo\n{% if p.text %}\nzonder einde\n", encoding="utf-8")
    ctx = mail.context(sample_promise(), [], "due", date(2026, 12, 31), "nl", templates=str(own))
    with pytest.raises(mail.RenderError, match=r"mail\.txt\.j2 has an error on line \d"):
        mail.render(ctx, "nl", str(own))


# ----------------------------------------------------------------------------- escaping


@pytest.mark.parametrize("kind", ["opens", "approaching", "due", "overdue", "postponed"])
@pytest.mark.parametrize("language", ["nl", "en"])
def test_no_field_reaches_the_html_part_as_markup(kind, language):
    marked = {f: f'<img src="https://tracker.example/{f}.gif">{f} & co' for f in FIELDS}
    p = sample_promise(**marked, url="javascript:alert(1)")
    change = dict(
        changed_at=at(2026, 11, 3),
        reference=date(2026, 11, 3),
        old_deadline="<b>oud</b>",
        new_deadline="<b>nieuw</b>",
        old_latest=date(2026, 12, 31),
        new_latest=date(2027, 7, 2),
        reason='<a href="https://evil.example">klik</a>',
    )
    from types import SimpleNamespace

    history = [SimpleNamespace(**change)] if kind == "postponed" else []
    ctx = mail.context(p, history, kind, date(2026, 12, 31), language)
    got = mail.render(ctx, language)
    for f in FIELDS:
        assert f'<img src="https://tracker.example/{f}.gif">' not in got.html, f
        if f not in ("current_deadline",) or kind == "postponed":
            assert (
                f"&lt;img src=&#34;https://tracker.example/{f}.gif&#34;&gt;{f} &amp; co" in got.html
                or f not in got.text
            ), f
    assert '<a href="https://evil.example">' not in got.html
    assert "javascript:" not in got.html.split("<body", 1)[1].split("href=")[-1][:20]
    assert 'href="javascript' not in got.html
    # the text part keeps the text as it is
    assert '<img src="https://tracker.example/text.gif">text & co' in got.text


def test_no_field_reaches_the_digest_html_as_markup():
    entries = []
    for i, kind in enumerate(("overdue", "due"), 1):
        p = sample_promise(id=i, **{f: f"<i>{f}{i}</i>" for f in FIELDS})
        entries.append((p, [], kind, date(2026, 12, 31), p.latest))
    from toezegging.config import MailConfig

    msg = mail.compose_digest(
        entries,
        to="staf@example.org",
        message_id="<d@x>",
        now=at(2026, 12, 31, 8),
        mail_config=MailConfig(),
        today=date(2026, 12, 31),
    )
    html = msg.get_body(("html",)).get_content()
    assert "<i>" not in html and "&lt;i&gt;ministry1&lt;/i&gt;" in html


# ----------------------------------------------------------------------------- never silent


def _cli(tmp_path, *args, expect=None):
    from click.testing import CliRunner

    from toezegging.cli import cli

    result = CliRunner().invoke(cli, ["--config", str(tmp_path / "toezegging.toml"), *args])
    if expect is not None:
        assert result.exit_code == expect, result.output
    return result


def test_a_broken_template_fails_the_reminder_exits_3_and_can_be_retried(tmp_path, store, server):
    own = tmp_path / "eigen"
    (own / "nl").mkdir(parents=True)
    broken = own / "nl" / "due.j2"
    broken.write_text("{% set subject %}{{ p.onbekend_veld }}{% endset %}\n", encoding="utf-8")
    make_config(tmp_path, port=server.port, extra=f'\n[paths]\ntemplates = "{own}"\n')
    cfg_url = f'url = "{store.url}"'
    path = tmp_path / "toezegging.toml"
    path.write_text(path.read_text().replace(path.read_text().split("\n")[2], cfg_url, 1))
    add_promise(store)
    r = _cli(tmp_path, "remind", "--now", "2026-12-31T09:00", expect=3)
    assert "1 failed" in r.output and "outbox --failed" in r.output
    (row,) = outbox.listing(store)
    assert row.state == "failed" and "due.j2" in row.error and "onbekend_veld" in row.error
    listed = _cli(tmp_path, "outbox", "--failed", expect=0).output
    assert "failed" in listed and "onbekend_veld" in listed
    # a later tick does not pretend all is well, and sends nothing
    assert server.handler.received == []
    broken.unlink()  # fixed: the shipped template is used again
    out = _cli(tmp_path, "outbox", "retry", expect=0).output
    assert f"Queued 1 reminder(s) again: {row.id}" in out
    r = _cli(tmp_path, "remind", "--now", "2026-12-31T09:05", "--json", expect=0)
    assert json.loads(r.output.splitlines()[0])["sent"] == 1
    assert server.handler.keys() == [("staf@example.org", "due", "1")]
    assert _cli(tmp_path, "outbox", "retry", expect=0).output.startswith("No failed reminders")


def test_retry_refuses_ids_that_did_not_fail(tmp_path, store, server):
    make_config(tmp_path, port=server.port)
    path = tmp_path / "toezegging.toml"
    path.write_text(path.read_text().replace(path.read_text().split("\n")[2], f'url = "{store.url}"', 1))
    add_promise(store)
    _cli(tmp_path, "remind", "--now", "2026-12-31T09:00", expect=0)
    r = _cli(tmp_path, "outbox", "retry", "1", "99", expect=1)
    assert "1 (sent)" in r.output and "99 (no such reminder)" in r.output


def test_an_unreachable_server_exits_4_and_the_reminders_wait(tmp_path, store, terminal):
    from reminder_helpers import free_port

    make_config(tmp_path, port=free_port())
    path = tmp_path / "toezegging.toml"
    path.write_text(path.read_text().replace(path.read_text().split("\n")[2], f'url = "{store.url}"', 1))
    add_promise(store)
    r = _cli(tmp_path, "remind", "--now", "2026-12-31T09:00", expect=4)
    assert "cannot be reached" in r.output and "1 reminder(s) wait" in r.output
    (row,) = outbox.listing(store)
    assert row.state == "pending" and row.attempts == 0
    out = _cli(tmp_path, "outbox", expect=0).output
    assert "has not answered since" in out
    listed = _cli(tmp_path, "outbox", "--failed", expect=0).output
    assert " waiting " in listed and "Connection refused" in listed


def test_delivery_report_counts_waiting_not_failed(store, tmp_path):
    from reminder_helpers import free_port

    config = make_config(tmp_path, port=free_port())
    add_promise(store)
    report = delivery.tick(store, config, at(2026, 12, 31, 9))
    assert report.mail_failing and report.failed == 0 and report.waiting == 1
