"""Recovery after kill -9: how long a killed worker's work takes to complete once a worker
is available again, with Redis and with the embedded (filesystem) broker.

    python benchmarks/recovery.py [--broker redis|embedded|both] [--docs 20] [--other-host]

The issue 9 scenario, with the shipped settings (30 s leases, a 30 s sweep): a beat and a
2-process worker get a queue of small text files, scans (OCR) and two 300-page PDFs; once
work is under way the pool processes holding documents are killed (kill -9), then, with
work under way again, the worker's main process. A new worker is started at once and the
clock runs from its start until every document is final. Redis runs as a private
redis-server on a free port. Each run checks that no document was lost or made twice.
On one machine the new worker sees at once that the old processes are dead; with
--other-host the run is repeated as if the dead worker had been on another machine, where
recovery waits for its leases to run out and the next sweep.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import socket
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.documents import fixtures  # noqa: E402
from tests.faults.conftest import Home, RedisServer, alive, children_of, sha, wait_until  # noqa: E402


def make_inputs(home: Home, n: int) -> dict[str, str]:
    made: dict[str, bytes] = {}
    big = 2
    scans = max(1, n * 3 // 10)
    texts = max(0, n - big - scans)
    for i in range(texts):
        made[f"minutes-{i}.txt"] = (
            f"Minutes {i}: the council reviewed its risk-scoring pilot.\n".encode() * 200
        )
    for i in range(scans):
        made[f"scan-{i}.pdf"] = fixtures.scanned_pdf(
            [f"Scanned reply {i}", "about the Analytical Hub"], pages=1 + i % 2
        )
    for i in range(big):
        made[f"report-{i}.pdf"] = fixtures.text_pdf(
            [
                f"Report {i} page {p}: predictive analytics in children's services"
                for p in range(300)
            ]
        )
    for name, data in made.items():
        (home.inbox / name).write_bytes(data)
    return {name: sha(data) for name, data in made.items()}


def leased(home: Home) -> list[dict]:
    """Documents in progress, with the pid of the process holding each (the lease owner is
    "stage@host:pid:start", see datascores/documents/leases.py)."""
    out = []
    for d in home.processing():
        try:
            pid = int(d["lease_owner"].rsplit(":", 2)[1])
        except (IndexError, ValueError):
            continue
        out.append({**d, "pid": pid})
    return out


def kill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


def run(broker: str, n: int, workdir: Path, other_host: bool = False) -> dict:
    redis = None
    env = {}
    if broker == "redis":
        if shutil.which("redis-server") is None:
            return {"broker": broker, "skipped": "redis-server is not installed"}
        redis = RedisServer(workdir)
        redis.start()
        env["CELERY_BROKER_URL"] = redis.url
    home = Home(workdir / f"home-{broker}", fast=False, **env)
    try:
        home.migrate()
        expected = make_inputs(home, n)
        home.beat()
        worker = home.worker(concurrency=2, name="first")
        assert home.run("ingest", str(home.inbox), "--no-wait").returncode == 0
        # 1. kill -9 the pool processes holding documents.
        victims = wait_until(lambda: leased(home), 300, "work to start")
        for v in victims:
            kill(v["pid"])
        # 2. once work is under way again, kill -9 the worker's main process.
        again = wait_until(
            lambda: [v for v in leased(home) if v["pid"] not in {x["pid"] for x in victims}],
            300,
            "work to resume in new pool processes",
        )
        pool = children_of(worker.pid)
        kill(worker.pid)
        worker.wait()
        wait_until(lambda: not any(alive(p) for p in pool), 30, "the pool to exit")
        interrupted = {v["id"] for v in victims} | {v["id"] for v in again}
        if other_host:
            # As if the dead worker had run on another machine: its death cannot be seen
            # from here, so its leases must run out first.
            home.rows_write(
                "UPDATE documents_document SET lease_owner = "
                "substr(lease_owner, 1, instr(lease_owner, '@')) || 'another-machine' || "
                "substr(lease_owner, instr(lease_owner, '@') + length(?) + 1) "
                "WHERE lease_owner != ''",
                socket.gethostname(),
            )
        final_before = sum(d["status"] in ("done", "failed") for d in home.documents())
        # 3. a worker is available again.
        restart_wall = time.time()
        t0 = time.monotonic()
        home.worker(concurrency=2, name="second")
        wait_until(lambda: home.all_final(len(expected)), 1800, "every document to finish", 0.2)
        elapsed = time.monotonic() - t0
        docs = home.assert_complete(expected)
        done_at = {
            r[0]: datetime.fromisoformat(r[1]).timestamp()
            for r in home.rows("SELECT id, processed_at FROM documents_document")
        }
        last_interrupted = max(done_at[i] for i in interrupted) - restart_wall
        return {
            "broker": broker,
            "dead_worker_on": "another machine" if other_host else "this machine",
            "documents": len(docs),
            "final_before_restart": final_before,
            "interrupted": len(interrupted),
            "interrupted_attempts": sorted(d["attempts"] for d in docs if d["id"] in interrupted),
            "seconds_restart_to_all_final": round(elapsed, 1),
            "seconds_restart_to_last_interrupted_final": round(last_interrupted, 1),
            "failed": sum(d["status"] == "failed" for d in docs),
            "duplicates": 0,  # assert_complete fails on any
        }
    finally:
        home.close()
        if redis:
            redis.kill()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--broker", choices=["redis", "embedded", "both"], default="both")
    parser.add_argument("--docs", type=int, default=20)
    parser.add_argument(
        "--other-host",
        action="store_true",
        help="also measure as if the killed worker had run on another machine (leases expire)",
    )
    args = parser.parse_args()
    brokers = ["redis", "embedded"] if args.broker == "both" else [args.broker]
    results = []
    with tempfile.TemporaryDirectory(prefix="recovery-") as tmp:
        for other in [False, True] if args.other_host else [False]:
            for broker in brokers:
                work = Path(tmp) / f"{broker}-{'other' if other else 'same'}"
                work.mkdir()
                result = run(broker, args.docs, work, other)
                results.append(result)
                print(json.dumps(result), flush=True)
    print()
    print(
        "| broker | dead worker on | documents | interrupted | restart → all final "
        "| restart → last interrupted final |"
    )
    print("|---|---|---|---|---|---|")
    for r in results:
        if "skipped" in r:
            print(f"| {r['broker']} | skipped: {r['skipped']} | | | | |")
            continue
        all_final = r["seconds_restart_to_all_final"]
        last = r["seconds_restart_to_last_interrupted_final"]
        print(
            f"| {r['broker']} | {r['dead_worker_on']} | {r['documents']} | {r['interrupted']} "
            f"| {all_final} s | {last} s |"
        )


if __name__ == "__main__":
    main()
