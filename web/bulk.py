"""A result set's originals as one ZIP, streamed as it is written (never whole in memory or
on disk), with a manifest. Capped by BULK_MAX_DOCUMENTS and BULK_MAX_BYTES: a larger
result set is refused with the caps stated, unless the user asks for its first part.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from django.conf import settings
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.views.decorators.http import require_safe

from datascores.documents.models import Document, Status

from . import engine
from .documents import download_name, public_location
from .forms import SearchState

CHUNK = 1 << 20
MANIFEST_HEADER = ["id", "title", "issuer", "date", "sources", "sha256", "file", "bytes"]


@dataclass
class Selection:
    """The documents a bulk download holds, in the search's order, and why it stops."""

    total: int  # documents matching the search
    docs: list[Document] = field(default_factory=list)
    issuers: dict[int, str] = field(default_factory=dict)
    bytes: int = 0
    cut_count: bool = False
    cut_bytes: bool = False

    @property
    def cut(self) -> bool:
        return self.cut_count or self.cut_bytes

    def explanation(self) -> str:
        max_docs, max_bytes = settings.BULK_MAX_DOCUMENTS, settings.BULK_MAX_BYTES
        caps = (
            f"A bulk download holds at most {max_docs:,} documents and "
            f"{filesizeformat(max_bytes)} of originals."
        )
        if not self.cut:
            return caps
        return (
            f"This search matches {self.total:,} documents. {caps} "
            f"This download holds the first {len(self.docs):,} "
            f"({filesizeformat(self.bytes)}), in the order the search shows them."
        )


def select(state: SearchState) -> Selection:
    """The first documents of the result set that fit within the caps (duplicates once)."""
    max_docs, max_bytes = settings.BULK_MAX_DOCUMENTS, settings.BULK_MAX_BYTES
    total = engine.count(state)
    req = engine.request_for(state, page=1, size=0, snippets=0, facets=False)
    order: list[int] = []
    issuers: dict[int, str] = {}
    for hit in engine.backend().scan(req, fields=True, ordered=True):
        if hit.id in issuers:
            continue
        order.append(hit.id)
        issuers[hit.id] = str(hit.fields.get("issuing_authority") or "")
        if len(order) > max_docs:
            break
    sel = Selection(total=total, issuers=issuers, cut_count=len(order) > max_docs)
    by_id = Document.objects.filter(
        pk__in=order[:max_docs], status__in=(Status.DONE, Status.FAILED)
    ).select_related("blob")
    docs = {d.pk: d for d in by_id.prefetch_related("sources")}
    seen: set[str] = set()
    for pk in order[:max_docs]:
        doc = docs.get(pk)
        if doc is None or doc.blob.sha256 in seen:
            continue
        if sel.bytes + doc.blob.size > max_bytes:
            sel.cut_bytes = True
            break
        seen.add(doc.blob.sha256)
        sel.docs.append(doc)
        sel.bytes += doc.blob.size
    return sel


class _Sink:
    """A write-only, unseekable file for zipfile: what it is given waits to be yielded."""

    def __init__(self) -> None:
        self.buffer = bytearray()
        self.position = 0

    def write(self, data) -> int:
        self.buffer += data
        self.position += len(data)
        return len(data)

    def tell(self) -> int:
        return self.position

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        out = bytes(self.buffer)
        self.buffer.clear()
        return out


def member_name(doc: Document) -> str:
    """documents/<id>-<original name>: unique (the id) and safe (no directories)."""
    name = PurePosixPath(download_name(doc).replace("\\", "/")).name.lstrip(".") or "document"
    return f"documents/{doc.pk}-{name[:150]}"


def manifest(sel: Selection) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(MANIFEST_HEADER)
    for doc in sel.docs:
        writer.writerow(
            [
                doc.pk,
                _cell(doc.title),
                _cell(sel.issuers.get(doc.pk, "")),
                doc.date.isoformat() if doc.date else "",
                " | ".join(_cell(public_location(s)) for s in doc.sources.all()),
                doc.blob.sha256,
                member_name(doc),
                doc.blob.size,
            ]
        )
    return out.getvalue().encode("utf-8-sig")


def _cell(value: str) -> str:
    """No spreadsheet formulas from document titles (=, +, -, @ start a formula)."""
    value = " ".join(str(value or "").split())
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


def stream_zip(sel: Selection) -> Iterator[bytes]:
    """The ZIP, chunk by chunk: manifest, a note when cut, then each original."""
    sink = _Sink()
    now = timezone.now().timetuple()[:6]
    with zipfile.ZipFile(sink, "w", allowZip64=True) as zf:
        info = zipfile.ZipInfo("manifest.csv", date_time=now)
        info.compress_type = zipfile.ZIP_DEFLATED
        zf.writestr(info, manifest(sel))
        if sel.cut:
            zf.writestr(zipfile.ZipInfo("README-cut.txt", date_time=now), sel.explanation())
        yield sink.take()
        for doc in sel.docs:
            info = zipfile.ZipInfo(member_name(doc), date_time=now)
            info.compress_type = zipfile.ZIP_STORED  # originals are mostly compressed already
            try:
                source = doc.blob.file.open("rb")
            except OSError:
                continue
            with source, zf.open(info, "w", force_zip64=True) as dest:
                while chunk := source.read(CHUNK):
                    dest.write(chunk)
                    yield sink.take()
            yield sink.take()
    yield sink.take()


@require_safe
def bulk_download(request: HttpRequest) -> HttpResponse:
    """GET /search.zip?<search parameters>[&cut=1]."""
    state = SearchState.from_params(request.GET)
    try:
        sel = select(state)
    except engine.QueryError as exc:
        return HttpResponse(f"Bad query: {exc}", status=400, content_type="text/plain")
    except engine.SearchUnavailable:
        return HttpResponse("Search is unavailable.", status=503, content_type="text/plain")
    query = state.with_(page=1).query_string(page=False)
    if not sel.docs or (sel.cut and request.GET.get("cut") != "1"):
        ctx = {"sel": sel, "query": query, "state": state, "header_q": state.q}
        return render(request, "site/pages/bulk_refused.html", ctx, status=413 if sel.docs else 404)
    response = StreamingHttpResponse(stream_zip(sel), content_type="application/zip")
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="datascores-{stamp}.zip"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
