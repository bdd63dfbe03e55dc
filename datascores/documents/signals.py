"""What the documents core announces, and the one thing it asks of the layers above.

Signals (higher layers connect in their ``AppConfig.ready()``):

``document_ready``
    sent (inside a transaction) when a document reaches a final state (done or
    failed) after extraction and OCR; kwargs: ``document``. The entity tagger and
    the search indexer listen to it.
``documents_changed``
    sent when something derived from documents changed (their entity tags, an
    entity's name) so that what is built from them (the search index) must be
    brought up to date; kwargs: ``ids`` (a list of document primary keys).

Receivers that enqueue work must do so after commit (``dispatch.enqueue`` does) so the
work sees committed rows.

Tags provider: the core does not know how documents are tagged; the app that tags them
registers a :class:`TagProvider` at start-up (``register_tag_provider``) and readers
(the index, ``show_document``, the site) ask :func:`tag_provider`. Until one is
registered a do-nothing provider answers: no tags, no evidence.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol

from django.dispatch import Signal

document_ready = Signal()
documents_changed = Signal()


def announce_changed(ids: Iterable[int], sender: Any = None) -> list[int]:
    """Send ``documents_changed`` for these documents (nothing when there are none)."""
    unique = sorted({int(i) for i in ids})
    if unique:
        documents_changed.send(sender=sender, ids=unique)
    return unique


class TagProvider(Protocol):
    def document_tags(self, document) -> dict[str, Any]:
        """{"issuing_authority": name or None, "authorities": [...], "companies": [...],
        "systems": [...], "authority_kinds": {name: kind}}."""

    def documents_tags(self, documents) -> dict[int, dict[str, Any]]:
        """``document_tags`` for many documents (or ids) at once: {id: tags}."""

    def document_evidence(self, document) -> list[dict[str, Any]]:
        """Where each tag comes from: [{"kind", "name", "page", "snippet", ...}]."""


class NullTagProvider:
    """Answers while no tagging app is installed: documents have no tags."""

    def document_tags(self, document) -> dict[str, Any]:
        return {}

    def documents_tags(self, documents) -> dict[int, dict[str, Any]]:
        return {getattr(d, "pk", d): {} for d in documents}

    def document_evidence(self, document) -> list[dict[str, Any]]:
        return []


_provider: list[TagProvider] = [NullTagProvider()]


def register_tag_provider(provider: TagProvider) -> None:
    """Make ``provider`` the source of document tags (the entities app calls this)."""
    _provider[0] = provider


def tag_provider() -> TagProvider:
    return _provider[0]
