"""Names the vocabulary lacks: collect them while tagging, rank them, accept or reject.

``store_candidates`` runs inside ``tag_document``; ``accept`` adds a body, company or
system (the vocabulary's save signals queue the re-tag job, and the documents that
named the candidate are queued with it); ``reject`` hides a name for good.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.text import slugify

from .discovery import Discoverer, key
from .models import (
    Alias,
    Candidate,
    CandidateMention,
    CandidateStatus,
    Company,
    Entity,
    EntityType,
    PublicBody,
    System,
)

SNIPPET = 400


def _discoverer(tagger) -> Discoverer:
    cached = getattr(tagger, "_discoverer", None)
    if cached is None:

        def is_known(name: str) -> bool:
            want = len(name.rstrip(". "))
            return any(s == 0 and e >= want for s, e, *_ in tagger.find(name))

        cached = Discoverer(is_known)
        tagger._discoverer = cached
    return cached


def discover(tagger, pages: Sequence[tuple[int, str]], result):
    """The document's candidates: its names the tagger does not know."""
    known: dict[int, list[tuple[int, int]]] = {}
    vendors: dict[int, list[tuple[int, int]]] = {}
    systems: dict[int, list[tuple[int, int]]] = {}
    for m in [*result.mentions, *result.boilerplate]:
        known.setdefault(m.page, []).append((m.start, m.end))
        if m.kind == EntityType.COMPANY:
            vendors.setdefault(m.page, []).append((m.start, m.end))
        elif m.kind == EntityType.SYSTEM:
            systems.setdefault(m.page, []).append((m.start, m.end))
    found = _discoverer(tagger).discover(pages, known, vendors, system_spans=systems)
    company_at: dict[int, list[tuple[int, int, object]]] = {}
    for m in result.mentions:
        if m.kind == EntityType.COMPANY:
            company_at.setdefault(m.page, []).append((m.start, m.end, m.entity))
    for c in found:
        c.vendor = None
        if c.kind == EntityType.SYSTEM:
            near = [
                (abs(s - c.start), ent)
                for s, _e, ent in company_at.get(c.page, [])
                if abs(s - c.start) < 200
            ]
            if near:
                c.vendor = min(near, key=lambda x: x[0])[1]
    return found


def store_candidates(document, found) -> None:
    """Replace the document's candidate mentions; rejected and accepted names are not
    proposed again."""
    before = set(
        CandidateMention.objects.filter(document=document).values_list("candidate_id", flat=True)
    )
    CandidateMention.objects.filter(document=document).delete()
    rows = []
    touched = set(before)
    for c in found:
        k = key(c.name)[:255]
        cand, _ = Candidate.objects.get_or_create(
            key=k,
            defaults={"kind": c.kind, "name": c.name[:255], "score": c.score},
        )
        if cand.status != CandidateStatus.PENDING:
            continue
        wants_vendor = cand.kind == EntityType.SYSTEM and cand.vendor_id is None and c.vendor
        if wants_vendor and Company.objects.filter(pk=c.vendor).exists():
            cand.vendor_id = c.vendor
            cand.save(update_fields=["vendor"])
        touched.add(cand.pk)
        rows.append(
            CandidateMention(
                candidate=cand,
                document=document,
                page=c.page,
                start=c.start,
                end=c.end,
                text=c.name[:255],
                sentence=c.sentence[:SNIPPET],
                cue=c.cue,
                score=c.score,
            )
        )
    CandidateMention.objects.bulk_create(rows)
    refresh_counts(touched)


def refresh_counts(ids) -> None:
    counts = dict(
        CandidateMention.objects.filter(candidate_id__in=ids)
        .values("candidate_id")
        .annotate(n=Count("document", distinct=True))
        .values_list("candidate_id", "n")
    )
    for pk in ids:
        Candidate.objects.filter(pk=pk).update(document_count=counts.get(pk, 0))


