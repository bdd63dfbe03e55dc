"""A full disk under the blob store, a locked database and a search backend that is down:
nothing half-stored, every document final once the fault clears, the index converges."""

from __future__ import annotations

import contextlib
import errno
import json
import os
import sqlite3
import subprocess
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from datascores.documents.models import Blob, Document, Status
from datascores.documents.pipeline import ingest_bytes, inline_processing, recover

from ..documents import fixtures
from ..processes import stop
from .conftest import Home, sha, wait_until
from .test_workers import ingest_queued, inputs

pytestmark = [pytest.mark.faults]


class FullDisk:
    """The blob store's disk fills up: a save writes what fits, then fails with ENOSPC
    (as a real full disk does), until `free()`."""

    def __init__(self, storage, allow: int = 0):
        self.storage = storage
        self.allow = allow  # saves that still fit
        self.full = True
        self._save = storage._save

    def __call__(self, name, content):
        if not self.full or self.allow > 0:
            self.allow -= 1
            return self._save(name, content)
        path = self.storage.path(name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:  # the part that fitted
            f.write(next(iter(content.chunks()))[:100])
        raise OSError(errno.ENOSPC, "No space left on device")

    def free(self) -> None:
        self.full = False


@pytest.fixture
def disk(monkeypatch):
    storage = Blob._meta.get_field("file").storage
    full = FullDisk(storage)
    monkeypatch.setattr(storage, "_save", full)
    return full


@pytest.mark.django_db(transaction=True)
def test_a_full_disk_stores_nothing_half_and_the_file_goes_in_once_there_is_room(disk):
    data = b"Minutes of the data ethics panel, stored on a full disk.\n" * 50
    with pytest.raises(OSError, match="No space"):
        ingest_bytes(data, filename="full.txt", location="/in/full.txt")
    assert not Document.objects.exists() and not Blob.objects.exists()
    disk.free()
    doc = ingest_bytes(data, filename="full.txt", location="/in/full.txt").document
    doc.refresh_from_db()
    assert doc.status == Status.DONE, doc.failure_reason
    # The original kept is the whole file, not the part that fitted the first time.
    with doc.blob.file.open("rb") as f:
        assert f.read() == data


@pytest.mark.django_db(transaction=True)
def test_archive_members_that_do_not_fit_are_stored_when_the_disk_has_room(disk):
    members = {
        f"m{i}.txt": f"Member {i} of the disclosure bundle.\n".encode() * 20 for i in range(3)
    }
    data = fixtures.zip_file(members)
    disk.allow = 1  # the archive itself fits; its members do not
    with inline_processing():
        outcome = ingest_bytes(data, filename="bundle.zip", location="/in/bundle.zip")
    archive = Document.objects.get(pk=outcome.document.pk)
    assert archive.status == Status.PROCESSING  # not done, not failed: waiting for room
    assert "No space left" in archive.metadata["last_error"]
    disk.free()
    recover(now=timezone.now() + timedelta(seconds=1), queue_sizes={"extract": 0, "ocr": 0})
    archive.refresh_from_db()
    assert archive.status == Status.DONE, archive.failure_reason
    children = list(archive.children.all())
    assert len(children) == 3 and all(c.status == Status.DONE for c in children)
    assert Document.objects.count() == 4 and Blob.objects.count() == 4


@pytest.mark.django_db(transaction=True)
def test_search_backend_down_then_back_the_index_converges(tmp_path, settings, monkeypatch):
    from search import indexer
    from search.backends import SearchUnavailable, get_backend, reset_backends

    settings.SEARCH_BACKEND = "embedded"
    settings.SEARCH_INDEX_DIR = tmp_path / "index"
    reset_backends()

    class Down:
        def __getattr__(self, name):
            def fail(*args, **kwargs):
                raise SearchUnavailable("the search backend cannot be reached")

            return fail

    monkeypatch.setattr(indexer, "get_backend", lambda: Down())
    texts = [f"Report {i} on the welfare risk model.\n".encode() * 10 for i in range(4)]
    with inline_processing():
        for i, data in enumerate(texts):
            ingest_bytes(data, filename=f"r{i}.txt", location=f"/in/r{i}.txt")
    # Processing does not depend on the index: every document is done, marked dirty.
    docs = Document.objects.all()
    assert [d.status for d in docs] == [Status.DONE] * 4
    assert indexer.dirty_documents().count() == 4
    # The backend comes back; the periodic dirty sweep brings the index up to date.
    monkeypatch.setattr(indexer, "get_backend", get_backend)
    assert indexer.sweep() == 4
    assert indexer.dirty_documents().count() == 0
    assert get_backend().count() == 4
    reset_backends()


@pytest.mark.integration
@pytest.mark.slow
def test_a_locked_database_delays_the_work_but_loses_none(tmp_path):
    """Another process holds SQLite's write lock for longer than a worker waits for it
    (DATASCORES_SQLITE_TIMEOUT): tasks fail on the lock, and the leases and the sweep
    bring every document to its end once the lock is gone."""
    home = Home(tmp_path / "home", DATASCORES_SQLITE_TIMEOUT="1")
    home.migrate()
    try:
        expected = inputs(home, scans=1, texts=4, pages=2)
        beat = home.beat()
        ingest_queued(home)
        worker = home.worker(concurrency=2)
        wait_until(lambda: home.processing(), 120, "the worker to start on a document")
        released = threading.Event()

        def hold_lock() -> None:
            conn = sqlite3.connect(home.path / "datascores.sqlite3", timeout=30)
            with contextlib.closing(conn):
                conn.isolation_level = None
                conn.execute("BEGIN EXCLUSIVE")
                released.wait(6)
                conn.execute("COMMIT")

        holder = threading.Thread(target=hold_lock)
        holder.start()
        released.wait(6)
        holder.join()
        wait_until(lambda: home.all_final(len(expected)), 180, "every document to finish")
        home.assert_complete(expected)
        stop(worker)
        stop(beat)
        home.assert_index_converges()
    finally:
        home.close()


@pytest.fixture
def small_disk(tmp_path):
    """A 256 KB tmpfs for the blob store (needs root; skipped where it cannot be mounted,
    the ENOSPC storage tests above cover the same code everywhere)."""
    mnt = tmp_path / "blobs"
    mnt.mkdir()
    run = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mnt)], capture_output=True
    )
    if run.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {run.stderr.decode().strip()}")
    yield mnt
    subprocess.run(["umount", "-l", str(mnt)], check=False)


