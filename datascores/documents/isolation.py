"""Run extraction in a forked child with a deadline and a memory cap, so that no file,
however hostile, can hang, exhaust or crash the worker that handles it.

The child sets RLIMIT_AS to its current virtual size plus ``memory_mb``, runs the
function, and pickles the result (or the ExtractionError) back through a pipe. The parent
reads the pipe incrementally, so a large result cannot deadlock against a full pipe, and
kills the child's whole process group (antiword included) when the deadline passes.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import logging
import math
import os
import pickle
import resource
import select
import signal
import time
import traceback
from collections.abc import Callable
from typing import Any

from .extract.base import ExtractionError
from .outcomes import FailureCode

log = logging.getLogger(__name__)

_CHUNK = 1 << 20
_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


_OOM_MESSAGES = ("cannot allocate memory", "failed to map segment", "out of memory")


def is_out_of_memory(exc: BaseException) -> bool:
    """MemoryError, or what a failed allocation looks like from a native library or from
    the dynamic loader (an OSError saying it could not map or allocate memory)."""
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, MemoryError):
            return True
        if isinstance(exc, OSError) and (
            exc.errno == errno.ENOMEM or any(m in str(exc).lower() for m in _OOM_MESSAGES)
        ):
            return True
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return False


def _statm_bytes(pid: int | str = "self") -> tuple[int, int]:
    """(virtual size, resident size) in bytes of a process, from /proc."""
    with open(f"/proc/{pid}/statm") as fh:
        fields = fh.read().split()
    page = os.sysconf("SC_PAGE_SIZE")
    return int(fields[0]) * page, int(fields[1]) * page


def _limit_memory(memory_mb: int) -> None:
    vsize, _ = _statm_bytes()
    limit = vsize + memory_mb * 1024 * 1024
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _die_with_parent(parent: int, timeout: float) -> None:
    """Backstops for when the parent is killed (say by Celery's hard time limit) and so
    cannot enforce the deadline: die with it, and in any case after the CPU time the
    deadline allows."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:
        os._exit(1)
    if math.isfinite(timeout):
        seconds = int(timeout) + 10
        _soft, hard = resource.getrlimit(resource.RLIMIT_CPU)
        if hard == resource.RLIM_INFINITY or hard > seconds:
            with contextlib.suppress(ValueError, OSError):
                resource.setrlimit(resource.RLIMIT_CPU, (seconds, hard))


def _child(
    write_fd: int,
    func: Callable[..., Any],
    args: tuple,
    memory_mb: int,
    parent: int,
    timeout: float,
) -> None:
    """Runs in the forked child; never returns."""
    code = 0
    try:
        try:
            _die_with_parent(parent, timeout)
            _limit_memory(memory_mb)
            outcome: tuple = ("ok", func(*args))
        except ExtractionError as exc:
            outcome = ("error", exc.code, exc.reason)
        except BaseException as exc:  # a crash of any kind is reported, not raised
            if is_out_of_memory(exc):
                outcome = ("memory",)
            else:
                outcome = ("crash", f"{type(exc).__name__}: {exc}", traceback.format_exc())
        try:
            payload = pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
        except MemoryError:
            outcome = None
            payload = pickle.dumps(("memory",))
        except Exception as exc:
            payload = pickle.dumps(("crash", f"result could not be sent back: {exc}", ""))
        view = memoryview(payload)
        while view:
            written = os.write(write_fd, view[:_CHUNK])
            view = view[written:]
    except BaseException:
        code = 1
    finally:
        os._exit(code)


def _kill_group(pid: int) -> None:
    for kill in (os.killpg, os.kill):
        try:
            kill(pid, signal.SIGKILL)
            return
        except (ProcessLookupError, PermissionError):
            continue


def run_isolated(func: Callable[..., Any], *args: Any, timeout: float, memory_mb: int) -> Any:
    """Return func(*args) computed in a child process, or raise ExtractionError.

    TIMEOUT when the deadline passes, MEMORY when the child exceeds memory_mb, ERROR for
    any other crash (an exception, a segfault); ExtractionErrors from func pass through.
    """
    _, parent_rss = _statm_bytes()
    parent = os.getpid()
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child's coverage is not collected
        os.close(read_fd)
        with contextlib.suppress(OSError):
            os.setpgid(0, 0)  # own group, so a timeout kill reaches its subprocesses too
        _child(write_fd, func, args, memory_mb, parent, timeout)
    os.close(write_fd)
    with contextlib.suppress(OSError):
        os.setpgid(pid, pid)  # same call as in the child: whichever runs first wins
    # One growing buffer, not a list of chunks joined at the end: the worker holds the
    # result once while reading it, not twice.
    payload = bytearray()
    reaped = False
    status = 0
    rusage = None
    # poll, not select: a busy worker may hold file descriptors above select's 1024 limit.
    poller = select.poll()
    poller.register(read_fd, select.POLLIN | select.POLLHUP | select.POLLERR)
    try:
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                _kill_group(pid)
                raise ExtractionError(
                    FailureCode.TIMEOUT,
                    f"Extraction took longer than {timeout:g} s and was stopped.",
                )
            if not poller.poll(max(1, int(remaining * 1000))):
                continue
            chunk = os.read(read_fd, _CHUNK)
            if not chunk:
                break
            payload += chunk
        _, status, rusage = os.wait4(pid, 0)
        reaped = True
    finally:
        os.close(read_fd)
        if not reaped:
            _kill_group(pid)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)
    return _outcome(payload, status, rusage, parent_rss, memory_mb)


