"""Following a search: Atom feeds (no account), saved searches with digests sent through
Django's e-mail backend, the "new since your last visit" marker, unsubscribe links that
cannot be forged, and accounts that see only their own searches."""

from __future__ import annotations

import re
from datetime import timedelta

import feedparser
import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.utils import timezone

from datascores.documents.models import Document
from web import alerts
from web.models import Frequency, Invitation, SavedSearch

from .conftest import make_document, tag_and_index

pytestmark = pytest.mark.django_db

HOSTILE_TITLE = '<script>alert("t")</script> Xylofinder & co'
HOSTILE_TEXT = 'The Xylofinder model <img src=x onerror="alert(1)"> scored & ranked families.'


def added(doc: Document, when) -> Document:
    Document.objects.filter(pk=doc.pk).update(created_at=when)
    doc.refresh_from_db()
    return doc


@pytest.fixture
def clock():
    """A fixed 'now' for the digests (no wall-clock dependence)."""
    return timezone.now().replace(microsecond=0) - timedelta(days=30)


# --- feeds ---------------------------------------------------------------------------


def test_a_search_has_an_atom_feed_of_its_newest_matches(client, corpus, clock):
    for i, key in enumerate(["bristol", "hackney", "media", "kent"]):
        added(corpus[key], clock + timedelta(hours=i))
    response = client.get("/search.atom?q=predictive")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    assert feed.version == "atom10"
    # Newest added first; only matches.
    assert [e.title for e in feed.entries] == [
        corpus["media"].title,
        corpus["hackney"].title,
        corpus["bristol"].title,
    ]
    entry = feed.entries[2]
    assert entry.link.endswith(f"/documents/{corpus['bristol'].pk}")
    assert "predictive analytics" in entry.summary
    # The snippet marks the matched word (feedparser's sanitiser drops <mark> itself).
    assert "&lt;mark&gt;predictive&lt;/mark&gt;" in response.content.decode()
    # The feed's own link is the search page; the API offers the same feed.
    assert feed.feed.link.endswith("/search?q=predictive")
    api = feedparser.parse(client.get("/api/search.atom?q=predictive").content)
    assert len(api.entries) == 3


def test_the_search_page_links_its_feed(client, corpus):
    html = client.get("/search?q=predictive").content.decode()
    assert 'type="application/atom+xml"' in html
    assert 'href="/search.atom?q=predictive"' in html


def test_feeds_escape_document_text(client):
    doc = make_document(HOSTILE_TITLE, [HOSTILE_TEXT])
    tag_and_index(doc)
    response = client.get("/search.atom?q=xylofinder")
    raw = response.content.decode()
    assert "<script>" not in raw and "<img" not in raw
    feed = feedparser.parse(response.content)
    assert not feed.bozo
    [entry] = feed.entries
    assert entry.title == HOSTILE_TITLE  # shown as the text it is, not run
    # The summary is HTML whose only markup is <mark>; the document's tag is text.
    assert "&lt;img" in entry.summary and "<img" not in entry.summary
    assert "Xylofinder model" in entry.summary
    assert "&lt;mark&gt;Xylofinder&lt;/mark&gt;" in raw  # the only markup: the hit
    assert "&amp;lt;img" in raw  # the document's tag, escaped inside the escaped HTML


def test_a_bad_query_gives_a_plain_400_feed(client, corpus):
    response = client.get("/search.atom?q=sc*re")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")
    assert response.content.startswith(b"Bad query:")
    assert client.get("/search.zip?q=sc*re").status_code == 400


# --- digests -------------------------------------------------------------------------


@pytest.fixture
def alice():
    return User.objects.create_user("alice", "alice@example.org", "pw-alice-123")


@pytest.fixture
def bob():
    return User.objects.create_user("bob", "bob@example.org", "pw-bob-123")


