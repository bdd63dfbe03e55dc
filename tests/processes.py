"""What the tests that start real processes share: a free port and a worker's command line."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys


def free_port() -> int:
    """A loopback port nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def worker_argv(concurrency: int = 2, name: str | None = None) -> list[str]:
    """A bare Celery worker on the pipeline's queues (no supervisor, so a test can kill it)."""
    argv = [sys.executable, "-m", "celery", "-A", "datascores", "worker"]
    argv += ["-Q", "extract,ocr,index", "--concurrency", str(concurrency)]
    argv += ["--loglevel", "INFO", "--without-gossip", "--without-mingle"]
    return argv + (["-n", name] if name else [])


def stop(proc: subprocess.Popen | None, timeout: float = 30) -> str:
    """SIGTERM, then SIGKILL after `timeout`; what the process printed, if it was piped."""
    if proc is None:
        return ""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return proc.stdout.read() if proc.stdout else ""
