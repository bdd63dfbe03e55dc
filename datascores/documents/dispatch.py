"""How pipeline work is handed on: to a worker through the broker, or run right here.

Every send goes through `enqueue`, after the current transaction commits, so a task never
runs before the rows it needs are visible. Under `inline_processing()` the task runs in
this process instead (the ingest command does this when no worker is running).
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator

from django.db import transaction

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
        transaction.on_commit(lambda: task.apply(args=args, throw=True))
    else:
        transaction.on_commit(lambda: task.delay(*args))