def test_a_digest_lists_only_documents_added_since_the_last_one(alice, clock):
    old = added(make_document("Old Xylofinder memo", ["Xylofinder pilot"]), clock - timedelta(1))
    new = added(make_document(HOSTILE_TITLE, [HOSTILE_TEXT]), clock + timedelta(hours=3))
    other = added(make_document("Housing note", ["Nothing related"]), clock + timedelta(hours=4))
    tag_and_index(old, new, other)
    saved = SavedSearch.objects.create(
        user=alice,
        name="Xylofinder",
        query="q=xylofinder",
        frequency=Frequency.DAILY,
        last_alert_at=clock,
    )

    assert alerts.send_digests(now=clock + timedelta(hours=12)) == 0  # not a day yet
    assert alerts.send_digests(now=clock + timedelta(days=1)) == 1
    [message] = mail.outbox
    assert message.to == ["alice@example.org"]
    text = message.body
    assert HOSTILE_TITLE in text  # plain text: shown as written
    assert "Old Xylofinder memo" not in text and "Housing note" not in text
    assert f"/documents/{new.pk}?q=xylofinder" in text
    html = message.alternatives[0][0]
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;" in html and "<mark>Xylofinder</mark>" in html
    assert "Old Xylofinder memo" not in html
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    # The window moved on: the next day brings nothing new, so no e-mail.
    assert alerts.send_digests(now=clock + timedelta(days=2)) == 0
    newer = added(
        make_document("Xylofinder review", ["Xylofinder"]), clock + timedelta(days=2, hours=1)
    )
    tag_and_index(newer)
    assert alerts.send_digests(now=clock + timedelta(days=3)) == 1
    assert "Xylofinder review" in mail.outbox[1].body
    assert HOSTILE_TITLE not in mail.outbox[1].body
    # A document added before the last digest but readable only after it (a long OCR
    # job) is in the next one.
    slow = added(make_document("Scanned Xylofinder letter", ["Xylofinder"]), clock)
    Document.objects.filter(pk=slow.pk).update(processed_at=clock + timedelta(days=3, hours=2))
    tag_and_index(slow)
    assert alerts.send_digests(now=clock + timedelta(days=4)) == 1
    assert "Scanned Xylofinder letter" in mail.outbox[2].body
    assert "Xylofinder review" not in mail.outbox[2].body
    saved.refresh_from_db()
    assert saved.last_alert_at == clock + timedelta(days=4)


def test_weekly_digests_wait_a_week_and_never_digests_never_send(alice, bob, clock):
    doc = added(make_document("Xylofinder note", ["Xylofinder"]), clock + timedelta(hours=1))
    tag_and_index(doc)
    SavedSearch.objects.create(
        user=alice, name="w", query="q=xylofinder", frequency="weekly", last_alert_at=clock
    )
    SavedSearch.objects.create(
        user=bob, name="n", query="q=xylofinder", frequency="never", last_alert_at=clock
    )
    assert alerts.send_digests(now=clock + timedelta(days=6)) == 0
    assert alerts.send_digests(now=clock + timedelta(days=7)) == 1
    assert [m.to for m in mail.outbox] == [["alice@example.org"]]


def test_the_beat_task_sends_digests(alice, clock, settings):
    from web.tasks import send_alert_digests

    assert "web.tasks.send_alert_digests" in {
        e["task"] for e in settings.CELERY_BEAT_SCHEDULE.values()
    }
    SavedSearch.objects.create(user=alice, name="x", query="q=x", frequency="daily")
    assert send_alert_digests.apply().get() == 0  # nothing new: nothing sent


# --- unsubscribe ---------------------------------------------------------------------


def _digest_for(user, clock) -> str:
    doc = added(make_document("Xylofinder note", ["Xylofinder"]), clock + timedelta(hours=1))
    tag_and_index(doc)
    SavedSearch.objects.create(
        user=user, name="Mine", query="q=xylofinder", frequency="daily", last_alert_at=clock
    )
    alerts.send_digests(now=clock + timedelta(days=1))
    return mail.outbox[-1].body


