"""`datascores serve` supervises its worker and beat; kill -9 of the web server during an
ingest leaves no orphan, and the ingest finishes the work itself."""

from __future__ import annotations

import json
import os
import signal
import sys
import urllib.request
from pathlib import Path

import pytest

from ..processes import free_port, stop
from .conftest import Home, alive, children_of, wait_until
from .test_workers import inputs

pytestmark = [pytest.mark.faults, pytest.mark.integration, pytest.mark.slow]


def serve(home: Home):
    port = free_port()
    proc = home.spawn(
        [sys.executable, "-m", "datascores.cli", "serve", "--port", str(port)], "serve.log"
    )

    def up() -> bool:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/admin/login/", timeout=2) as r:
                return r.status == 200
        except OSError:
            return False

    wait_until(up, 90, "the site to answer")
    wait_until(lambda: pid(home, "worker") and pid(home, "beat"), 30, "worker and beat")
    return proc, port


def pid(home: Home, name: str) -> int | None:
    try:
        return int((home.path / f"{name}.pid").read_text())
    except (OSError, ValueError):
        return None


def reaped(p: int) -> bool:
    """Gone entirely: not even a zombie waiting for its parent."""
    return not Path(f"/proc/{p}").exists()


def test_serve_restarts_a_killed_worker_and_beat_and_reaps_them(home):
    server, _ = serve(home)
    worker, beat = pid(home, "worker"), pid(home, "beat")
    pool = children_of(worker)
    os.kill(worker, signal.SIGKILL)
    new_worker = wait_until(
        lambda: (p := pid(home, "worker")) and p != worker and alive(p) and p, 30, "a new worker"
    )
    wait_until(lambda: reaped(worker), 10, "the killed worker to be reaped")
    wait_until(lambda: not any(alive(p) for p in pool), 10, "its pool to exit")
    assert pid(home, "beat") == beat  # one beat, untouched
    os.kill(beat, signal.SIGKILL)
    wait_until(lambda: (p := pid(home, "beat")) and p != beat and alive(p), 30, "a new beat")
    wait_until(lambda: reaped(beat), 10, "the killed beat to be reaped")
    # Only the new ones run under the server: no duplicate beat, no orphan.
    under = set(children_of(server.pid))
    assert under == {new_worker, pid(home, "beat")}, under
    # And the restarted worker does the work (ingest waits for it, it does not time out).
    expected = inputs(home, scans=1, texts=1, pages=1)
    run = home.run("ingest", str(home.inbox), "--json", "--timeout", "120")
    assert run.returncode == 0, run.stderr
    assert {r["status"] for r in json.loads(run.stdout)} == {"done"}
    assert "The worker has stopped" not in run.stderr
    home.assert_complete(expected)
    stop(server)
    assert not alive(new_worker)


def test_kill_9_of_the_web_server_during_ingest_leaves_no_orphan_and_loses_nothing(home):
    server, _ = serve(home)
    worker, beat = pid(home, "worker"), pid(home, "beat")
    expected = inputs(home, scans=2, texts=3)
    ingest = home.manage_bg(
        "ingest", str(home.inbox), "--json", "--timeout", "300", log="ingest.out"
    )
    wait_until(lambda: home.processing(), 120, "the worker to start on a document")
    pool = children_of(worker)
    server.send_signal(signal.SIGKILL)
    server.wait()
    # Nothing the server started outlives it.
    for p in (worker, beat, *pool):
        wait_until(lambda p=p: not alive(p), 10, f"process {p} to exit with the server")
    # The ingest notices that no worker is left and processes the rest itself.
    assert ingest.wait(timeout=300) == 0, home.log("ingest.out")
    assert "The worker has stopped" in home.log("ingest.out")
    home.assert_complete(expected)
    # A server started again finds nothing left to do, and the index converges.
    again, _ = serve(home)
    stop(again)
    home.assert_index_converges()


def test_datascores_worker_supervises_worker_and_beat_and_leaves_no_orphan(home):
    sup = home.spawn([sys.executable, "-m", "datascores.cli", "worker"], "supervisor.log")
    wait_until(lambda: pid(home, "worker") and pid(home, "beat"), 60, "worker and beat")
    worker, beat = pid(home, "worker"), pid(home, "beat")
    os.kill(worker, signal.SIGKILL)
    wait_until(lambda: (p := pid(home, "worker")) and p != worker and alive(p), 30, "a new worker")
    # The beat was never the worker's child: it is neither orphaned nor doubled.
    assert pid(home, "beat") == beat and alive(beat)
    assert set(children_of(sup.pid)) == {pid(home, "worker"), beat}
    new_worker = pid(home, "worker")
    pool = children_of(new_worker)
    sup.send_signal(signal.SIGKILL)
    sup.wait()
    for p in (new_worker, beat, *pool):
        wait_until(lambda p=p: not alive(p), 10, f"process {p} to exit with its supervisor")
