"""Small facts about processes on this machine."""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal

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
