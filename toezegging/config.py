"""Reading the TOML configuration: typed, with unknown keys refused.

Where the file comes from, in order: `--config PATH`, `TOEZEGGING_CONFIG`, then
`toezegging.toml` in the user's config directory (absent is fine: the defaults run
the embedded SQLite database). Environment overrides: `TOEZEGGING_DATABASE_URL` for
`[database] url`; secrets are named by `*_env` keys and read from the environment.
`config.example.toml` documents every key; `tests/test_config.py` keeps it complete.
"""

import dataclasses
import difflib
import os
import tomllib
import types
import typing
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from platformdirs import user_config_dir, user_data_dir

from .address import one_address
from .errors import ConfigError

APP_NAME = "toezegging"


def default_data_dir() -> Path:
    return Path(user_data_dir(APP_NAME, appauthor=False))


def default_database_url() -> str:
    """SQLite in the user's data directory: the one database whose folder is created."""
    return f"sqlite:///{default_data_dir() / 'toezegging.db'}"


def default_config_path() -> Path:
    return Path(user_config_dir(APP_NAME, appauthor=False)) / "toezegging.toml"


@dataclass
class DatabaseConfig:
    # SQLAlchemy URL; empty means SQLite in the user's data directory.
    url: str = ""
    # Seconds a write waits for a lock held by another process (SQLite).
    busy_timeout: float = 30.0


@dataclass
class MailConfig:
    transport: str = "file"  # "smtp" or "file"
    host: str = "localhost"
    port: int = 587
    security: str = "starttls"  # "tls" (implicit), "starttls", "none"
    username: str = ""
    password_env: str = "TOEZEGGING_SMTP_PASSWORD"
    from_: str = "Toezeggingen <toezegging@localhost>"
    to: list[str] = field(default_factory=list)
    folder: str = "outbox-mail"
    timeout: float = 30.0
    language: str = "nl"  # "nl" or "en": the language of mails and drafted questions

    def password(self) -> str | None:
        """The SMTP password, read from the environment variable `password_env`."""
        return os.environ.get(self.password_env) if self.password_env else None


@dataclass
class RemindersConfig:
    window_opens: bool = True
    days_before: list[int] = field(default_factory=lambda: [30, 7])
    on_deadline: bool = True
    overdue_every_days: int = 14
    # The gap between overdue mails doubles (14, 28, 56 ...) up to this many days.
    overdue_max_every_days: int = 90
    send_hour: int = 8
    quiet_hours: list[int] = field(default_factory=lambda: [22, 7])  # [start, end) hours
    timezone: str = "Europe/Amsterdam"
    digest: bool = False
    # Name the events still without a date this many weeks after the promise (0: never).
    undated_event_weeks: int = 8
    tick_minutes: int = 5
    lease_seconds: int = 300
    max_attempts: int = 8
    retry_base_seconds: int = 60
    # While the mail server cannot be reached, ticks wait before trying it again: from
    # retry_base_seconds, doubling, to at most this long. No reminder is lost meanwhile.
    reconnect_max_seconds: int = 1800


@dataclass
class FeedConfig:
    name: str = ""
    title: str = ""
    description: str = ""
    private: bool = False
    # filters
    status: list[str] = field(default_factory=list)
    ministry: list[str] = field(default_factory=list)
    tag: list[str] = field(default_factory=list)
    owner: list[str] = field(default_factory=list)
    overdue: bool | None = None
    # presentation
    show_window: bool = False
    alarm_days: int | None = None


@dataclass
class ServerConfig:
    host: str = "127.0.0.1"
    port: int = 8000
    # The public address people subscribe to, e.g. "https://toezegging.example.org".
    base_url: str = ""
    max_request_bytes: int = 8192
    # Seconds a client has to send a request's headers, counted from connecting or from
    # the previous answer; a half-sent or never-sent request is then closed.
    header_timeout: float = 10.0
    # Seconds an idle keep-alive connection stays open after an answer.
    keep_alive_timeout: float = 5.0
    # Connections held at once; requests beyond this are answered 503.
    max_connections: int = 100


@dataclass
class WebConfig:
    # "public": the pages show what the public feeds show, to anyone. "token": every page
    # needs the token of a private feed (given once as ?token=..., then kept in a cookie)
    # and shows what that feed shows.
    access: str = "public"
    # Promises per page of the overview's timeline and table.
    page_size: int = 200


