"""Small facts about processes on this machine."""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger(__name__)

_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


def _stat_fields(pid: int) -> list[str] | None:
    """Fields of /proc/<pid>/stat after the command name (state is [0]), or None."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            raw = fh.read()
    except OSError:
        return None
    return raw[raw.rfind(")") + 2 :].split()


def pid_alive(pid: int) -> bool:
    """True if a process with this id exists and is not a zombie (a zombie has died: only
    its exit status is left for its parent to collect)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    fields = _stat_fields(pid)
    if fields is None:  # no /proc here: trust the signal check
        return not os.path.isdir("/proc")
    return fields[0] not in ("Z", "X")


def start_time(pid: int) -> int:
    """The process's start time in clock ticks since boot (0 if unknown): with the pid it
    names one process, even after the pid has been reused."""
    fields = _stat_fields(pid)
    try:
        return int(fields[19]) if fields else 0
    except (IndexError, ValueError):
        return 0


def process_alive(pid: int, started: int) -> bool:
    """True if the process `pid` that started at `started` is still running."""
    if not pid_alive(pid):
        return False
    return not started or start_time(pid) in (0, started)


def die_with_parent(sig: int = signal.SIGKILL) -> None:
    """Ask Linux to send `sig` to this process when its parent dies, so nothing we start is
    ever left behind as an orphan (a no-op where prctl is unavailable)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, sig)


def _prctl():
    with contextlib.suppress(OSError, AttributeError):
        return ctypes.CDLL(None, use_errno=True).prctl
    return None


@dataclass
class _Child:
    name: str
    argv: Callable[[], list[str]]
    pidfile: Path | None = None
    proc: subprocess.Popen | None = None
    started_at: float = 0.0
    quick_deaths: int = 0
    restarts: int = 0
    next_start: float = 0.0
    history: list[int] = field(default_factory=list)


class Supervisor:
    """Keeps child processes running: one that dies is reaped and started again within a
    second (backing off if it keeps dying at once), and none outlives the supervisor: each
    child asks the kernel to kill it when the supervisor dies, even by kill -9.

    All children are started, reaped and stopped by one thread, because Linux ties the
    parent-death signal to the thread that forked the child.
    """

    def __init__(self, log_path: Path | None = None, poll: float = 0.5, max_backoff: float = 30):
        self.log_path = log_path
        self.poll = poll
        self.max_backoff = max_backoff
        self.children: dict[str, _Child] = {}
        self._stop = threading.Event()
        self._started = threading.Event()
        self._thread: threading.Thread | None = None
        self._prctl = _prctl()

    def add(self, name: str, argv: Callable[[], list[str]], pidfile: Path | None = None) -> None:
        self.children[name] = _Child(name, argv, pidfile)

    def pid(self, name: str) -> int | None:
        proc = self.children[name].proc
        return proc.pid if proc else None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="supervisor", daemon=True)
        self._thread.start()
        self._started.wait(timeout=30)

    def wait(self) -> None:
        while self._thread and self._thread.is_alive():
            self._thread.join(timeout=1)

    def stop(self, timeout: float = 20) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(timeout=timeout + 10)

    # --- in the supervisor thread ----------------------------------------------------

    def _preexec(self) -> None:  # runs in the forked child before exec
        if self._prctl is not None:
            self._prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)

    def _spawn(self, child: _Child) -> None:
        out = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL  # noqa: SIM115
        try:
            child.proc = subprocess.Popen(
                child.argv(),
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                preexec_fn=self._preexec,
                process_group=0,
            )
        finally:
            if out is not subprocess.DEVNULL:
                out.close()
        child.started_at = time.monotonic()
        child.history.append(child.proc.pid)
        if child.pidfile:
            child.pidfile.write_text(str(child.proc.pid))
        log.info("started %s (pid %s)", child.name, child.proc.pid)

    def _check(self, child: _Child) -> None:
        now = time.monotonic()
        if child.proc is not None:
            code = child.proc.poll()  # reaps a dead child: no zombie is left
            if code is None:
                return
            lived = now - child.started_at
            child.quick_deaths = child.quick_deaths + 1 if lived < 10 else 0
            delay = (
                min(2 ** (child.quick_deaths - 1), self.max_backoff) if child.quick_deaths else 0
            )
            log.warning(
                "%s (pid %s) exited with %s after %.0f s; restarting in %.0f s",
                child.name,
                child.proc.pid,
                code,
                lived,
                delay,
            )
            if child.pidfile:
                with contextlib.suppress(OSError):
                    child.pidfile.unlink()
            child.proc = None
            child.restarts += 1
            child.next_start = now + delay
        if now >= child.next_start:
            self._spawn(child)

    def _run(self) -> None:
        try:
            for child in self.children.values():
                self._spawn(child)
            self._started.set()
            while not self._stop.wait(self.poll):
                for child in self.children.values():
                    try:
                        self._check(child)
                    except OSError:
                        log.exception("could not restart %s", child.name)
        finally:
            self._started.set()
            self._terminate()

    def _terminate(self, timeout: float = 20) -> None:
        running = [c for c in self.children.values() if c.proc and c.proc.poll() is None]
        for child in running:
            with contextlib.suppress(ProcessLookupError):
                child.proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + timeout
        for child in running:
            try:
                child.proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.proc.kill()
                child.proc.wait()
        for child in self.children.values():
            if child.pidfile:
                with contextlib.suppress(OSError):
                    child.pidfile.unlink()
