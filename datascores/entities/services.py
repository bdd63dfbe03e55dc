"""Tag documents in the database: compile the vocabulary, store mentions, tags and links."""

from __future__ import annotations

import logging
import threading
import time
from collections import defaultdict
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from datascores.documents.dispatch import enqueue
from datascores.documents.models import Document, Page, Status
from datascores.documents.signals import announce_changed

from .candidates import discover, store_candidates
from .models import (
    Alias,
    AuthorityMatch,
    DocumentTag,
    Entity,
    EntityType,
    JobStatus,
    Link,
    MatchStatus,
    Mention,
    PublicBody,
    System,
    TaggedDocument,
    TagJob,
    TagRole,
    TagStatus,
    VocabularyState,
)
from .tagger import AliasRule, EntityInfo, Tagger, Vocabulary, fold
from .vocabulary import default_case_sensitive

log = logging.getLogger(__name__)

_cache_lock = threading.Lock()
_cache: dict[str, object] = {"key": None, "tagger": None}

# Evidence shown first: a name written out in full beats one inferred from context.
RULE_RANK = {"unambiguous": 0, "vendor-in-name": 1, "context": 2, "support": 3}
BOILERPLATE = "boilerplate"  # Mention.rule of a name in appeal boilerplate: not a tag


def vocabulary_from_db() -> Vocabulary:
    entities: dict[int, EntityInfo] = {}
    bodies = {
        b["pk"]: b
        for b in PublicBody.objects.values(
            "pk", "domains", "wdtk_url_name", "start_date", "end_date"
        )
    }
    vendors = dict(System.objects.values_list("pk", "vendor_id"))
    company_domains = dict(
        Entity.objects.filter(entity_type=EntityType.COMPANY).values_list("pk", "company__domains")
    )
    # Every accepted WhatDoTheyKnow url_name resolves (FOI metadata names them), not
    # only the one kept on the body.
    url_names: dict[int, list[str]] = defaultdict(list)
    for pk, url_name in AuthorityMatch.objects.filter(
        status=MatchStatus.ACCEPTED, public_body__isnull=False
    ).values_list("public_body_id", "url_name"):
        url_names[pk].append(url_name)
    names: dict[int, str] = {}
    for e in Entity.objects.filter(enabled=True).values("pk", "entity_type", "name", "slug"):
        body = bodies.get(e["pk"], {})
        names[e["pk"]] = e["name"]
        lookup = [e["slug"]]
        if body.get("wdtk_url_name"):
            lookup.append(body["wdtk_url_name"])
        lookup.extend(u for u in url_names.get(e["pk"], ()) if u not in lookup)
        entities[e["pk"]] = EntityInfo(
            key=e["pk"],
            kind=e["entity_type"],
            name=e["name"],
            vendor=vendors.get(e["pk"]),
            domains=tuple(body.get("domains") or company_domains.get(e["pk"]) or ()),
            lookup_names=tuple(lookup),
            start_date=body.get("start_date"),
            end_date=body.get("end_date"),
        )
    aliases = [
        AliasRule(
            text=a.text,
            entity=a.entity_id,
            case_sensitive=a.case_sensitive,
            ambiguous=a.ambiguous,
            context=tuple(a.context_terms or ()),
            window=a.window,
            not_before=tuple(a.not_before or ()),
            not_after=tuple(a.not_after or ()),
            need_before=tuple(a.need_before or ()),
            need_after=tuple(a.need_after or ()),
            not_sentence_start=a.not_sentence_start,
            alias_id=a.pk,
        )
        for a in Alias.objects.filter(entity__enabled=True)
    ]
    # The official name is always a name (an entity made in the admin, or renamed,
    # is found by it), unless an alias says how to match that text.
    spelled = {(a.entity, fold(a.text)) for a in aliases}
    aliases.extend(
        AliasRule(text=name, entity=pk, case_sensitive=default_case_sensitive(name))
        for pk, name in names.items()
        if (pk, fold(name)) not in spelled
    )
    return Vocabulary(entities=entities, aliases=aliases, version=VocabularyState.current())


