"""What other apps use: a document's tags and their evidence, and (re-)tagging it."""

from __future__ import annotations

from .models import DocumentTag, EntityType, Mention, TagRole, TagStatus
from .services import tag_document

EVIDENCE_PER_ENTITY = 5
_RULE_RANK = {"unambiguous": 0, "vendor-in-name": 1, "context": 2, "support": 3}


def _live_tags(document):
    return (
        DocumentTag.objects.filter(document=document)
        .exclude(status=TagStatus.REJECTED)
        .select_related("entity")
    )


def document_tags(document) -> dict:
    """Official names for the search facets; rejected tags left out.

    {"issuing_authority": name or None, "authorities": [...], "companies": [...],
     "systems": [...]} with the issuer among the authorities.
    """
    out = {"issuing_authority": None, "authorities": [], "companies": [], "systems": []}
    issuers = []
    for tag in _live_tags(document):
        e = tag.entity
        if e.entity_type == EntityType.AUTHORITY:
            out["authorities"].append(e.name)
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
    return out


def document_evidence(document) -> list[dict]:
    """Where each tag comes from: [{"kind", "name", "page", "snippet"}], best evidence first.

    kind is "authority", "company" or "system"; up to five places per entity. A tag with
    no place in the text (an issuer known from request metadata, a reviewer's confirmed
    tag) shows the evidence it was given.
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
    for m in Mention.objects.filter(document=document).order_by("page", "start"):
        by_entity.setdefault(m.entity_id, []).append(m)
    out = []
    for tag in tags:
        mentions = sorted(
            by_entity.get(tag.entity_id, []),
            key=lambda m: (_RULE_RANK.get(m.rule, 9), m.page, m.start),
        )[:EVIDENCE_PER_ENTITY]
        if not mentions:
            out.append(
                {
                    "kind": tag.entity.entity_type,
                    "name": tag.entity.name,
                    "page": tag.evidence_page,
                    "snippet": tag.evidence,
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
                }
            )
    return out


__all__ = ["document_evidence", "document_tags", "tag_document"]