def queue(status: str = CandidateStatus.PENDING, limit: int | None = None):
    """Candidates ranked for review: most documents first, then strongest evidence."""
    qs = Candidate.objects.filter(status=status)
    if status == CandidateStatus.PENDING:
        qs = qs.filter(document_count__gt=0)
    qs = qs.order_by("-document_count", "-score", "name")
    return qs[:limit] if limit else qs


def as_json(c: Candidate, evidence: int = 3) -> dict:
    mentions = list(c.mentions.order_by("-score", "document_id", "page")[:evidence])
    return {
        "id": c.pk,
        "kind": c.kind,
        "name": c.name,
        "status": c.status,
        "documents": c.document_count,
        "score": round(c.score, 2),
        "vendor": c.vendor.name if c.vendor_id else None,
        "evidence": [
            {"document": m.document_id, "page": m.page, "text": m.text, "sentence": m.sentence}
            for m in mentions
        ],
    }


_BODY_KIND_WORDS = (
    (("Police", "Constabulary"), "police"),
    (("Combined Authority", "Combined County Authority"), "combined"),
    (("Council",), "council"),
    (("NHS", "Trust", "CCG", "ICB", "PCT", "Clinical", "Health Board", "Care Board"), "nhs"),
    (("Department", "Ministry", "Agency", "Office", "Commissioner", "Inspectorate"), "central"),
)


def body_kind_for(name: str) -> str:
    """A new public body's kind, from the words of its name (the reviewer can change it)."""
    for words, kind in _BODY_KIND_WORDS:
        if any(w in name for w in words):
            return kind
    return "other"


def _unique_slug(kind: str, name: str) -> str:
    base = slugify(name)[:240] or "entity"
    slug, n = base, 2
    while Entity.objects.filter(entity_type=kind, slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


MODEL_FOR = {
    EntityType.AUTHORITY: PublicBody,
    EntityType.COMPANY: Company,
    EntityType.SYSTEM: System,
}


def accept(
    candidate: Candidate,
    *,
    kind: str | None = None,
    name: str | None = None,
    aliases: Sequence[str] | None = None,
    vendor: Company | None = None,
    body_kind: str = "",
) -> Entity:
    """Add the candidate to the vocabulary; its documents (and any others naming it) are
    re-tagged by the re-tag job the save queues."""
    from .services import request_retag

    kind = kind or candidate.kind
    name = (name or candidate.name).strip()
    if aliases is None:
        aliases = [a.strip() for a in candidate.aliases.splitlines() if a.strip()]
    vendor = vendor if vendor is not None else candidate.vendor
    doc_ids = list(candidate.mentions.values_list("document_id", flat=True).distinct())
    with transaction.atomic():
        fields = {"name": name, "slug": _unique_slug(kind, name), "manually_edited": True}
        if kind == EntityType.AUTHORITY:
            fields["kind"] = body_kind or body_kind_for(name)
        if kind == EntityType.SYSTEM and vendor is not None:
            fields["vendor"] = vendor
        entity = MODEL_FOR[kind].objects.create(**fields)
        for text in dict.fromkeys(a for a in aliases if a and a != name):
            Alias.objects.create(entity=entity, text=text[:255])
        candidate.kind, candidate.name = kind, name
        candidate.status = CandidateStatus.ACCEPTED
        candidate.entity = entity
        candidate.reviewed_at = timezone.now()
        candidate.save()
        candidate.mentions.all().delete()
        transaction.on_commit(
            lambda: request_retag([entity.pk], doc_ids, description=f"Candidate accepted: {name}")
        )
    return entity


def reject(candidate: Candidate) -> None:
    """Hide the name for good: it is never proposed again."""
    candidate.status = CandidateStatus.REJECTED
    candidate.reviewed_at = timezone.now()
    candidate.save(update_fields=["status", "reviewed_at"])
    candidate.mentions.all().delete()
    candidate.document_count = 0
    candidate.save(update_fields=["document_count"])
