"""manage.py show_document ID — one document's outcome, pages, sources and tags."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from datascores.documents.models import Document
from datascores.documents.signals import tag_provider


def _iso(moment) -> str | None:
    return moment.isoformat() if moment else None


def document_summary(doc: Document) -> dict:
    """The JSON shape of show_document --json (tags from the registered tags provider)."""
    tags = tag_provider()
    pages = list(doc.pages.all())
    return {
        "id": doc.pk,
        "title": doc.title,
        "status": doc.status,
        "reason": doc.failure_reason,
        "failure_code": doc.failure_code,
        "file_type": doc.file_type,
        "mime_type": doc.blob.mime_type,
        "sha256": doc.blob.sha256,
        "pages": doc.page_count,
        "page_methods": [p.method for p in pages],
        "page_ocr_confidence": [p.ocr_confidence for p in pages],
        "ocr_confidence": doc.ocr_confidence,
        "warnings": doc.metadata.get("warnings", []),
        "parent": doc.parent_id,
        "children": list(doc.children.values_list("pk", flat=True)),
        "sources": [
            {
                "kind": s.kind,
                "location": s.location,
                "url": s.location if s.location.startswith(("http://", "https://")) else None,
                "filename": s.filename,
                "container": s.container_id,
                "fetched_at": _iso(s.fetched_at),
                "status": s.status,
                "gone_since": _iso(s.gone_since),
            }
            for s in doc.sources.all()
        ],
        "versions": [
            {
                "number": v.number,
                "fetched_at": _iso(v.fetched_at),
                "sha256": v.blob.sha256,
                "url": v.url,
            }
            for v in doc.versions.select_related("blob").order_by("number")
        ],
        "tags": tags.document_tags(doc),
        "evidence": tags.document_evidence(doc),
    }


class Command(BaseCommand):
    help = "Print one document: status, reason, pages (text layer or OCR), sources and tags."

    def add_arguments(self, parser):
        parser.add_argument("id", type=int)
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, **opts):
        doc = Document.objects.select_related("blob").filter(pk=opts["id"]).first()
        if doc is None:
            raise CommandError(f"No document with id {opts['id']}.")
        info = document_summary(doc)
        if opts["json"]:
            self.stdout.write(json.dumps(info, indent=2, ensure_ascii=False))
            return
        w = self.stdout.write
        w(f"Document {doc.pk}: {doc.title}")
        w(
            f"  status: {doc.status}"
            + (f" ({doc.failure_code}) {doc.failure_reason}" if doc.failure_reason else "")
        )
        w(
            f"  type: {doc.file_type} ({doc.blob.mime_type}), {doc.blob.size} bytes, "
            f"sha256 {doc.blob.sha256}"
        )
        for warning in info["warnings"]:
            w(f"  warning: {warning}")
        if doc.ocr:
            w(f"  OCR: yes, mean confidence {doc.ocr_confidence}")
        w(f"  pages: {doc.page_count}")
        for p in doc.pages.all():
            how = "OCR" if p.method == "ocr" else "text layer"
            conf = f", confidence {p.ocr_confidence:.0f}" if p.ocr_confidence is not None else ""
            w(f"    p.{p.number}: {how}{conf}, {len(p.text)} characters")
        w("  sources:")
        for s in info["sources"]:
            gone = f" (gone since {s['gone_since']})" if s["status"] == "gone" else ""
            w(f"    {s['kind']}: {s['location']}{gone}")
        for v in info["versions"]:
            w(f"  version {v['number']}: fetched {v['fetched_at']}, sha256 {v['sha256']}")
        if doc.parent_id:
            w(f"  inside document {doc.parent_id}")
        if info["children"]:
            w(f"  members: {', '.join(map(str, info['children']))}")
        tags = info["tags"]
        w(f"  issuing authority: {tags.get('issuing_authority') or '-'}")
        for key in ("authorities", "companies", "systems"):
            w(f"  {key}: {', '.join(tags.get(key, [])) or '-'}")
        for e in info["evidence"]:
            w(f"    [{e['kind']}] {e['name']} p.{e['page']}: {e['snippet']}")
