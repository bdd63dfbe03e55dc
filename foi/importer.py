"""Import FOI requests from an Alaveteli site (WhatDoTheyKnow): JSON first, then only what changed.

For each request the importer asks ``/request/<url_title>.json`` (conditionally). When
nothing changed that is the only HTTP request. When the message-bearing events changed it
reads the request page for the correspondence and the attachment links, and downloads
only attachments it does not have yet, or that failed or were still being prepared last
time. One attachment failing never fails its request: it is recorded and retried on the
next import. All HTTP goes through the project's fetcher (robots.txt, politeness,
address guard), slowed further by ``WDTK_DELAY`` between requests.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlsplit

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from datascores.documents.models import (
    Blob,
    Document,
    Source,
    SourceKind,
    SourceStatus,
    SourceType,
    Status,
    location_hash,
)
from datascores.documents.models import Version as DocVersion
from datascores.entities.models import AuthorityMatch, MatchStatus, PublicBody
from datascores.fetch.fetcher import Fetcher, FetchError, RobotsDisallowed
from datascores.fetch.politeness import limiter_from_settings

from . import alaveteli
from .alaveteli import FormatError, RequestData, RequestRef
from .models import Attachment, AttachmentState, Direction, FoiRequest, Message

log = logging.getLogger(__name__)

MAX_LISTING_PAGES = 400
# A file that failed this often (too large, always an error) is no longer retried by
# itself; "Re-import" after resetting its attempts in the admin tries again.
MAX_ATTACHMENT_ATTEMPTS = 5
HTML_TYPES = ("text/html", "application/xhtml+xml")


def base_url() -> str:
    return alaveteli.normalise_site(settings.WDTK_BASE_URL)


def user_agent() -> str:
    """The fetcher's User-Agent with the contact address from settings (WDTK's house rules)."""
    ua = settings.FETCHER_USER_AGENT
    contact = settings.WDTK_CONTACT.strip()
    if not contact or contact in ua:
        return ua
    if ua.endswith(")"):
        return f"{ua[:-1]}; {contact})"
    return f"{ua} ({contact})"


def make_fetcher() -> Fetcher:
    """A fetcher for the Alaveteli site: the project's fetcher, identified with a contact."""
    # One request at a time to the site, counted across processes when Redis is the
    # broker (two import runs at once still take turns).
    limiter = limiter_from_settings(settings.CELERY_BROKER_URL, concurrency=1)
    return Fetcher(user_agent=user_agent(), min_interval=delay_setting(), limiter=limiter)


def delay_setting() -> float:
    return float(settings.WDTK_DELAY)


