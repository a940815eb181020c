"""The pages in a real browser: headless Chromium through Playwright, at 1280 and 390
pixels wide, served by the real server and opened from disk as a static site.

The browser is the system's Chromium (Debian's `chromium` package, which `.ci/run`
installs); no browser is ever downloaded. Without it these tests skip, saying so.
Screenshots are written to test-artifacts/browser/ (or $TOEZEGGING_TEST_ARTIFACTS);
the run's summary prints the folder.
"""

import os
import shutil
from pathlib import Path

import pytest
from pages_data import CONFIG, JENV, OPEN, OVERDUE, TODAY, VISIBLE, fill
from served import Served

from toezegging import feed_queries
from toezegging.config import parse_config
from toezegging.pages.site import files as site_files
from toezegging.store import Store

ROOT = Path(__file__).parent.parent
CHROMIUM = (
    os.environ.get("TOEZEGGING_CHROMIUM")
    or shutil.which("chromium")
    or shutil.which("chromium-browser")
    or "/usr/bin/chromium"
)
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WIDTHS = (1280, 390)
PAGES = {
    "overview": "/",
    "promise": "/promises/3",
    "ministry": "/ministries/justitie-en-veiligheid",
    "feeds": "/feeds",
}

try:
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover - the test extra installs it
    sync_playwright = None

pytestmark = [
    pytest.mark.skipif(
        sync_playwright is None, reason="the Python package playwright is missing: pip install -e '.[test]'"
    ),
    pytest.mark.skipif(
        not os.access(CHROMIUM, os.X_OK),
        reason=f"Chromium is not installed ({CHROMIUM}): apt-get install chromium (.ci/run installs it)",
    ),
]


@pytest.fixture(scope="module")
def artifacts(request) -> Path:
    folder = Path(os.environ.get("TOEZEGGING_TEST_ARTIFACTS") or ROOT / "test-artifacts") / "browser"
    folder.mkdir(parents=True, exist_ok=True)
    request.config.toezegging_artifacts = folder  # printed by conftest's summary
    return folder


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture(scope="module")
def register(tmp_path_factory):
    """A SQLite register holding pages_data, and its config."""
    tmp = tmp_path_factory.mktemp("browser")
    store = Store(f"sqlite:///{tmp / 'toezegging.db'}")
    store.create_schema()
    fill(store)
    config = parse_config(
        CONFIG.format(language="nl", url=store.url, base_url="", access="public", page_size=200)
    )
    yield store, config, tmp
    store.dispose()


@pytest.fixture(scope="module")
def server(register):
    store, config, _ = register
    s = Served(config, store, lambda: None, today=TODAY)
    yield s
    s.stop()


class Watched:
    """A page whose console errors and uncaught exceptions are collected."""

    def __init__(self, context):
        self.page = context.new_page()
        self.errors: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))


@pytest.fixture
def open_page(browser):
    contexts = []

    def make(width: int = 1280, **options) -> Watched:
        context = browser.new_context(viewport={"width": width, "height": 900}, **options)
        contexts.append(context)
        return Watched(context)

    yield make
    for c in contexts:
        c.close()


def _bars(page) -> dict[int, str]:
    return {
        int(a.get_attribute("data-id")): a.get_attribute("data-state")
        for a in page.locator("#timeline a[data-id]").all()
    }


