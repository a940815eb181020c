"""What each page shows, put together from the register: the overview (counts, the
timeline, the table), a promise, a ministry, the feeds. Each method returns the page's
HTML; the web server (`web.py`) and the static site (`site.py`) both call them.
"""

import math
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from .. import feeds as feed_core
from .. import mail, reminders
from ..status import Status
from ..text import title as short_title
from .register import Filters, Item, Register
from .render import Links, Say, render
from .timeline import Lane, Row, Scale, Span

if TYPE_CHECKING:
    from ..config import Config, FeedConfig
    from ..model import DeadlineChange

PREVIEW = 110  # characters of a promise's text in a bar's label or a table cell


@dataclass
class FeedLink:
    name: str
    title: str
    description: str
    count: int
    file: str  # a link relative to the page (the .ics itself)
    url: str = ""  # the absolute http(s) address, when known
    webcal: str = ""
    private: bool = False


@dataclass
class Axis:
    ticks: list
    today_x: float
    today_label: str


class Pages:
    """The pages of one register, for one reader.

    `feeds` are the feeds this reader may see (the public ones, and the private feed
    whose token they gave); `base_url` the absolute address the server is reached at
    ("" when unknown, as in a static site without one); `token` the reader's private
    token, which goes into the private feed's address on the feeds page.
    """

    def __init__(
        self,
        register: Register,
        config: "Config",
        *,
        feeds: "list[FeedConfig]",
        base_url: str = "",
        token: str = "",
        static: bool = False,
    ) -> None:
        self.reg = register
        self.config = config
        self.today = register.today
        self.feed_configs = feeds
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.links = Links(static=static)
        self.say = Say(config.language)
        self.zone = ZoneInfo(config.reminders.timezone)
        self.t = self.say.t

    # ------------------------------------------------------------------ shared

    def _page(self, template: str, links: Links, title: str, **context: Any) -> str:
        return render(
            template,
            t=self.t,
            say=self.say,
            links=links,
            title=title,
            lang=self.config.language,
            today=self.today,
            static=self.links.static,
            private=self.reg.private,
            current=template.split(".")[0],
            short=lambda text: short_title(text, PREVIEW),
            **context,
        )

    def _axis(self, scale: Scale) -> Axis:
        return Axis(
            scale.ticks(self.t["months_short"]),
            scale.x(self.today),
            f"{self.t['today']} {self.today.day} {self.t['months_short'][self.today.month - 1]}",
        )

    def _scale(self, items: list[Item]) -> Scale:
        days = [self.today]
        for i in items:
            if i.windowed:
                days += [i.p.earliest or i.latest, i.latest]
                days += [d for g in i.ghosts for d in g if d is not None]
        return Scale.spanning(days)

    def _row(self, i: Item, scale: Scale, links: Links) -> Row:
        p, t = i.p, self.t
        if i.windowed:
            bar = scale.span(p.earliest, i.latest)
            css = "overdue" if i.overdue else "soon" if i.soon else "open" if i.is_open else "closed"
        else:
            start = scale.x(p.reference) if p.reference else 0.0
            bar, css = Span(start, round(100 - start, 3)), "waiting" if i.is_open else "ended"
        marks = []
        if i.overdue:
            marks.append(f"⚠ {t['overdue']}")
        elif not i.is_open:
            marks.append(("✓ " if p.status == Status.FULFILLED else "") + self.say.status(p.status))
        label = " · ".join([f"#{p.id}", *marks, short_title(p.text, PREVIEW)])
        detail = "; ".join(
            x
            for x in (
                self.say.window(p),
                self.say.state(i, self.today),
                self.say.moved(i.moves) if i.moves else "",
            )
            if x
        )
        ghosts = [scale.span(e, last) for e, last in i.ghosts] if i.windowed else []
        return Row(
            label=label, detail=detail, css=css, bar=bar, href=links.promise(i.id), ghosts=ghosts, pid=p.id
        )

    def _lanes(self, items: list[Item], links: Links) -> tuple[list[Lane], Axis]:
        """The timeline of `items` (already ordered): one lane per ministry, then the
        promises waiting on an event in a lane of their own."""
        scale = self._scale(items)
        lanes: list[Lane] = []
        for i in items:
            if not i.windowed:
                continue
            if not lanes or lanes[-1].id != f"m-{i.slug}":
                lanes.append(
                    Lane(
                        title=i.ministry or self.t["no_ministry"],
                        rows=[],
                        href=links.ministry(i.slug),
                        id=f"m-{i.slug}",
                    )
                )
            lanes[-1].rows.append(self._row(i, scale, links))
        waiting = [self._row(i, scale, links) for i in items if not i.windowed]
        if waiting:
            ov = self.t["overview"]
            lanes.append(
                Lane(title=ov["lane_waiting"], rows=waiting, note=ov["lane_waiting_note"], id="waiting")
            )
        return lanes, self._axis(scale)

    # ------------------------------------------------------------------ pages

    def overview(self, f: Filters, page_size: int) -> str:
        links = self.links.at(0)
        matching = self.reg.matching(f)
        counts = self.reg.counts(matching)
        shown = self.reg.ordered(self.reg.shown(matching, f.show))
        pages = pages_in(len(shown), page_size)
        page = min(f.page, pages)
        chunk = shown[(page - 1) * page_size : page * page_size]
        lanes, axis = self._lanes(chunk, links)
        nav = {
            "previous": links.overview(f.query(page=page - 1), page - 1) if page > 1 else "",
            "next": links.overview(f.query(page=page + 1), page + 1) if page < pages else "",
        }
        return self._page(
            "overview.html.j2",
            links,
            self.t["overview"]["title"],
            filters=f,
            counts=counts,
            lanes=lanes,
            axis=axis,
            items=chunk,
            total=len(shown),
            first=(page - 1) * page_size + 1 if chunk else 0,
            last=(page - 1) * page_size + len(chunk),
            page=page,
            pages=pages,
            nav=nav,
            ministries=self.reg.ministries,
            tags=self.reg.tags,
            owners=self.reg.owners,
            shows=[(k, v) for k, v in self.t["show"].items()],
            count_link=lambda show: links.overview(
                Filters(ministry=f.ministry, tag=f.tag, owner=f.owner, text=f.text, show=show).query()
            ),
            clear=links.overview(),
        )

    def promise(self, promise_id: int) -> str | None:
        item = self.reg.by_id.get(promise_id)
        if item is None:
            return None
        links = self.links.at(1)
        lanes, axis = self._history(item)
        in_feeds = [
            link
            for link, feed in zip(self.feed_links(links), self.feed_configs, strict=True)
            if self._in_feed(item, feed)
        ]
        return self._page(
            "promise.html.j2",
            links,
            self.t["promise"]["title"].format(id=promise_id),
            item=item,
            p=item.p,
            lanes=lanes,
            axis=axis,
            draft=self.draft(item),
            in_feeds=in_feeds,
            changed_on=self.changed_on,
        )

    def ministry(self, slug: str) -> str | None:
        figures = self.reg.ministry(slug)
        if figures is None:
            return None
        links = self.links.at(1)
        open_items = self.reg.ordered(i for i in figures.items if i.is_open)
        cap = self.config.web.page_size
        lanes, axis = self._lanes(open_items[:cap], links)
        for lane in lanes:
            if lane.id != "waiting":
                lane.title = ""  # the page's own heading says it
        name = figures.name or self.t["no_ministry"]
        return self._page(
            "ministry.html.j2",
            links,
            name,
            m=figures,
            name=name,
            lanes=lanes,
            axis=axis,
            items=open_items[:cap],
            more=len(open_items) > cap,
            overview=links.overview(Filters(ministry=figures.name).query()),
        )

    def feeds(self) -> str:
        links = self.links.at(0)
        return self._page("feeds.html.j2", links, self.t["feeds"]["title"], feeds=self.feed_links(links))

    def message(self, title: str, text: str) -> str:
        """A page with one message (no access, not found)."""
        return self._page("message.html.j2", self.links.at(0), title, text=text)

    # ------------------------------------------------------------------ parts

    def feed_links(self, links: Links) -> list[FeedLink]:
        out = []
        for feed in self.feed_configs:
            title, desc = feed_core.feed_title(feed)
            path = f"feeds/{self.token}/{feed.name}.ics" if feed.private else f"feeds/{feed.name}.ics"
            url = f"{self.base_url}/{path}" if self.base_url else ""
            webcal = "webcal://" + url.split("://", 1)[1] if url else ""
            key = ("feed count", feed.name)
            if key not in self.reg.memo:  # counted once per register, not once per page
                self.reg.memo[key] = sum(1 for i in self.reg.items if self._in_feed(i, feed))
            count = self.reg.memo[key]
            file = links.feed_file(feed.name) if not feed.private else links._root + path
            out.append(FeedLink(feed.name, title, desc, count, file, url, webcal, feed.private))
        return out

    def _in_feed(self, item: Item, feed: "FeedConfig") -> bool:
        return item.windowed and feed_core.matches(item.p, feed, self.today)

    def changed_on(self, change: "DeadlineChange") -> date:
        """The day (in the configured zone) a history row was written."""
        return change.changed_at.astimezone(self.zone).date()

    def draft(self, item: Item) -> str | None:
        """The written questions a reminder about `item` would carry today (open only);
        a template that cannot be rendered says why instead."""
        if not item.is_open:
            return None

        cfg = self.config
        templates = cfg.templates_dir()
        kind = reminders.stage(item.p, self.today, cfg.reminders)
        try:
            ctx = mail.context(
                item.p,
                item.changes,
                kind,
                self.today,
                cfg.mail.language,
                deadline=reminders.deadline_for(item.p, self.today),
                timezone=cfg.reminders.timezone,
                templates=templates,
            )
            return mail.draft_questions(ctx, cfg.mail.language, templates).strip("\n")
        except mail.RenderError as e:
            return str(e)

    def _history(self, item: Item) -> tuple[list[Lane], Axis]:
        """The promise's windows over time: the original, then one row per change."""
        p, t = item.p, self.t["promise"]
        states = []  # (label, first day, last day or None, the day it began)
        moves = [c for c in item.changes if getattr(c, "kind", None) != "status"]
        first = moves[0] if moves else None
        original = (
            (first.old_deadline, first.old_earliest, first.old_latest)
            if first
            else (p.deadline, p.earliest, None if p.open_ended else p.latest)
        )
        states.append((t["original"].format(phrase=original[0]), original[1], original[2], p.reference))
        for c in moves:
            when = self.changed_on(c)
            label = f"{self.say.day(when)}: {self.say.kind(c)} → “{c.new_deadline}”"
            states.append((label, c.new_earliest, c.new_latest, when))
        days = [self.today] + [d for s in states for d in (s[1], s[2]) if d is not None]
        days += [s[3] for s in states if s[2] is None and s[3] is not None]
        scale = Scale.spanning(days)
        rows = []
        for n, (label, first_day, last_day, when) in enumerate(states):
            css = "now" if n == len(states) - 1 else "past"
            if last_day is None:
                start = scale.x(when) if when else 0.0
                bar, css = Span(start, round(100 - start, 3)), "waiting"
            else:
                bar = scale.span(first_day, last_day)
                label += f" ({self.say.span(first_day, last_day)})"
            if n == len(states) - 1 and item.overdue:
                css = "overdue"
            rows.append(Row(label=label, css=css, bar=bar))
        lane = Lane(title="", rows=rows, id="history")
        return [lane], self._axis(scale)


def pages_in(total: int, page_size: int) -> int:
    return max(1, math.ceil(total / page_size))
