"""The site's background work: page pictures rendered ahead of a reader, alert digests."""

from __future__ import annotations

import contextlib

from celery import shared_task


@shared_task(acks_late=True, ignore_result=True)
def render_page(doc_id: int, number: int, width: int) -> None:
    """Render one page picture into the cache (idempotent: a cached page is left alone)."""
    from datascores.documents.extract.base import ExtractionError
    from datascores.documents.models import Document

    from .pages import render_to_cache

    doc = Document.objects.select_related("blob").filter(pk=doc_id).first()
    if doc is None:
        return
    # On failure the web request renders the page itself and reports why.
    with contextlib.suppress(ExtractionError):
        render_to_cache(doc, number, width)


@shared_task(acks_late=True, ignore_result=True)
def send_alert_digests() -> int:
    """Periodic (beat, hourly): every saved search whose day or week is up gets its digest."""
    from .alerts import send_digests

    return send_digests()
