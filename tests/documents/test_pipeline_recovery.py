"""Recovery from lost work: leases, the sweep, the attempt cap (driven by a fake clock)."""

from __future__ import annotations

import subprocess
from datetime import timedelta

import pytest
from django.utils import timezone

from datascores.documents import leases, tasks
from datascores.documents.models import Document, FailureCode, Status
from datascores.documents.pipeline import ingest_bytes
from datascores.documents.sweep import recover, reprocess

from . import fixtures

pytestmark = pytest.mark.django_db(transaction=True)

EMPTY = {"extract": 0, "ocr": 0}


@pytest.fixture
def dead_pid() -> int:
    """The id of a process that has exited (and been reaped)."""
    proc = subprocess.Popen(["true"])
    proc.wait()
    return proc.pid


def ingested(name: str = "a.txt", text: str = "Recovery notes from the council") -> Document:
    """A document read in one stage (plain text needs no OCR)."""
    doc = ingest_bytes(text.encode(), filename=name, location=f"/in/{name}").document
    doc.refresh_from_db()
    assert doc.status == Status.DONE, doc.failure_reason
    return doc


def interrupted(doc: Document, *, stage="extract", owner=None, until=None, attempts=1) -> Document:
    """Put the document back as a worker that died mid-stage would have left it."""
    now = timezone.now()
    Document.objects.filter(pk=doc.pk).update(
        status=Status.PROCESSING,
        lease_owner=str(owner or leases.Owner(stage, "elsewhere", 4242, 1)),
        lease_until=until or now + timedelta(seconds=30),
        attempts=attempts,
        updated_at=now,
    )
    doc.refresh_from_db()
    return doc


def test_a_claim_holds_a_lease_and_counts_an_attempt():
    doc = ingested()
    Document.objects.filter(pk=doc.pk).update(status=Status.PENDING, attempts=0)
    now = timezone.now()
    claimed = leases.claim(doc.pk, leases.EXTRACT, now=now)
    assert claimed.status == Status.PROCESSING
    assert claimed.attempts == 1
    assert claimed.lease_until == now + timedelta(seconds=30)
    assert claimed.lease_owner.startswith("extract@")


def test_a_second_delivery_leaves_a_document_a_live_worker_holds():
    doc = interrupted(ingested())  # held by a process on another host, lease still running
    assert leases.claim(doc.pk, leases.EXTRACT) is None
    doc.refresh_from_db()
    assert doc.attempts == 1  # a duplicate delivery costs no attempt
    assert doc.status == Status.PROCESSING


def test_a_delivery_takes_over_at_once_from_a_dead_process_on_this_host(dead_pid):
    import socket

    owner = leases.Owner("extract", socket.gethostname(), dead_pid, 0)
    doc = interrupted(ingested(), owner=owner)
    tasks.process_document.apply(args=[doc.pk], throw=True)
    doc.refresh_from_db()
    assert doc.status == Status.DONE
    assert doc.attempts == 2
    assert doc.lease_until is None and doc.lease_owner == ""


def test_the_sweep_requeues_a_document_whose_lease_ran_out():
    doc = interrupted(ingested())
    # Within the lease nothing happens: the worker may still be at it.
    assert recover(queue_sizes=EMPTY) == {"lost_leases": 0, "lost_messages": 0}
    later = timezone.now() + timedelta(seconds=31)
    assert recover(now=later, queue_sizes=EMPTY)["lost_leases"] == 1
    doc.refresh_from_db()
    assert doc.status == Status.DONE
    assert doc.attempts == 2


def test_an_interrupted_ocr_stage_is_requeued_as_ocr():
    doc = ingest_bytes(fixtures.scanned_pdf(), filename="s.pdf", location="/in/s.pdf").document
    doc.refresh_from_db()
    assert doc.status == Status.DONE and doc.attempts == 2  # extraction, then OCR
    doc.pages.update(needs_ocr=True, text="", method="text")
    interrupted(doc, stage="ocr", attempts=2)
    later = timezone.now() + timedelta(minutes=5)
    assert recover(now=later, queue_sizes=EMPTY)["lost_leases"] == 1
    doc.refresh_from_db()
    assert doc.status == Status.DONE
    assert doc.attempts == 3
    assert doc.pages.get().method == "ocr"


def test_a_file_that_kills_its_worker_every_time_is_failed_after_the_cap(settings):
    """Issue 9 item 5: every delivery counts, OCR's included, and the cap ends it."""
    settings.PROCESSING_MAX_ATTEMPTS = 3
    doc = ingested()
    now = timezone.now()
    for attempt in range(1, 4):
        # Each delivery claims the document, then its worker dies with the lease held.
        interrupted(doc, stage="ocr", attempts=attempt - 1, until=now)
        claimed = leases.claim(doc.pk, leases.OCR, now=now)
        assert claimed is not None and claimed.attempts == attempt
        now += timedelta(minutes=1)
    recover(now=now, queue_sizes=EMPTY)
    doc.refresh_from_db()
    assert doc.status == Status.FAILED
    assert doc.failure_code == FailureCode.ERROR
    assert "started 3 times without finishing" in doc.failure_reason
    assert doc.lease_until is None
    # The admin's re-run starts the count again.
    reprocess([doc.pk])
    doc.refresh_from_db()
    assert doc.status == Status.DONE and doc.attempts == 1


