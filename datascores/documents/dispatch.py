"""How pipeline work is handed on: to a worker through the broker, or run right here.

Every send goes through `enqueue`, after the current transaction commits, so a task never
runs before the rows it needs are visible. Under `inline_processing()` the task runs in
this process instead (the ingest command does this when no worker is running).
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
from collections.abc import Iterator

from django.db import transaction

log = logging.getLogger(__name__)

_inline = contextvars.ContextVar("datascores_inline_processing", default=False)


@contextlib.contextmanager
def inline_processing() -> Iterator[None]:
    """Run pipeline tasks in this process instead of sending them to a worker."""
    token = _inline.set(True)
    try:
        yield
    finally:
        _inline.reset(token)


def is_inline() -> bool:
    return _inline.get()


def enqueue(task, *args) -> None:
    """Send a task after the current transaction commits (or run it here, inline)."""
    if _inline.get():
        transaction.on_commit(lambda: _run_here(task, args))
    else:
        transaction.on_commit(lambda: task.delay(*args))


def _run_here(task, args: tuple) -> None:
    """Run a task in this process as a worker would: its failure is logged, and leaves
    the document for the sweeps (lease released, index entry still dirty), instead of
    stopping the whole ingest (a search backend that is down, a full disk)."""
    result = task.apply(args=args, throw=False)
    if result.failed():
        log.warning("%s%r failed here: %r; the sweep will retry it", task.name, args, result.result)
