"""The register's pages over real HTTP (uvicorn on 127.0.0.1), the view data behind them,
access by token, and the static site. The same pages in a real browser: test_pages_browser.py."""

import gzip
import re
from datetime import UTC, date, datetime, timedelta
from html.parser import HTMLParser
from types import SimpleNamespace

import pytest
from click.testing import CliRunner
from pages_data import BZK, JENV, OCW, OPEN, OVERDUE, TODAY, VISIBLE, fill
from pages_data import CONFIG as PAGES_CONFIG
from served import Served

from toezegging import feed_queries
from toezegging.cli import cli
from toezegging.config import parse_config
from toezegging.errors import ConfigError
from toezegging.pages.register import Filters, Register, slugify
from toezegging.pages.site import files as site_files
from toezegging.pages.timeline import Scale

TODAY_MOMENT = datetime(2026, 12, 1, 9, tzinfo=UTC)


class Page(HTMLParser):
    """What a test reads of a page: the ids of the timeline's bars (by state), the rows
    of the table, every link, and the text."""

    def __init__(self, html: str):
        super().__init__()
        self.bars: dict[int, str] = {}
        self.table: list[int] = []
        self.links: list[str] = []
        self.srcs: list[str] = []
        self.text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and "data-id" in a:
            self.bars[int(a["data-id"])] = a["data-state"]
        if tag == "tr" and "data-id" in a:
            self.table.append(int(a["data-id"]))
        if tag == "a" and "href" in a:
            self.links.append(a["href"])
        if tag in ("link", "script") and (a.get("href") or a.get("src")):
            self.srcs.append(a.get("href") or a.get("src"))

    def handle_data(self, data):
        self.text.append(data)

    @property
    def all_text(self) -> str:
        return " ".join(" ".join(self.text).split())


@pytest.fixture
def site(store, tmp_path):
    """Serve the register of pages_data on TODAY with the given config options."""
    fill(store)
    running = []

    def start(language="nl", access="public", base_url="", page_size=200):
        text = PAGES_CONFIG.format(
            language=language, url=store.url, base_url=base_url, access=access, page_size=page_size
        )
        path = tmp_path / "toezegging.toml"
        path.write_text(text)
        s = Served(parse_config(text, path), store, lambda: None, today=TODAY)
        s.config_path = path
        running.append(s)
        return s

    yield start
    for s in running:
        s.stop()


def _page(s, path, headers=None, status=200) -> tuple[Page, dict, str]:
    got, h, body = s.get(path, headers)
    assert got == status, (path, got, body[:300])
    html = body.decode("utf-8")
    return Page(html), h, html


# ----------------------------------------------------------------------------- the overview


def test_the_overview_counts_and_draws_the_open_promises(site):
    s = site()
    page, h, html = _page(s, "/")
    assert h["content-type"] == "text/html; charset=utf-8"
    assert "default-src 'self'" in h["content-security-policy"]
    assert set(page.bars) == OPEN and set(page.table) == OPEN
    assert {i for i, state in page.bars.items() if state == "overdue"} == OVERDUE
    assert page.bars[5] == "waiting" and page.bars[2] == "soon"
    counts = re.findall(r'<span class="n">(\d+)</span>\s*<span class="what">(?:⚠ )?([^<]+)</span>', html)
    assert counts == [
        ("7", "open"),
        ("2", "verlopen"),
        ("1", "binnen 30 dagen"),
        ("1", "wachten op een gebeurtenis"),
        ("1", "twee keer of vaker uitgesteld"),
    ]
    # overdue bars are marked by more than colour: a hatch pattern and the word
    for pid in OVERDUE:
        row = re.search(rf'data-id="{pid}".*?</a>', html, re.S).group(0)
        assert 'fill="url(#timeline-hatch)"' in row and "⚠ verlopen" in row
    assert "Stand van 1 december 2026" in page.all_text


def test_ghosts_are_earlier_deadlines_before_a_postponement_only(site):
    s = site()
    _, _, html = _page(s, "/")

    def row(pid):
        return re.search(rf'data-id="{pid}".*?</a>', html, re.S).group(0)

    assert row(3).count('class="ghost"') == 2  # postponed twice
    assert row(4).count('class="ghost"') == 0  # a correction is no move
    assert row(11).count('class="ghost"') == 0  # a status change is no move


