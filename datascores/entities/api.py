"""What other apps use: a document's tags and their evidence, and (re-)tagging it."""

from __future__ import annotations

from .models import DocumentTag, EntityType, Mention, PublicBody, TagRole, TagStatus
from .services import BOILERPLATE, RULE_RANK, tag_document

EVIDENCE_PER_ENTITY = 5


def _live_tags(document):
    return (
        DocumentTag.objects.filter(document=document)
        .exclude(status=TagStatus.REJECTED)
        .select_related("entity")
    )


def document_tags(document) -> dict:
    """Official names for the search facets; rejected tags left out.

    {"issuing_authority": name or None, "authorities": [...], "companies": [...],
     "systems": [...], "authority_kinds": {name: kind}} with the issuer among the
    authorities; kind is council, police, nhs, central, combined or other.
    """
    out = {"issuing_authority": None, "authorities": [], "companies": [], "systems": []}
    issuers = []
    authority_ids = []
    for tag in _live_tags(document):
        e = tag.entity
        if e.entity_type == EntityType.AUTHORITY:
            out["authorities"].append(e.name)
            authority_ids.append(e.pk)
            if tag.role == TagRole.ISSUER:
                issuers.append((tag.status != TagStatus.CONFIRMED, e.name))
        elif e.entity_type == EntityType.COMPANY:
            out["companies"].append(e.name)
        elif e.entity_type == EntityType.SYSTEM:
            out["systems"].append(e.name)
    if issuers:
        out["issuing_authority"] = sorted(issuers)[0][1]
    for key in ("authorities", "companies", "systems"):
        out[key] = sorted(set(out[key]), key=str.casefold)
    out["authority_kinds"] = dict(
        PublicBody.objects.filter(pk__in=authority_ids).order_by("name").values_list("name", "kind")
    )
    return out


def documents_tags(documents) -> dict[int, dict]:
    """``document_tags`` for many documents (or ids) in two queries: {document id: tags}.

    Every document asked for has an entry, untagged ones with empty lists, so indexing
    a chunk of documents costs two queries here rather than two per document.
    """
    ids = [getattr(d, "pk", d) for d in documents]
    out: dict[int, dict] = {
        i: {"issuing_authority": None, "authorities": [], "companies": [], "systems": []}
        for i in ids
    }
    issuers: dict[int, list] = {}
    authorities: dict[int, list[int]] = {}
    keys = {
        EntityType.AUTHORITY: "authorities",
        EntityType.COMPANY: "companies",
        EntityType.SYSTEM: "systems",
    }
    rows = (
        DocumentTag.objects.filter(document_id__in=ids)
        .exclude(status=TagStatus.REJECTED)
        .values_list(
            "document_id", "role", "status", "entity_id", "entity__entity_type", "entity__name"
        )
    )
    for doc_id, role, status, entity_id, entity_type, name in rows:
        key = keys.get(entity_type)
        if key is None:
            continue
        out[doc_id][key].append(name)
        if entity_type == EntityType.AUTHORITY:
            authorities.setdefault(doc_id, []).append(entity_id)
            if role == TagRole.ISSUER:
                issuers.setdefault(doc_id, []).append((status != TagStatus.CONFIRMED, name))
    wanted = {pk for pks in authorities.values() for pk in pks}
    kinds = {
        pk: (name, kind)
        for pk, name, kind in PublicBody.objects.filter(pk__in=wanted).values_list(
            "pk", "name", "kind"
        )
    }
    for doc_id, tags in out.items():
        if doc_id in issuers:
            tags["issuing_authority"] = sorted(issuers[doc_id])[0][1]
        for key in ("authorities", "companies", "systems"):
            tags[key] = sorted(set(tags[key]), key=str.casefold)
        tags["authority_kinds"] = dict(
            sorted(kinds[pk] for pk in set(authorities.get(doc_id, ())) if pk in kinds)
        )
    return out


def document_evidence(document) -> list[dict]:
    """Where each tag comes from, best evidence first: [{"kind", "name", "page", "snippet",
    "text", "start", "end"}].

    kind is "authority", "company" or "system"; up to five places per entity; text is the
    name as the page writes it, start and end its character offsets in the page's text. A
    tag with no place in the text (an issuer known from request metadata, a reviewer's
    confirmed tag) shows the evidence it was given, with text, start and end None. Names in
    appeal boilerplate are no evidence.
    """
    tags = sorted(
        _live_tags(document),
        key=lambda t: (
            ["authority", "company", "system"].index(t.entity.entity_type),
            t.role != TagRole.ISSUER,
            t.entity.name.casefold(),
        ),
    )
    by_entity: dict[int, list[Mention]] = {}
    evidence = Mention.objects.filter(document=document).exclude(rule=BOILERPLATE)
    for m in evidence.order_by("page", "start"):
        by_entity.setdefault(m.entity_id, []).append(m)
    out = []
    for tag in tags:
        mentions = sorted(
            by_entity.get(tag.entity_id, []),
            key=lambda m: (RULE_RANK.get(m.rule, 9), m.page, m.start),
        )[:EVIDENCE_PER_ENTITY]
        if not mentions:
            out.append(
                {
                    "kind": tag.entity.entity_type,
                    "name": tag.entity.name,
                    "page": tag.evidence_page,
                    "snippet": tag.evidence,
                    "text": None,
                    "start": None,
                    "end": None,
                }
            )
            continue
        for m in mentions:
            out.append(
                {
                    "kind": tag.entity.entity_type,
                    "name": tag.entity.name,
                    "page": m.page,
                    "snippet": m.snippet,
                    "text": m.text,
                    "start": m.start,
                    "end": m.end,
                }
            )
    return out


class EntityTags:
    """The tags provider this app registers with the documents core at start-up."""

    document_tags = staticmethod(document_tags)
    documents_tags = staticmethod(documents_tags)
    document_evidence = staticmethod(document_evidence)


TAGS = EntityTags()

__all__ = ["TAGS", "document_evidence", "document_tags", "documents_tags", "tag_document"]
