"""The page viewer in a real browser (Debian's Chromium, headless): pictures of the pages
beside their text on a desktop, above it on a phone, the hit marked on the picture, and
no Content-Security-Policy violation (no inline script or style)."""

from __future__ import annotations

import pytest

from .test_browser import ARGS, CHROMIUM, expect, new_page, shot
from .test_pages import pdf_document

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
]

assert ARGS  # the same browser flags as the other browser tests


@pytest.fixture(autouse=True)
def page_cache(settings, tmp_path):
    settings.PAGE_CACHE_DIR = tmp_path / "pages"


@pytest.fixture
def document(live_server):
    from .conftest import tag_and_index

    doc = pdf_document()
    tag_and_index(doc)
    return live_server.url, doc


def loaded(page, img) -> None:
    img.scroll_into_view_if_needed()
    expect(img).to_have_js_property("complete", True)
    assert img.evaluate("i => i.naturalWidth") > 0


def test_desktop_pages_beside_their_text_with_the_hit_marked(browser, document):
    url, doc = document
    page, errors = new_page(browser, width=1400)
    page.goto(f"{url}/documents/{doc.pk}?q=xylofinder")
    first = page.locator("#page-1")
    img = first.locator(".page-picture img")
    loaded(page, img)
    assert img.evaluate("i => i.currentSrc").endswith(".webp")
    pic, text = img.bounding_box(), first.locator(".page-text").bounding_box()
    assert pic["x"] + pic["width"] <= text["x"] + 1  # side by side
    assert abs(pic["y"] - text["y"]) < 40
    # The hit's box lies on the picture, in its upper part (the first line of the page).
    rect = first.locator("svg.hit-boxes rect")
    assert rect.count() == 1
    box = rect.bounding_box()
    assert pic["x"] < box["x"] < pic["x"] + pic["width"]
    assert pic["y"] < box["y"] < pic["y"] + pic["height"] * 0.2
    assert box["width"] > 10 and box["height"] > 3
    # The second page's picture is lazy: it loads when scrolled to.
    loaded(page, page.locator("#page-2 .page-picture img"))
    shot(page, "document-pages-desktop.png")
    # Text only, then pictures only.
    page.get_by_role("link", name="Text", exact=True).click()
    expect(page.locator(".page-picture")).to_have_count(0)
    page.get_by_role("link", name="Pages", exact=True).click()
    expect(page.locator(".page-picture")).to_have_count(2)
    expect(page.locator("details.page-text").first).to_be_visible()
    assert not errors, errors


def test_phone_pictures_above_the_text_at_the_phone_size(browser, document):
    url, doc = document
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{url}/documents/{doc.pk}?q=xylofinder")
    first = page.locator("#page-1")
    img = first.locator(".page-picture img")
    loaded(page, img)
    # 390 CSS px at 2x: the browser picks the 1200 px picture, not a desktop poster.
    assert img.evaluate("i => i.currentSrc").endswith("-1200.webp")
    pic, text = img.bounding_box(), first.locator(".page-text").bounding_box()
    assert pic["width"] <= 390 and text["y"] >= pic["y"] + pic["height"] - 1  # stacked
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scroll
    assert first.locator("svg.hit-boxes rect").count() == 1
    shot(page, "document-pages-phone.png")
    assert not [e for e in errors if "favicon" not in e], errors
    context.close()


def test_a_wide_sheet_scrolls_inside_its_box_on_a_phone(browser, live_server):
    from .test_pages import _table_document

    header = ",".join(f"Column {i}" for i in range(40))
    rows = [header] + [",".join(f"value {r}.{c}" for c in range(40)) for r in range(60)]
    doc = _table_document("Wide CSV", "\n".join(rows).encode(), "csv", "text/csv")
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    page.goto(f"{live_server.url}/documents/{doc.pk}")
    wrap = page.locator(".sheets .table-wrap").first
    expect(wrap).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert wrap.evaluate("w => w.scrollWidth > w.clientWidth")  # the table scrolls, not the page
    expect(page.get_by_role("link", name="Show all rows")).to_be_visible()
    shot(page, "document-table-phone.png")
    page.get_by_role("link", name="Show all rows").click()
    expect(page.locator("table.sheet tr")).to_have_count(61)
    context.close()
