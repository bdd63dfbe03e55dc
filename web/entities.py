"""The register: a page for every public body, company and system, and an index of them.

Each page shows the names and aliases, the links between public bodies and companies or
systems (strength, evidence sentences, confirmed links first), a timeline of the
documents naming it by year, a map of the bodies, the documents themselves (a link
into /search with the facet set), related entities, and the same as CSV and JSON.
"""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from datascores.entities.models import (
    Alias,
    Company,
    DocumentTag,
    Entity,
    EntityType,
    Link,
    PublicBody,
    System,
    TagStatus,
)

# URL segment <-> entity type, and the /search facet parameter for each type.
SEGMENT = {
    "bodies": EntityType.AUTHORITY,
    "companies": EntityType.COMPANY,
    "systems": EntityType.SYSTEM,
}
SEGMENT_FOR = {v: k for k, v in SEGMENT.items()}
SEARCH_PARAM = {
    EntityType.AUTHORITY: "council",
    EntityType.COMPANY: "company",
    EntityType.SYSTEM: "system",
}
TYPE_LABEL = {
    EntityType.AUTHORITY: "Public body",
    EntityType.COMPANY: "Company",
    EntityType.SYSTEM: "System",
}
INDEX_LIMIT = 200
EVIDENCE_PER_LINK = 3
RELATED = 12
RECENT = 10
# How close (in characters) the nearest mentions of a body and a company or system are.
STRONG_DISTANCE = 400
MEDIUM_DISTANCE = 2000


def entity_url(entity_type: str, slug: str) -> str:
    return reverse("entity", args=[SEGMENT_FOR[entity_type], slug])


def search_url(entity_type: str, name: str) -> str:
    return reverse("search") + "?" + urlencode({SEARCH_PARAM[entity_type]: name})


def strength(issuer: bool, distance: int | None) -> str:
    """strong: the body's own document, or both named close together; medium; weak."""
    if issuer or (distance is not None and distance <= STRONG_DISTANCE):
        return "strong"
    if distance is not None and distance <= MEDIUM_DISTANCE:
        return "medium"
    return "weak"


_STRENGTH_RANK = {"strong": 0, "medium": 1, "weak": 2}


@dataclass
class LinkRow:
    """A public body and a company or system it is linked with, over all documents."""

    authority: Entity
    entity: Entity
    documents: set[int] = field(default_factory=set)
    issuer: bool = False
    distance: int | None = None
    confirmed: bool = False
    evidence: list[dict] = field(default_factory=list)

    @property
    def strength(self) -> str:
        return strength(self.issuer, self.distance)

    def sort_key(self):
        return (
            not self.confirmed,
            _STRENGTH_RANK[self.strength],
            -len(self.documents),
            self.authority.name.casefold(),
        )

    def as_json(self) -> dict:
        return {
            "authority": _ref(self.authority),
            "entity": _ref(self.entity),
            "documents": len(self.documents),
            "strength": self.strength,
            "confirmed": self.confirmed,
            "issuer": self.issuer,
            "distance": self.distance,
            "evidence": self.evidence,
        }


def _ref(e: Entity) -> dict:
    return {
        "type": e.entity_type,
        "name": e.name,
        "slug": e.slug,
        "url": entity_url(e.entity_type, e.slug),
    }


def get_entity(segment: str, slug: str) -> Entity:
    etype = SEGMENT.get(segment)
    if etype is None:
        raise Http404("No such kind of entity")
    entity = Entity.objects.filter(entity_type=etype, slug=slug, enabled=True).first()
    if entity is None:
        raise Http404("No such entity")
    return entity.specific


def _subject_ids(entity: Entity) -> list[int]:
    """A company's links include those of the systems it supplies."""
    ids = [entity.pk]
    if entity.entity_type == EntityType.COMPANY:
        ids += list(System.objects.filter(vendor_id=entity.pk).values_list("pk", flat=True))
    return ids


