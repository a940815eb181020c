"""The static site: every page of the register as files, with relative links, the
public feeds and the assets, so the folder can be put on any web host or opened from
disk. A pure function: the same promises, history, config and day give the same bytes.

    index.html, index-2.html, ...   the overview (open promises), paged
    promises/ID.html                one page per promise
    ministries/SLUG.html            one page per ministry
    feeds.html                      the feeds, with subscribe buttons and how-to
    feeds/NAME.ics                  the public feeds (a private feed never)
    static/style.css, static/app.js

The site shows what the public feeds show, whatever `[web] access` says: it is meant
for publishing. Filters need the server; on disk each ministry has its own page.
"""

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING

from .. import feeds as feed_core
from .register import Filters, Register
from .render import ASSETS, asset
from .views import Pages, pages_in

if TYPE_CHECKING:
    from ..config import Config
    from ..model import DeadlineChange, Promise

MARKER = ".toezegging-site"  # lists the files a build wrote: the only ones a rebuild removes


def files(
    promises: "list[Promise]",
    counts: dict[int, int],
    changes: "dict[int, list[DeadlineChange]]",
    config: "Config",
    *,
    today: date,
    base_url: str = "",
) -> dict[str, bytes]:
    """Every file of the site, by its path relative to the site's folder (sorted)."""
    public = [f for f in config.feeds if not f.private]
    shown = [p for p in promises if any(feed_core.matches(p, f, today) for f in public)]
    reg = Register(shown, changes, today)
    pages = Pages(reg, config, feeds=public, base_url=base_url, static=True)
    out: dict[str, bytes] = {}
    size = config.web.page_size
    first = Filters()
    total = len(reg.shown(reg.matching(first), first.show))
    for n in range(1, pages_in(total, size) + 1):
        name = "index.html" if n == 1 else f"index-{n}.html"
        out[name] = pages.overview(Filters(page=n), size).encode("utf-8")
    for item in reg.items:
        out[f"promises/{item.id}.html"] = _utf8(pages.promise(item.id))
    for _, slug in reg.ministries:
        out[f"ministries/{slug}.html"] = _utf8(pages.ministry(slug))
    out["feeds.html"] = pages.feeds().encode("utf-8")
    for feed in public:
        out[f"feeds/{feed.name}.ics"] = feed_core.build(
            promises, counts, feed, today=today, language=config.language, history=changes
        )
    for name in ASSETS:
        out[f"static/{name}"] = asset(name)
    return dict(sorted(out.items()))


def _utf8(page: str | None) -> bytes:
    assert page is not None  # a page of the register's own promises and ministries
    return page.encode("utf-8")


def manifest(paths: Iterable[str]) -> bytes:
    """The marker's content: what this build wrote, one path a line."""
    return (
        "# Written by `toezegging site build`; a rebuild removes only these files.\n"
        + "".join(f"{p}\n" for p in sorted(paths))
    ).encode("utf-8")


def read_manifest(text: str) -> list[str]:
    return [line for line in text.splitlines() if line and not line.startswith("#")]