def test_groups_by_ministry_with_events_in_a_lane_of_their_own(site):
    s = site()
    page, _, html = _page(s, "/")
    headings = re.findall(r'<h3 id="timeline-[^"]+">(?:<a href="([^"]+)">)?([^<]+)', html)
    assert [t.strip() for _, t in headings] == [BZK, JENV, "Zonder ministerie", "Wachten op een gebeurtenis"]
    assert headings[0][0] == "ministries/binnenlandse-zaken-en-koninkrijksrelaties"
    # within a ministry by deadline
    assert list(page.bars)[:4] == [1, 2, 11, 4]


@pytest.mark.parametrize(
    "query, expected",
    [
        ("status=all", VISIBLE),
        ("status=overdue", OVERDUE),
        ("status=soon", {2}),
        ("status=waiting", {5}),
        ("status=moved", {3}),
        ("status=fulfilled", {6, 7}),
        (f"ministry={JENV.replace(' ', '+')}", {3, 4}),
        ("ministry=justitie-en-veiligheid&status=all", {3, 4, 9}),
        ("tag=woo", {1, 2}),
        ("q=STALKING", {4}),
        ("q=Woo&status=overdue", {1}),
        ("status=bogus", OPEN),
    ],
    ids=lambda v: str(v),
)
def test_filters_live_in_the_url(site, query, expected):
    s = site()
    page, _, html = _page(s, f"/?{query}")
    assert set(page.bars) == expected and set(page.table) == expected
    if "bogus" in query:
        assert "Onbekende keuze “bogus”" in html


def test_the_counts_follow_the_filters_but_not_the_status(site):
    s = site()
    _, _, html = _page(s, "/?ministry=Justitie+en+Veiligheid&status=overdue")
    counts = re.findall(r'<span class="n">(\d+)</span>', html)[:5]
    assert counts == ["2", "1", "0", "0", "1"]
    assert 'href="./?ministry=Justitie+en+Veiligheid&amp;status=moved"' in html


def test_the_owner_filter_and_owners_are_private(site):
    s = site()  # public
    page, _, html = _page(s, "/?owner=staf@example.org&status=all")
    assert set(page.bars) == VISIBLE  # ignored: owners are not public
    assert "staf@example.org" not in html and 'name="owner"' not in html


def test_text_is_escaped_everywhere(site):
    s = site()
    for path in ("/", "/promises/8", "/?q=%3Cscript%3E"):
        _, _, html = _page(s, path)
        assert "<script>alert" not in html and "<b>vet</b>" not in html
        assert "&lt;script&gt;" in html or path == "/?q=%3Cscript%3E"


def test_a_page_of_a_long_register_holds_page_size_promises(store, tmp_path):
    fill(store)
    from toezegging.model import Promise

    with store.session() as s:
        for n in range(100, 160):
            s.add(
                Promise(
                    id=n,
                    text=f"Toezegging nummer {n}",
                    deadline="eind 2027",
                    reference=TODAY,
                    earliest=date(2027, 1, 1),
                    latest=date(2027, 12, 31),
                    kind="part",
                    ministry=OCW,
                    created_at=TODAY_MOMENT,
                    updated_at=TODAY_MOMENT,
                )
            )
    text = PAGES_CONFIG.format(language="nl", url=store.url, base_url="", access="public", page_size=25)
    s = Served(parse_config(text), store, lambda: None, today=TODAY)
    try:
        first, _, html = _page(s, "/")
        assert len(first.bars) == 25 and "Pagina 1 van 3" in html
        assert 'rel="next" href="./?page=2"' in html
        third, _, _ = _page(s, "/?page=3")
        assert len(third.bars) == len(OPEN) + 60 - 50
        seen = set(first.bars) | set(_page(s, "/?page=2")[0].bars) | set(third.bars)
        assert seen == OPEN | set(range(100, 160))
        assert set(_page(s, "/?page=99")[0].bars) == set(third.bars)  # past the end: the last
    finally:
        s.stop()


