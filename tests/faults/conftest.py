"""Fault injection: real workers, brokers and servers, killed and broken on purpose.

Each test runs in its own home (SQLite, blob store, index, embedded broker) with short
leases and a fast sweep, so recovery takes seconds. Redis tests start their own
redis-server on a free port (the shared one on 6379 is never restarted). Tests wait on
real events (a document reaching a state, a process exiting) and never assert on
wall-clock gaps.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ..conftest import REPO
from ..processes import free_port, worker_argv

FAST = {
    "DATASCORES_LEASE_SECONDS": "4",
    "DATASCORES_SWEEP_INTERVAL": "2",
    "DATASCORES_QUEUE_GRACE": "5",
    "DATASCORES_OCR_DPI": "150",
    "DATASCORES_LOG_LEVEL": "INFO",
}
FINAL = ("done", "failed")


def wait_until(predicate, timeout: float, what: str, every: float = 0.3):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")


def alive(pid: int) -> bool:
    """Running, and not a zombie."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            raw = fh.read()
    except OSError:
        return False
    return raw[raw.rfind(")") + 2] not in "ZX"


def children_of(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True)
    return [int(p) for p in out.stdout.split()]


class Home:
    """A DATASCORES_HOME with its environment, database and processes."""

    def __init__(self, path: Path, fast: bool = True, **env: str):
        self.path = path
        path.mkdir(parents=True, exist_ok=True)
        base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CELERY_"))}
        base = {k: v for k, v in base.items() if k not in FAST}
        base.pop("DATABASE_URL", None)
        self.env = {**base, "DATASCORES_HOME": str(path), "PYTHONUNBUFFERED": "1"}
        self.env.update({**(FAST if fast else {}), **env})
        self.procs: list[subprocess.Popen] = []
        self.inbox = path / "inbox"
        self.inbox.mkdir(exist_ok=True)

    # --- processes -------------------------------------------------------------------

    def run(self, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=REPO,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    def spawn(self, argv: list[str], log: str) -> subprocess.Popen:
        out = open(self.path / log, "ab")  # noqa: SIM115 - closed with the process
        proc = subprocess.Popen(argv, cwd=REPO, env=self.env, stdout=out, stderr=subprocess.STDOUT)
        out.close()
        self.procs.append(proc)
        return proc

    def manage_bg(self, *args: str, log: str = "manage.log") -> subprocess.Popen:
        return self.spawn([sys.executable, "manage.py", *args], log)

    def worker(self, concurrency: int = 2, name: str = "w") -> subprocess.Popen:
        """A bare Celery worker (no supervisor), so a test can kill its main process."""
        return self.spawn(worker_argv(concurrency, f"{name}-{self.path.name}@%h"), "worker.log")

    def beat(self) -> subprocess.Popen:
        return self.spawn(
            [sys.executable, "-m", "celery", "-A", "datascores", "beat", "--loglevel", "INFO"],
            "beat.log",
        )

    def log(self, name: str = "worker.log") -> str:
        p = self.path / name
        return p.read_text(errors="replace") if p.exists() else ""

    def migrate(self) -> None:
        run = self.run("migrate", "-v0")
        assert run.returncode == 0, run.stderr

    def close(self) -> None:
        for proc in reversed(self.procs):
            if proc.poll() is None:
                # SIGKILL the whole tree we started; leases make that safe.
                for child in children_of(proc.pid):
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(child, signal.SIGKILL)
                proc.kill()
            proc.wait()

    # --- the database ----------------------------------------------------------------

    def rows(self, sql: str, *params) -> list[tuple]:
        db = self.path / "datascores.sqlite3"
        with contextlib.closing(sqlite3.connect(db, timeout=30)) as conn:
            return conn.execute(sql, params).fetchall()

    def rows_write(self, sql: str, *params) -> None:
        db = self.path / "datascores.sqlite3"
        with contextlib.closing(sqlite3.connect(db, timeout=30)) as conn, conn:
            conn.execute(sql, params)

    def documents(self) -> list[dict]:
        cols = ("id", "status", "attempts", "failure_reason", "lease_owner", "page_count", "sha")
        sql = (
            "SELECT d.id, d.status, d.attempts, d.failure_reason, d.lease_owner, d.page_count, "
            "b.sha256 FROM documents_document d JOIN documents_blob b ON b.id = d.blob_id"
        )
        return [dict(zip(cols, r, strict=True)) for r in self.rows(sql)]

    def all_final(self, n: int | None = None) -> bool:
        docs = self.documents()
        return (n is None or len(docs) >= n) and all(d["status"] in FINAL for d in docs)

    def processing(self) -> list[dict]:
        return [d for d in self.documents() if d["status"] == "processing" and d["lease_owner"]]

    def assert_complete(self, expected_shas: dict[str, str]) -> list[dict]:
        """Every input became exactly one document, every document is final and done,
        and no page was stored twice."""
        docs = self.documents()
        by_sha = {}
        for d in docs:
            assert d["sha"] not in by_sha, f"duplicate document for {d['sha']}"
            by_sha[d["sha"]] = d
        for name, sha in expected_shas.items():
            assert sha in by_sha, f"{name} was lost"
            assert by_sha[sha]["status"] == "done", (name, by_sha[sha])
        assert all(d["status"] in FINAL for d in docs), docs
        pages = self.rows(
            "SELECT document_id, number, COUNT(*) FROM documents_page "
            "GROUP BY document_id, number HAVING COUNT(*) > 1"
        )
        assert pages == []
        for d in docs:
            n = self.rows("SELECT COUNT(*) FROM documents_page WHERE document_id = ?", d["id"])
            assert n[0][0] == d["page_count"], d
        return docs

    def assert_index_converges(self) -> dict:
        """After the dirty sweep (what beat runs every minute) the index holds exactly the
        searchable documents."""
        run = self.run("search_index", "sweep")
        assert run.returncode == 0, run.stderr
        status = json.loads(self.run("search_index", "status", "--json").stdout)
        assert status["dirty"] == 0, status
        assert status["index_documents"] == status["done"], status
        assert status.get("missing", 0) == 0 and status.get("extra", 0) == 0, status
        return status


@pytest.fixture
def home(tmp_path):
    h = Home(tmp_path / "home")
    h.migrate()
    yield h
    h.close()


class RedisServer:
    """A private redis-server on a free port, without persistence: a restart loses every
    queued message, as a crashed broker would."""

    def __init__(self, workdir: Path):
        self.port = free_port()
        self.workdir = workdir
        self.proc: subprocess.Popen | None = None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
                "--dir",
                str(self.workdir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

        def up() -> bool:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return True
            except OSError:
                return False

        wait_until(up, 20, "redis-server to accept connections")

    def kill(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def restart(self) -> None:
        self.kill()
        self.start()


@pytest.fixture
def redis_server(tmp_path):
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.kill()


def sha(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()
