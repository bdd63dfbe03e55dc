"""Following a search: its newest matches (for the Atom feed), the matches added since a
moment (for digests and the "new since your last visit" marker), and the digest e-mails.

"New" means added to the collection (Document.created_at) or made searchable
(processed_at: OCR can take a while) after the moment, whatever the document's own
date. The search layer gives the matching ids (a scan: memory stays flat); the
database says which are new.
"""

from __future__ import annotations

import html
import logging
from collections import deque
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db.models import Min, Q
from django.http import QueryDict
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape, strip_tags
from django.utils.safestring import mark_safe

from datascores.documents.models import Document, Status
from search.highlight import highlighter_for

from . import engine
from .forms import SearchState
from .models import Frequency, SavedSearch

log = logging.getLogger(__name__)

FEED_ENTRIES = 50
DIGEST_MAX = 50  # documents listed in one digest ("and N more" after that)
SNIPPET_CHARS = 240
SNIPPET_PAGES = 200  # pages read looking for a hit to quote (else the first page is)
NEW_MARKER_CAP = 1000  # "new since your last visit" counts up to this, then says "1000+"
# Beat runs the digest task hourly: a search is due a little before its day/week is up,
# so that a run at 09:00:02 is not pushed to 10:00 by the previous run at 09:00:05.
SLACK = timedelta(minutes=5)
PERIODS = {Frequency.DAILY: timedelta(days=1), Frequency.WEEKLY: timedelta(days=7)}
UNSUBSCRIBE_SALT = "web.alerts.unsubscribe"


def state_for(query: str) -> SearchState:
    """The search state a saved query string stands for (page and size dropped)."""
    return SearchState.from_params(QueryDict(query or "")).with_(page=1)


def canonical_query(state: SearchState) -> str:
    return state.with_(page=1).query_string(page=False)


def matching_ids(state: SearchState) -> Iterator[int]:
    """Every matching document id, ascending, without the paging window."""
    req = engine.request_for(state, page=1, size=0, snippets=0, facets=False)
    for hit in engine.backend().scan(req):
        yield hit.id


def newest(state: SearchState, n: int = FEED_ENTRIES) -> list[Document]:
    """The n matches most recently added to the collection, newest first."""
    last = deque(matching_ids(state), maxlen=n * 2)  # ids grow with time; a margin for order
    docs = Document.objects.filter(pk__in=list(last), status=Status.DONE).select_related("blob")
    return sorted(docs, key=lambda d: (d.created_at, d.pk), reverse=True)[:n]


def new_since(state: SearchState, since: datetime, limit: int | None = None) -> list[Document]:
    """Matches added after `since`, oldest first (at most `limit` of them)."""
    # Added after `since`, or finished after it (a long OCR job: added before the last
    # digest, but not searchable until after it).
    fresh = Document.objects.filter(
        Q(created_at__gt=since) | Q(processed_at__gt=since), status=Status.DONE
    )
    first = fresh.aggregate(first=Min("id"))["first"]
    if first is None:
        return []
    out: list[Document] = []
    for chunk in _chunks((i for i in matching_ids(state) if i >= first), 500):
        out.extend(fresh.filter(pk__in=chunk).select_related("blob"))
        if limit is not None and len(out) >= limit:
            break
    out.sort(key=lambda d: d.pk)
    return out[:limit] if limit is not None else out