@dataclass
class PathsConfig:
    # A folder whose files replace the shipped mail templates of the same name
    # (e.g. nl/mail.txt.j2, words.toml); names it lacks fall back to the shipped ones.
    templates: str = ""
    # Where `toezegging feeds build` writes the feeds when --out is not given.
    feeds: str = ""


@dataclass
class MemberConfig:
    # The member of parliament the drafted questions are for (unless a promise names
    # another), and their party: "Vragen van het lid Name (Fraction) ...".
    name: str = ""
    fraction: str = ""


@dataclass
class CalendarConfig:
    # TOML files with recess and budget dates in the shipped schema (calendars/*.toml);
    # a date given there wins over the shipped data and over an estimate.
    extra: list[str] = field(default_factory=list)


TK_ODATA_URL = "https://gegevensmagazijn.tweedekamer.nl/OData/v4/2.0/"


@dataclass
class TkSyncConfig:
    """`[sync.tk]`: following the Tweede Kamer's register of promises (`toezegging sync tk`)."""

    # The scheduler runs the sync once a day, at `hour` (local time), when true.
    enabled: bool = False
    hour: int = 6
    # The OData API's base address (a mirror, or a local server in tests).
    url: str = TK_ODATA_URL
    # Filters (each empty: no filter). Ministries by name or abbreviation; words found
    # in the promise's text or the debate's subject (any of them); promises made on or
    # after `since` (YYYY-MM-DD).
    ministries: list[str] = field(default_factory=list)
    match: list[str] = field(default_factory=list)
    since: str = ""
    # Tags put on each promise the sync adds.
    tags: list[str] = field(default_factory=list)
    # The HTTP client: seconds to wait for an answer, attempts per request, and the
    # first pause before a retry (doubling each time; a Retry-After header wins).
    timeout: float = 30.0
    retries: int = 5
    backoff: float = 2.0


@dataclass
class SyncConfig:
    tk: TkSyncConfig = field(default_factory=TkSyncConfig)


def default_feeds(language: str = "nl") -> list[FeedConfig]:
    """The feeds of a config without [[feeds]], worded in `language` (data/default_feeds.toml)."""

    text = resources.files("toezegging").joinpath("data", "default_feeds.toml").read_text("utf-8")
    tables = tomllib.loads(text)
    return [FeedConfig(**t) for t in tables.get(language, tables["nl"])]


@dataclass
class Config:
    language: str = "nl"
    database: DatabaseConfig = field(default_factory=DatabaseConfig)
    mail: MailConfig = field(default_factory=MailConfig)
    reminders: RemindersConfig = field(default_factory=RemindersConfig)
    server: ServerConfig = field(default_factory=ServerConfig)
    member: MemberConfig = field(default_factory=MemberConfig)
    paths: PathsConfig = field(default_factory=PathsConfig)
    calendar: CalendarConfig = field(default_factory=CalendarConfig)
    sync: SyncConfig = field(default_factory=SyncConfig)
    web: WebConfig = field(default_factory=WebConfig)
    feeds: list[FeedConfig] = field(default_factory=default_feeds)
    # Where the config file was read from (None: defaults only); relative paths resolve here.
    path: Path | None = None

    @property
    def base_dir(self) -> Path:
        return self.path.parent if self.path else Path.cwd()

    def database_url(self) -> str:
        """TOEZEGGING_DATABASE_URL, else `[database] url` (a relative SQLite path is read
        relative to the config file), else SQLite in the user's data directory."""
        env = os.environ.get("TOEZEGGING_DATABASE_URL", "").strip()
        if env:
            return env
        url = self.database.url.strip()
        if url.startswith("sqlite:///"):
            rest = url[len("sqlite:///") :]
            path, sep, query = rest.partition("?")
            if path and path != ":memory:":
                return f"sqlite:///{self.resolve(path)}{sep}{query}"
        if url:
            return url
        return default_database_url()

    def templates_dir(self) -> str | None:
        """`[paths] templates` resolved (relative to the config file), or None."""
        return str(self.resolve(self.paths.templates)) if self.paths.templates.strip() else None

    def feeds_dir(self) -> Path | None:
        """`[paths] feeds` resolved (relative to the config file), or None."""
        return self.resolve(self.paths.feeds) if self.paths.feeds.strip() else None

    def calendar_files(self) -> list[Path]:
        """`[calendar] extra`, resolved relative to the config file."""
        return [self.resolve(f) for f in self.calendar.extra]

    def resolve(self, p: str) -> Path:
        path = Path(p).expanduser()
        return path if path.is_absolute() else self.base_dir / path


