"""`toezegging doctor`: passes on the demo's config, and names the broken part of a broken
one (wrong SMTP port, a missing or broken template folder, a database from a newer
version), with a fix for each; a real SMTP server on loopback answers the mail check."""

import json

import pytest
from reminder_helpers import PASSWORD, USER, SmtpServer, free_port, make_config, make_tls
from sqlalchemy import text

from toezegging.store import Store


def doctor(config_path, *args, env=None):
    from click.testing import CliRunner
    from freezegun import freeze_time

    from toezegging.cli import cli

    with freeze_time("2026-11-27 10:00:00"):
        return CliRunner(env=env or {}).invoke(cli, ["--config", str(config_path), "doctor", *args])


def checks(result) -> dict[str, dict]:
    return {c["name"]: c for c in json.loads(result.stdout)["checks"]}


def test_doctor_passes_on_the_demos_config(tmp_path, monkeypatch):
    from toezegging.demo import run

    monkeypatch.delenv("TOEZEGGING_DATABASE_URL", raising=False)
    report = run(tmp_path / "demo")
    r = doctor(report.config_path)
    assert r.exit_code == 0, r.output
    assert "✓ config" in r.output and "✓ database" in r.output and "✓ templates" in r.output
    assert "✓ mail" in r.output and "✓ feeds folder" in r.output
    assert "✗" not in r.output
    got = checks(doctor(report.config_path, "--json"))
    assert set(got) == {"config", "database", "templates", "mail", "feeds folder", "calendar"}
    assert all(c["status"] in ("ok", "warning") for c in got.values())


@pytest.fixture
def config_path(tmp_path):
    def write(**kw):
        make_config(tmp_path, **kw)
        return tmp_path / "toezegging.toml"

    return write


def test_a_wrong_smtp_port_is_named(config_path):
    path = config_path(port=free_port())
    r = doctor(path)
    assert r.exit_code == 1
    line = [x for x in r.output.splitlines() if x.startswith("✗ mail")][0]
    assert "cannot reach the mail server 127.0.0.1" in line
    assert "fix: check [mail] host, port and security" in r.output
    assert "1 of 6 checks failed" in r.output


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_smtp_answers_with_starttls_and_login_and_no_mail_is_sent(config_path, tmp_path, monkeypatch):
    tls = make_tls(tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(tls.ca_file))
    monkeypatch.setenv("TOEZEGGING_TEST_SMTP_PASSWORD", PASSWORD)
    server = SmtpServer("starttls", tls).start()
    try:
        path = config_path(port=server.port, security="starttls", username=USER)
        got = checks(doctor(path, "--json"))
        assert got["mail"]["status"] == "ok", got["mail"]
        assert f"logged in as {USER}" in got["mail"]["detail"]
        monkeypatch.setenv("TOEZEGGING_TEST_SMTP_PASSWORD", "fout")
        got = checks(doctor(path, "--json"))
        assert got["mail"]["status"] == "fail" and "refused the login" in got["mail"]["detail"]
    finally:
        server.stop()
    assert server.handler.received == []


@pytest.mark.parametrize("make", ["missing", "a-file", "broken"])
def test_a_bad_template_folder_is_named(config_path, tmp_path, make):
    own = tmp_path / "eigen"
    if make == "a-file":
        own.write_text("geen map")
    elif make == "broken":
        (own / "en").mkdir(parents=True)
        (own / "en" / "overdue.j2").write_text("{% set subject %}{{ p.nope }}{% endset %}")
    path = config_path(transport="file", extra=f'\n[paths]\ntemplates = "{own}"\n')
    r = doctor(path)
    assert r.exit_code == 1
    (line,) = [x for x in r.output.splitlines() if x.startswith("✗ ")]
    assert line.startswith("✗ templates")
    if make == "broken":
        assert "en/overdue.j2, line 1" in line and "'nope'" in line
    else:
        assert str(own) in line


def test_a_database_from_a_newer_version_is_named(config_path, tmp_path):
    path = config_path(transport="file")
    store = Store(f"sqlite:///{tmp_path / 'toezegging.db'}")
    store.create_schema()
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    store.dispose()
    got = checks(doctor(path, "--json"))
    assert got["database"]["status"] == "fail"
    assert "newer version of toezegging (revision 9999)" in got["database"]["detail"]
    assert got["calendar"]["status"] == "fail"


def test_a_broken_config_is_the_one_failed_check(tmp_path):
    path = tmp_path / "toezegging.toml"
    path.write_text("[mail]\nhots = 'x'\n")
    r = doctor(path)
    assert r.exit_code == 1
    assert r.output.startswith("✗ config: unknown key 'hots' in mail. Did you mean 'host'?")


def test_the_feeds_folder_must_be_writable(config_path, tmp_path):
    (tmp_path / "bezet").write_text("een bestand, geen map")
    path = config_path(transport="file", extra=f'\n[paths]\nfeeds = "{tmp_path / "bezet"}"\n')
    got = checks(doctor(path, "--json"))
    assert got["feeds folder"]["status"] == "fail"
    assert "is a file" in got["feeds folder"]["detail"]