@pytest.mark.integration
@pytest.mark.slow
def test_a_real_full_disk_under_the_blob_store(tmp_path, small_disk):
    home = Home(
        tmp_path / "home", DATASCORES_BLOB_ROOT=str(small_disk), DATASCORES_MAX_ATTEMPTS="50"
    )
    home.migrate()
    try:
        line = "Row {i}: the council shared this record with the analytics supplier.\n"
        members = {
            f"part-{m}.txt": "".join(line.format(i=i + 10_000 * m) for i in range(1700)).encode()
            for m in range(3)
        }
        assert all(len(d) > 100_000 for d in members.values())  # 3 members: over 256 KB
        bundle = fixtures.zip_file(members)
        big = b"An appendix too large for the disk.\n" * 10_000
        (home.inbox / "bundle.zip").write_bytes(bundle)
        (home.inbox / "appendix.txt").write_bytes(big)
        beat = home.beat()
        worker = home.worker(concurrency=2)
        run = home.run("ingest", str(home.inbox), "--no-wait", "--json")
        # The appendix does not fit: the ingest says so, and stores nothing of it.
        assert run.returncode == 1
        rows = {Path(r["path"]).name: r for r in json.loads(run.stdout)}
        assert rows["appendix.txt"]["status"] == "not stored"
        assert "No space left" in rows["appendix.txt"]["reason"]
        # The archive fits, its members do not: it waits, unfinished, neither done nor failed.
        wait_until(
            lambda: home.rows(
                "SELECT 1 FROM documents_document WHERE metadata LIKE '%No space left%'"
            ),
            120,
            "the worker to run out of space",
        )
        assert not home.all_final()
        subprocess.run(["mount", "-o", "remount,size=16m", str(small_disk)], check=True)
        wait_until(lambda: home.all_final(4), 120, "the archive and its members to finish")
        run = home.run("ingest", str(home.inbox / "appendix.txt"), "--json", "--timeout", "120")
        assert run.returncode == 0, run.stderr
        expected = {name: sha(data) for name, data in members.items()}
        expected |= {"bundle.zip": sha(bundle), "appendix.txt": sha(big)}
        home.assert_complete(expected)
        # Every file in the blob store is a whole original that a blob row names.
        blobs = dict(home.rows("SELECT sha256, size FROM documents_blob"))
        on_disk = {p.name: p.stat().st_size for p in small_disk.rglob("*") if p.is_file()}
        assert on_disk == blobs
        stop(worker)
        stop(beat)
    finally:
        home.close()
