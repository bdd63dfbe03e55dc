"""Write the data files' vocabularies into the database, updating in place.

Works with the real models and with a migration's historical models (pass ``apps``), so
the same code fills a fresh database (migration 0002) and refreshes an existing one
(``manage.py load_vocabularies``). Entities edited in the admin are left alone unless
``force``; aliases added in the admin are never touched.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction

from .vocabulary import AUTHORITY, COMPANY, SYSTEM, EntitySpec, load_specs


@dataclass
class LoadReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped_edited: int = 0
    aliases_created: int = 0
    aliases_updated: int = 0
    aliases_deleted: int = 0
    changed_entity_ids: set[int] = field(default_factory=set)

    def __str__(self) -> str:
        return (
            f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged, "
            f"{self.skipped_edited} left alone (edited in the admin); aliases: "
            f"{self.aliases_created} created, {self.aliases_updated} updated, "
            f"{self.aliases_deleted} deleted"
        )


def _models(apps):
    if apps is None:
        from . import models as m

        return m.Entity, m.PublicBody, m.Company, m.System, m.Alias, m.VocabularyState
    return tuple(
        apps.get_model("entities", n)
        for n in ("Entity", "PublicBody", "Company", "System", "Alias", "VocabularyState")
    )


def _fields(spec: EntitySpec) -> dict:
    common = {"name": spec.name, "description": spec.description}
    if spec.entity_type == AUTHORITY:
        return {
            **common,
            "kind": spec.kind,
            "body_type": spec.body_type,
            "nation": spec.nation,
            "latitude": spec.latitude,
            "longitude": spec.longitude,
            "start_date": spec.start_date,
            "end_date": spec.end_date,
            "domains": spec.domains,
        }
    if spec.entity_type == COMPANY:
        return {**common, "domains": spec.domains, "end_date": spec.end_date}
    return {**common, "category": spec.category}


def _alias_fields(a) -> dict:
    return {
        "case_sensitive": a.resolved_case_sensitive(),
        "ambiguous": a.ambiguous,
        "context_terms": list(a.context),
        "window": a.window,
        "not_before": list(a.not_before),
        "not_after": list(a.not_after),
        "need_before": list(a.need_before),
        "need_after": list(a.need_after),
        "not_sentence_start": a.not_sentence_start,
        "source": a.source,
    }


def load_vocabularies(apps=None, *, force: bool = False, specs: list[EntitySpec] | None = None):
    """Create or update every entity and alias from the data files; returns a LoadReport."""
    Entity, PublicBody, Company, System, Alias, VocabularyState = _models(apps)
    model_for = {AUTHORITY: PublicBody, COMPANY: Company, SYSTEM: System}
    specs = load_specs() if specs is None else specs
    report = LoadReport()
    if apps is None:
        from .signals import quiet

        with quiet():
            return _load(
                Entity,
                PublicBody,
                Company,
                System,
                Alias,
                VocabularyState,
                specs,
                force,
                report,
                model_for,
            )
    return _load(
        Entity, PublicBody, Company, System, Alias, VocabularyState, specs, force, report, model_for
    )


def _load(
    Entity, PublicBody, Company, System, Alias, VocabularyState, specs, force, report, model_for
):
    with transaction.atomic():
        existing = {}
        for model in (PublicBody, Company, System):
            for obj in model.objects.all():
                existing[(obj.entity_type, obj.slug)] = obj
        objs: dict[tuple[str, str], object] = {}
        managed: set[int] = set()
        for spec in specs:
            obj = existing.get((spec.entity_type, spec.slug))
            obj = _load_entity(spec, obj, model_for[spec.entity_type], force, report, managed)
            objs[(spec.entity_type, spec.name)] = obj
        # Relations need every entity to exist first. Successor links are read in one
        # query a model, not one an entity (a fresh database loads in every reload migration).
        have = {**_successor_links(PublicBody), **_successor_links(Company)}
        for spec in specs:
            obj = objs[(spec.entity_type, spec.name)]
            if obj.pk in managed:
                _load_relations(spec, obj, objs, report, have.get(obj.pk, set()))
        _sync_aliases(Alias, specs, objs, managed, report)
        if (
            report.created
            or report.updated
            or report.aliases_created
            or report.aliases_updated
            or report.aliases_deleted
        ):
            VocabularyState.objects.get_or_create(pk=1)
            VocabularyState.objects.filter(pk=1).update(version=_next_version(VocabularyState))
    return report


def _load_entity(spec, obj, model, force: bool, report: LoadReport, managed: set[int]):
    """Create the entity, or update it from its spec unless someone edited it in the
    admin (``force`` overwrites that); returns it."""
    wanted = _fields(spec)
    if obj is None:
        obj = model(entity_type=spec.entity_type, slug=spec.slug, **wanted)
        obj.save()
        report.created += 1
        report.changed_entity_ids.add(obj.pk)
        managed.add(obj.pk)
        return obj
    if obj.manually_edited and not force:
        report.skipped_edited += 1
        return obj
    diff = {k: v for k, v in wanted.items() if getattr(obj, k) != v}
    if force and obj.manually_edited:
        diff["manually_edited"] = False
    if diff:
        for k, v in diff.items():
            setattr(obj, k, v)
        obj.save()
        report.updated += 1
        report.changed_entity_ids.add(obj.pk)
    else:
        report.unchanged += 1
    managed.add(obj.pk)
    return obj


def _successor_links(model) -> dict[int, set[int]]:
    """{entity pk: pks of its successors} for one model's self-referencing links."""
    field = model._meta.get_field("successors")
    links: dict[int, set[int]] = {}
    rows = field.remote_field.through.objects.values_list(
        field.m2m_column_name(), field.m2m_reverse_name()
    )
    for source, target in rows:
        links.setdefault(source, set()).add(target)
    return links