def _chunks(ids: Iterable[int], size: int) -> Iterator[list[int]]:
    chunk: list[int] = []
    for i in ids:
        chunk.append(i)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def snippet_html(doc: Document, q: str) -> str:
    """A short passage round the query's first hit (else the start), escaped, with the
    matched words in <mark>. Document text never reaches the output unescaped."""
    matcher = highlighter_for(q) if q else None
    text = ""
    spans: list[tuple[int, int]] = []
    pages = doc.pages.only("text").order_by("number")[:SNIPPET_PAGES]
    for page in pages.iterator(chunk_size=20):
        if not page.text.strip():
            continue
        spans = matcher.hits(page.text) if matcher else []
        if spans or not text:
            text = page.text
        if spans:
            break
    if not text:
        return ""
    start = max(0, spans[0][0] - SNIPPET_CHARS // 2) if spans else 0
    end = min(len(text), start + SNIPPET_CHARS)
    out: list[str] = ["…" if start else ""]
    pos = start
    for s, e in sorted(spans):
        if s < pos or e > end:
            continue
        out.append(escape(text[pos:s]))
        out.append(f"<mark>{escape(text[s:e])}</mark>")
        pos = e
    out.append(escape(text[pos:end]))
    out.append("…" if end < len(text) else "")
    return mark_safe(" ".join("".join(out).split()))  # noqa: S308 - every piece is escaped


def search_url(query: str) -> str:
    return reverse("search") + ("?" + query if query else "")


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


# --- unsubscribe tokens ------------------------------------------------------------------


def unsubscribe_token(saved: SavedSearch) -> str:
    """Signed with the site's secret: names one user's one saved search, nothing else."""
    return signing.dumps({"u": saved.user_id, "s": saved.pk}, salt=UNSUBSCRIBE_SALT)


def saved_search_for_token(token: str) -> SavedSearch | None:
    """The saved search a genuine token names, or None (forged, altered, or gone)."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    return SavedSearch.objects.filter(pk=data.get("s"), user_id=data.get("u")).first()


# --- digests -----------------------------------------------------------------------------


def due(saved: SavedSearch, now: datetime) -> bool:
    period = PERIODS.get(saved.frequency)
    return period is not None and now - saved.last_alert_at >= period - SLACK


def send_digests(now: datetime | None = None) -> int:
    """Send every due digest; returns how many e-mails went out. A search with nothing
    new sends nothing, but its window still moves on."""
    now = now or timezone.now()
    sent = 0
    searches = SavedSearch.objects.filter(
        frequency__in=list(PERIODS), user__is_active=True
    ).select_related("user")
    for saved in searches.iterator():
        if not due(saved, now) or not saved.user.email:
            continue
        try:
            sent += send_digest(saved, now)
        except engine.QueryError as exc:
            log.warning("saved search %s cannot be run: %s", saved.pk, exc)
        except engine.SearchUnavailable as exc:
            log.warning("digests stopped: search unavailable: %s", exc)
            break
    return sent


def send_digest(saved: SavedSearch, now: datetime) -> int:
    """One saved search's digest (1 if sent, 0 if nothing was new); moves its window."""
    state = state_for(saved.query)
    docs = [d for d in new_since(state, saved.last_alert_at, DIGEST_MAX + 1) if d.created_at <= now]
    if not docs:
        SavedSearch.objects.filter(pk=saved.pk).update(last_alert_at=now)
        return 0
    more = len(docs) > DIGEST_MAX
    docs = docs[:DIGEST_MAX]
    token = unsubscribe_token(saved)
    unsubscribe = absolute(reverse("alert_unsubscribe", args=[token]))
    ctx = {
        "saved": saved,
        "period": Frequency(saved.frequency).label.lower(),
        "items": [_digest_item(d, state.q) for d in docs],
        "more": more,
        "search_url": absolute(search_url(saved.query)),
        "manage_url": absolute(reverse("saved_searches")),
        "unsubscribe_url": unsubscribe,
    }
    subject = f"{len(docs)}{'+' if more else ''} new for “{saved.name}” on Data Scores"
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split())[:200],
        body=render_to_string("alerts/digest.txt", ctx),
        to=[saved.user.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(render_to_string("alerts/digest.html", ctx), "text/html")
    message.send()
    SavedSearch.objects.filter(pk=saved.pk).update(last_alert_at=now)  # only once it went
    return 1


def _digest_item(doc: Document, q: str) -> dict:
    snippet = snippet_html(doc, q)
    return {
        "doc": doc,
        "url": absolute(reverse("document", args=[doc.pk]) + _q(q)),
        "snippet": snippet,
        "snippet_text": html.unescape(strip_tags(snippet)),
    }


def _q(q: str) -> str:
    return "?" + urlencode({"q": q}) if q else ""