def test_pages_are_gzipped_when_accepted(site):
    s = site()
    _, h, body = s.get("/", {"Accept-Encoding": "gzip"})
    assert h["content-encoding"] == "gzip" and b"<!doctype html>" in gzip.decompress(body)
    _, h, body = s.get("/static/style.css", {"Accept-Encoding": "gzip"})
    assert h["content-encoding"] == "gzip"


# ----------------------------------------------------------------------------- one promise


def test_a_promise_page_shows_everything_about_it(site):
    s = site()
    page, _, html = _page(s, "/promises/1")
    text = page.all_text
    for part in (
        "De minister stuurt de Kamer een brief over de Woo-verzoeken.",
        "“voor de zomer”",
        "1 juni 2026 t/m 30 september 2026",
        "Voor de zomer: voor het zomerreces.",
        "Commissiedebat Woo",
        "Kamerstuk 36 811",
        "TZ202601-001",
        "⚠ verlopen sinds 30 september 2026",
        "Vragen van het lid Van der Werf (D66)",
    ):
        assert part in text, part
    assert "https://www.tweedekamer.nl/toezegging/TZ1" in page.links
    assert "staf@example.org" not in html and "geheime notitie" not in html  # public
    assert re.search(r'<pre class="draft" id="draft"[^>]*>Vragen van het lid', html)
    assert "../feeds#feed-alle" in page.links and "../feeds#feed-verlopen" in page.links
    assert "../ministries/binnenlandse-zaken-en-koninkrijksrelaties" in page.links


def test_a_promise_page_shows_its_history_as_a_timeline(site):
    s = site()
    page, _, html = _page(s, "/promises/3")
    steps = re.findall(r'<div class="step" data-state="(\w+)">', html)
    assert steps == ["past", "past", "now"]
    assert "Het advies van de Raad van State kwam later." in page.all_text
    corrected, _, html4 = _page(s, "/promises/4")
    assert "gecorrigeerd" in corrected.all_text
    assert re.findall(r'<div class="step" data-state="(\w+)">', html4) == ["past", "overdue"]


def test_closed_and_waiting_promises(site):
    s = site()
    page, _, html = _page(s, "/promises/6")
    assert "er zijn geen vragen opgesteld" in page.all_text and 'id="draft"' not in html
    page, _, _ = _page(s, "/promises/5")
    assert "wacht op een gebeurtenis" in page.all_text
    assert "Deze toezegging staat in geen agenda" in page.all_text


def test_a_recurring_promise_page_says_its_rule_and_no_file_name(site, store):
    """Issue 12 (items 2 and 4): the rule in words with the next deadline, each fulfilled
    occurrence in the history, and the letter's formal source, never its file name."""
    from pages_data import _change, _p

    with store.session() as s:
        s.add(
            _p(
                12,
                "De minister rapporteert jaarlijks over de voortgang.",
                date(2026, 1, 22),
                date(2027, 1, 22),
                OCW,
                deadline="jaarlijks",
                recurrence="FREQ=YEARLY",
                kind="relative",
                source="kabinetsreactie-initiatiefnota.txt",
                kamerstuk="31293-700",
                reference=date(2025, 1, 22),
            )
        )
        s.flush()
        s.add(
            _change(
                12,
                date(2026, 2, 3),
                ("jaarlijks", date(2025, 1, 22), date(2026, 1, 22)),
                ("jaarlijks", date(2026, 1, 22), date(2027, 1, 22)),
                kind="occurrence",
                reason="Kamerstuk 31293-710",
                old_status="open",
                new_status="fulfilled",
            )
        )
    page, _, html = _page(site(), "/promises/12")
    text = page.all_text
    assert "herhaalt elk jaar; eerstvolgende: 22 januari 2027" in text
    assert "keer voldaan" in text and "Kamerstuk 31293-710" in text
    assert "Kamerstuk 31293-700" in text
    assert "kabinetsreactie-initiatiefnota" not in html and "FREQ" not in html


@pytest.mark.parametrize(
    "path", ["/promises/10", "/promises/999", "/promises/x", "/ministries/nope", "/nope"]
)
def test_unknown_and_removed_promises_are_not_found(site, path):
    s = site()
    status, _, body = s.get(path)
    assert status == 404 and b"Woo" not in body and b"verwijderde" not in body


# ----------------------------------------------------------------------------- ministries, feeds


