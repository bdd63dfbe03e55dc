"""An Atom feed of a search's newest matches: the search URL with .atom, no account needed.

Built with Django's syndication framework, which escapes every title and summary; the
summary is a snippet already made of escaped document text (only <mark> is markup).
"""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from datascores.documents.models import Document

from . import alerts, engine
from .forms import SearchState


class SearchFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request: HttpRequest) -> dict:
        state = SearchState.from_params(request.GET).with_(page=1)
        return {"state": state, "query": alerts.canonical_query(state), "request": request}

    def title(self, obj: dict) -> str:
        q = obj["state"].q
        return f"Data Scores: {q}" if q else "Data Scores: newest documents"

    def subtitle(self, obj: dict) -> str:
        return "The newest documents matching this search, as they are added."

    def link(self, obj: dict) -> str:
        return alerts.search_url(obj["query"])

    def feed_url(self, obj: dict) -> str:
        return obj["request"].get_full_path()

    def items(self, obj: dict) -> list[Document]:
        docs = alerts.newest(obj["state"])
        for doc in docs:  # per item, not on the shared Feed instance (threads)
            doc.feed_q = obj["state"].q
        return docs

    def item_title(self, doc: Document) -> str:
        return doc.title or f"Document {doc.pk}"

    def item_description(self, doc: Document) -> str:
        return alerts.snippet_html(doc, getattr(doc, "feed_q", ""))

    def item_link(self, doc: Document) -> str:
        return reverse("document", args=[doc.pk])

    def item_guid(self, doc: Document) -> str:
        return f"datascores-document-{doc.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, doc: Document):
        return doc.created_at

    def item_updateddate(self, doc: Document):
        return doc.created_at


_feed = SearchFeed()


def search_feed(request: HttpRequest) -> HttpResponse:
    """The feed, or a plain-text 400/503 a feed reader can show."""
    try:
        response = _feed(request)
    except engine.QueryError as exc:
        return HttpResponse(f"Bad query: {exc}", status=400, content_type="text/plain")
    except engine.SearchUnavailable:
        return HttpResponse(
            "Search is unavailable; try again shortly.", status=503, content_type="text/plain"
        )
    response["Content-Type"] = "application/atom+xml; charset=utf-8"
    return response
