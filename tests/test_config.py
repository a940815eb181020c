"""The configuration: the example documents every key, unknown keys are refused, overrides."""

import dataclasses
import json
import os
import tomllib
import types
import typing
from pathlib import Path

import pytest
from click.testing import CliRunner

from toezegging.cli import cli
from toezegging.config import Config, FeedConfig, load_config, parse_config
from toezegging.errors import ConfigError

EXAMPLE = Path(__file__).parent.parent / "config.example.toml"


def _keys(cls) -> set[str]:
    return {f.name.rstrip("_") for f in dataclasses.fields(cls) if f.name != "path"}


def test_the_example_loads():
    cfg = parse_config(EXAMPLE.read_text(encoding="utf-8"), EXAMPLE)
    assert cfg.language == "nl" and cfg.feeds[0].name == "zeden"


def test_the_example_documents_every_key():
    data = tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))
    hints = typing.get_type_hints(Config)
    missing = []
    for key in _keys(Config):
        if key not in data:
            missing.append(key)
            continue
        tp = hints[key]
        if dataclasses.is_dataclass(tp):
            missing += [f"{key}.{k}" for k in _keys(tp) - set(data[key])]
    for i, feed in enumerate(data.get("feeds", [])):
        missing += [f"feeds[{i}].{k}" for k in _keys(FeedConfig) - set(feed)]
    assert not missing, f"config.example.toml does not document: {', '.join(missing)}"


def test_the_example_gives_the_defaults_for_the_sections():
    cfg = parse_config(EXAMPLE.read_text(encoding="utf-8"), EXAMPLE)
    default = Config()
    for section in ("database", "mail", "reminders", "server", "web"):
        assert getattr(cfg, section) == getattr(default, section), section


@pytest.mark.parametrize(
    "text, message",
    [
        ('langauge = "nl"', "unknown key 'langauge' in the top level. Did you mean 'language'?"),
        ('[database]\nurll = "x"', "unknown key 'urll' in database. Did you mean 'url'?"),
        ('[mail]\nfrom_ = "x"', "Did you mean 'from'?"),
        ("[reminders]\ndays_befor = [1]", "Did you mean 'days_before'?"),
        ('[[feeds]]\nname = "a"\nstauts = ["open"]', "Did you mean 'status'?"),
        ('[server]\nport = "80"', "server.port must be int"),
        ("[database\n", "is not valid TOML"),
        ("language = " + "[" * 100_000 + "]" * 100_000, "nests arrays or tables too deeply"),
        ('language = "fr"', "language = 'fr' is not one of nl, en"),
        ('[reminders]\ntimezone = "Mars/Olympus"', "not a known time zone"),
    ],
    ids=["top", "database", "from_", "reminders", "feeds", "type", "toml", "deep", "language", "zone"],
)
def test_bad_config_is_refused(text, message):
    with pytest.raises(ConfigError) as e:
        parse_config(text)
    assert message in str(e.value)


def test_a_missing_explicit_config_is_refused(tmp_path):
    with pytest.raises(ConfigError, match="does not exist"):
        load_config(tmp_path / "nope.toml")