def test_an_unexpected_error_ends_the_lease_and_is_named_when_given_up(settings, monkeypatch):
    settings.PROCESSING_MAX_ATTEMPTS = 2
    doc = ingested()
    Document.objects.filter(pk=doc.pk).update(status=Status.PENDING, attempts=0)

    def broken(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("datascores.documents.stages._save_extracted", lambda doc, result: broken())
    with pytest.raises(OSError):
        tasks.process_document.apply(args=[doc.pk], throw=True)
    doc.refresh_from_db()
    assert doc.status == Status.PROCESSING and doc.attempts == 1
    assert doc.lease_until <= timezone.now()  # released: no waiting out the lease
    now = timezone.now() + timedelta(seconds=1)
    with pytest.raises(OSError):  # (tasks run eagerly here: the sweep's send runs it)
        recover(now=now, queue_sizes=EMPTY)
    doc.refresh_from_db()
    assert doc.status == Status.PROCESSING and doc.attempts == 2
    recover(now=now + timedelta(seconds=1), queue_sizes=EMPTY)
    doc.refresh_from_db()
    assert doc.status == Status.FAILED
    assert "No space left on device" in doc.failure_reason


def test_a_waiting_document_is_requeued_only_when_its_message_is_gone(settings):
    settings.PROCESSING_QUEUE_GRACE = 60
    doc = ingested()
    Document.objects.filter(pk=doc.pk).update(status=Status.PENDING)
    soon = timezone.now() + timedelta(seconds=30)
    later = timezone.now() + timedelta(seconds=90)
    much_later = timezone.now() + timedelta(hours=1)
    # Just queued: give the worker time to pick it up.
    assert recover(now=soon, queue_sizes=EMPTY)["lost_messages"] == 0
    # Messages still waiting in its queue: it is probably among them.
    assert recover(now=later, queue_sizes={"extract": 7, "ocr": 0})["lost_messages"] == 0
    # A broker we cannot ask: only a long wait counts as lost.
    assert recover(now=later, queue_sizes={})["lost_messages"] == 0
    assert recover(now=much_later, queue_sizes={})["lost_messages"] == 1
    doc.refresh_from_db()
    assert doc.status == Status.DONE


def test_a_document_between_extraction_and_ocr_is_requeued_for_ocr_when_lost(settings):
    settings.PROCESSING_QUEUE_GRACE = 60
    doc = ingest_bytes(fixtures.scanned_pdf(), filename="w.pdf", location="/in/w.pdf").document
    doc.refresh_from_db()
    doc.pages.update(needs_ocr=True, text="", method="text")
    Document.objects.filter(pk=doc.pk).update(status=Status.PROCESSING, attempts=1)
    later = timezone.now() + timedelta(seconds=90)
    # The extract queue being busy says nothing about the OCR queue.
    assert recover(now=later, queue_sizes={"extract": 3, "ocr": 0})["lost_messages"] == 1
    doc.refresh_from_db()
    assert doc.status == Status.DONE
    assert doc.pages.get().method == "ocr"


def test_a_failure_from_nesting_does_not_stick_to_the_bytes_on_their_own():
    """Issue 9 item 7: the inner zip, failed as nested too deep, is read when it arrives
    on its own."""
    outer = ingest_bytes(fixtures.nested_zip(5), filename="n.zip", location="/in/n.zip")
    deep = Document.objects.get(failure_code=FailureCode.ARCHIVE_LIMIT)
    assert "nested 3 levels deep" in deep.failure_reason
    assert outer.document.pk != deep.pk
    with deep.blob.file.open("rb") as f:
        inner = f.read()
    again = ingest_bytes(inner, filename="level3.zip", location="/uploads/level3.zip")
    assert not again.created and again.document.pk == deep.pk
    deep.refresh_from_db()
    assert deep.status == Status.DONE, deep.failure_reason
    bottom = Document.objects.get(
        blob__sha256=__import__("hashlib").sha256(b"The innermost Quillmarsh file").hexdigest()
    )
    assert bottom.status == Status.DONE
    assert "innermost Quillmarsh" in bottom.text


def test_bytes_failed_for_themselves_are_not_read_again_on_arrival():
    data = fixtures.text_pdf()[:900]
    first = ingest_bytes(data, filename="t.pdf", location="/in/t.pdf").document
    first.refresh_from_db()
    assert first.status == Status.FAILED
    attempts = first.attempts
    ingest_bytes(data, filename="t2.pdf", location="/in/t2.pdf")
    first.refresh_from_db()
    assert first.status == Status.FAILED and first.attempts == attempts