# Signals a native library dies with when an allocation fails under RLIMIT_AS: abort()
# (pdfium, a C++ std::bad_alloc), a trap or illegal instruction (an "immediate crash"
# helper), a segfault or bus error (a NULL it did not check).
_CRASH_SIGNALS = frozenset(
    {signal.SIGABRT, signal.SIGSEGV, signal.SIGBUS, signal.SIGILL, signal.SIGTRAP}
)
# A native crash counts as running out of memory when the child had grown by more than
# this share of its cap. A buffer that grows by doubling (realloc to 2S while holding S)
# fails once 3S passes the cap, so at that point it holds more than a third of it;
# resident memory may trail the address space a little, hence a quarter.
CRASH_IS_MEMORY_SHARE = 0.25


def _outcome(payload: bytearray, status: int, rusage: Any, parent_rss: int, memory_mb: int) -> Any:
    memory_error = ExtractionError(
        FailureCode.MEMORY, f"Extraction used more than {memory_mb} MB of memory and was stopped."
    )
    if payload and os.WIFEXITED(status):
        try:
            # The payload comes from our own forked child, never from the network.
            outcome = pickle.loads(payload)  # noqa: S301
        except Exception:
            outcome = ("crash", "its result could not be read back", "")
        kind = outcome[0]
        if kind == "ok":
            return outcome[1]
        if kind == "error":
            raise ExtractionError(outcome[1], outcome[2])
        if kind == "memory":
            raise memory_error
        log.warning("Isolated extraction crashed: %s\n%s", outcome[1], outcome[2])
        raise ExtractionError(FailureCode.ERROR, f"Extraction failed unexpectedly ({outcome[1]}).")
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        if sig == signal.SIGXCPU:
            raise ExtractionError(
                FailureCode.TIMEOUT, "Extraction used more CPU time than its time limit allows."
            )
        # A native library that cannot allocate aborts or segfaults; the kernel's OOM
        # killer sends SIGKILL. Blame memory when the child had grown well into its cap.
        grown = rusage.ru_maxrss * 1024 - parent_rss if rusage else 0
        if sig == signal.SIGKILL or (
            sig in _CRASH_SIGNALS and grown > memory_mb * 1024 * 1024 * CRASH_IS_MEMORY_SHARE
        ):
            raise memory_error
        try:
            name = signal.Signals(sig).name
        except ValueError:
            name = str(sig)
        raise ExtractionError(
            FailureCode.ERROR, f"Extraction crashed (the reader process died with signal {name})."
        )
    code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else status
    raise ExtractionError(
        FailureCode.ERROR, f"Extraction crashed (the reader process exited with status {code})."
    )