def test_a_ministry_page_has_its_figures(site):
    s = site()
    page, _, html = _page(s, "/ministries/onderwijs-cultuur-en-wetenschap")
    figures = dict(re.findall(r"<dt>([^<]+)</dt><dd>(?:⚠ )?([^<]+)</dd>", html))
    assert figures == {
        "gedaan": "3",
        "op tijd nagekomen": "1",
        "te laat nagekomen": "1",
        "open": "1",
        "verlopen": "0",
        "mediaan dagen te laat": "32",
    }
    jenv, _, html = _page(s, "/ministries/justitie-en-veiligheid")
    figures = dict(re.findall(r"<dt>([^<]+)</dt><dd>(?:⚠ )?([^<]+)</dd>", html))
    # 4 is 154 days past its deadline; 3 is past its first deadline (31 March) by 245
    assert figures["verlopen"] == "1" and figures["mediaan dagen te laat"] == "199,5"
    assert re.search(r"#3 Het wetsvoorstel over femicide[^<]*</a> — 2 keer uitgesteld", html)
    assert set(jenv.bars) == {3, 4}


def test_the_feeds_page_has_a_webcal_button_per_public_feed(site):
    s = site(base_url="https://toezegging.example.org")
    page, _, html = _page(s, "/feeds")
    assert "webcal://toezegging.example.org/feeds/alle.ics" in page.links
    assert "webcal://toezegging.example.org/feeds/verlopen.ics" in page.links
    assert "/team.ics" not in html
    for app in ("Outlook", "Google Agenda", "Apple Agenda", "Thunderbird"):
        assert f"<h3>{app}</h3>" in html


def test_english_pages(site):
    s = site(language="en")
    page, _, html = _page(s, "/")
    assert '<html lang="en">' in html and "overdue" in page.all_text
    assert "As of 1 December 2026" in page.all_text
    page, _, _ = _page(s, "/promises/1")
    assert "Questions from the member Van der Werf (D66)" in page.all_text
    assert "Deadline as said" in page.all_text and "Vragen" not in page.all_text


# ----------------------------------------------------------------------------- access by token


def _token(config_path, name="team") -> str:
    r = CliRunner().invoke(cli, ["--config", str(config_path), "feeds", "token", name])
    assert r.exit_code == 0, r.output
    return r.output.splitlines()[1]


def test_token_access_asks_once_then_keeps_a_cookie(site):
    s = site(access="token")
    token = _token(s.config_path)
    for path in ("/", "/promises/1", "/feeds", "/ministries/justitie-en-veiligheid"):
        status, h, body = s.get(path)
        assert status == 403 and b"Toegangscode nodig" in body and b"Woo" not in body, path
        assert h["cache-control"] == "private, no-store"
    status, _, body = s.get("/?token=" + "A" * 43)
    assert status == 403 and b"niet (meer) geldig" in body
    status, h, _ = s.get(f"/promises/1?token={token}&x=1")
    assert status == 303 and h["location"] == "./1?x=1"  # the token leaves the address
    cookie = h["set-cookie"]
    assert f"toezegging_token={token}" in cookie and "HttpOnly" in cookie
    assert "SameSite=lax" in cookie and "Path=/" in cookie
    status, h, _ = s.get(f"/ministries/https:evil.example?token={token}")
    assert status == 303 and h["location"] == "./https:evil.example"  # never another site
    status, h, _ = s.get(f"/?token={token}")
    assert status == 303 and h["location"] == "./"
    jar = {"Cookie": f"toezegging_token={token}"}
    page, h, html = _page(s, "/promises/1", jar)
    assert "staf@example.org" in html and "geheime notitie" in html  # private: owner, notes
    assert h["referrer-policy"] == "no-referrer"
    page, _, html = _page(s, "/?owner=staf@example.org&status=all", jar)
    assert set(page.bars) == {1, 4} and 'name="owner"' in html
    page, _, html = _page(s, "/feeds", jar)
    assert f"/feeds/{token}/team.ics" in html
    # a rotated token no longer opens the pages
    _token(s.config_path)
    status, _, body = s.get("/", jar)
    assert status == 403 and b"niet (meer) geldig" in body
    assert s.get("/static/style.css")[0] == 200  # no data in the assets


