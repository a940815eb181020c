"""`toezegging feeds build|token` and `toezegging serve` (pages and feeds over HTTP)."""

import os
import tempfile
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..errors import InvalidInput, NotFound
from . import complete
from . import format as fmt
from .context import Context
from .options import DATE

if TYPE_CHECKING:
    from ..config import Config, FeedConfig


def _feed(config: "Config", name: str) -> "FeedConfig":
    for f in config.feeds:
        if f.name == name:
            return f
    names = ", ".join(f.name for f in config.feeds) or "none"
    raise NotFound(f"there is no feed {name!r} in the config (feeds: {names}); add it as a [[feeds]] entry.")


def _base_url(config: "Config") -> str:
    base = config.server.base_url.rstrip("/")
    return base or f"http://{config.server.host}:{config.server.port}"


def write_atomically(path: Path, data: bytes) -> None:
    """Write `data` to `path` so a reader sees the old file or the new one, never half."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@click.group()
def feeds() -> None:
    """Calendar feeds: write them to files, manage private feed tokens."""


@feeds.command()
@click.option(
    "--out",
    "out",
    type=click.Path(file_okay=False),
    help="Directory to write NAME.ics into (created if missing). Default: [paths] feeds in the config.",
)
@fmt.json_option("the feeds written, one object each,", shape="array")
@click.pass_obj
def build(ctx: Context, out: str | None, as_json: bool) -> None:
    """Write every configured feed to OUT/NAME.ics, atomically.

    Private feeds are written too: do not publish OUT as it is when it holds them.
    """
    from .. import feed_queries
    from .. import feeds as feed_core

    config = ctx.config
    out_dir = Path(out) if out is not None else config.feeds_dir()
    if out_dir is None:
        raise InvalidInput("say where to write the feeds: --out DIR, or [paths] feeds in the config.")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise InvalidInput(f"cannot create the directory {out_dir}: {e.strerror}.") from None
    with ctx.session(read_only=True) as s:
        promises, counts = feed_queries.load_promises(s)
        history = feed_queries.recurring_history(s)
    lines: list = []  # printed after the progress bar (on a terminal only) is gone
    with fmt.Progress("Building feeds", length=len(config.feeds)) as bar:
        for feed in config.feeds:
            body = feed_core.build(
                promises, counts, feed, today=ctx.today, language=config.language, history=history
            )
            path = out_dir / f"{feed.name}.ics"
            try:
                write_atomically(path, body)
            except OSError as e:
                raise InvalidInput(f"cannot write {path}: {e.strerror}.") from None
            n = len(feed_core.select(promises, feed, ctx.today))
            if as_json:
                lines.append(
                    {
                        "feed": feed.name,
                        "path": str(path),
                        "promises": n,
                        "bytes": len(body),
                        "etag": feed_core.etag(body).strip('"'),
                        "private": feed.private,
                    }
                )
            else:
                note = " (private)" if feed.private else ""
                lines.append(f"{path}: {fmt.plural(n, 'promise')}{note}")
            bar.advance()
    if as_json:
        fmt.print_json(lines)
        return
    for line in lines:
        click.echo(line)


@feeds.command()
@click.argument("name", shell_complete=complete.feed_names)
@fmt.json_option("the token and the feed's private addresses")
@click.pass_obj
def token(ctx: Context, name: str, as_json: bool) -> None:
    """Create or rotate the secret token of private feed NAME.

    Prints the new token and the feed's private address once; the old token stops
    working. Only a hash of the token is stored.
    """
    from .. import feed_queries

    feed = _feed(ctx.config, name)
    if not feed.private:
        raise InvalidInput(
            f"feed {name!r} is not private; it is served without a token. "
            "Set private = true in its [[feeds]] entry to require one."
        )
    with ctx.session() as s:
        secret = feed_queries.rotate_token(s, name, ctx.now)
    url = f"{_base_url(ctx.config)}/feeds/{secret}/{name}.ics"
    if as_json:
        fmt.print_json(
            {"feed": name, "token": secret, "url": url, "webcal": f"webcal://{url.split('://', 1)[1]}"}
        )
        return
    click.echo(f"New token for feed {name!r} (shown only now; the old one no longer works):")
    click.echo(secret)
    click.echo(f"Private address: {url}")
    click.echo(f"Subscribe with:  webcal://{url.split('://', 1)[1]}")


@click.command()
@click.option("--host", default=None, help="Address to listen on. Default: [server] host (127.0.0.1).")
@click.option(
    "--port",
    default=None,
    type=click.IntRange(0, 65535),
    help="Port to listen on. Default: [server] port (8000).",
)
@click.option(
    "--today",
    type=DATE,
    default=None,
    help="Show the register as on this day (a demo, a look back). Default: today.",
)
@click.pass_obj
def serve(ctx: Context, host: str | None, port: int | None, today: date | None) -> None:
    """Serve the register's pages and calendar feeds over HTTP until interrupted (Ctrl-C).

    Pages: the overview at /, one page per promise and per ministry, and /feeds with a
    subscribe button per feed. Who may see them is set by [web] access.
    """
    from .. import feed_queries
    from ..web import run

    config = ctx.config
    host = host or config.server.host
    port = config.server.port if port is None else port
    with ctx.store(read_only=True) as store:
        with store.session() as s:
            tokens = feed_queries.token_hashes(s)
        _say_where(ctx, host, port, today, tokens)
        run(config, store, host, port, today=today)


def _say_where(ctx: Context, host: str, port: int, today: date | None, tokens: dict[str, str]) -> None:
    """Where the register is served, and what a reader needs (on standard error)."""
    config = ctx.config
    public = [f.name for f in config.feeds if not f.private]
    shown = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}/"
    click.echo(
        f"Serving the register on {shown} (the overview; feeds: {', '.join(public) or 'none public'})",
        err=True,
    )
    if today is not None:
        click.echo(f"Showing the register as on {today.isoformat()}.", err=True)
    if config.web.access == "token":
        click.echo(
            "The pages need the token of a private feed: open "
            f"{shown}?token=TOKEN (see `toezegging feeds token NAME`).",
            err=True,
        )
    for f in config.feeds:
        if f.private and f.name not in tokens:
            click.echo(
                f"Private feed {f.name!r} has no token yet, so nobody can read it; "
                f"run: toezegging feeds token {f.name}",
                err=True,
            )