# ----------------------------------------------------------------------------- loading


def _toml_key(f: dataclasses.Field) -> str:
    return f.name.rstrip("_")


def _type_name(tp: Any) -> str:
    return getattr(tp, "__name__", str(tp)).replace("NoneType", "nothing")


def _convert(value: Any, tp: Any, where: str) -> Any:
    """Check `value` against the annotation `tp`, converting TOML tables to dataclasses."""
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = typing.get_args(tp)
        errors = []
        for a in args:
            if a is type(None):
                continue
            try:
                return _convert(value, a, where)
            except ConfigError as e:
                errors.append(e)
        raise errors[0]
    if origin is list:
        (item,) = typing.get_args(tp)
        if not isinstance(value, list):
            if isinstance(value, str) and item is str:
                return [value]
            raise ConfigError(f"{where} must be a list, got {value!r}.")
        return [_convert(v, item, f"{where}[{i}]") for i, v in enumerate(value)]
    if dataclasses.is_dataclass(tp):
        if not isinstance(value, dict):
            raise ConfigError(f"{where} must be a table ([{where}]), got {value!r}.")
        return _build(tp, value, where)
    if tp is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if tp is int and isinstance(value, bool) or not isinstance(value, tp):
        raise ConfigError(f"{where} must be {_type_name(tp)}, got {value!r}.")
    return value


def _build(cls: Any, table: dict, where: str) -> Any:
    """An instance of the dataclass `cls` from a TOML table, its keys checked."""
    fields = {_toml_key(f): f for f in dataclasses.fields(cls) if f.name != "path"}
    hints = typing.get_type_hints(cls)
    kwargs = {}
    for key, value in table.items():
        if key not in fields:
            close = difflib.get_close_matches(key, list(fields), n=1)
            hint = f" Did you mean '{close[0]}'?" if close else ""
            valid = ", ".join(sorted(fields))
            raise ConfigError(
                f"unknown key '{key}' in {where or 'the top level'}.{hint} Valid keys: {valid}."
            )
        f = fields[key]
        kwargs[f.name] = _convert(value, hints[f.name], f"{where}.{key}" if where else key)
    return cls(**kwargs)


# The range of every number in the config: (lowest, highest, unit). A new numeric key gets
# its line here (tests/test_config.py tries every number far out of range). [[feeds]]
# entries are "feeds.KEY"; a list of numbers is checked item by item.
RANGES: dict[str, tuple[float, float, str]] = {
    "database.busy_timeout": (0.01, 3600, "seconds"),
    "mail.port": (1, 65535, ""),
    "mail.timeout": (0.1, 600, "seconds"),
    "reminders.days_before": (0, 3650, "days"),
    "reminders.overdue_every_days": (1, 3650, "days"),
    "reminders.overdue_max_every_days": (1, 3650, "days"),
    "reminders.send_hour": (0, 23, "an hour of the day"),
    "reminders.quiet_hours": (0, 23, "hours of the day"),
    "reminders.tick_minutes": (1, 1440, "minutes"),
    "reminders.lease_seconds": (1, 86400, "seconds"),
    "reminders.max_attempts": (1, 100, ""),
    "reminders.retry_base_seconds": (1, 86400, "seconds"),
    "reminders.reconnect_max_seconds": (1, 86400, "seconds"),
    "reminders.undated_event_weeks": (0, 520, "weeks; 0: never name the undated events"),
    "server.port": (0, 65535, ""),  # 0: any free port
    "server.max_request_bytes": (1024, 1 << 20, "bytes"),
    "server.header_timeout": (0.1, 3600, "seconds"),
    "server.keep_alive_timeout": (0.1, 3600, "seconds"),
    "server.max_connections": (1, 100_000, ""),
    "web.page_size": (10, 1000, "promises a page"),
    "feeds.alarm_days": (0, 365, "days"),
    "sync.tk.hour": (0, 23, "an hour of the day"),
    "sync.tk.timeout": (0.1, 600, "seconds"),
    "sync.tk.retries": (1, 100, ""),
    "sync.tk.backoff": (0, 3600, "seconds"),
}


