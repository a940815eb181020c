"""`toezegging site build DIR`: the register's pages as a static site (the work is in
`toezegging.pages.site`)."""

from datetime import date
from pathlib import Path

import click

from ..errors import InvalidInput
from . import format as fmt
from .context import Context
from .feeds import write_atomically
from .options import DATE


@click.group()
def site() -> None:
    """The register's pages as a static site, to publish on any web host."""


def _old_files(folder: Path) -> list[str]:
    """What an earlier build wrote here; refuses a folder that holds anything else."""
    from ..pages.site import MARKER, read_manifest

    if folder.exists() and not folder.is_dir():
        raise InvalidInput(f"{folder} is a file; give `site build` a folder.")
    marker = folder / MARKER
    if marker.is_file():
        return read_manifest(marker.read_text(encoding="utf-8"))
    if folder.is_dir() and any(folder.iterdir()):
        raise InvalidInput(
            f"{folder} is not empty and was not written by `site build`; give a new or "
            "empty folder (a folder it wrote before is updated in place)."
        )
    return []


@site.command()
@click.argument("folder", metavar="DIR", type=click.Path(path_type=Path))
@click.option("--today", type=DATE, default=None, help="Show the register as on this day. Default: today.")
@click.option(
    "--base-url",
    default=None,
    metavar="URL",
    help="The address the site's feeds are published at, for webcal:// buttons "
    "(e.g. https://example.org/toezeggingen). Default: [server] base_url.",
)
@fmt.json_option("what was written")
@click.pass_obj
def build(ctx: Context, folder: Path, today: date | None, base_url: str | None, as_json: bool) -> None:
    """Write the overview, a page per promise and per ministry, the feeds page, the
    public feeds and the CSS/JS into DIR, with relative links.

    Open DIR/index.html from disk, or publish DIR on any web host. The same register
    on the same day gives the same bytes. Private feeds are never written; the pages
    show what the public feeds show. Rebuilding into the same DIR replaces the files
    of the previous build and removes those no longer needed.
    """
    from .. import feed_queries
    from ..pages.site import files

    config = ctx.config
    today = today or ctx.today
    base = (config.server.base_url if base_url is None else base_url).rstrip("/")
    if base and not base.startswith(("http://", "https://")):
        raise InvalidInput(f"--base-url {base!r} must start with http:// or https://.")
    old = _old_files(folder)
    with ctx.session(read_only=True) as s:
        promises, counts = feed_queries.load_promises(s)
        changes = feed_queries.load_changes(s)
    written = files(promises, counts, changes, config, today=today, base_url=base)
    _write(folder, written, old)
    _say_written(folder, written, today, as_json)


def _write(folder: Path, written: dict[str, bytes], old: list[str]) -> None:
    """Write the site's files, and remove those of the previous build no longer needed."""
    from ..pages.site import MARKER, manifest

    try:
        for rel in sorted(set(old) - set(written)):
            path = folder / rel
            if path.is_file() and not path.is_symlink():
                path.unlink()
        for rel, data in written.items():
            path = folder / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomically(path, data)
        write_atomically(folder / MARKER, manifest(written))
    except OSError as e:
        raise InvalidInput(f"cannot write the site into {folder}: {e.strerror}.") from None


def _say_written(folder: Path, written: dict[str, bytes], today: date, as_json: bool) -> None:
    pages = sum(1 for p in written if p.endswith(".html"))
    feeds = [p for p in written if p.endswith(".ics")]
    if as_json:
        fmt.print_json(
            {
                "folder": str(folder),
                "today": today.isoformat(),
                "files": len(written),
                "pages": pages,
                "bytes": sum(len(d) for d in written.values()),
                "feeds": feeds,
            }
        )
        return
    click.echo(
        f"Wrote {len(written)} files into {folder}/ as on {today.isoformat()}: "
        f"{pages} pages, {len(feeds)} feeds."
    )
    click.echo(f"Open {folder / 'index.html'} in a browser, or publish {folder}/ on a web host.")