def test_public_pages_show_what_the_public_feeds_show(store, tmp_path):
    fill(store)
    text = PAGES_CONFIG.format(language="nl", url=store.url, base_url="", access="public", page_size=200)
    text = text.replace(
        'name = "alle"\ntitle = "Alle toezeggingen"', 'name = "alle"\ntitle = "Woo"\ntag = ["woo"]'
    )
    s = Served(parse_config(text), store, lambda: None, today=TODAY)
    try:
        page, _, _ = _page(s, "/?status=all")
        assert set(page.bars) == {1, 2, 4}  # the woo feed, and the overdue feed (1, 4)
        assert s.get("/promises/3")[0] == 404
    finally:
        s.stop()


# ----------------------------------------------------------------------------- the static site


def _site_files(store, tmp_path, **kw):
    text = PAGES_CONFIG.format(language="nl", url=store.url, base_url="", access="token", page_size=200)
    config = parse_config(text)
    with store.session() as s:
        promises, counts = feed_queries.load_promises(s)
        changes = feed_queries.load_changes(s)
    return site_files(promises, counts, changes, config, today=TODAY, **kw)


def test_the_static_site_has_every_page_with_relative_links(store, tmp_path):
    fill(store)
    out = _site_files(store, tmp_path)
    assert {p for p in out if p.startswith("promises/")} == {f"promises/{i}.html" for i in VISIBLE}
    assert "feeds/team.ics" not in out and "feeds/alle.ics" in out
    assert {
        "index.html",
        "feeds.html",
        "static/style.css",
        "static/app.js",
        "ministries/justitie-en-veiligheid.html",
        "ministries/none.html",
    } <= set(out)
    for path, data in out.items():
        if not path.endswith(".html"):
            continue
        html = data.decode()
        page = Page(html)
        assert "staf@example.org" not in html and "geheime notitie" not in html  # public view
        for link in page.links + page.srcs:
            if link.startswith(("https://", "webcal://", "data:", "#")):
                continue
            assert not link.startswith("/") and "://" not in link, (path, link)
            target = re.sub(r"[?#].*", "", link)
            resolved = _resolve(path, target)
            assert resolved in out, (path, link, resolved)


def _resolve(page: str, link: str) -> str:
    parts = page.split("/")[:-1]
    for piece in link.split("/"):
        if piece == "..":
            parts.pop()
        elif piece not in (".", ""):
            parts.append(piece)
    return "/".join(parts)


def test_the_static_site_has_deterministic_bytes(store, tmp_path):
    fill(store)
    assert _site_files(store, tmp_path) == _site_files(store, tmp_path)


def test_site_build_writes_rebuilds_and_refuses_a_foreign_folder(toezegging_cli, tmp_path, database_url):
    from toezegging.store import Store

    store = Store(database_url)
    store.create_schema()
    fill(store)
    store.dispose()
    out = tmp_path / "site"
    r = toezegging_cli("site", "build", str(out), "--today", "2026-12-01")
    assert "Wrote 21 files" in r.output and (out / "index.html").is_file()
    first = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    (out / "promises" / "999.html").write_text("old")  # not of the build: stays
    toezegging_cli("site", "build", str(out), "--today", "2026-12-01")
    again = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert {k: v for k, v in again.items() if k.name != "999.html"} == first
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "thesis.txt").write_text("precious")
    r = toezegging_cli("site", "build", str(foreign), expect=1)
    assert "not empty and was not written by `site build`" in r.output
    assert (foreign / "thesis.txt").read_text() == "precious"
    r = toezegging_cli("site", "build", str(out), "--base-url", "ftp://x", expect=1)
    assert "must start with http:// or https://" in r.output


# ----------------------------------------------------------------------------- view data


def _row(id, latest, earliest=None, status="open", **kw):
    base = dict(
        id=id,
        text=f"t{id}",
        deadline="d",
        current_deadline=None,
        earliest=earliest,
        latest=latest,
        open_ended=False,
        status=status,
        ministry="M",
        tags=[],
        by=None,
        function=None,
        to=None,
        fraction=None,
        source=None,
        kamerstuk=None,
        number=None,
        owner=None,
        notes=None,
        reference=date(2026, 1, 1),
        closed_on=None,
    )
    return SimpleNamespace(**{**base, **kw})