def _check_ranges(cfg: Config) -> None:
    """`ConfigError` naming the key, its value and the allowed range for a number outside
    `RANGES` (NaN and infinity are outside every range)."""
    for key, (low, high, unit) in RANGES.items():
        *path, name = key.split(".")
        holders: list[tuple[str, Any]]
        if path == ["feeds"]:
            holders = [(f"feeds[{i}]", f) for i, f in enumerate(cfg.feeds)]
        else:
            holder: Any = cfg
            for part in path:
                holder = getattr(holder, part)
            holders = [(".".join(path), holder)]
        for where, holder in holders:
            value = getattr(holder, name)
            items = value if isinstance(value, list) else [value]
            if all(v is None or low <= v <= high for v in items):
                continue
            whole = "whole number" if isinstance(items[0], int) else "number"
            what = f"{whole}s" if isinstance(value, list) else f"a {whole}"
            span = f"from {low:g} to {high:g}" + (f" ({unit})" if unit else "")
            raise ConfigError(f"{where}.{name} = {value!r} is out of range: give {what} {span}.")


def _validate(cfg: Config) -> None:
    choices = {
        "language": (cfg.language, ("nl", "en")),
        "mail.language": (cfg.mail.language, ("nl", "en")),
        "mail.transport": (cfg.mail.transport, ("smtp", "file")),
        "mail.security": (cfg.mail.security, ("tls", "starttls", "none")),
        "web.access": (cfg.web.access, ("public", "token")),
    }
    for key, (value, allowed) in choices.items():
        if value not in allowed:
            raise ConfigError(f"{key} = {value!r} is not one of {', '.join(allowed)}.")
    for i, entry in enumerate(cfg.mail.to):
        try:
            one_address(entry, f"mail.to[{i}] =", with_name=True)
        except ValueError as e:
            raise ConfigError(f"{e} Each entry of mail.to is one recipient.") from None
    try:
        ZoneInfo(cfg.reminders.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"reminders.timezone = {cfg.reminders.timezone!r} is not a known time zone; "
            "use an IANA name such as 'Europe/Amsterdam'."
        ) from None
    _check_ranges(cfg)
    if len(cfg.reminders.quiet_hours) not in (0, 2):
        raise ConfigError("reminders.quiet_hours must be [start, end] hours from 0 to 23, or [].")
    _validate_sync(cfg.sync.tk)
    names = [f.name for f in cfg.feeds]
    for f in cfg.feeds:
        if not f.name or not f.name.replace("-", "").replace("_", "").isalnum():
            raise ConfigError(
                f"feed name {f.name!r} must be letters, digits, '-' or '_' (it becomes the file name)."
            )
        if names.count(f.name) > 1:
            raise ConfigError(f"feed name {f.name!r} is used twice in [[feeds]]; names must differ.")
        if not f.title:
            f.title = f.name


def _validate_sync(tk: TkSyncConfig) -> None:
    if not tk.url.startswith(("http://", "https://")):
        raise ConfigError(f"sync.tk.url = {tk.url!r} is not a web address; the default is {TK_ODATA_URL!r}.")
    if tk.since:
        try:
            date.fromisoformat(tk.since)
        except ValueError:
            raise ConfigError(
                f'sync.tk.since = {tk.since!r} is not a date; write it as "YYYY-MM-DD", e.g. "2025-01-01".'
            ) from None


def parse_config(text: str, path: Path | None = None) -> Config:
    where = str(path) if path else "config"
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{where} is not valid TOML: {e}. Fix the line it names.") from None
    except RecursionError:
        raise ConfigError(f"{where} nests arrays or tables too deeply to be a config.") from None
    cfg: Config = _build(Config, data, "")
    if "feeds" not in data:  # the default feeds, in the config's language
        cfg.feeds = default_feeds(cfg.language)
    cfg.path = path
    _validate(cfg)
    return cfg


def load_config(path: str | os.PathLike | None = None) -> Config:
    """Load the config from `path` (or the default place); defaults when there is none."""
    explicit = path is not None
    p = Path(path).expanduser() if path is not None else default_config_path()
    if not p.exists():
        if explicit:
            raise ConfigError(
                f"config file {p} does not exist. Create it (see config.example.toml) "
                "or leave out --config / TOEZEGGING_CONFIG to use the defaults."
            )
        return Config()
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigError(f"cannot read config file {p}: {e}.") from None
    return parse_config(text, p.resolve())
