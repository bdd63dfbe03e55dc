"""kill -9 of a worker's pool child and of its main process, and a broker that restarts
and forgets its queues: every document still ends in a final state, once."""

from __future__ import annotations

import os
import signal

import pytest

from datascores.documents.leases import Owner

from ..documents import fixtures
from ..processes import stop
from .conftest import Home, alive, children_of, sha, wait_until

pytestmark = [pytest.mark.faults, pytest.mark.integration, pytest.mark.slow]


def inputs(home: Home, *, scans: int = 2, texts: int = 3, pages: int = 5) -> dict[str, str]:
    """A few small files: plain text (one quick stage) and scans (extraction, then a few
    seconds of OCR, long enough to be killed in the middle)."""
    made = {}
    for i in range(texts):
        data = f"Council minutes {i}: the risk-scoring pilot was reviewed.\n".encode() * 20
        made[f"minutes-{i}.txt"] = data
    for i in range(scans):
        made[f"scan-{i}.pdf"] = fixtures.scanned_pdf(
            [f"Scanned letter {i} about the Analytical Hub"], pages=pages
        )
    for name, data in made.items():
        (home.inbox / name).write_bytes(data)
    return {name: sha(data) for name, data in made.items()}


def ingest_queued(home: Home) -> None:
    run = home.run("ingest", str(home.inbox), "--no-wait", "--json")
    assert run.returncode == 0, run.stderr


def leased(home: Home, stage: str | None = None) -> dict | None:
    for d in home.processing():
        owner = Owner.parse(d["lease_owner"])
        if owner and (stage is None or owner.stage == stage):
            return {**d, "owner": owner}
    return None


@pytest.fixture(params=["redis", "embedded"])
def broker_home(request, tmp_path):
    if request.param == "redis":
        server = request.getfixturevalue("redis_server")
        h = Home(tmp_path / "home", CELERY_BROKER_URL=server.url)
    else:
        h = Home(tmp_path / "home")
    h.migrate()
    yield h
    h.close()


def test_kill_9_of_a_pool_child_is_redelivered_and_counted(broker_home):
    home = broker_home
    expected = inputs(home, scans=1, texts=2)
    worker = home.worker(concurrency=1)
    ingest_queued(home)
    victim = wait_until(lambda: leased(home, "ocr"), 120, "a scan to be in OCR")
    os.kill(victim["owner"].pid, signal.SIGKILL)
    wait_until(lambda: home.all_final(len(expected)), 180, "every document to finish")
    docs = {d["id"]: d for d in home.assert_complete(expected)}
    # The killed delivery counted: extraction, the killed OCR, the OCR that finished.
    assert docs[victim["id"]]["attempts"] >= 3
    assert worker.poll() is None  # the worker itself lived on
    stop(worker)
    home.assert_index_converges()


def test_kill_9_of_the_main_worker_loses_nothing(broker_home):
    home = broker_home
    expected = inputs(home, scans=2, texts=3)
    beat = home.beat()  # beat is its own process: it outlives a killed worker
    worker = home.worker(concurrency=2)
    ingest_queued(home)
    victim = wait_until(lambda: leased(home, "ocr"), 120, "a scan to be in OCR")
    pool = children_of(worker.pid)
    worker.send_signal(signal.SIGKILL)
    worker.wait()
    # Its pool processes die with it (nothing is left half-running with a lease).
    wait_until(lambda: not any(alive(p) for p in pool), 10, "the pool processes to exit")
    assert not home.all_final(len(expected))
    # A worker becomes available again: everything completes, nothing twice.
    again = home.worker(concurrency=2, name="again")
    wait_until(lambda: home.all_final(len(expected)), 180, "every document to finish")
    docs = {d["id"]: d for d in home.assert_complete(expected)}
    assert docs[victim["id"]]["attempts"] >= 2
    stop(again)
    stop(beat)
    home.assert_index_converges()


def test_a_broker_restart_that_loses_every_message_loses_no_document(tmp_path, redis_server):
    home = Home(tmp_path / "home", CELERY_BROKER_URL=redis_server.url)
    home.migrate()
    try:
        expected = inputs(home, scans=2, texts=6)
        # No worker yet: every message waits in Redis, then Redis forgets them all.
        ingest_queued(home)
        assert not home.all_final()
        redis_server.restart()
        worker = home.worker(concurrency=2)
        beat = home.beat()
        wait_until(lambda: home.all_final(len(expected)), 180, "every document to finish")
        home.assert_complete(expected)
        stop(beat)
        stop(worker)
        home.assert_index_converges()
    finally:
        home.close()


def test_a_long_stage_keeps_its_lease_while_it_runs(tmp_path):
    """Leases far shorter than the OCR they cover, and a sweep every second: the heartbeat
    renews the lease, so nothing is taken from a live worker and nothing runs twice."""
    home = Home(
        tmp_path / "home",
        DATASCORES_LEASE_SECONDS="1",
        DATASCORES_SWEEP_INTERVAL="1",
        DATASCORES_OCR_DPI="300",
    )
    home.migrate()
    try:
        expected = inputs(home, scans=1, texts=1, pages=10)
        beat = home.beat()
        worker = home.worker(concurrency=2)  # one process for OCR, one free for the sweeps
        ingest_queued(home)
        wait_until(lambda: home.all_final(len(expected)), 240, "every document to finish")
        docs = {d["sha"]: d for d in home.assert_complete(expected)}
        assert docs[expected["scan-0.pdf"]]["attempts"] == 2  # extraction, OCR: once each
        assert docs[expected["minutes-0.txt"]]["attempts"] == 1
        assert "lease of" not in home.log()
        # And not because no sweep ran while the OCR did (beat sends one a second).
        assert home.log().count("tasks.sweep_stalled[") >= 4
        stop(worker)
        stop(beat)
    finally:
        home.close()


def test_a_file_that_kills_its_worker_process_every_time_is_failed_after_the_cap(tmp_path):
    """Issue 9 item 5 for real: every delivery of this file ends with its pool process
    killed (as a crash in a native library would); each delivery counts, and the cap
    ends it with a reason, while the other files are processed."""
    home = Home(tmp_path / "home", DATASCORES_MAX_ATTEMPTS="3", DATASCORES_OCR_DPI="300")
    home.migrate()
    try:
        poison = fixtures.scanned_pdf(["A page that crashes its reader"], pages=8)
        note = b"A short note about the scoring pilot.\n" * 5
        (home.inbox / "crash.pdf").write_bytes(poison)
        (home.inbox / "note.txt").write_bytes(note)
        beat = home.beat()
        worker = home.worker(concurrency=2)
        ingest_queued(home)
        killed: set[int] = set()

        def kill_whoever_holds_it() -> bool:
            for d in home.processing():
                owner = Owner.parse(d["lease_owner"])
                if d["sha"] == sha(poison) and owner and owner.pid not in killed:
                    os.kill(owner.pid, signal.SIGKILL)
                    killed.add(owner.pid)
            return home.all_final(2)

        wait_until(kill_whoever_holds_it, 180, "both documents to end", every=0.05)
        docs = {d["sha"]: d for d in home.documents()}
        assert docs[sha(poison)]["status"] == "failed"
        # Three claims (extraction may have finished before a kill reached it), then the cap.
        assert docs[sha(poison)]["attempts"] == 3
        assert len(killed) >= 2
        assert "started 3 times without finishing" in docs[sha(poison)]["failure_reason"]
        assert docs[sha(note)]["status"] == "done"
        assert worker.poll() is None
        stop(worker)
        stop(beat)
    finally:
        home.close()
