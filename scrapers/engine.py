"""One scrape run: seed the frontier, fetch, store what is new or changed, mark what is gone.

The frontier lives in the database (`FrontierItem`), so a run whose worker died resumes
from its pending items. Fetching happens in a few threads (the fetcher keeps each host's
pace); everything that writes to the database happens in the run's own thread.

Every URL ends as one counted outcome:
fetched (answered 200 or 304), then one of new / changed / unchanged / gone / skipped /
failed. `skipped` carries a reason (robots, off-domain, refused address, too large,
filters, depth, max pages, duplicate URL, noindex); the notable ones (robots, refused,
too large) and every failure go to the run's error list with the URL.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import parse_qsl, quote_plus, urlsplit

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from datascores.documents import tasks as document_tasks
from datascores.documents.models import Blob, Document, SourceKind, SourceType, Status, Version
from datascores.documents.models import Source as DocSource
from datascores.documents.models import SourceStatus as DocSourceStatus
from datascores.documents.pipeline import enqueue, ingest_bytes
from datascores.documents.signals import announce_changed
from datascores.documents.sniff import sniff_mime
from datascores.fetch import netguard
from datascores.fetch.fetcher import (
    BlockedAddress,
    Fetcher,
    FetchError,
    FetchResult,
    RobotsDisallowed,
    TooLarge,
    get_fetcher,
)
from datascores.jobs.models import Job, JobStatus
from datascores.jobs.progress import Reporter

from . import pages
from .models import FrontierItem, Kind, KnownURL, Role, Source, url_key
from .sitemaps import FetcherWebClient, sitemap_pages

log = logging.getLogger(__name__)

COUNTS = ("fetched", "new", "changed", "unchanged", "gone", "skipped", "failed")
SERVER_ERROR_RETRIES = 2  # a 5xx page is tried again later in the run this many times
SEARCH_MAX_PAGES = 20  # result pages followed per search term
BATCH = 32
MAX_LINKS_KEPT = 200  # a page's links kept in its metadata
NOTABLE_SKIPS = ("robots", "refused", "too large")  # listed with their URL, not only counted
# Hosts a site serves its attachments from: a file linked from the site's pages may come
# from them (every GOV.UK attachment is on its assets host).
FILE_HOSTS = {"www.gov.uk": ("assets.publishing.service.gov.uk",)}


@dataclass
class Outcome:
    result: FetchResult | None = None
    error: Exception | None = None


class Scrape:
    """Runs (or resumes) the scrape job `job` for its source."""

    def __init__(
        self,
        job: Job,
        *,
        fetcher: Fetcher | None = None,
        concurrency: int | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.job = job
        self.source = Source.objects.select_related("authority").get(pk=job.params["source_id"])
        self.fetcher = fetcher or get_fetcher()
        self.concurrency = concurrency or settings.SCRAPER_CONCURRENCY
        self.reporter = Reporter(job, clock=clock)
        self.domains = self.source.domains
        self.include = self.source.include_patterns
        self.exclude = self.source.exclude_patterns
        self.keywords = self.source.keywords
        self.search_path = urlsplit(self.source.search_url).path if self.source.search_url else ""
        self.known: dict[str, KnownURL] = {}  # the current batch's known URLs, by key
        # The search URL's parameters that carry the term: a later result page keeps them.
        self.term_params = {
            k for k, v in parse_qsl(urlsplit(self.source.search_url).query) if "{term}" in v
        } or None
        self.file_hosts = {h for d in self.domains for h in FILE_HOSTS.get(d, ())}
        self.page_items = (
            FrontierItem.objects.filter(job=job, role=Role.PAGE)
            .exclude(outcome__startswith="skipped")
            .count()
        )

    # --- the run -------------------------------------------------------------------------
    def run(self) -> Job:
        r = self.reporter
        for name in COUNTS:
            r.counts.setdefault(name, 0)
        r.start()
        try:
            if self.job.params.get("seeded"):
                self.recount()  # resumed: counts since the last report were not saved
            else:
                r.progress(message="Finding pages to visit")
                self.seed()
                params = {**self.job.params, "seeded": True}
                Job.objects.filter(pk=self.job.pk).update(params=params)
                self.job.params = params
            self.crawl()
        except Exception as exc:
            log.exception("scrape of %s failed", self.source.name)
            return r.fail(f"The run stopped: {type(exc).__name__}: {exc}")
        c = r.counts
        summary = ", ".join(f"{c.get(k, 0)} {k}" for k in COUNTS)
        r.progress(message="Finished" if not r.cancelled else "Cancelled")
        job = r.finish(result=summary)
        # Only the latest run's frontier is kept (the outcome of each URL it visited);
        # what a source found is remembered in KnownURL.
        FrontierItem.objects.filter(job__kind=job.kind, job__subject=job.subject).exclude(
            job=job
        ).exclude(job__status__in=["queued", "running"]).delete()
        return job

    def seed(self) -> None:
        source = self.source
        if source.kind == Kind.SEARCH:
            for term in source.term_list:
                url = source.search_url.replace("{term}", quote_plus(term))
                self.add([url], role=Role.SEARCH, depth=0, referrer="", check=False)
        elif source.kind == Kind.FEED:
            self.add(source.url_list, role=Role.FEED, depth=0, referrer="", check=False)
        elif source.kind == Kind.SITEMAP:
            client = FetcherWebClient(self.fetcher)
            for url in source.url_list:
                found = list(sitemap_pages(url, self.fetcher, client))
                self.add(found, role=Role.PAGE, depth=0, referrer=url)
            for url, reason in client.errors:
                self.reporter.error(url, f"Sitemap not read: {reason}", counter=None)
        else:  # crawl, urls
            self.add(source.url_list, role=Role.PAGE, depth=0, referrer="")
        # Everything this source found before is checked again: changed, unchanged or gone.
        known = KnownURL.objects.filter(source=source).values_list("url", "depth")
        for depth in sorted({d for _u, d in known}):
            urls = [u for u, d in known if d == depth]
            self.add(urls, role=Role.PAGE, depth=depth, referrer="", known=True)

    def crawl(self) -> None:
        r = self.reporter
        with ThreadPoolExecutor(max_workers=self.concurrency) as pool:
            while not r.cancelled:
                items = list(
                    FrontierItem.objects.filter(job=self.job, pending=True).order_by(
                        "attempts", "id"
                    )[:BATCH]
                )
                if not items:
                    break
                self.known = {
                    k.key: k
                    for k in self.known_urls(key__in=[i.key for i in items if i.role == Role.PAGE])
                }
                futures = [
                    pool.submit(self.fetch, item, self.validators(item.key)) for item in items
                ]
                for item, future in zip(items, futures, strict=True):
                    self.handle(item, future.result())
                    if r.cancelled:
                        break
                done = FrontierItem.objects.filter(job=self.job, pending=False).count()
                total = FrontierItem.objects.filter(job=self.job).count()
                r.progress(done=done, total=total, message=f"Visited {done} of {total} URLs")
            if r.cancelled:
                pending = FrontierItem.objects.filter(job=self.job, pending=True)
                pending.update(pending=False, outcome="cancelled")

    def known_urls(self, **lookup):
        """What this source remembers of these URLs, with their document's metadata (the
        links a 304 page had) read in the same query."""
        return KnownURL.objects.filter(source=self.source, **lookup).annotate(
            document_metadata=F("document__metadata")
        )

    def validators(self, key: str) -> tuple[str, str]:
        """(ETag, Last-Modified) from the last time this URL answered, for a conditional GET."""
        known = self.known.get(key)
        return (known.etag, known.last_modified) if known else ("", "")

    def fetch(self, item: FrontierItem, validators: tuple[str, str]) -> Outcome:
        """Runs in a fetch thread: network only, no database."""
        etag, last_modified = validators
        try:
            return Outcome(self.fetcher.get(item.url, etag=etag, last_modified=last_modified))
        except FetchError as exc:
            return Outcome(error=exc)
        except Exception as exc:  # a bug or an odd server must not end the run
            log.exception("fetching %s", item.url)
            return Outcome(error=exc)

    # --- outcomes ------------------------------------------------------------------------
    def handle(self, item: FrontierItem, outcome: Outcome) -> None:
        try:
            if outcome.error is not None:
                self.failed_fetch(item, outcome.error)
            elif item.role == Role.FEED:
                self.read_feed(item, outcome.result)
            elif item.role == Role.SEARCH:
                self.read_search(item, outcome.result)
            elif outcome.result.not_modified:
                self.count_fetched(item)
                self.unchanged(item, outcome.result)
            else:
                self.count_fetched(item)
                self.store(item, outcome.result)
        except Exception as exc:
            log.exception("handling %s", item.url)
            self.finish(item, "failed", f"Could not store it: {type(exc).__name__}: {exc}")

    def count_fetched(self, item: FrontierItem) -> None:
        item.fetched = True
        self.reporter.count("fetched")

    def recount(self) -> None:
        """Counts and errors from the frontier itself (what a dead worker did is there)."""
        from collections import Counter

        r = self.reporter
        counts: Counter[str] = Counter({name: 0 for name in COUNTS})
        errors = []
        done = FrontierItem.objects.filter(job=self.job, pending=False).exclude(outcome="done")
        for url, outcome, reason, fetched in done.values_list(
            "url", "outcome", "reason", "fetched"
        ).order_by("id"):
            counts["fetched"] += fetched
            if outcome.startswith("skipped"):
                kind = outcome.split(":", 1)[1] if ":" in outcome else "other"
                counts["skipped"] += 1
                counts[f"skipped: {kind}"] += 1
                if kind in NOTABLE_SKIPS:
                    errors.append({"url": url, "reason": reason})
            else:
                counts[outcome] += 1
                if outcome == "failed":
                    errors.append({"url": url, "reason": reason})
        counts.update({k: v for k, v in r.counts.items() if k.startswith("listing")})
        r.counts = counts
        r.errors = errors[:500]
        r.error_count = len(errors)

    def finish(self, item: FrontierItem, outcome: str, reason: str = "", *, save=True) -> None:
        """Record the item's outcome and count it (skips and failures with their reason)."""
        if save:
            item.pending = False
            item.outcome = outcome
            item.reason = reason[:2000]
            item.save(update_fields=["pending", "outcome", "reason", "attempts", "fetched"])
        if outcome == "done":
            return
        r = self.reporter
        if outcome == "failed":
            r.error(item.url, reason, counter="failed")
        elif outcome.startswith("skipped"):
            kind = outcome.split(":", 1)[1] if ":" in outcome else "other"
            r.counts[f"skipped: {kind}"] += 1
            if kind in NOTABLE_SKIPS:
                r.error(item.url, reason, counter="skipped")
            else:
                r.count("skipped")
        else:
            r.count(outcome)

    def failed_fetch(self, item: FrontierItem, exc: Exception) -> None:
        if isinstance(exc, RobotsDisallowed):
            return self.finish(item, "skipped:robots", str(exc))
        if isinstance(exc, BlockedAddress):
            return self.finish(item, "skipped:refused", str(exc))
        if isinstance(exc, TooLarge):
            return self.finish(item, "skipped:too large", str(exc))
        status = getattr(exc, "status", None)
        if status in (404, 410) and item.role == Role.PAGE:
            known = KnownURL.objects.filter(source=self.source, key=item.key).first()
            if known is not None and known.document_id:
                self.mark_gone(known)
                return self.finish(item, "gone")
        # A server error may pass; a timeout or a slow drip is not worth waiting for twice.
        retry = status is not None and status >= 500 and item.attempts < SERVER_ERROR_RETRIES
        if retry:
            item.attempts += 1  # tried again after the rest of this batch
            item.save(update_fields=["attempts"])
            return None
        reason = str(exc) if isinstance(exc, FetchError) else f"{type(exc).__name__}: {exc}"
        return self.finish(item, "failed", reason)

    def mark_gone(self, known: KnownURL) -> None:
        now = timezone.now()
        locations = {known.url, known.location} - {""}
        DocSource.objects.filter(
            document_id=known.document_id, kind=SourceKind.URL, location__in=locations
        ).exclude(status=DocSourceStatus.GONE).update(status=DocSourceStatus.GONE, gone_since=now)
        DocSource.objects.filter(
            document_id=known.document_id, kind=SourceKind.URL, location__in=locations
        ).update(last_checked_at=now)
        Document.objects.filter(pk=known.document_id).update(index_dirty=True)
        KnownURL.objects.filter(pk=known.pk).update(last_seen_at=now, outcome="gone")
        transaction.on_commit(lambda: announce_changed([known.document_id], sender=Source))

    def unchanged(self, item: FrontierItem, result: FetchResult) -> None:
        now = timezone.now()
        known = self.known.get(item.key) or self.known_urls(key=item.key).first()
        if known is not None:
            known.last_seen_at = now
            known.etag = result.etag or known.etag
            known.last_modified = result.last_modified or known.last_modified
            known.save(update_fields=["last_seen_at", "etag", "last_modified"])
            if known.document_id:
                self._touch_sources(known.document_id, {known.url, known.location}, now)
                # A 304 has no body: follow the links the page had when it was stored, so
                # a re-scrape reaches everything the first run reached (and retries it).
                metadata = known.document_metadata
                links = ((metadata or {}).get("web") or {}).get("links") or []
                if links:
                    self.follow(item, pages.PageInfo(links=list(links)), keep=True)
        self.finish(item, "unchanged")

    def _touch_sources(self, doc_id: int, locations: set[str], now) -> None:
        sources = DocSource.objects.filter(
            document_id=doc_id, kind=SourceKind.URL, location__in=locations - {""}
        )
        if sources.filter(status=DocSourceStatus.GONE).exists():  # back again
            sources.update(status=DocSourceStatus.LIVE, gone_since=None)
            Document.objects.filter(pk=doc_id).update(index_dirty=True)
            transaction.on_commit(lambda: announce_changed([doc_id], sender=Source))
        sources.update(last_checked_at=now)

    # --- listings ------------------------------------------------------------------------
    def read_feed(self, item: FrontierItem, result: FetchResult) -> None:
        import feedparser

        feed = feedparser.parse(result.content)
        entries, files = [], []
        for entry in feed.entries:
            if entry.get("link"):
                entries.append(pages.normalize_url(entry["link"]))
            for link in entry.get("links", []):
                href = link.get("href")
                if href and link.get("rel") == "enclosure":
                    files.append(pages.normalize_url(href))
        if not entries and not files and feed.bozo:
            return self.finish(item, "failed", f"Not a feed: {feed.get('bozo_exception')}")
        self.add(entries + files, role=Role.PAGE, depth=0, referrer=item.url)
        return self.finish(item, "done")

    def read_search(self, item: FrontierItem, result: FetchResult) -> None:
        info = pages.read_page(result.content, result.url, with_text=False)
        results, more = [], []
        for link in info.main_links:
            if urlsplit(link).path != self.search_path:
                results.append(link)
            elif pages.later_page(link, result.url, self.term_params):
                more.append(link)
            # Other links to the search page (earlier pages, other searches, sorting) are
            # neither results nor more results.
        if item.depth + 1 < SEARCH_MAX_PAGES:
            self.add(more, role=Role.SEARCH, depth=item.depth + 1, referrer=item.url, check=False)
        self.add(results, role=Role.PAGE, depth=0, referrer=item.url)
        self.finish(item, "done")

    # --- pages and files -----------------------------------------------------------------
    def store(self, item: FrontierItem, result: FetchResult) -> None:
        info = None
        if pages.is_html(result.content_type, result.content):
            info = pages.read_page(result.content, result.url)
            keep = not info.noindex and pages.mentions(info.main_text, self.keywords)
            if not info.nofollow:
                self.follow(item, info, keep)
            canonical = info.canonical
            if (
                canonical
                and canonical not in (item.url, pages.normalize_url(result.url))
                and self.allowed(canonical) is None
            ):
                self.add([canonical], role=Role.PAGE, depth=item.depth, referrer=item.referrer)
                return self.finish(
                    item, "skipped:duplicate URL", f"Its canonical URL is {canonical}."
                )
            if info.noindex:
                return self.finish(item, "skipped:noindex", "The page asks not to be indexed.")
            if not keep:
                return self.finish(
                    item,
                    "skipped:keyword filter",
                    "Its main text mentions none of the source's keywords.",
                )
        self.finish(item, self.save(item, result, info))
        return None

    def follow(self, item: FrontierItem, info: pages.PageInfo, keep: bool) -> None:
        files = [u for u in info.links if pages.looks_like_file(u)]
        links = [u for u in info.links if not pages.looks_like_file(u)]
        depth = item.depth + 1
        if files:
            if keep or not self.keywords:
                self.add(files, role=Role.PAGE, depth=depth, referrer=item.url, files=True)
            else:
                self.add(
                    files, role=Role.PAGE, depth=depth, referrer=item.url, files=True, drop=True
                )
        if links:
            self.add(links, role=Role.PAGE, depth=depth, referrer=item.url)

    def save(self, item: FrontierItem, result: FetchResult, info: pages.PageInfo | None) -> str:
        content = result.content
        sha = hashlib.sha256(content).hexdigest()
        location = pages.normalize_url(result.url)
        now = result.fetched_at
        title = info.title if info else ""
        metadata = self.metadata(location, info)
        with transaction.atomic():
            known = KnownURL.objects.filter(source=self.source, key=item.key).first()
            doc_src = None
            if known is not None and known.document_id:
                doc_src = (
                    DocSource.objects.filter(document_id=known.document_id, kind=SourceKind.URL)
                    .select_related("document__blob")
                    .first()
                )
            if doc_src is None:
                doc_src = (
                    DocSource.objects.at(location)
                    .filter(kind=SourceKind.URL)
                    .select_related("document__blob")
                    .first()
                )
            if doc_src is not None:
                doc = doc_src.document
                if doc.blob.sha256 == sha:
                    outcome = "unchanged"
                else:
                    doc, outcome = self.new_version(doc, content, sha, location, result, info)
            else:
                orphan = Blob.objects.filter(sha256=sha, document__isnull=True).first()
                version = orphan and Version.objects.filter(blob=orphan).order_by("-id").first()
                if version:  # an earlier version of a document: these bytes belong to it
                    doc, outcome = version.document, "unchanged"
                else:
                    out = ingest_bytes(
                        content,
                        filename=filename_for(location, result.content_type),
                        location=location,
                        source_kind=SourceKind.URL,
                        source_type=SourceType.WEB,
                        fetched_at=now,
                        etag=result.etag,
                        last_modified=result.last_modified,
                        title=title,
                        published_at=info.published if info else None,
                        metadata=metadata,
                    )
                    doc = out.document
                    outcome = "new" if out.created else "unchanged"
                    if out.created:
                        Version.objects.create(
                            document=doc,
                            number=1,
                            blob=doc.blob,
                            fetched_at=now,
                            title=doc.title,
                            text=info.main_text if info else "",
                            url=location,
                        )
            src, _created = DocSource.objects.get_or_create(
                document=doc,
                kind=SourceKind.URL,
                location=location,
                defaults={"filename": filename_for(location, result.content_type)},
            )
            src.fetched_at, src.etag, src.last_modified = now, result.etag, result.last_modified
            src.last_checked_at = timezone.now()
            src.referrer = item.referrer or src.referrer
            was_gone = src.status == DocSourceStatus.GONE
            src.status, src.gone_since = DocSourceStatus.LIVE, None
            src.save()
            if was_gone:
                Document.objects.filter(pk=doc.pk).update(index_dirty=True)
            KnownURL.objects.update_or_create(
                source=self.source,
                key=item.key,
                defaults={
                    "url": item.url,
                    "depth": item.depth,
                    "document": doc,
                    "etag": result.etag,
                    "last_modified": result.last_modified,
                    "last_seen_at": timezone.now(),
                    "outcome": outcome,
                    "location": location,
                },
            )
        return outcome

    def metadata(self, location: str, info: pages.PageInfo | None) -> dict:
        web: dict = {"url": location, "source": self.source.name}
        if info is not None:
            if info.canonical:
                web["canonical"] = info.canonical
            if info.description:
                web["description"] = info.description
            if info.published:
                web["published"] = info.published.isoformat()
            if info.updated:
                web["updated"] = info.updated.isoformat()
            web["links"] = info.links[:MAX_LINKS_KEPT]
        metadata: dict = {"web": web}
        if self.source.authority_id:
            # The entities tagger takes metadata["authority"] as the issuer (as it does for
            # FOI responses), before any letterhead heuristics: the council's own site.
            metadata["authority"] = self.source.authority.name
        return metadata

    def new_version(
        self,
        doc: Document,
        content: bytes,
        sha: str,
        location: str,
        result: FetchResult,
        info: pages.PageInfo | None,
    ) -> tuple[Document, str]:
        """The page changed: its new bytes become the document's latest version."""
        doc = Document.objects.select_for_update().select_related("blob").get(pk=doc.pk)
        versions = list(doc.versions.order_by("number"))
        if not versions:  # a document from before versions were kept: its first state
            versions.append(
                Version.objects.create(
                    document=doc,
                    number=1,
                    blob=doc.blob,
                    fetched_at=doc.fetched_at or doc.created_at,
                    title=doc.title,
                    text=doc.text,
                    url=location,
                )
            )
        latest = versions[-1]
        if not latest.text:  # a file: its text is known only after processing
            latest.text = doc.text
            latest.save(update_fields=["text"])
        blob = Blob.objects.filter(sha256=sha).first()
        if blob is not None:
            other = Document.objects.filter(blob=blob).exclude(pk=doc.pk).first()
            if other is not None:  # the page now holds bytes another document has
                return other, "unchanged"
        else:
            blob = store_blob(sha, content, filename_for(location, result.content_type))
        title = (info.title if info else "") or doc.title
        doc.blob = blob
        doc.title = title[:500]
        doc.fetched_at = result.fetched_at
        if info is not None and info.published:
            doc.published_at = info.published
        doc.metadata = {**doc.metadata, **self.metadata(location, info), "title_given": bool(info)}
        doc.status = Status.PENDING
        doc.failure_code = ""
        doc.failure_reason = ""
        doc.index_dirty = True
        doc.save()
        Version.objects.create(
            document=doc,
            number=latest.number + 1,
            blob=blob,
            fetched_at=result.fetched_at,
            title=doc.title,
            text=info.main_text if info else "",
            url=location,
        )
        enqueue(document_tasks.process_document, doc.pk)
        return doc, "changed"

    # --- the frontier --------------------------------------------------------------------
    def allowed(self, url: str, *, files: bool = False) -> tuple[str, str] | None:
        """None when the URL may be fetched, else (outcome, reason)."""
        try:
            target = netguard.parse_url(url)
        except netguard.URLRefused as exc:
            return "skipped:refused", f"Not fetching {url}: {exc}."
        try:
            reason = netguard.blocked_reason(target.host)
        except ValueError:
            reason = None  # a name, not an address: the fetcher vets what it resolves to
        if (
            reason
            and not self.fetcher.allow_private
            and not any(
                ipaddress.ip_address(target.host) in n for n in self.fetcher.allowed_networks
            )
        ):
            return "skipped:refused", f"Not fetching {url}: {target.host} is a {reason} address."
        host = target.host.lower()
        if not any(host == d or host.endswith("." + d) for d in self.domains) and not (
            files and host in self.file_hosts
        ):
            return "skipped:off-domain", f"{host} is not one of the source's domains."
        if self.exclude and any(p.search(url) for p in self.exclude):
            return "skipped:excluded", "It matches an exclude pattern."
        if self.include and not files and not any(p.search(url) for p in self.include):
            return "skipped:not included", "It matches no include pattern."
        return None

    def add(
        self,
        urls: Iterable[str],
        *,
        role: str,
        depth: int,
        referrer: str,
        check: bool = True,
        files: bool = False,
        drop: bool = False,
        known: bool = False,
    ) -> None:
        """Put new URLs on the frontier; a URL that may not be visited is recorded as skipped.

        `known`: URLs this source stored before, checked again whatever their depth.
        """
        wanted: dict[str, str] = {}
        for url in urls:
            url = pages.normalize_url(url)
            wanted.setdefault(url_key(url), url)
        if not wanted:
            return
        existing = set(
            FrontierItem.objects.filter(job=self.job, key__in=list(wanted)).values_list(
                "key", flat=True
            )
        )
        if files and not drop:
            self._reopen_dropped(wanted)
        max_depth = self.source.max_depth + (1 if files else 0)
        new, skipped = [], []
        for key, url in wanted.items():
            if key in existing:
                continue
            item = FrontierItem(
                job=self.job, url=url, key=key, role=role, depth=depth, referrer=referrer
            )
            verdict = self.allowed(url, files=files) if check else None
            if verdict is None and drop:
                verdict = (
                    "skipped:keyword filter",
                    "Linked from a page whose main text mentions none of the keywords.",
                )
            if verdict is None and role == Role.PAGE and depth > max_depth and not known:
                verdict = ("skipped:depth", f"Deeper than the source's max depth ({max_depth}).")
            if verdict is None and role == Role.PAGE:
                if self.page_items >= self.source.max_pages:
                    verdict = (
                        "skipped:max pages",
                        f"The run reached the source's max pages ({self.source.max_pages}).",
                    )
                else:
                    self.page_items += 1
            if verdict is not None:
                item.pending = False
                item.outcome, item.reason = verdict
                skipped.append(item)
            new.append(item)
        FrontierItem.objects.bulk_create(new, ignore_conflicts=True)
        for item in skipped:
            self.finish(item, item.outcome, item.reason, save=False)

    def _reopen_dropped(self, wanted: dict[str, str]) -> None:
        """A file first seen on a page the keyword filter dropped, now linked from a kept
        page: it is kept after all."""
        dropped = FrontierItem.objects.filter(
            job=self.job, key__in=list(wanted), outcome="skipped:keyword filter"
        )
        reopened = dropped.update(pending=True, outcome="", reason="")
        if reopened:
            r = self.reporter
            r.counts["skipped"] -= reopened
            r.counts["skipped: keyword filter"] -= reopened
            self.page_items += reopened


def filename_for(url: str, content_type: str) -> str:
    name = PurePosixPath(urlsplit(url).path).name
    if not name or "." not in name:
        if "html" in content_type:
            name = (name or "index") + ".html"
        elif not name:
            name = "index"
    return name[:200]


def store_blob(sha: str, content: bytes, filename: str) -> Blob:
    """Keep new bytes once, content-addressed, as ingest does."""
    blob = Blob(sha256=sha, size=len(content), mime_type=sniff_mime(content, filename))
    name = blob.file.field.generate_filename(blob, filename)
    if blob.file.storage.exists(name):
        blob.file.name = name
    else:
        blob.file.save(filename, ContentFile(content), save=False)
    blob.save()
    return blob


def run_job(job_id: int, **kwargs) -> Job | None:
    """Run or resume a scrape job; a finished or cancelled one is left alone."""
    job = Job.objects.filter(pk=job_id).first()
    if job is None or job.status not in (JobStatus.QUEUED, JobStatus.RUNNING):
        return job
    if job.cancel_requested:
        return Reporter(job).finish(JobStatus.CANCELLED, "Cancelled before it started.")
    return Scrape(job, **kwargs).run()
