"""Receivers: tag documents when the pipeline finishes them; re-tag after vocabulary edits."""

from __future__ import annotations

import contextlib
import contextvars
import logging

from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save

from datascores.documents.models import Status
from datascores.documents.signals import announce_changed, document_ready

from .models import Alias, Company, DocumentTag, Entity, PublicBody, System, VocabularyState
from .services import request_retag, tag_document

log = logging.getLogger(__name__)

_quiet = contextvars.ContextVar("entities_vocabulary_signals_quiet", default=False)


@contextlib.contextmanager
def quiet():
    """Bulk vocabulary loads bump the version once and schedule their own re-tag."""
    token = _quiet.set(True)
    try:
        yield
    finally:
        _quiet.reset(token)


def tag_ready_document(sender, document, **kwargs) -> None:
    """document_ready: tag documents that finished processing."""
    if document.status != Status.DONE:
        return
    try:
        # A savepoint: if tagging fails, the document still finishes (`retag` catches up).
        with transaction.atomic():
            tag_document(document)
    except Exception:
        log.exception("tagging document %s failed", document.pk)


def _entity_id(instance) -> int | None:
    if isinstance(instance, Alias):
        return instance.entity_id
    return instance.pk


def entity_saving(sender, instance, **kwargs) -> None:
    """Remember the name before the save, to notice a rename."""
    if kwargs.get("raw") or instance.pk is None:
        instance._name_before_save = None
        return
    instance._name_before_save = (
        Entity.objects.filter(pk=instance.pk).values_list("name", flat=True).first()
    )


def entity_renamed(sender, instance, created=False, **kwargs) -> None:
    """Tags show official names, so a rename must reach the search index of every document
    tagged with the entity (even when a re-tag changes nothing), bulk loads included."""
    old = getattr(instance, "_name_before_save", None)
    instance._name_before_save = instance.name
    if created or kwargs.get("raw") or old is None or old == instance.name:
        return
    doc_ids = list(
        DocumentTag.objects.filter(entity_id=instance.pk)
        .values_list("document_id", flat=True)
        .distinct()
    )
    if doc_ids:
        transaction.on_commit(lambda: announce_changed(doc_ids, sender=sender))


def vocabulary_saved(sender, instance, **kwargs) -> None:
    if _quiet.get() or kwargs.get("raw"):
        return
    VocabularyState.bump()
    entity_id = _entity_id(instance)
    if entity_id is None:
        return
    transaction.on_commit(
        lambda: request_retag([entity_id], description=f"Vocabulary changed: {instance}")
    )


def vocabulary_deleted(sender, instance, **kwargs) -> None:
    if _quiet.get():
        return
    VocabularyState.bump()
    origin = kwargs.get("origin")
    if isinstance(instance, Alias) and not isinstance(origin, Entity):
        # (An alias deleted along with its entity needs no re-tag: the entity's tags go.)
        entity_id = instance.entity_id
        if Entity.objects.filter(pk=entity_id).exists():
            transaction.on_commit(
                lambda: request_retag([entity_id], description=f"Alias deleted: {instance}")
            )


def entity_deleting(sender, instance, **kwargs) -> None:
    """Before an entity (and so its tags) goes: the documents tagged with it must be
    re-indexed once the deletion commits."""
    if _quiet.get():
        return
    doc_ids = list(
        DocumentTag.objects.filter(entity_id=instance.pk).values_list("document_id", flat=True)
    )
    if doc_ids:
        transaction.on_commit(lambda: announce_changed(doc_ids, sender=sender))


def connect() -> None:
    document_ready.connect(tag_ready_document, dispatch_uid="entities_tag_ready_document")
    for model in (PublicBody, Company, System, Alias):
        post_save.connect(vocabulary_saved, sender=model, dispatch_uid=f"entities_saved_{model}")
        post_delete.connect(
            vocabulary_deleted, sender=model, dispatch_uid=f"entities_deleted_{model}"
        )
    for model in (PublicBody, Company, System):
        pre_delete.connect(entity_deleting, sender=model, dispatch_uid=f"entities_deleting_{model}")
        pre_save.connect(entity_saving, sender=model, dispatch_uid=f"entities_saving_{model}")
        post_save.connect(entity_renamed, sender=model, dispatch_uid=f"entities_renamed_{model}")