def test_one_click_unsubscribe(client, alice, clock):
    body = _digest_for(alice, clock)
    link = re.search(r"https?://\S+/alerts/unsubscribe/\S+", body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    response = client.get("/" + path)  # not signed in: the link is enough
    assert response.status_code == 200
    assert "no more e-mail for “Mine”" in response.content.decode()
    assert SavedSearch.objects.get(user=alice).frequency == Frequency.NEVER
    # RFC 8058: mail apps POST to the same link, without a CSRF token.
    assert client.post("/" + path).status_code == 200


def test_unsubscribe_links_cannot_be_forged_or_turned_on_another_user(client, alice, bob, clock):
    _digest_for(alice, clock)
    mine = SavedSearch.objects.get(user=alice)
    theirs = SavedSearch.objects.create(
        user=bob, name="Bob's secret search", query="q=secret", frequency="daily"
    )
    token = alerts.unsubscribe_token(mine)
    # Tampering with the signed payload (say, to name Bob's search) breaks the signature.
    forged = token.replace(token.split(":")[0], token.split(":")[0][::-1])
    for bad in (forged, token + "x", "garbage", token.replace(":", ";")):
        response = client.get(f"/alerts/unsubscribe/{bad}")
        assert response.status_code == 404
        assert "Bob" not in response.content.decode()
    theirs.refresh_from_db()
    assert theirs.frequency == "daily"
    # A genuine token whose search moved to another user (or was deleted) does nothing.
    SavedSearch.objects.filter(pk=mine.pk).update(user=bob)
    assert client.get(f"/alerts/unsubscribe/{token}").status_code == 404


# --- accounts and saved searches ------------------------------------------------------


def test_saved_searches_are_private(client, alice, bob):
    theirs = SavedSearch.objects.create(user=bob, name="Bob's secret", query="q=secret")
    client.force_login(alice)
    page = client.get("/accounts/searches").content.decode()
    assert "Bob's secret" not in page
    assert client.get(f"/accounts/searches/{theirs.pk}/open").status_code == 404
    assert client.post(f"/accounts/searches/{theirs.pk}", {"delete": "1"}).status_code == 404
    assert client.post(f"/accounts/searches/{theirs.pk}", {"frequency": "never"}).status_code == 404
    assert SavedSearch.objects.filter(pk=theirs.pk, frequency="never").exists()  # default
    assert SavedSearch.objects.filter(pk=theirs.pk).exists()


def test_saving_a_search_and_the_new_since_last_visit_marker(client, alice, corpus, clock):
    assert client.get("/accounts/searches/save?q=predictive").status_code == 302  # sign in
    client.force_login(alice)
    form = client.get("/accounts/searches/save?q=predictive&page=2").content.decode()
    assert 'value="q=predictive"' in form
    response = client.post(
        "/accounts/searches/save",
        {"query": "q=predictive", "name": "Predictive", "frequency": "weekly"},
    )
    assert response.status_code == 302
    saved = SavedSearch.objects.get(user=alice)
    assert (saved.name, saved.query, saved.frequency) == ("Predictive", "q=predictive", "weekly")

    SavedSearch.objects.filter(pk=saved.pk).update(last_visit_at=clock)
    for doc in corpus.values():
        added(doc, clock - timedelta(days=1))
    added(corpus["hackney"], clock + timedelta(hours=1))
    page = client.get("/accounts/searches").content.decode()
    assert "1 new since your last visit" in page
    # Opening it goes to the search, and clears the marker.
    opened = client.get(f"/accounts/searches/{saved.pk}/open")
    assert opened.status_code == 302 and opened["Location"] == "/search?q=predictive"
    assert "new since your last visit" not in client.get("/accounts/searches").content.decode()


def test_sign_up_is_by_invitation_unless_open(client, settings):
    settings.SIGNUP_OPEN = False
    assert client.get("/accounts/signup").status_code == 403
    invitation = Invitation.objects.create(email="carol@example.org")
    form = {
        "username": "carol",
        "email": "carol@example.org",
        "password1": "a-long-pass-phrase-9",
        "password2": "a-long-pass-phrase-9",
    }
    assert client.post(f"/accounts/signup/{invitation.token}", form).status_code == 302
    assert User.objects.filter(username="carol").exists()
    invitation.refresh_from_db()
    assert invitation.used_at is not None
    # An invitation works once.
    client.logout()
    form["username"] = "mallory"
    assert client.post(f"/accounts/signup/{invitation.token}", form).status_code == 404
    settings.SIGNUP_OPEN = True
    assert client.get("/accounts/signup").status_code == 200


def test_an_admin_invites_by_e_mail(admin_client):
    invitation = Invitation.objects.create(email="dana@example.org")
    response = admin_client.post(
        "/admin/web/invitation/",
        {"action": "send_invitations", "_selected_action": [invitation.pk]},
    )
    assert response.status_code == 302
    [message] = mail.outbox
    assert message.to == ["dana@example.org"]
    assert f"/accounts/signup/{invitation.token}" in message.body


def test_every_page_offers_sign_in_or_saved_searches(client, alice):
    assert 'href="/accounts/login"' in client.get("/about").content.decode()
    client.force_login(alice)
    assert 'href="/accounts/searches"' in client.get("/about").content.decode()
