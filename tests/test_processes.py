"""Process facts and the supervisor that keeps the worker and beat running."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from datascores.processes import Supervisor, pid_alive, process_alive, start_time


def wait_for(predicate, timeout: float = 20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := predicate():
            return value
        time.sleep(0.05)
    raise AssertionError("timed out")


def test_a_zombie_is_not_alive():
    """Issue 9 item 3: a killed worker nobody reaped must not count as a running one."""
    proc = subprocess.Popen(["sleep", "30"])
    assert pid_alive(proc.pid)
    proc.kill()
    wait_for(lambda: Path(f"/proc/{proc.pid}/stat").read_text().split(") ")[1][0] == "Z")
    assert os.path.exists(f"/proc/{proc.pid}")  # still there, unreaped
    assert not pid_alive(proc.pid)
    proc.wait()
    assert not pid_alive(proc.pid)


def test_a_pid_names_one_process_with_its_start_time():
    me = os.getpid()
    assert process_alive(me, start_time(me))
    assert not process_alive(me, start_time(me) + 1)  # an earlier holder of this pid


def test_the_supervisor_restarts_reaps_and_stops_its_children(tmp_path):
    pidfile = tmp_path / "child.pid"
    sup = Supervisor(tmp_path / "log", poll=0.05)
    sup.add("sleeper", lambda: [sys.executable, "-c", "import time; time.sleep(60)"], pidfile)
    sup.start()
    try:
        first = sup.pid("sleeper")
        assert int(pidfile.read_text()) == first
        os.kill(first, 9)
        second = wait_for(lambda: (p := sup.pid("sleeper")) != first and p)
        assert not os.path.exists(f"/proc/{first}")  # reaped, not a zombie
        assert int(pidfile.read_text()) == second
    finally:
        sup.stop(timeout=5)
    assert not pid_alive(second)
    assert not pidfile.exists()


def test_a_child_that_keeps_dying_is_restarted_more_slowly(tmp_path):
    sup = Supervisor(None, poll=0.05, max_backoff=30)
    sup.add("crasher", lambda: [sys.executable, "-c", "raise SystemExit(3)"])
    sup.start()
    try:
        wait_for(lambda: sup.children["crasher"].restarts >= 2)
        # Each quick death doubles the wait before the next start (1 s, 2 s, ... 30 s).
        assert sup.children["crasher"].quick_deaths >= 2
    finally:
        sup.stop(timeout=5)