def _vocabulary_key() -> tuple:
    row = VocabularyState.objects.filter(pk=1).values_list("version", "updated_at").first()
    return row or (0, None)


def get_tagger() -> Tagger:
    """The compiled tagger for the current vocabulary version (rebuilt when it changes)."""
    key = _vocabulary_key()
    with _cache_lock:
        if _cache["key"] != key or _cache["tagger"] is None:
            _cache["tagger"] = Tagger(vocabulary_from_db())
            _cache["key"] = key
        return _cache["tagger"]  # type: ignore[return-value]


def _document_title(document) -> str:
    if document.title:
        return document.title
    source = document.sources.exclude(filename="").first()
    return source.filename if source else ""


def _facets(document) -> set[tuple[int, str]]:
    return set(
        DocumentTag.objects.filter(document=document)
        .exclude(status=TagStatus.REJECTED)
        .values_list("entity_id", "role")
    )


def tag_document(document, *, tagger: Tagger | None = None) -> bool:
    """(Re-)tag one document; returns True when its tags changed.

    Converges: mentions and links are rebuilt; tags keep their review status (rejected
    stays rejected, confirmed stays even when no longer found); automatic tags that are
    no longer found are removed. A change is announced (``documents_changed``) so the
    search index learns it.
    """
    tagger = tagger or get_tagger()
    pages = list(document.pages.order_by("number").values_list("number", "text"))
    result = tagger.tag(
        pages,
        title=_document_title(document),
        metadata=document.metadata or {},
        doc_date=document.date,
    )
    with transaction.atomic():
        before = _facets(document)
        _store_mentions(document, result)
        existing = {t.entity_id: t for t in DocumentTag.objects.filter(document=document)}
        found = _store_tags(document, result, existing)
        _drop_lost_tags(existing, found)
        _store_links(document, result)
        store_candidates(document, discover(tagger, pages, result))
        TaggedDocument.objects.update_or_create(
            document=document,
            defaults={"vocabulary_version": VocabularyState.current(), "tagged_at": timezone.now()},
        )
        changed = _facets(document) != before
    if changed:
        announce_changed([document.pk], sender=DocumentTag)
    return changed


def _store_mentions(document, result) -> None:
    """Replace the document's mentions; names in appeal boilerplate are kept as mentions
    (rule "boilerplate") so a reviewer can see why they are not tags."""
    Mention.objects.filter(document=document).delete()
    Mention.objects.bulk_create(
        [
            Mention(
                document=document,
                entity_id=m.entity,
                alias_id=m.alias_id,
                page=m.page,
                start=m.start,
                end=m.end,
                text=m.text[:255],
                snippet=m.snippet,
                rule=m.rule,
            )
            for m in [*result.mentions, *result.boilerplate]
        ],
        batch_size=500,
    )


def _store_tags(document, result, existing: dict[int, DocumentTag]) -> set[int]:
    """Create or update a tag for every entity found (the issuer among them), each with
    its mention count and its best evidence; returns the entities found."""
    counts: dict[int, int] = defaultdict(int)
    best: dict[int, object] = {}
    for m in result.mentions:
        counts[m.entity] += 1
        cur = best.get(m.entity)
        if cur is None or RULE_RANK.get(m.rule, 9) < RULE_RANK.get(cur.rule, 9):
            best[m.entity] = m
    found = set(counts)
    if result.issuer is not None:
        found.add(result.issuer)
    now = timezone.now()
    for entity_id in found:
        role = TagRole.ISSUER if entity_id == result.issuer else TagRole.MENTIONED
        m = best.get(entity_id)
        if m is not None:
            page, evidence = m.page, m.snippet
        else:
            page, evidence = result.issuer_page, result.issuer_evidence
        fields = {
            "mention_count": counts.get(entity_id, 0),
            "evidence_page": page,
            "evidence": evidence,
            "issuer_source": result.issuer_source if role == TagRole.ISSUER else "",
        }
        tag = existing.get(entity_id)
        if tag is None:
            DocumentTag.objects.create(document=document, entity_id=entity_id, role=role, **fields)
            continue
        if tag.status == TagStatus.CONFIRMED and tag.role == TagRole.ISSUER:
            role = TagRole.ISSUER  # a reviewer's issuer stays the issuer
        fields["role"] = role
        if any(getattr(tag, k) != v for k, v in fields.items()):
            for k, v in fields.items():
                setattr(tag, k, v)
            tag.updated_at = now
            tag.save()
    return found