def _fits(page) -> bool:
    """Nothing sticks out sideways: the page reads without scrolling left and right."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", list(PAGES))
def test_each_page_loads_without_console_errors(server, open_page, artifacts, name, width):
    w = open_page(width)
    response = w.page.goto(server.url + PAGES[name])
    assert response.status == 200
    w.page.wait_for_load_state("networkidle")
    assert w.errors == []
    assert w.page.locator("h1").first.is_visible()
    assert _fits(w.page), f"{name} is wider than {width} px"
    assert w.page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(245, 247, 250)"
    w.page.screenshot(path=artifacts / f"served-{name}-{width}.png", full_page=True)


def test_the_overview_has_one_bar_per_promise_with_overdue_bars_marked(server, open_page, artifacts):
    w = open_page(1280)
    w.page.goto(server.url + "/?status=all")
    bars = _bars(w.page)
    assert set(bars) == VISIBLE and len(bars) == len(VISIBLE)
    assert {i for i, s in bars.items() if s == "overdue"} == OVERDUE
    for pid in OVERDUE:
        row = w.page.locator(f'#timeline a[data-id="{pid}"]')
        assert row.locator("rect.bar").get_attribute("fill") == "url(#timeline-hatch)"
        assert "⚠ verlopen" in row.locator(".label").inner_text()
        assert row.locator("rect.bar").bounding_box()["width"] > 0
    assert w.page.locator('#timeline a[data-id="3"] rect.ghost').count() == 2
    today = w.page.locator(".axis text.today")
    assert today.text_content() == "vandaag 1 dec"
    # the line for today stands between promise 2's window (to 20 December) and its start
    line_x = w.page.locator(".axis line.today").bounding_box()["x"]
    bar = w.page.locator('#timeline a[data-id="2"] rect.bar').bounding_box()
    assert bar["x"] < line_x < bar["x"] + bar["width"]
    assert w.page.locator("table.promises tbody tr").count() == len(VISIBLE)
    w.page.screenshot(path=artifacts / "served-overview-all-1280.png", full_page=True)
    assert w.errors == []


def test_a_filter_in_the_url_changes_what_is_shown(server, open_page, artifacts):
    w = open_page(1280)
    w.page.goto(server.url + "/")
    assert set(_bars(w.page)) == OPEN
    w.page.goto(server.url + "/?ministry=" + JENV.replace(" ", "+"))
    assert set(_bars(w.page)) == {3, 4}
    w.page.goto(server.url + "/?status=overdue")
    assert set(_bars(w.page)) == OVERDUE
    # the form writes the same filters into the URL (no JavaScript needed)
    w.page.goto(server.url + "/")
    w.page.get_by_label("Ministerie", exact=True).select_option(label=JENV)
    w.page.get_by_label("Toon", exact=True).select_option(value="all")
    with w.page.expect_navigation():
        w.page.get_by_role("button", name="Toepassen").click()
    assert "ministry=Justitie+en+Veiligheid" in w.page.url and "status=all" in w.page.url
    assert set(_bars(w.page)) == {3, 4, 9}
    assert w.page.get_by_label("Ministerie", exact=True).input_value() == JENV
    w.page.screenshot(path=artifacts / "served-overview-filtered-1280.png", full_page=True)
    assert w.errors == []


def test_the_copy_button_copies_the_drafted_questions(server, open_page, artifacts):
    w = open_page(1280)
    w.page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.url)
    w.page.goto(server.url + "/promises/1")
    draft = w.page.locator("#draft").inner_text()
    assert draft.startswith("Vragen van het lid Van der Werf (D66)")
    button = w.page.get_by_role("button", name="Kopieer de vragen")
    assert button.is_visible()
    button.click()
    w.page.wait_for_selector("button[data-copied]")
    assert button.get_attribute("data-copied") == "yes"
    assert w.page.locator(".copy-status").inner_text() == "De vragen staan op het klembord."
    assert w.page.evaluate("navigator.clipboard.readText()") == w.page.evaluate(
        "document.getElementById('draft').textContent"
    )
    w.page.screenshot(path=artifacts / "served-promise-copied-1280.png", full_page=True)
    assert w.errors == []


def test_the_pages_work_without_javascript(server, open_page):
    w = open_page(390, java_script_enabled=False)
    w.page.goto(server.url + "/")
    assert set(_bars(w.page)) == OPEN
    w.page.goto(server.url + "/promises/1")
    assert w.page.locator("#draft").is_visible()
    assert not w.page.locator("button[data-copy]").is_visible()  # only JavaScript adds it


def test_controls_and_links_have_names(server, open_page):
    w = open_page(1280)
    for path in PAGES.values():
        w.page.goto(server.url + path)
        unnamed = w.page.evaluate("""() => {
            const out = [];
            for (const el of document.querySelectorAll('select, input, button, a[href]')) {
                const name = (el.labels && el.labels.length ? el.labels[0].textContent : '')
                    || el.getAttribute('aria-label') || el.textContent;
                if (!name.trim() && !el.hidden) out.push(el.outerHTML.slice(0, 80));
            }
            return out;
        }""")
        assert unnamed == [], path
        assert w.page.evaluate("document.documentElement.lang") == "nl"


# ----------------------------------------------------------------------------- from disk


@pytest.fixture(scope="module")
def static_site(register):
    store, config, tmp = register
    with store.session() as s:
        promises, counts = feed_queries.load_promises(s)
        changes = feed_queries.load_changes(s)
    folder = tmp / "site"
    for rel, data in site_files(promises, counts, changes, config, today=TODAY).items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_bytes(data)
    return folder


@pytest.mark.parametrize("width", WIDTHS)
def test_the_static_site_works_from_disk(static_site, open_page, artifacts, width):
    w = open_page(width)
    w.page.goto((static_site / "index.html").as_uri())
    assert set(_bars(w.page)) == OPEN
    assert w.page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(245, 247, 250)"
    assert _fits(w.page)
    w.page.screenshot(path=artifacts / f"static-overview-{width}.png", full_page=True)
    with w.page.expect_navigation():
        w.page.locator('#timeline a[data-id="3"]').click()
    assert w.page.url.endswith("/promises/3.html")
    assert w.page.locator("h1").inner_text().startswith("Toezegging 3")
    assert w.page.locator("#history .step").count() == 3
    w.page.screenshot(path=artifacts / f"static-promise-{width}.png", full_page=True)
    with w.page.expect_navigation():
        w.page.get_by_role("link", name="Justitie en Veiligheid").first.click()
    assert w.page.url.endswith("/ministries/justitie-en-veiligheid.html")
    with w.page.expect_navigation():
        w.page.get_by_role("link", name="Agenda's").click()
    assert w.page.url.endswith("/feeds.html")
    assert w.page.locator("a.button").first.get_attribute("href") == "feeds/alle.ics"
    w.page.screenshot(path=artifacts / f"static-feeds-{width}.png", full_page=True)
    with w.page.expect_navigation():
        w.page.get_by_role("link", name="Overzicht").click()
    assert w.page.url.endswith("/index.html")
    assert w.errors == []
