"""The site in a real browser: Debian's Chromium, headless, driven by Playwright.

Skips when /usr/bin/chromium or Playwright is missing (never downloads a browser).
Screenshots of /search, a document page and /insights go to <repo>/test-artifacts/.
"""

from __future__ import annotations

import csv
import io
import os
import re
from pathlib import Path

import pytest

from tests.browser import ARGS, CHROMIUM, MARKS, expect  # noqa: F401 (shared with the other browser tests)

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

# No serialized_rollback, which re-inserts content types a flush has already recreated
# when the whole suite runs. Each test makes what it needs instead (see ``site``).
pytestmark = MARKS


@pytest.fixture
def site(live_server):
    """The live server over the small corpus, tagged with the real vocabulary.

    Earlier transactional tests flush the database, vocabulary included (the entities
    migration loaded it once); loading it again is idempotent.
    """
    from django.core.management import call_command

    from .conftest import build_corpus

    call_command("load_vocabularies", no_retag=True, verbosity=0)
    docs = build_corpus()
    return live_server.url, docs


def new_page(browser, *, js: bool = True, width: int = 1280):
    context = browser.new_context(
        viewport={"width": width, "height": 900},
        java_script_enabled=js,
        accept_downloads=True,
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on(
        "console",
        lambda m: errors.append(m.text) if m.type == "error" and "favicon" not in m.text else None,
    )
    return page, errors


def total(page) -> int:
    return int(page.locator("#results-heading strong").inner_text().replace(",", ""))


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name), full_page=True)


def test_search_facet_document_hits_back_and_csv(browser, site):
    url, docs = site
    page, errors = new_page(browser)
    page.goto(f"{url}/search?q=predictive")
    before = total(page)
    assert before == 3
    titles_before = set(page.locator(".result h3 a").all_inner_texts())

    # Tick a facet: the results and the counts change, and the URL records it.
    page.get_by_role("checkbox", name=re.compile("Bristol City Council")).check()
    page.wait_for_url(re.compile(r"council=Bristol"))
    expect(page.locator("#results-heading strong")).to_have_text("1")
    assert total(page) == 1
    assert set(page.locator(".result h3 a").all_inner_texts()) < titles_before
    # Keyboard focus stays on the box just ticked, although the results were redrawn.
    assert page.evaluate("document.activeElement.value") == "Bristol City Council"
    chip = page.locator(".chips .chip", has_text="Bristol City Council")
    assert chip.count() == 1
    assert page.get_by_role("checkbox", name=re.compile("Bristol City Council")).is_checked()
    shot(page, "search.png")

    # Open the document, jump through the hits.
    page.locator(".result h3 a").first.click()
    page.wait_for_url(re.compile(rf"/documents/{docs['bristol'].pk}\?"))
    assert page.locator("mark[id^=hit-]").count() == 3
    page.get_by_role("link", name="Next hit ›").click()
    assert page.locator("mark.current").get_attribute("id") == "hit-1"
    page.keyboard.press("n")
    assert page.locator("mark.current").get_attribute("id") == "hit-2"
    assert "hit=2" in page.url
    assert page.locator("[data-hit-status]").inner_text() == "Hit 2 of 3"
    page.keyboard.press("p")
    assert page.locator("mark.current").get_attribute("id") == "hit-1"
    shot(page, "document.png")

    # Back: the same search state, facet still ticked.
    page.go_back()
    page.wait_for_url(re.compile(r"/search\?"))
    assert "council=Bristol" in page.url
    assert total(page) == 1
    assert page.get_by_role("checkbox", name=re.compile("Bristol City Council")).is_checked()

    # Untick via the chip, go back again: history holds each state.
    page.locator(".chips .chip", has_text="Bristol City Council").click()
    expect(page.locator("#results-heading strong")).to_have_text("3")
    page.go_back()
    expect(page.locator("#results-heading strong")).to_have_text("1")

    # Download the CSV: every result of this search.
    with page.expect_download() as dl:
        page.get_by_role("link", name=re.compile("Download CSV")).click()
    body = Path(dl.value.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body)))
    assert [int(r["id"]) for r in rows] == [docs["bristol"].pk]
    assert errors == []


def test_works_without_javascript(browser, site):
    url, _ = site
    page, _ = new_page(browser, js=False)
    page.goto(f"{url}/search?q=predictive")
    page.get_by_role("checkbox", name=re.compile("Bristol City Council")).check()
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url(re.compile(r"council=Bristol"))
    assert total(page) == 1
    page.locator(".result h3 a").first.click()
    page.get_by_role("link", name="Next hit ›").click()
    page.wait_for_url(re.compile(r"hit=1"))
    assert page.locator("mark.current").get_attribute("id") == "hit-1"
    page.get_by_role("link", name="Next hit ›").click()
    page.wait_for_url(re.compile(r"hit=2"))
    assert page.locator("mark.current").get_attribute("id") == "hit-2"
    # Sorting without JavaScript uses the visible Sort button.
    page.goto(f"{url}/search?q=predictive")
    page.select_option("#sort", "oldest")
    page.get_by_role("button", name="Sort").click()
    page.wait_for_url(re.compile(r"sort=oldest"))


def test_insights_map_and_phone_layout(browser, site):
    url, _ = site
    page, errors = new_page(browser)
    page.goto(f"{url}/insights")
    # Council markers drawn by Leaflet from our own static files over our outline.
    page.wait_for_selector("path.leaflet-interactive")
    assert page.locator("path.leaflet-interactive").count() == 3
    expect(page.locator(".leaflet-overlay-pane path").nth(3)).to_be_attached()  # outline drawn
    assert page.locator("table.matrix tbody tr").count() == 3
    shot(page, "insights.png")
    assert errors == []

    phone, errors = new_page(browser, width=390)
    phone.goto(f"{url}/search?q=predictive")
    # On a phone the filters fold away so results come first; nothing overflows sideways.
    assert not phone.locator("details[data-collapse-small]").evaluate("d => d.open")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    shot(phone, "search-phone.png")
    assert errors == []


def test_keyboard_users_can_skip_to_content(browser, site):
    url, _ = site
    page, _ = new_page(browser)
    page.goto(f"{url}/search")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused.strip() == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    assert os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE") == "true"