def _drop_lost_tags(existing: dict[int, DocumentTag], found: set[int]) -> None:
    """Automatic tags no longer found go; reviewed ones stay, with no mentions."""
    for entity_id, tag in existing.items():
        if entity_id in found:
            continue
        if tag.status == TagStatus.AUTO:
            tag.delete()
        elif tag.mention_count:
            tag.mention_count = 0
            tag.save(update_fields=["mention_count", "updated_at"])


def _store_links(document, result) -> None:
    Link.objects.filter(document=document).delete()
    rejected = set(
        DocumentTag.objects.filter(document=document, status=TagStatus.REJECTED).values_list(
            "entity_id", flat=True
        )
    )
    authorities = set(
        PublicBody.objects.filter(pk__in=[ln.authority for ln in result.links]).values_list(
            "pk", flat=True
        )
    )
    Link.objects.bulk_create(
        [
            Link(
                document=document,
                authority_id=ln.authority,
                entity_id=ln.entity,
                distance=ln.distance,
                issuer=ln.issuer,
            )
            for ln in result.links
            if ln.authority in authorities
            and ln.authority not in rejected
            and ln.entity not in rejected
        ]
    )


def set_tag_status(tag: DocumentTag, status: str, user=None) -> bool:
    """A reviewer's decision; the index learns when a tag appears or disappears."""
    if tag.status == status:
        return False
    tag.status = status
    tag.reviewed_at = timezone.now()
    tag.reviewed_by = user if getattr(user, "is_authenticated", False) else None
    tag.save(update_fields=["status", "reviewed_at", "reviewed_by", "updated_at"])
    if status == TagStatus.REJECTED:
        Link.objects.filter(document_id=tag.document_id).filter(
            Q(authority_id=tag.entity_id) | Q(entity_id=tag.entity_id)
        ).delete()
    announce_changed([tag.document_id], sender=DocumentTag)
    return True


# --- which documents a vocabulary change can affect --------------------------------------


# Words too common in FOI documents to narrow a search ("Council" is on nearly every page).
GENERIC_WORDS = frozenset(
    {
        "the", "of", "and", "for", "in", "on", "at", "to", "by", "with", "from",
        "council", "councils", "borough", "county", "city", "district", "metropolitan",
        "london", "royal", "unitary", "parish", "town", "authority", "authorities", "local",
        "combined", "corporation", "police", "constabulary", "force", "fire", "rescue",
        "nhs", "trust", "foundation", "hospital", "hospitals", "health", "care", "clinical",
        "commissioning", "group", "ccg", "service", "services", "department", "ministry",
        "office", "agency", "executive", "government", "national", "limited", "ltd", "plc",
        "llp", "inc", "company", "systems", "system", "software", "solutions", "data",
    }
)  # fmt: skip


def _words(text: str) -> list[str]:
    return "".join(c if c.isalnum() else " " for c in text).split()


def _search_tokens(entity_ids: Iterable[int]) -> set[str]:
    """For each name of these entities, its most distinctive word: a cheap database filter
    for pages that might match. Generic words never serve; of the rest, the one fewest
    names in the vocabulary share (then the longest)."""
    ids = list(entity_ids)
    texts = list(Alias.objects.filter(entity_id__in=ids).values_list("text", flat=True))
    texts += list(Entity.objects.filter(pk__in=ids).values_list("name", flat=True))
    candidates = {
        text: [w for w in _words(text) if len(w) > 2 and w.casefold() not in GENERIC_WORDS]
        for text in texts
    }
    wanted = {w.casefold() for ws in candidates.values() for w in ws}
    shared: dict[str, int] = defaultdict(int)
    if any(len(ws) > 1 for ws in candidates.values()):
        for other in Alias.objects.values_list("text", flat=True).iterator():
            for w in {w.casefold() for w in _words(other)} & wanted:
                shared[w] += 1
    tokens = set()
    for text, words in candidates.items():
        if words:
            tokens.add(min(words, key=lambda w: (shared[w.casefold()], -len(w))))
        elif text.strip():
            tokens.add(text.strip())  # all generic ("Home Office"): the whole name
    return tokens