def links_for(entity: Entity) -> list[LinkRow]:
    """The register's links of this entity, confirmed first, then strongest."""
    if entity.entity_type == EntityType.AUTHORITY:
        qs = Link.objects.filter(authority_id=entity.pk)
    else:
        qs = Link.objects.filter(entity_id__in=_subject_ids(entity))
    qs = qs.select_related("authority", "entity")
    rows: dict[tuple[int, int], LinkRow] = {}
    for ln in qs:
        k = (ln.authority_id, ln.entity_id)
        row = rows.get(k)
        if row is None:
            row = rows[k] = LinkRow(authority=ln.authority, entity=ln.entity)
        row.documents.add(ln.document_id)
        row.issuer = row.issuer or ln.issuer
        if ln.distance is not None and (row.distance is None or ln.distance < row.distance):
            row.distance = ln.distance
    if not rows:
        return []
    doc_ids = {d for r in rows.values() for d in r.documents}
    entity_ids = {e for k in rows for e in k}
    tags = DocumentTag.objects.filter(document_id__in=doc_ids, entity_id__in=entity_ids).exclude(
        status=TagStatus.REJECTED
    )
    by_doc: dict[tuple[int, int], DocumentTag] = {(t.document_id, t.entity_id): t for t in tags}
    titles = dict(
        DocumentTag.objects.filter(document_id__in=doc_ids)
        .values_list("document_id", "document__title")
        .distinct()
    )
    for (auth_id, ent_id), row in rows.items():
        for doc_id in sorted(row.documents):
            et, at = by_doc.get((doc_id, ent_id)), by_doc.get((doc_id, auth_id))
            if (et and et.status == TagStatus.CONFIRMED) and (
                at and at.status == TagStatus.CONFIRMED
            ):
                row.confirmed = True
            if et and et.evidence and len(row.evidence) < EVIDENCE_PER_LINK:
                row.evidence.append(
                    {
                        "document": doc_id,
                        "title": titles.get(doc_id) or f"Document {doc_id}",
                        "url": reverse("document", args=[doc_id]),
                        "page": et.evidence_page,
                        "sentence": et.evidence,
                    }
                )
    return sorted(rows.values(), key=LinkRow.sort_key)


def timeline(entity: Entity) -> list[dict]:
    """Documents naming the entity, by year (the document's best date)."""
    counts: Counter = Counter()
    tags = (
        DocumentTag.objects.filter(entity_id=entity.pk)
        .exclude(status=TagStatus.REJECTED)
        .select_related("document")
        .only(
            "document__published_at",
            "document__received_at",
            "document__fetched_at",
        )
    )
    undated = 0
    for t in tags:
        d = t.document.date
        if d is None:
            undated += 1
        else:
            counts[d.year] += 1
    if not counts:
        return []
    years = range(min(counts), max(counts) + 1)
    return [
        {
            "year": y,
            "count": counts.get(y, 0),
            "url": search_url(entity.entity_type, entity.name) + f"&year={y}",
        }
        for y in years
    ]


def map_points(entity: Entity, links: list[LinkRow]) -> list[dict]:
    """The body itself, or the bodies linked with a company or system."""
    if entity.entity_type == EntityType.AUTHORITY:
        body = entity if isinstance(entity, PublicBody) else entity.specific
        if body.latitude is None or body.longitude is None:
            return []
        n = DocumentTag.objects.filter(entity_id=body.pk).exclude(status=TagStatus.REJECTED)
        return [
            {
                "name": body.name,
                "count": n.count(),
                "lat": round(body.latitude, 4),
                "lon": round(body.longitude, 4),
                "url": entity_url(body.entity_type, body.slug),
            }
        ]
    docs: dict[int, set[int]] = defaultdict(set)
    for r in links:
        docs[r.authority.pk] |= r.documents
    out = []
    for pk, name, slug, lat, lon in PublicBody.objects.filter(
        pk__in=list(docs), latitude__isnull=False, longitude__isnull=False
    ).values_list("pk", "name", "slug", "latitude", "longitude"):
        out.append(
            {
                "name": name,
                "count": len(docs[pk]),
                "lat": round(lat, 4),
                "lon": round(lon, 4),
                "url": entity_url(EntityType.AUTHORITY, slug),
            }
        )
    return sorted(out, key=lambda p: (-p["count"], p["name"]))


def related(entity: Entity, limit: int = RELATED) -> list[dict]:
    """Entities most often named in the same documents."""
    docs = DocumentTag.objects.filter(entity_id=entity.pk).exclude(status=TagStatus.REJECTED)
    rows = (
        DocumentTag.objects.filter(document_id__in=docs.values("document_id"))
        .exclude(status=TagStatus.REJECTED)
        .exclude(entity_id=entity.pk)
        .filter(entity__enabled=True)
        .values("entity_id", "entity__name", "entity__slug", "entity__entity_type")
        .annotate(n=Count("document", distinct=True))
        .order_by("-n", "entity__name")[:limit]
    )
    return [
        {
            "type": r["entity__entity_type"],
            "type_label": TYPE_LABEL.get(r["entity__entity_type"], ""),
            "name": r["entity__name"],
            "slug": r["entity__slug"],
            "url": entity_url(r["entity__entity_type"], r["entity__slug"]),
            "documents": r["n"],
        }
        for r in rows
    ]