class Client:
    """Counts and spaces the importer's HTTP requests (the fetcher does the rest).

    robots.txt, fetched once per run by the fetcher, is not counted.
    """

    def __init__(
        self,
        fetcher=None,
        *,
        delay: float | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.fetcher = fetcher if fetcher is not None else make_fetcher()
        self.delay = delay_setting() if delay is None else delay
        self.clock = clock
        self.sleep = sleep
        self.requests = 0
        self._last: float | None = None

    def get(self, url: str, *, etag: str = "", last_modified: str = ""):
        if self._last is not None and self.delay > 0:
            wait = self._last + self.delay - self.clock()
            if wait > 0:
                self.sleep(wait)
        self.requests += 1
        try:
            result = self.fetcher.get(url, etag=etag, last_modified=last_modified)
        finally:
            self._last = self.clock()
        if result.url != url:
            self.requests += 1  # a redirect was followed (Alaveteli's redirects are one hop)
        return result


@dataclass
class Summary:
    requests: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    attachments: Counter = field(default_factory=Counter)
    http_requests: int = 0
    errors: list[dict] = field(default_factory=list)

    def as_json(self) -> dict:
        return {
            "requests": self.requests,
            "new": self.new,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "attachments": {
                k: self.attachments.get(k, 0) for k in ("new", "unchanged", "hidden", "failed")
            },
            "http_requests": self.http_requests,
            "errors": list(self.errors),
        }


class _Outcome(Exception):
    """How an attachment download ended when it did not yield the file."""

    def __init__(self, state: str, reason: str) -> None:
        super().__init__(reason)
        self.state = state
        self.reason = reason


class ImportFailed(Exception):
    def __init__(self, url: str, reason: str, status: int | None = None) -> None:
        super().__init__(reason)
        self.url = url
        self.reason = reason
        self.status = status


class Importer:
    """Imports requests into FoiRequest/Message/Attachment rows and documents."""

    def __init__(
        self,
        *,
        site: str | None = None,
        client: Client | None = None,
        wait: bool = True,
        reporter=None,
        wait_tries: int = 4,
        wait_seconds: float = 2.0,
        sleep: Callable[[float], None] = time.sleep,
        on_request: Callable[[str, str], None] | None = None,
    ) -> None:
        self.site = alaveteli.normalise_site(site) if site else base_url()
        self.client = client if client is not None else Client()
        self.wait = wait
        self.reporter = reporter
        self.wait_tries = max(1, wait_tries)
        self.wait_seconds = wait_seconds
        self.sleep = sleep
        self.on_request = on_request  # (reference, outcome) after each request, for progress
        self.summary = Summary()

    # --- inputs ----------------------------------------------------------------------

    def run(
        self,
        refs: Iterable[str] = (),
        *,
        authorities: Iterable[str] = (),
        users: Iterable[str] = (),
        total_hint: Callable[[int], None] | None = None,
    ) -> Summary:
        """Import every request named by refs, and every request of the authorities/users."""
        parsed: list[RequestRef] = []
        for text in refs:
            try:
                parsed.append(alaveteli.parse_ref(str(text), self.site))
            except ValueError as exc:
                self._error(str(text), str(exc))
        for url_name in authorities:
            parsed += self._listing(f"{self.site}/body/{url_name.strip()}")
        for url_name in users:
            parsed += self._listing(f"{self.site}/user/{url_name.strip()}")
        unique = list(dict.fromkeys(parsed))
        if total_hint:
            total_hint(len(unique))
        self._progress(0, len(unique))
        for n, ref in enumerate(unique, 1):
            if self.reporter is not None and self.reporter.cancelled:
                break
            outcome = self.import_one(ref)
            if self.on_request:
                self.on_request(str(ref), outcome)
            self._progress(n, len(unique), f"{outcome}: {ref}")
        self.summary.http_requests = self.client.requests
        return self.summary

    def _listing(self, url: str) -> list[RequestRef]:
        found: list[RequestRef] = []
        errors_before = len(self.summary.errors)
        seen_pages: set[str] = set()
        page = url
        while page and page not in seen_pages and len(seen_pages) < MAX_LISTING_PAGES:
            seen_pages.add(page)
            self._progress(0, 0, f"Reading the list of requests at {page}")
            try:
                result = self.client.get(page)
            except FetchError as exc:
                self._error(page, _reason(exc))
                break
            titles, page = alaveteli.parse_listing(result.content, result.url)
            site = _origin(result.url) or self.site
            found += [RequestRef(site, url_title=t) for t in titles]
        if not found and len(self.summary.errors) == errors_before:
            self._error(url, "No requests are listed on this page.")
        return found

    # --- one request -----------------------------------------------------------------

    def import_one(self, ref: RequestRef) -> str:
        """Import or refresh one request; returns new, updated, unchanged or failed."""
        self.summary.requests += 1
        try:
            outcome = self._import(ref)
        except ImportFailed as exc:
            self._error(exc.url, exc.reason)
            self._count("failed")
            return "failed"
        except Exception as exc:  # one bad request never stops the run
            log.exception("Importing %s failed", ref)
            self._error(str(ref), f"Unexpected error: {exc!r}")
            self._count("failed")
            return "failed"
        setattr(self.summary, outcome, getattr(self.summary, outcome) + 1)
        self._count(outcome)
        return outcome

    def _find(self, ref: RequestRef) -> FoiRequest | None:
        rows = FoiRequest.objects.filter(site=ref.site)
        if ref.alaveteli_id is not None:
            return rows.filter(alaveteli_id=ref.alaveteli_id).first()
        return rows.filter(url_title=ref.url_title).first()

    def _import(self, ref: RequestRef) -> str:
        req = self._find(ref)
        site = ref.site
        result = self._request_json(ref, req)
        now = timezone.now()
        if result.not_modified:
            FoiRequest.objects.filter(pk=req.pk).update(last_checked_at=now)
            return self._retry_attachments(req, "unchanged")
        try:
            data = alaveteli.parse_request_json(result.content)
        except FormatError as exc:
            raise ImportFailed(result.url, f"Not an Alaveteli request: {exc}.") from exc
        if req is None:
            req = FoiRequest.objects.filter(site=site, alaveteli_id=data.id).first()
        created = req is None
        if created:
            req = FoiRequest(site=site, alaveteli_id=data.id)
        old_signature = _signature(req.events) if not created else None
        old_meta = _meta_fields(req) if not created else None
        old_url_title = req.url_title
        self._apply(req, data)
        req.last_checked_at = now
        changed = created or _meta_fields(req) != old_meta
        with transaction.atomic():
            req.save()
            if old_url_title and old_url_title != req.url_title:
                self._move_sources(req, old_url_title)
            if changed and not created:
                self._refresh_documents(req)
        events = [e.as_json() for e in data.events]
        pages_changed = created or data.message_signature() != old_signature
        if pages_changed:
            self._read_page(req, events)
        outcome = "new" if created else ("updated" if changed or pages_changed else "unchanged")
        outcome = self._retry_attachments(req, outcome)
        self._write_correspondence(req)
        # Only now is this version of the request done: its events and the JSON's validators
        # are stored last, so an import that stopped half way is redone in full next time.
        FoiRequest.objects.filter(pk=req.pk).update(
            events=events,
            json_etag=result.etag or "",
            json_last_modified=result.last_modified or "",
            last_imported_at=timezone.now(),
            last_error="",
        )
        return outcome

    def _request_json(self, ref: RequestRef, req: FoiRequest | None):
        """The request's JSON: by its stored url_title (conditionally), else by id or name."""
        site = ref.site
        if req is None:
            name = ref.alaveteli_id if ref.alaveteli_id is not None else ref.url_title
            return self._get_json(f"{site}/request/{name}.json", "", "", "")
        first = f"{site}/request/{req.url_title}.json"
        fallback = f"{site}/request/{req.alaveteli_id}.json"
        try:
            result = self._get_json(first, fallback, req.json_etag, req.json_last_modified)
        except ImportFailed as exc:
            if exc.status in (403, 404, 410):
                # Removed or hidden on the site: its documents stay, marked gone.
                _mark_sources(req, gone=True)
            raise
        _mark_sources(req, gone=False)
        return result

    def _get_json(self, url: str, fallback: str, etag: str, last_modified: str):
        try:
            return self.client.get(url, etag=etag, last_modified=last_modified)
        except FetchError as exc:
            if fallback and exc.status in (404, 410):
                # The title was edited and the old url_title stopped working: /request/<id>
                # redirects to the current one.
                try:
                    return self.client.get(fallback)
                except FetchError as exc2:
                    raise ImportFailed(fallback, _reason(exc2), exc2.status) from exc2
            raise ImportFailed(url, _reason(exc), exc.status) from exc

    def _apply(self, req: FoiRequest, data: RequestData) -> None:
        req.url_title = data.url_title[:255]
        req.title = data.title[:500]
        req.status = data.described_state[:32]
        req.display_status = data.display_status[:100]
        req.awaiting_description = data.awaiting_description
        req.prominence = data.prominence[:32]
        req.law_used = data.law_used[:16]
        req.tags = data.tags
        req.requester_name = data.requester_name[:255]
        req.requester_url_name = data.requester_url_name[:255]
        req.authority_name = data.authority_name[:500]
        req.authority_url_name = data.authority_url_name[:255]
        req.public_body = _public_body(data.authority_url_name)
        req.created_at = data.created_at
        req.updated_at = data.updated_at
        req.first_response_at = data.first_response_at
        last = data.last_event
        req.last_event_id = last.id if last else None
        req.last_event_at = last.created_at if last else None

    # --- the request page --------------------------------------------------------------

    def _read_page(self, req: FoiRequest, events: list[dict]) -> None:
        try:
            result = self.client.get(
                req.url, etag=req.html_etag, last_modified=req.html_last_modified
            )
        except FetchError as exc:
            # The events are not stored yet, so the next import reads the page again.
            FoiRequest.objects.filter(pk=req.pk).update(last_error=_reason(exc))
            raise ImportFailed(req.url, _reason(exc)) from exc
        if result.not_modified:
            return
        messages = alaveteli.parse_request_page(result.content, result.url)
        by_event = _event_ids(events)
        with transaction.atomic():
            existing = {(m.direction, m.alaveteli_id): m for m in req.messages.all()}
            for position, pm in enumerate(messages):
                msg = existing.get((pm.direction, pm.alaveteli_id)) or Message(
                    request=req, direction=pm.direction, alaveteli_id=pm.alaveteli_id
                )
                msg.position = position
                msg.author = pm.author[:500]
                msg.sent_at = pm.sent_at
                msg.body = pm.body
                msg.hidden = pm.hidden
                msg.event_id = by_event.get((pm.direction, pm.alaveteli_id))
                msg.save()
                for pa in pm.attachments:
                    self._upsert_attachment(req, msg, pa)
            FoiRequest.objects.filter(pk=req.pk).update(
                html_etag=result.etag or "", html_last_modified=result.last_modified or ""
            )

    def _upsert_attachment(self, req, msg, pa: alaveteli.PageAttachment) -> None:
        att = Attachment.objects.filter(request=req, alaveteli_id=pa.alaveteli_id).first()
        if att is None:
            att = Attachment(request=req, alaveteli_id=pa.alaveteli_id)
        att.message = msg
        att.incoming_message_id = pa.incoming_message_id
        att.position = pa.alaveteli_id
        if pa.hidden:
            if att.state == AttachmentState.DOWNLOADED:
                # Kept (the document was public when fetched); an admin may remove it.
                att.error = "Hidden on the site since it was downloaded."
            else:
                att.state = AttachmentState.HIDDEN
                att.error = "Hidden on the site: it is not linked from the request page."
        else:
            att.part = pa.part
            att.filename = pa.filename[:500]
            att.size_text = pa.size_text[:64]
            if att.state == AttachmentState.HIDDEN:
                att.state = AttachmentState.PENDING  # shown again
                att.error = ""
        is_new = att.pk is None
        att.save()
        if is_new and pa.hidden:
            self.summary.attachments["hidden"] += 1

    # --- attachments -------------------------------------------------------------------

    def _retry_attachments(self, req: FoiRequest, outcome: str) -> str:
        """Download what is missing: new, failed last time, or still being prepared."""
        todo = (
            req.attachments.filter(
                Q(state__in=(AttachmentState.PENDING, AttachmentState.PROCESSING))
                | Q(state=AttachmentState.FAILED, attempts__lt=MAX_ATTACHMENT_ATTEMPTS)
            )
            .select_related("message")
            .order_by("position", "id")
        )
        downloaded_any = False
        for att in todo:
            try:
                state = self._download(req, att)
            except Exception as exc:  # isolate: the request and its other files go on
                log.exception("Attachment %s of %s failed", att.pk, req)
                state = self._set_state(att, AttachmentState.FAILED, f"Unexpected error: {exc!r}")
            if state == AttachmentState.DOWNLOADED:
                downloaded_any = True
                self.summary.attachments["new"] += 1
            elif state == AttachmentState.HIDDEN:
                self.summary.attachments["hidden"] += 1
            else:
                self.summary.attachments["failed"] += 1
                self._error(att.url, att.error, counter=None)
        self.summary.attachments["unchanged"] += (
            req.attachments.filter(state=AttachmentState.DOWNLOADED)
            .exclude(pk__in=[a.pk for a in todo])
            .count()
        )
        if downloaded_any and outcome == "unchanged":
            return "updated"
        return outcome

    def _download(self, req: FoiRequest, att: Attachment) -> str:
        url = att.url
        if not url:
            return self._set_state(att, AttachmentState.FAILED, "No link to the file was found.")
        att.attempts += 1
        try:
            result = self._fetch_file(url)
        except _Outcome as outcome:
            return self._set_state(att, outcome.state, outcome.reason)
        ctype = result.content_type.split(";", 1)[0].strip().lower()
        if ctype in HTML_TYPES and not att.filename.lower().endswith((".htm", ".html")):
            return self._set_state(
                att,
                AttachmentState.HIDDEN,
                "The site answered with an HTML notice instead of the file.",
            )
        if not result.content:
            return self._set_state(att, AttachmentState.FAILED, "The site sent an empty file.")
        doc = self._ingest_attachment(req, att, result)
        att.document = doc
        att.etag = result.etag or ""
        att.last_modified = result.last_modified or ""
        att.fetched_at = result.fetched_at
        att.state = AttachmentState.DOWNLOADED
        att.error = ""
        att.save()
        return att.state

    def _fetch_file(self, url: str):
        """GET an attachment, waiting out the site's "being prepared" page when allowed."""
        for attempt in range(self.wait_tries if self.wait else 1):
            if attempt:
                self.sleep(self.wait_seconds)  # the wait page reloads every 2 s
            try:
                result = self.client.get(url)
            except RobotsDisallowed as exc:
                raise _Outcome(AttachmentState.FAILED, _reason(exc)) from exc
            except FetchError as exc:
                if exc.status in (401, 403):
                    raise _Outcome(
                        AttachmentState.HIDDEN, "The site refused the file: it is hidden."
                    ) from exc
                raise _Outcome(AttachmentState.FAILED, _reason(exc)) from exc
            if alaveteli.is_attachment_url(result.url):
                return result
            # Redirected to the "attachment being processed" wait page.
        raise _Outcome(
            AttachmentState.PROCESSING,
            "The site is still preparing this file (its wait page answered); "
            "it is fetched again on the next import.",
        )

    def _set_state(self, att: Attachment, state: str, reason: str) -> str:
        att.state = state
        att.error = reason
        att.save()
        return state

    def _ingest_attachment(self, req: FoiRequest, att: Attachment, result) -> Document:
        from datascores.documents.pipeline import ingest_bytes

        when = _message_date(att.message, req)
        outcome = ingest_bytes(
            result.content,
            filename=att.filename,
            location=att.url,
            source_kind=SourceKind.FOI,
            source_type=SourceType.FOI,
            fetched_at=result.fetched_at,
            etag=result.etag or "",
            last_modified=result.last_modified or "",
            title=_attachment_title(req, att),
            published_at=when,
            received_at=when,
            metadata=document_metadata(req, kind="attachment", attachment=att),
        )
        doc = outcome.document
        Source.objects.filter(document=doc, kind=SourceKind.FOI, location=att.url).update(
            referrer=req.url
        )
        if not outcome.created:
            # The same bytes were known already (another request, an upload): keep them
            # one document, and give it FOI facts when it had none.
            foi = (doc.metadata or {}).get("foi")
            if not foi:
                doc.metadata = {
                    **(doc.metadata or {}),
                    **document_metadata(req, kind="attachment", attachment=att),
                }
                doc.source_type = SourceType.FOI
                doc.published_at = doc.published_at or when
                doc.received_at = doc.received_at or when
                doc.index_dirty = True
                doc.save()
        return doc

    # --- the correspondence as a document ----------------------------------------------

    def _write_correspondence(self, req: FoiRequest) -> None:
        messages = list(req.messages.all())
        if not messages:
            return
        text = correspondence_text(req, messages)
        data = text.encode("utf-8")
        filename = f"wdtk-request-{req.alaveteli_id}-correspondence.txt"
        doc = req.correspondence
        if doc is not None and doc.blob.sha256 == hashlib.sha256(data).hexdigest():
            return
        start = (req.created_at or timezone.now()).date()
        if doc is None:
            from datascores.documents.pipeline import ingest_bytes

            outcome = ingest_bytes(
                data,
                filename=filename,
                location=req.url,
                source_kind=SourceKind.FOI,
                source_type=SourceType.FOI,
                fetched_at=timezone.now(),
                title=_correspondence_title(req),
                published_at=start,
                received_at=_last_message_date(messages) or start,
                metadata=document_metadata(req, kind="correspondence"),
            )
            FoiRequest.objects.filter(pk=req.pk).update(correspondence=outcome.document)
            req.correspondence = outcome.document
            return
        self._new_version(req, doc, data, filename, text, _last_message_date(messages) or start)

    def _new_version(self, req, doc: Document, data: bytes, filename, text, received) -> None:
        """The thread grew: its document gets the new text as a new version."""
        from datascores.documents import tasks
        from datascores.documents.pipeline import enqueue

        sha = hashlib.sha256(data).hexdigest()
        with transaction.atomic():
            blob = Blob.objects.filter(sha256=sha).first()
            if blob is None:
                blob = Blob(sha256=sha, size=len(data), mime_type="text/plain")
                blob.file.save(filename, ContentFile(data), save=False)
                blob.save()
            elif Document.objects.filter(blob=blob).exclude(pk=doc.pk).exists():
                return  # identical text already belongs to another document
            numbers = list(doc.versions.values_list("number", flat=True))
            if not numbers:
                DocVersion.objects.create(
                    document=doc,
                    number=1,
                    blob=doc.blob,
                    fetched_at=doc.fetched_at or doc.created_at,
                    title=doc.title,
                    text=doc.text,
                    url=req.url,
                )
                numbers = [1]
            DocVersion.objects.create(
                document=doc,
                number=max(numbers) + 1,
                blob=blob,
                fetched_at=timezone.now(),
                title=_correspondence_title(req),
                text=text,
                url=req.url,
            )
            doc.blob = blob
            doc.title = _correspondence_title(req)
            doc.received_at = received
            doc.fetched_at = timezone.now()
            doc.metadata = {**(doc.metadata or {}), **document_metadata(req, kind="correspondence")}
            doc.status = Status.PENDING
            doc.index_dirty = True
            doc.save()
            enqueue(tasks.process_document, doc.pk)

    # --- keeping documents in step with the request ------------------------------------

    def _refresh_documents(self, req: FoiRequest) -> None:
        """Status, title or authority changed: every document of the request says so."""
        docs = Document.objects.filter(
            Q(foi_attachments__request=req) | Q(pk=req.correspondence_id)
        ).distinct()
        changed = []
        for doc in docs:
            foi = (doc.metadata or {}).get("foi") or {}
            if foi.get("request_id") not in (None, req.alaveteli_id):
                continue  # the same bytes came first from another request
            kind = "correspondence" if doc.pk == req.correspondence_id else "attachment"
            att = req.attachments.filter(document=doc).first()
            doc.metadata = {
                **(doc.metadata or {}),
                **document_metadata(req, kind=kind, attachment=att),
            }
            if kind == "correspondence":
                doc.title = _correspondence_title(req)
            elif att is not None and doc.metadata.get("title_given"):
                doc.title = _attachment_title(req, att)
            doc.index_dirty = True
            doc.save(update_fields=["metadata", "title", "index_dirty", "updated_at"])
            changed.append(doc.pk)
        _announce(changed)

    def _move_sources(self, req: FoiRequest, old_url_title: str) -> None:
        """A retitled request: its documents' source URLs follow the new url_title."""
        old_prefix = f"{req.site}/request/{old_url_title}"
        for src in Source.objects.filter(kind=SourceKind.FOI, location__startswith=old_prefix):
            rest = src.location[len(old_prefix) :]
            if rest and not rest.startswith(("/", "#", "?")):
                continue
            new = req.url + rest
            if not Source.objects.filter(
                document=src.document_id, kind=SourceKind.FOI, location=new
            ).exists():
                referrer = req.url if src.referrer else ""
                Source.objects.filter(pk=src.pk).update(
                    location=new, location_hash=location_hash(new), referrer=referrer
                )

    # --- reporting ---------------------------------------------------------------------

    def _error(self, url: str, reason: str, *, counter: str | None = None) -> None:
        self.summary.errors.append({"url": url, "reason": reason})
        if self.reporter is not None:
            self.reporter.error(url, reason, counter=counter)

    def _count(self, name: str) -> None:
        if self.reporter is not None:
            self.reporter.count(name)

    def _progress(self, done: int, total: int, message: str | None = None) -> None:
        if self.reporter is not None:
            self.reporter.progress(done=done, total=total, message=message)


# --- helpers -------------------------------------------------------------------------


def document_metadata(req: FoiRequest, *, kind: str, attachment: Attachment | None = None) -> dict:
    """metadata for a document of this request (the FOI contract in TEAM.md, plus extras)."""
    foi = {
        "request_id": req.alaveteli_id,
        "url_title": req.url_title,
        "url": req.url,
        "title": req.title,
        "status": req.status,
        "authority": req.authority_name,
        "authority_url_name": req.authority_url_name,
        "created_at": req.created_at.date().isoformat() if req.created_at else "",
        "requester": req.requester_name,
        "site": req.site,
        "kind": kind,
    }
    if attachment is not None:
        foi["attachment_id"] = attachment.alaveteli_id
        foi["incoming_message_id"] = attachment.incoming_message_id
    # The tagger and sync_authorities read the authority's url_name at the top level.
    return {"foi": foi, "authority": req.authority_url_name}


def correspondence_text(req: FoiRequest, messages: list[Message]) -> str:
    parts = []
    for m in messages:
        who = m.author or ("Requester" if m.direction == Direction.OUTGOING else req.authority_name)
        when = timezone.localtime(m.sent_at).strftime("%-d %B %Y") if m.sent_at else ""
        head = f"{who}, {when}" if when else who
        body = m.body or (
            "[This message is hidden on the site.]" if m.hidden else "[No text in this message.]"
        )
        parts.append(f"{head}\n\n{body}")
    return "\n\n----------\n\n".join(parts) + "\n"


def _correspondence_title(req: FoiRequest) -> str:
    return f"{req.title} (correspondence)"[:500]


def _attachment_title(req: FoiRequest, att: Attachment) -> str:
    return f"{att.filename} — {req.title}"[:500]


def _message_date(msg: Message | None, req: FoiRequest) -> date | None:
    when = (msg.sent_at if msg else None) or req.first_response_at or req.created_at
    return timezone.localtime(when).date() if when else None


def _last_message_date(messages: list[Message]) -> date | None:
    times = [m.sent_at for m in messages if m.sent_at]
    return timezone.localtime(max(times)).date() if times else None


def _signature(events: list) -> list:
    return [
        [e.get(k) for k in ("id", "event_type", "incoming_message_id", "outgoing_message_id")]
        for e in events or []
        if e.get("event_type") in alaveteli.MESSAGE_EVENTS
    ]


def _event_ids(events: list) -> dict:
    out = {}
    for e in events or []:
        if e.get("incoming_message_id") and e.get("event_type") == "response":
            out[(Direction.INCOMING, e["incoming_message_id"])] = e["id"]
        if e.get("outgoing_message_id") and e.get("event_type") in ("sent", "followup_sent"):
            out.setdefault((Direction.OUTGOING, e["outgoing_message_id"]), e["id"])
    return out


def _meta_fields(req: FoiRequest) -> tuple:
    return (
        req.url_title,
        req.title,
        req.status,
        req.display_status,
        req.authority_url_name,
        req.authority_name,
        req.public_body_id,
        req.created_at,
    )


def _public_body(url_name: str) -> PublicBody | None:
    if not url_name:
        return None
    match = (
        AuthorityMatch.objects.filter(
            url_name=url_name, status=MatchStatus.ACCEPTED, public_body__isnull=False
        )
        .select_related("public_body")
        .first()
    )
    if match is not None:
        return match.public_body
    return PublicBody.objects.filter(wdtk_url_name=url_name).first()


def _mark_sources(req: FoiRequest, *, gone: bool) -> None:
    """The request's documents' sources follow the request: live, or gone from the site."""
    sources = Source.objects.filter(
        Q(document__foi_attachments__request=req) | Q(document=req.correspondence_id),
        kind=SourceKind.FOI,
        location__startswith=req.site + "/request/",
        status=SourceStatus.LIVE if gone else SourceStatus.GONE,
    )
    ids = list(sources.values_list("pk", "document_id"))
    if not ids:
        return
    now = timezone.now()
    Source.objects.filter(pk__in=[pk for pk, _ in ids]).update(
        status=SourceStatus.GONE if gone else SourceStatus.LIVE,
        gone_since=now if gone else None,
        last_checked_at=now,
    )
    doc_ids = sorted({d for _, d in ids})
    Document.objects.filter(pk__in=doc_ids).update(index_dirty=True)
    _announce(doc_ids)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def _reason(exc: Exception) -> str:
    return str(exc) or exc.__class__.__name__


def _announce(doc_ids: list[int]) -> None:
    """Tell the index that these documents' metadata changed (after commit)."""
    if not doc_ids:
        return
    from datascores.documents import signals

    ids = list(doc_ids)
    transaction.on_commit(lambda: signals.announce_changed(ids, sender=Document))
