"""Leases: who is working on a document, until when, and taking over when they died.

A worker that runs a stage (extract or OCR) for a document claims it: the document is
`processing`, `lease_owner` names the stage and the process (host, pid, start time) and
`lease_until` says how long the claim holds. A heartbeat renews the lease while a long
stage runs. A lease that ran out, or whose process is known to be dead (same host), means
the work was lost: a new delivery takes the document over at once, and the periodic sweep
(sweep.py) hands it to a worker again. Every claim counts one attempt; after
PROCESSING_MAX_ATTEMPTS claims the document is failed with a reason instead of being tried
for ever (a file that kills its worker every time).

Every function takes `now` so tests can drive the clock.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, connections, transaction
from django.utils import timezone

from datascores.processes import process_alive, start_time

from .finish import fail_document, record_unreadable
from .models import Document, FailureCode, Status

log = logging.getLogger(__name__)

EXTRACT = "extract"
OCR = "ocr"
STAGES = (EXTRACT, OCR)


@dataclass(frozen=True)
class Owner:
    stage: str
    host: str
    pid: int
    started: int

    def __str__(self) -> str:
        return f"{self.stage}@{self.host}:{self.pid}:{self.started}"

    @classmethod
    def parse(cls, text: str) -> Owner | None:
        try:
            stage, rest = text.split("@", 1)
            host, pid, started = rest.rsplit(":", 2)
            return cls(stage, host, int(pid), int(started))
        except ValueError:
            return None

    def dead(self) -> bool:
        """Known dead: a process on this host that no longer runs. (A process on another
        host is judged by its lease alone.)"""
        return self.host == socket.gethostname() and not process_alive(self.pid, self.started)


def me(stage: str) -> Owner:
    pid = os.getpid()
    return Owner(stage, socket.gethostname(), pid, start_time(pid))


def lease_seconds() -> float:
    return float(settings.PROCESSING_LEASE_SECONDS)


def stage_of(doc: Document) -> str:
    """The stage a document in progress is at: the one its lease names, else the one it
    waits for (pending: extraction; processing without a lease: OCR)."""
    owner = Owner.parse(doc.lease_owner)
    if owner and owner.stage in STAGES:
        return owner.stage
    return OCR if doc.status == Status.PROCESSING else EXTRACT


def lost(doc: Document, now: datetime) -> bool:
    """True if the document was leased and whoever held it is gone (or ran out of time)."""
    if doc.lease_until is None:
        return False
    if doc.lease_until <= now:
        return True
    owner = Owner.parse(doc.lease_owner)
    return owner is None or owner.dead()


def held(doc: Document, now: datetime) -> bool:
    """True if someone else holds a live lease on the document."""
    return doc.lease_until is not None and not lost(doc, now)


def give_up(doc: Document) -> Document:
    last = doc.metadata.get("last_error")
    reason = (
        f"Processing was started {doc.attempts} times without finishing (the worker "
        "stopped or was killed each time); giving up. The original is kept and can be "
        "re-run from the admin."
    )
    if last:
        reason += f" Last error: {last}"
    return fail_document(doc, FailureCode.ERROR, reason)


def claim(doc_id: int, stage: str, *, force: bool = False, now=None) -> Document | None:
    """Take the document for `stage`, or None when there is nothing to do here: it is
    gone, final, at another stage, leased by a live worker, or out of attempts."""
    now = now or timezone.now()
    with transaction.atomic():
        doc = (
            Document.objects.select_for_update(of=("self",))
            .select_related("blob", "parent")
            .filter(pk=doc_id)
            .first()
        )
        if doc is None:
            log.info("document %s is gone; nothing to do", doc_id)
            return None
        if stage == EXTRACT:
            if doc.status in (Status.DONE, Status.FAILED) and not force:
                return None
        elif doc.status != Status.PROCESSING:
            return None
        if held(doc, now) and not force:
            log.info("document %s is leased by %s; not taking it", doc_id, doc.lease_owner)
            return None
        if doc.attempts >= settings.PROCESSING_MAX_ATTEMPTS and not force:
            give_up(doc)
            return None
        if stage == EXTRACT:
            if doc.blob.size == 0 or doc.blob.size > settings.MAX_FILE_SIZE:
                record_unreadable(doc)
                return None
            doc.failure_code = ""
            doc.failure_reason = ""
        doc.status = Status.PROCESSING
        doc.attempts += 1
        doc.lease_owner = str(me(stage))
        doc.lease_until = now + timedelta(seconds=lease_seconds())
        doc.save(
            update_fields=[
                "status",
                "failure_code",
                "failure_reason",
                "attempts",
                "lease_owner",
                "lease_until",
                "updated_at",
            ]
        )
    return doc


def renew(doc_id: int, owner: str, now=None) -> bool:
    """Extend our lease; False if it is no longer ours (taken over, or finished)."""
    now = now or timezone.now()
    until = now + timedelta(seconds=lease_seconds())
    return bool(Document.objects.filter(pk=doc_id, lease_owner=owner).update(lease_until=until))


def hand_over(doc: Document) -> None:
    """The stage is done and the next one is queued: the document waits, unleased."""
    doc.lease_owner = ""
    doc.lease_until = None
    doc.save(update_fields=["lease_owner", "lease_until", "updated_at"])


def release(doc_id: int, owner: str, error: str, now=None) -> None:
    """A stage stopped on an unexpected error: end the lease now so the sweep retries the
    document soon, and keep the error for the reason given if it is finally given up."""
    now = now or timezone.now()
    with transaction.atomic():
        doc = Document.objects.select_for_update().filter(pk=doc_id, lease_owner=owner).first()
        if doc is None:
            return
        doc.lease_until = now
        doc.metadata = {**doc.metadata, "last_error": error[:500]}
        doc.save(update_fields=["lease_until", "metadata", "updated_at"])


@contextlib.contextmanager
def heartbeat(doc: Document, interval: float | None = None) -> Iterator[None]:
    """Renew the document's lease every `interval` seconds (a third of the lease) while
    the block runs, from a thread with its own database connection."""
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        # The test database: one connection, shared; nothing outlives the test anyway.
        yield
        return
    interval = interval or max(lease_seconds() / 3, 0.2)
    owner = doc.lease_owner
    stop = threading.Event()

    def beat() -> None:
        try:
            while not stop.wait(interval):
                try:
                    if not renew(doc.pk, owner):
                        return
                except Exception:
                    log.warning("could not renew the lease on document %s", doc.pk, exc_info=True)
        finally:
            connections.close_all()

    thread = threading.Thread(target=beat, name=f"lease-{doc.pk}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=10)