def recent_documents(entity: Entity, limit: int = RECENT) -> tuple[list[dict], int]:
    tags = (
        DocumentTag.objects.filter(entity_id=entity.pk)
        .exclude(status=TagStatus.REJECTED)
        .select_related("document")
    )
    total = tags.count()
    items = sorted(
        tags.order_by("-document__published_at", "-document_id")[:limit],
        key=lambda t: (
            t.document.date is None,
            -(t.document.date.toordinal() if t.document.date else 0),
        ),
    )
    return [
        {
            "id": t.document_id,
            "title": t.document.title or f"Document {t.document_id}",
            "url": reverse("document", args=[t.document_id]),
            "date": t.document.date.isoformat() if t.document.date else None,
            "role": t.role,
            "status": t.status,
        }
        for t in items
    ], total


def aliases_of(entity: Entity) -> list[str]:
    texts = Alias.objects.filter(entity_id=entity.pk).values_list("text", flat=True)
    return sorted({t for t in texts if t != entity.name}, key=str.casefold)


def facts(entity: Entity) -> dict:
    """What kind of thing it is: type, vendor, systems supplied, dates, successors."""
    out: dict = {"type": entity.entity_type, "type_label": TYPE_LABEL[entity.entity_type]}
    if isinstance(entity, System):
        out["category"] = entity.category
        out["vendor"] = _ref(entity.vendor) if entity.vendor_id else None
        out["owner"] = _ref(entity.owner) if entity.owner_id else None
    if isinstance(entity, Company):
        out["systems"] = [_ref(s) for s in entity.systems.filter(enabled=True).order_by("name")]
        out["parent"] = _ref(entity.parent) if entity.parent_id else None
        out["subsidiaries"] = [_ref(c) for c in entity.subsidiaries.order_by("name")]
    if isinstance(entity, PublicBody):
        out["kind"] = entity.get_kind_display()
        out["body_type"] = entity.body_type.replace("_", " ")
        out["nation"] = entity.get_nation_display() if entity.nation else ""
        out["start_date"] = entity.start_date.isoformat() if entity.start_date else None
        out["end_date"] = entity.end_date.isoformat() if entity.end_date else None
        out["successors"] = [_ref(s) for s in entity.successors.order_by("name")]
        out["predecessors"] = [_ref(s) for s in entity.predecessors.order_by("name")]
    if isinstance(entity, PublicBody | Company):
        out["end_date"] = entity.end_date.isoformat() if entity.end_date else None
    return out


def entity_data(entity: Entity) -> dict:
    links = links_for(entity)
    docs, total = recent_documents(entity)
    return {
        "entity": entity,
        "ref": _ref(entity),
        "facts": facts(entity),
        "aliases": aliases_of(entity),
        "links": links,
        "timeline": timeline(entity),
        "points": map_points(entity, links),
        "related": related(entity),
        "documents": docs,
        "document_total": total,
        "search_url": search_url(entity.entity_type, entity.name),
        "csv_url": reverse("entity_csv", args=[SEGMENT_FOR[entity.entity_type], entity.slug]),
        "json_url": reverse("api_entity", args=[SEGMENT_FOR[entity.entity_type], entity.slug]),
    }


# --- views ------------------------------------------------------------------------------------


def entity_page(request, segment: str, slug: str):
    entity = get_entity(segment, slug)
    ctx = entity_data(entity)
    peak = max((t["count"] for t in ctx["timeline"]), default=0) or 1
    for t in ctx["timeline"]:
        t["pct"] = round(100 * t["count"] / peak)
    return render(request, "site/entities/entity.html", ctx)


def entity_csv(request, segment: str, slug: str):
    entity = get_entity(segment, slug)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{entity.slug}-links.csv"'
    writer = csv.writer(response)
    writer.writerow(
        [
            "public_body",
            "entity",
            "entity_type",
            "documents",
            "strength",
            "confirmed",
            "issuer",
            "nearest_distance",
            "example_document",
            "evidence",
        ]
    )
    base = request.build_absolute_uri("/")[:-1]
    for r in links_for(entity):
        ev = r.evidence[0] if r.evidence else {}
        writer.writerow(
            [
                _csv_safe(r.authority.name),
                _csv_safe(r.entity.name),
                r.entity.entity_type,
                len(r.documents),
                r.strength,
                "yes" if r.confirmed else "no",
                "yes" if r.issuer else "no",
                "" if r.distance is None else r.distance,
                base + ev["url"] if ev else "",
                _csv_safe(ev.get("sentence", "")),
            ]
        )
    return response


def _csv_safe(value: str) -> str:
    """No formula injection when the CSV is opened in a spreadsheet."""
    if value and value[0] in "=+-@\t\r":
        return "'" + value
    return value