def _chg(kind=None, old_latest=date(2026, 3, 1)):
    c = SimpleNamespace(old_earliest=None, old_latest=old_latest)
    if kind:
        c.kind = kind
    return c


def test_a_history_row_without_a_kind_counts_as_a_postponement():
    reg = Register(
        [_row(1, date(2027, 1, 1))],
        {1: [_chg(), _chg("postponement"), _chg("correction"), _chg("event"), _chg("status")]},
        TODAY,
    )
    item = reg.by_id[1]
    assert item.moves == 2 and len(item.ghosts) == 2 and item.promised_latest == date(2026, 3, 1)


def test_counts_and_states_at_the_edges_of_today():
    rows = [
        _row(1, TODAY - timedelta(days=1)),
        _row(2, TODAY),
        _row(3, TODAY + timedelta(days=30)),
        _row(4, TODAY + timedelta(days=31)),
        _row(5, None, open_ended=True),
        _row(6, TODAY - timedelta(days=9), status="fulfilled"),
        _row(7, TODAY, deleted_at=TODAY),
    ]
    reg = Register(rows, {}, TODAY)
    c = reg.counts(reg.items)
    assert (c.open, c.overdue, c.soon, c.waiting, c.moved) == (5, 1, 2, 1, 0)
    assert 7 not in reg.by_id


def test_filters_read_from_a_query_and_back():
    f = Filters.from_query(
        {
            "ministry": "  Justitie   en Veiligheid ",
            "status": "ALL",
            "page": "x",
            "owner": "a@b.example",
            "q": "woo",
        },
        private=False,
    )
    assert (f.ministry, f.show, f.page, f.owner, f.text) == ("Justitie en Veiligheid", "all", 1, "", "woo")
    assert f.query() == "ministry=Justitie+en+Veiligheid&status=all&q=woo"
    assert Filters().query() == "" and not Filters().narrowed
    assert Filters.from_query({"status": "nope"}, private=True).unknown_show == "nope"


def test_ministry_slugs_are_ascii_and_unique():
    assert slugify("Onderwijs, Cultuur en Wetenschap") == "onderwijs-cultuur-en-wetenschap"
    assert slugify("Financiën") == "financien"
    reg = Register(
        [
            _row(1, TODAY, ministry="Financiën"),
            _row(2, TODAY, ministry="Financien"),
            _row(3, TODAY, ministry=None),
            _row(4, TODAY, ministry="§§"),
        ],
        {},
        TODAY,
    )
    assert reg.ministries == [
        ("Financien", "financien"),
        ("Financiën", "financien-2"),
        ("§§", "none"),
        ("", "none-2"),
    ]


def test_the_scale_puts_days_on_percentages_and_ticks_fit():
    scale = Scale.spanning([date(2026, 1, 10), date(2026, 12, 20)])
    assert (scale.start, scale.end) == (date(2026, 1, 1), date(2027, 1, 1))
    assert scale.x(date(2026, 1, 1)) == 0 and scale.x(date(2027, 1, 1)) == 100
    assert scale.x(date(2030, 1, 1)) == 100 and scale.x(date(2020, 1, 1)) == 0
    one = scale.span(date(2026, 7, 1), date(2026, 7, 1))
    assert one.w >= 0.7 and one.end <= 100
    ticks = scale.ticks(["jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"])
    assert [t.label for t in ticks] == [
        "jan 2026",
        "mrt 2026",
        "mei 2026",
        "jul 2026",
        "sep 2026",
        "nov 2026",
    ]
    long = Scale.spanning([date(2020, 1, 1), date(2030, 1, 1)])
    assert [t.label for t in long.ticks(["jan"] * 12)] == ["2020", "2022", "2024", "2026", "2028", "2030"]


@pytest.mark.parametrize(
    "text, message",
    [
        ('[web]\naccess = "secret"', "web.access = 'secret' is not one of public, token"),
        ("[web]\npage_size = 5", "web.page_size = 5 is out of range: give a whole number from 10 to 1000"),
    ],
)
def test_web_config_is_checked(text, message):
    with pytest.raises(ConfigError, match=re.escape(message)):
        parse_config(text)