def affected_documents(entity_ids: Iterable[int]) -> list[int]:
    """Documents already tagged with these entities, plus those whose text may name them."""
    ids = list(entity_ids)
    found = set(DocumentTag.objects.filter(entity_id__in=ids).values_list("document_id", flat=True))
    found |= set(Mention.objects.filter(entity_id__in=ids).values_list("document_id", flat=True))
    tokens = _search_tokens(ids)
    if tokens:
        q = Q()
        for t in tokens:
            q |= Q(text__icontains=t)
        found |= set(Page.objects.filter(q).values_list("document_id", flat=True).distinct())
        q = Q()
        for t in tokens:
            q |= Q(title__icontains=t)
        found |= set(Document.objects.filter(q).values_list("pk", flat=True))
    return sorted(
        Document.objects.filter(pk__in=found, status=Status.DONE).values_list("pk", flat=True)
    )


def request_retag(
    entity_ids: Iterable[int] = (), document_ids: Iterable[int] = (), description: str = ""
) -> TagJob:
    """Queue a background re-tag (merging into a job that has not started yet)."""
    from .tasks import run_tag_job

    entity_ids = sorted(set(entity_ids))
    document_ids = sorted(set(document_ids))
    with transaction.atomic():
        job = (
            TagJob.objects.select_for_update()
            .filter(status=JobStatus.QUEUED, started_at__isnull=True)
            .order_by("-created_at")
            .first()
        )
        if job is not None:
            job.entity_ids = sorted(set(job.entity_ids) | set(entity_ids))
            job.document_ids = sorted(set(job.document_ids) | set(document_ids))
            job.save(update_fields=["entity_ids", "document_ids"])
            return job
        job = TagJob.objects.create(
            description=description or "Vocabulary changed",
            entity_ids=entity_ids,
            document_ids=document_ids,
        )
    enqueue(run_tag_job, job.pk)
    return job


def start_job(job: TagJob) -> list[int]:
    """Resolve the job's documents and mark it running; returns the document ids."""
    ids = set(job.document_ids)
    if job.entity_ids:
        ids |= set(affected_documents(job.entity_ids))
    ids_sorted = sorted(ids)
    job.document_ids = ids_sorted
    job.total = len(ids_sorted)
    job.status = JobStatus.RUNNING
    job.started_at = job.started_at or timezone.now()
    job.save(update_fields=["document_ids", "total", "status", "started_at"])
    return ids_sorted


def run_job_step(job: TagJob, *, budget_seconds: float | None = None, progress=None) -> bool:
    """Tag the job's remaining documents (within the time budget); True when finished."""
    deadline = time.monotonic() + budget_seconds if budget_seconds else None
    tagger = get_tagger()
    remaining = job.document_ids[job.done :]
    errors = []
    for doc_id in remaining:
        try:
            doc = Document.objects.filter(pk=doc_id).first()
            if doc is not None and tag_document(doc, tagger=tagger):
                job.changed += 1
        except Exception as exc:  # one bad document must not stop the job
            log.exception("re-tagging document %s failed", doc_id)
            job.errors += 1
            errors.append(f"document {doc_id}: {exc}")
        job.done += 1
        if progress is not None:
            progress.update(1)
        if job.done % 20 == 0 or errors:
            if errors:
                job.error_log = (job.error_log + "\n".join(errors) + "\n")[-20000:]
                errors = []
            job.save(update_fields=["done", "changed", "errors", "error_log"])
        if deadline is not None and time.monotonic() > deadline:
            break
    if errors:
        job.error_log = (job.error_log + "\n".join(errors) + "\n")[-20000:]
    finished = job.done >= len(job.document_ids)
    if finished:
        job.status = JobStatus.DONE
        job.finished_at = timezone.now()
    job.save()
    return finished
