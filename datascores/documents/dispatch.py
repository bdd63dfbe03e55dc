"""How pipeline work is handed on: to a worker through the broker, or run right here.

Every send goes through `enqueue`, after the current transaction commits, so a task never
runs before the rows it needs are visible. Under `inline_processing()` the task runs in
this process instead (the ingest command does this when no worker is running).

`enqueue_batched` is for tasks that take a list of document ids and cost much the same
for one id as for many (an index commit): sends within a few seconds share one run. A
worker gets the task after that delay (the first one due does the work that waits, the
rest find nothing left); here, the ids wait in a batch that runs when it is that old, or
large, and in any case when `inline_processing()` ends. The work must be recorded in the
database before it is sent (a dirty flag), so a batch lost in a crash loses nothing: a
sweep finds it.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.db import transaction

log = logging.getLogger(__name__)

BATCH_MAX_IDS = 500  # a batch run here is sent when it holds this many ids

_inline = contextvars.ContextVar("datascores_inline_processing", default=False)
_batches: contextvars.ContextVar[dict[str, _Batch] | None] = contextvars.ContextVar(
    "datascores_inline_batches", default=None
)


@dataclass
class _Batch:
    task: object
    started: float
    ids: set[int] = field(default_factory=set)


@contextlib.contextmanager
def inline_processing() -> Iterator[None]:
    """Run pipeline tasks in this process instead of sending them to a worker."""
    token = _inline.set(True)
    outermost = _batches.get() is None
    batches_token = _batches.set({}) if outermost else None
    try:
        yield
    finally:
        try:
            if outermost:
                flush_batches()
        finally:
            if batches_token is not None:
                _batches.reset(batches_token)
            _inline.reset(token)


def is_inline() -> bool:
    return _inline.get()


def enqueue(task, *args) -> None:
    """Send a task after the current transaction commits (or run it here, inline)."""
    if _inline.get():
        transaction.on_commit(lambda: _run_here(task, args))
    else:
        transaction.on_commit(lambda: task.delay(*args))


def enqueue_batched(task, ids: Iterable[int], *, within: float) -> None:
    """Send ``task(ids)`` after commit, sharing one run with the sends of the next
    ``within`` seconds (see the module's docstring)."""
    ids = sorted({int(i) for i in ids})
    if not ids:
        return
    if _inline.get():
        transaction.on_commit(lambda: _add_to_batch(task, ids, within))
    else:
        transaction.on_commit(lambda: task.apply_async((ids,), countdown=within))


def _add_to_batch(task, ids: list[int], within: float) -> None:
    batches = _batches.get()
    if batches is None:  # (inline mode switched on without its context)
        _run_here(task, (ids,))
        return
    now = time.monotonic()
    batch = batches.setdefault(task.name, _Batch(task, now))
    batch.ids.update(ids)
    if now - batch.started >= within or len(batch.ids) >= BATCH_MAX_IDS:
        del batches[task.name]
        _run_here(task, (sorted(batch.ids),))


def flush_batches() -> None:
    """Run every batch waiting in this process now."""
    batches = _batches.get() or {}
    while batches:
        _name, batch = batches.popitem()
        _run_here(batch.task, (sorted(batch.ids),))


def _run_here(task, args: tuple) -> None:
    """Run a task in this process as a worker would: its failure is logged, and leaves
    the document for the sweeps (lease released, index entry still dirty), instead of
    stopping the whole ingest (a search backend that is down, a full disk)."""
    result = task.apply(args=args, throw=False)
    if result.failed():
        log.warning("%s%r failed here: %r; the sweep will retry it", task.name, args, result.result)
