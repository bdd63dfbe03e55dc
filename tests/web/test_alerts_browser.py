"""Following a search in a real browser (Debian's Chromium): sign in from the search
page's "Save search", save it with weekly alerts, see it listed, open its feed."""

from __future__ import annotations

import re

import pytest

from .test_browser import CHROMIUM, expect, new_page, shot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
]


def test_save_a_search_with_alerts(browser, live_server):
    from django.contrib.auth.models import User

    from web.models import SavedSearch

    from .conftest import build_corpus

    build_corpus()
    User.objects.create_user("erin", "erin@example.org", "a-long-pass-phrase-9")
    page, errors = new_page(browser, width=1280)
    page.goto(f"{live_server.url}/search?q=predictive")
    page.get_by_role("link", name="Save search").click()
    # Not signed in: the sign-in page, then back to saving.
    page.get_by_label("Username").fill("erin")
    page.get_by_label("Password").fill("a-long-pass-phrase-9")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Save this search")).to_be_visible()
    page.get_by_label("Weekly digest").check()
    shot(page, "save-search.png")
    page.get_by_role("button", name="Save search").click()
    page.wait_for_url(re.compile(r"/accounts/searches$"))
    expect(page.get_by_role("link", name="predictive")).to_be_visible()
    saved = SavedSearch.objects.get(user__username="erin")
    assert (saved.query, saved.frequency) == ("q=predictive", "weekly")
    # Alerts off from the list.
    page.get_by_label("Alerts").select_option("never")
    page.get_by_role("button", name="Update").click()
    page.wait_for_url(re.compile(r"/accounts/searches$"))
    saved.refresh_from_db()
    assert saved.frequency == "never"
    shot(page, "saved-searches.png")
    # Opening it goes back to the results.
    page.get_by_role("link", name="predictive").click()
    page.wait_for_url(re.compile(r"/search\?q=predictive$"))
    assert not errors, errors