def test_no_config_file_gives_the_defaults(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv("TOEZEGGING_DATABASE_URL", raising=False)
    cfg = load_config()
    assert cfg.path is None
    assert cfg.database_url() == f"sqlite:///{tmp_path / 'data' / 'toezegging' / 'toezegging.db'}"


def test_database_url_from_file_env_and_relative_path(tmp_path, monkeypatch):
    monkeypatch.delenv("TOEZEGGING_DATABASE_URL", raising=False)
    f = tmp_path / "team" / "toezegging.toml"
    f.parent.mkdir()
    f.write_text('[database]\nurl = "sqlite:///data/tz.db"\n', encoding="utf-8")
    cfg = load_config(f)
    assert cfg.database_url() == f"sqlite:///{tmp_path / 'team' / 'data' / 'tz.db'}"
    f.write_text('[database]\nurl = "postgresql+psycopg://t@db/tz"\n', encoding="utf-8")
    assert load_config(f).database_url() == "postgresql+psycopg://t@db/tz"
    monkeypatch.setenv("TOEZEGGING_DATABASE_URL", "sqlite:////elsewhere.db")
    assert load_config(f).database_url() == "sqlite:////elsewhere.db"


def _run(args, env, input=None):
    base = {"TOEZEGGING_DATABASE_URL": None, "TOEZEGGING_CONFIG": None}
    return CliRunner(env={**base, **env}).invoke(cli, args, input=input)


def test_config_option_and_environment_variable_choose_the_file(tmp_path):
    a, b = tmp_path / "a.toml", tmp_path / "b.toml"
    a.write_text('[database]\nurl = "sqlite:///a.db"\n', encoding="utf-8")
    b.write_text('[database]\nurl = "sqlite:///b.db"\n', encoding="utf-8")
    add = ["add", "Brief", "--deadline", "voor eind 2026", "--date", "2026-01-05", "--yes"]
    assert _run(["--config", str(a), *add], {}).exit_code == 0
    assert _run(add, {"TOEZEGGING_CONFIG": str(b)}).exit_code == 0
    assert _run(add, {"TOEZEGGING_CONFIG": str(b)}).exit_code == 0
    count = lambda args, env: len(json.loads(_run([*args, "list", "--json"], env).stdout))  # noqa: E731
    assert count(["--config", str(a)], {}) == 1
    assert count([], {"TOEZEGGING_CONFIG": str(b)}) == 2
    # the database URL in the environment wins over the file
    env_url = f"sqlite:///{tmp_path / 'env.db'}"
    assert count(["--config", str(a)], {"TOEZEGGING_DATABASE_URL": env_url}) == 0


def test_an_invalid_config_stops_the_command_and_writes_nothing(tmp_path):
    f = tmp_path / "bad.toml"
    f.write_text('[database]\nurl = "sqlite:///x.db"\n[mail]\nhots = "smtp.example.org"\n', encoding="utf-8")
    r = _run(["--config", str(f), "add", "Brief", "--deadline", "voor eind 2026", "--yes"], {})
    assert r.exit_code == 1
    assert "unknown key 'hots' in mail. Did you mean 'host'?" in r.output
    assert not (tmp_path / "x.db").exists()
    r = _run(["list"], {"TOEZEGGING_CONFIG": str(tmp_path / "none.toml")})
    assert r.exit_code == 1 and "does not exist" in r.output


@pytest.mark.parametrize(
    "entry",
    [
        "victim,attacker@evil.example",
        "a;b@evil.example",
        "Bcc:x@evil.example",
        "Staf <a@x.nl>, b@y.nl",
        '"Staf, Jan" <staf@example.org>',
        "group: a@x.nl;",
        "a@x.nl\nBcc: y@z.nl",
        "staf",
    ],
)
def test_every_mail_to_entry_is_one_address(entry):
    with pytest.raises(ConfigError, match=r"mail.to\[1\] = .* is not an e-mail address"):
        parse_config(f'[mail]\nto = ["staf@example.org", {json.dumps(entry)}]\n')


def test_a_mail_to_entry_may_carry_a_name():
    cfg = parse_config('[mail]\nto = ["Staf <staf@example.org>", "jan@example.org"]\n')
    assert cfg.mail.to == ["Staf <staf@example.org>", "jan@example.org"]


def _numeric_keys(cls=Config, prefix: str = "") -> list[tuple[str, type, bool]]:
    """Every number in the config, as (dotted key, int or float, whether it is a list of
    them); the keys of a [[feeds]] entry as 'feeds.KEY'."""
    out = []
    hints = typing.get_type_hints(cls)
    for f in dataclasses.fields(cls):
        if f.name == "path":
            continue
        key, tp = f"{prefix}{f.name.rstrip('_')}", hints[f.name]
        inner = tp
        if typing.get_origin(tp) in (typing.Union, types.UnionType):  # X | None
            inner = next(a for a in typing.get_args(tp) if a is not type(None))
        is_list = typing.get_origin(inner) is list
        if is_list:
            inner = typing.get_args(inner)[0]
        if dataclasses.is_dataclass(inner):
            out += _numeric_keys(inner, f"{key}.")
        elif inner in (int, float):
            out.append((key, inner, is_list))
    return out


def _toml(key: str, value: str) -> str:
    *tables, name = key.split(".")
    if tables == ["feeds"]:
        return f'[[feeds]]\nname = "a"\n{name} = {value}\n'
    return (f"[{'.'.join(tables)}]\n" if tables else "") + f"{name} = {value}\n"


NUMERIC = _numeric_keys()
HUGE = "1" + "0" * 30  # a TOML integer far over 64 bits


def test_the_numeric_keys_are_found():
    assert {
        ("reminders.tick_minutes", int, False),
        ("mail.timeout", float, False),
        ("server.port", int, False),
        ("reminders.days_before", int, True),
        ("feeds.alarm_days", int, False),
    } <= set(NUMERIC)


@pytest.mark.parametrize("key, tp, is_list", NUMERIC, ids=[k for k, _, _ in NUMERIC])
@pytest.mark.parametrize("value", ["-1", f"-{HUGE}", HUGE, "nan", "inf"])
def test_every_number_has_a_range(key, tp, is_list, value):
    """Each numeric key, new ones too, refuses what no deployment means, naming the range."""
    if tp is int and value in ("nan", "inf"):
        return  # TOML's special floats are no int: the type check refuses them already
    with pytest.raises(ConfigError) as e:
        parse_config(_toml(key, f"[{value}]" if is_list else value))
    message = str(e.value)
    assert key.replace("feeds.", "feeds[0].") in message and " from " in message, message


@pytest.mark.parametrize(
    "text, message",
    [
        (
            "[reminders]\ntick_minutes = -1",
            "reminders.tick_minutes = -1 is out of range: give a whole number from 1 to 1440 (minutes).",
        ),
        ("[reminders]\ntick_minutes = 0", "reminders.tick_minutes = 0 is out of range"),
        ("[reminders]\nlease_seconds = 0", "reminders.lease_seconds = 0 is out of range"),
        (
            "[mail]\ntimeout = -1",
            "mail.timeout = -1.0 is out of range: give a number from 0.1 to 600 (seconds).",
        ),
        (
            "[server]\nport = 70000",
            "server.port = 70000 is out of range: give a whole number from 0 to 65535.",
        ),
        (
            "[reminders]\ndays_before = [30, -7]",
            "reminders.days_before = [30, -7] is out of range: give whole numbers from 0 to 3650",
        ),
        ('[[feeds]]\nname = "a"\nalarm_days = 400', "feeds[0].alarm_days = 400 is out of range"),
    ],
)
def test_a_number_out_of_range_names_the_range(text, message):
    with pytest.raises(ConfigError) as e:
        parse_config(text)
    assert message in str(e.value)


def test_a_bad_tick_stops_the_scheduler_at_once(tmp_path):
    """It used to spin at full speed, grow to a gigabyte and ignore SIGTERM."""
    import subprocess
    import sys

    cfg = tmp_path / "t.toml"
    cfg.write_text("[reminders]\ntick_minutes = -1\n", encoding="utf-8")
    env = {**os.environ, "TOEZEGGING_DATABASE_URL": f"sqlite:///{tmp_path / 't.db'}"}
    try:
        r = subprocess.run(
            [sys.executable, "-m", "toezegging", "--config", str(cfg), "scheduler"],
            capture_output=True,
            text=True,
            timeout=60,
            env=env,
        )
    except subprocess.TimeoutExpired:
        pytest.fail("the scheduler ran on with tick_minutes = -1")
    assert r.returncode == 1 and "reminders.tick_minutes = -1 is out of range" in r.stderr