@require_safe
def api_entity(request, segment: str, slug: str) -> HttpResponse:
    """One entity as JSON: facts, aliases, links with evidence, timeline, map, related."""
    from .api import json_response

    try:
        entity = get_entity(segment, slug)
    except Http404:
        kind = TYPE_LABEL[SEGMENT[segment]].lower() if segment in SEGMENT else "entity"
        return json_response({"error": f"No {kind} at “{segment}/{slug}”."}, status=404)
    d = entity_data(entity)
    return json_response(
        {
            **d["ref"],
            "facts": d["facts"],
            "aliases": d["aliases"],
            "links": [r.as_json() for r in d["links"]],
            "timeline": [{"year": t["year"], "count": t["count"]} for t in d["timeline"]],
            "map": d["points"],
            "related": d["related"],
            "documents": {"total": d["document_total"], "recent": d["documents"]},
            "search_url": d["search_url"],
            "csv_url": d["csv_url"],
        }
    )


def find_entities(q: str, entity_type: str = "", limit: int = INDEX_LIMIT):
    """Entities whose name or an alias contains the words, most documents first."""
    qs = Entity.objects.filter(enabled=True)
    if entity_type in SEGMENT.values():
        qs = qs.filter(entity_type=entity_type)
    q = " ".join(q.split())[:200]
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(aliases__text__icontains=q)).distinct()
    qs = qs.annotate(
        documents=Count("tags", filter=~Q(tags__status=TagStatus.REJECTED), distinct=True)
    )
    if not q:
        qs = qs.filter(documents__gt=0)
    total = qs.count()
    rows = list(qs.order_by("-documents", "name")[:limit])
    return rows, total


def _type_param(request) -> str:
    value = request.GET.get("type", "")
    return SEGMENT.get(value, value if value in SEGMENT.values() else "")


def entities_index(request):
    q = request.GET.get("q", "")
    etype = _type_param(request)
    rows, total = find_entities(q, etype)
    items = [
        {
            "name": e.name,
            "type": e.entity_type,
            "type_label": TYPE_LABEL[e.entity_type],
            "url": entity_url(e.entity_type, e.slug),
            "documents": e.documents,
        }
        for e in rows
    ]
    tabs = [
        {"label": "All", "value": "", "current": not etype},
        *[
            {"label": TYPE_LABEL[t], "value": seg, "current": etype == t}
            for seg, t in SEGMENT.items()
        ],
    ]
    for t in tabs:
        params = {k: v for k, v in (("q", q), ("type", t["value"])) if v}
        t["url"] = reverse("entities") + ("?" + urlencode(params) if params else "")
    return render(
        request,
        "site/entities/index.html",
        {"q": q, "items": items, "total": total, "tabs": tabs, "limit": INDEX_LIMIT},
    )


@require_safe
def api_entities(request) -> HttpResponse:
    """Entities whose name or alias contains ``q`` (of one ``type``), as JSON."""
    from .api import json_response

    value = request.GET.get("type", "")
    if value and not _type_param(request):
        allowed = ", ".join([*SEGMENT, *SEGMENT.values()])
        return json_response(
            {"error": f"type: “{value}” is not allowed; use one of {allowed}."}, status=400
        )
    q = request.GET.get("q", "")
    rows, total = find_entities(q, _type_param(request))
    return json_response(
        {
            "query": q,
            "total": total,
            "results": [{**_ref(e), "documents": e.documents} for e in rows],
        }
    )


_LOOKUP_TYPES = {
    "council": EntityType.AUTHORITY,
    "authority": EntityType.AUTHORITY,
    "bodies": EntityType.AUTHORITY,
    "company": EntityType.COMPANY,
    "companies": EntityType.COMPANY,
    "system": EntityType.SYSTEM,
    "systems": EntityType.SYSTEM,
}


def entity_lookup(request):
    """From a name (a facet value, a tag) to its page: /entities/go?type=company&name=...

    Lets any page link to the register without looking slugs up while it renders; a
    name that is no entity's goes to the index, searched for it."""
    etype = _LOOKUP_TYPES.get(request.GET.get("type", ""), "")
    name = " ".join(request.GET.get("name", "").split())[:255]
    qs = Entity.objects.filter(enabled=True)
    if etype:
        qs = qs.filter(entity_type=etype)
    entity = qs.filter(name=name).first() if name else None
    if entity is None and name:
        entity = qs.filter(Q(name__iexact=name) | Q(aliases__text__iexact=name)).first()
    if entity is None:
        params = {"q": name, **({"type": SEGMENT_FOR[etype]} if etype else {})}
        return redirect(reverse("entities") + "?" + urlencode(params))
    return redirect(entity_url(entity.entity_type, entity.slug))
