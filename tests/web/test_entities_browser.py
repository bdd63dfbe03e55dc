"""An entity page in a real browser: its map (Leaflet from our static files, data from a
JSON script element, no inline script under the CSP) and its timeline."""

from __future__ import annotations

import re

import pytest

from .test_browser import CHROMIUM, expect, new_page, shot, site  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
]


def test_company_page_map_and_timeline(browser, site):  # noqa: F811
    url, _docs = site
    page, errors = new_page(browser)
    page.goto(f"{url}/companies/experian")
    expect(page.locator("h1")).to_have_text("Experian")
    # One circle per public body linked with the company, over our outline.
    page.wait_for_selector("#map path.leaflet-interactive")
    assert page.locator("#map path.leaflet-interactive").count() == 1
    expect(page.locator("#map .leaflet-overlay-pane path").nth(1)).to_be_attached()
    # The timeline: a bar for 2018 (two documents), linked to search for that year.
    bars = page.locator("ol.timeline svg.col a")
    assert bars.count() >= 1
    assert "year=2018" in bars.first.get_attribute("href")
    # The popup of a circle leads to the body's page, whose map shows the body itself.
    page.locator("#map path.leaflet-interactive").first.click()
    link = page.locator(".leaflet-popup-content a")
    expect(link).to_have_text(re.compile(r"\d+ documents?"))
    shot(page, "entity-company.png")
    link.click()
    page.wait_for_url(re.compile(r"/bodies/bristol-city-council$"))
    page.wait_for_selector("#map path.leaflet-interactive")
    assert page.locator("#map path.leaflet-interactive").count() == 1
    # The links table leads back to the company.
    page.get_by_role("link", name="Experian", exact=True).first.click()
    page.wait_for_url(re.compile(r"/companies/experian$"))
    assert errors == []