def _load_relations(spec, obj, objs: dict, report: LoadReport, have: set[int]) -> None:
    """A system's vendor and owner, a company's parent, successors of bodies and companies."""
    wanted: dict[str, object] = {}
    if spec.entity_type == SYSTEM:
        wanted["vendor"] = objs.get((COMPANY, spec.vendor)) if spec.vendor else None
        wanted["owner"] = objs.get((AUTHORITY, spec.owner)) if spec.owner else None
    if spec.entity_type == COMPANY:
        wanted["parent"] = objs.get((COMPANY, spec.parent)) if spec.parent else None
    dirty = False
    for name, target in wanted.items():
        if getattr(obj, f"{name}_id") != (target.pk if target else None):
            setattr(obj, name, target)
            dirty = True
    if dirty:
        obj.save()
        report.changed_entity_ids.add(obj.pk)
    if spec.entity_type in (AUTHORITY, COMPANY):
        want = {objs[(spec.entity_type, s)].pk for s in spec.successors}
        if want != have:
            obj.successors.set(want)


def _next_version(VocabularyState) -> int:
    return (VocabularyState.objects.filter(pk=1).values_list("version", flat=True).first() or 0) + 1


def _sync_aliases(Alias, specs, objs, managed, report: LoadReport) -> None:
    current: dict[int, dict[str, object]] = {}
    for alias in Alias.objects.filter(entity_id__in=managed).exclude(source="admin"):
        current.setdefault(alias.entity_id, {})[alias.text] = alias
    admin_texts = set(
        Alias.objects.filter(entity_id__in=managed, source="admin").values_list("entity_id", "text")
    )
    to_create = []
    # A migration's historical model may predate some fields: fill those it has.
    known = {f.name for f in Alias._meta.fields}
    for spec in specs:
        obj = objs[(spec.entity_type, spec.name)]
        if obj.pk not in managed:
            continue
        have = current.get(obj.pk, {})
        seen = set()
        for a in spec.aliases:
            if a.text in seen or (obj.pk, a.text) in admin_texts:
                continue
            seen.add(a.text)
            wanted = {k: v for k, v in _alias_fields(a).items() if k in known}
            alias = have.get(a.text)
            if alias is None:
                to_create.append(Alias(entity_id=obj.pk, text=a.text, **wanted))
                report.aliases_created += 1
                report.changed_entity_ids.add(obj.pk)
                continue
            diff = {k: v for k, v in wanted.items() if getattr(alias, k) != v}
            if diff:
                for k, v in diff.items():
                    setattr(alias, k, v)
                alias.save()
                report.aliases_updated += 1
                report.changed_entity_ids.add(obj.pk)
        stale = [al.pk for text, al in have.items() if text not in seen]
        if stale:
            Alias.objects.filter(pk__in=stale).delete()
            report.aliases_deleted += len(stale)
            report.changed_entity_ids.add(obj.pk)
    Alias.objects.bulk_create(to_create, batch_size=500)
