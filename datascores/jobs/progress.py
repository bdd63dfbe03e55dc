"""Start, report on, cancel and finish jobs. Workers call these; the admin and CLIs read them.

Progress is buffered in memory and written at most every `flush_every` seconds (or on
finish), so a crawl of 10,000 pages does not write a row per page. The clock is injectable
so tests never depend on wall-clock gaps.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable

from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import ACTIVE, MAX_ERRORS, Job, JobStatus


class JobAlreadyRunning(Exception):
    """Another run of the same kind on the same subject is queued or running."""

    def __init__(self, job: Job) -> None:
        super().__init__(f"{job.kind} of {job.subject!r} is already {job.status} (job {job.pk}).")
        self.job = job


def create_job(
    kind: str,
    subject: str = "",
    *,
    description: str = "",
    params: dict | None = None,
    created_by: str = "",
) -> Job:
    """A queued job; raises JobAlreadyRunning when the subject already has an active one."""
    try:
        with transaction.atomic():
            return Job.objects.create(
                kind=kind,
                subject=subject,
                description=description or f"{kind} {subject}".strip(),
                params=params or {},
                created_by=created_by,
            )
    except IntegrityError:
        active = active_job(kind, subject)
        if active is None:  # finished between our insert and this read: try once more
            return create_job(
                kind, subject, description=description, params=params, created_by=created_by
            )
        raise JobAlreadyRunning(active) from None


def active_job(kind: str, subject: str) -> Job | None:
    return Job.objects.filter(kind=kind, subject=subject, status__in=ACTIVE).first()


def request_cancel(job_ids: Iterable[int]) -> int:
    """Ask running jobs to stop; queued ones are cancelled at once."""
    ids = list(job_ids)
    now = timezone.now()
    queued = Job.objects.filter(pk__in=ids, status=JobStatus.QUEUED).update(
        status=JobStatus.CANCELLED,
        cancel_requested=True,
        finished_at=now,
        result="Cancelled before it started.",
    )
    running = Job.objects.filter(pk__in=ids, status=JobStatus.RUNNING).update(cancel_requested=True)
    return queued + running


class Reporter:
    """A worker's handle on one job: counts, errors and progress, flushed in batches."""

    def __init__(
        self, job: Job, *, flush_every: float = 1.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.job = job
        self.flush_every = flush_every
        self.clock = clock
        self.counts: Counter[str] = Counter(job.counts or {})
        self.errors: list[dict] = list(job.errors or [])
        self.error_count = job.error_count
        self.total = job.total
        self.done = job.done
        self.message = job.message
        self._last_flush = clock()
        self._cancelled = job.cancel_requested

    # --- lifecycle ---------------------------------------------------------------
    def start(self) -> None:
        now = timezone.now()
        Job.objects.filter(pk=self.job.pk).update(
            status=JobStatus.RUNNING, started_at=self.job.started_at or now, heartbeat_at=now
        )
        self.job.refresh_from_db()

    def finish(self, status: str = JobStatus.FINISHED, result: str = "") -> Job:
        self.flush(force=True)
        if self._cancelled and status == JobStatus.FINISHED:
            status = JobStatus.CANCELLED
            result = result or "Cancelled by an admin."
        Job.objects.filter(pk=self.job.pk).update(
            status=status, result=result, finished_at=timezone.now()
        )
        self.job.refresh_from_db()
        return self.job

    def fail(self, reason: str) -> Job:
        return self.finish(JobStatus.FAILED, reason)

    # --- reporting ---------------------------------------------------------------
    def count(self, name: str, n: int = 1) -> None:
        self.counts[name] += n
        self.flush()

    def error(self, url: str, reason: str, *, counter: str | None = "failed") -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS:
            self.errors.append({"url": url, "reason": reason})
        if counter:
            self.counts[counter] += 1
        self.flush()

    def progress(
        self, *, done: int | None = None, total: int | None = None, message: str | None = None
    ) -> None:
        if done is not None:
            self.done = done
        if total is not None:
            self.total = total
        if message is not None:
            self.message = message[:500]
        self.flush()

    def step(self, n: int = 1) -> None:
        self.done += n
        self.flush()

    @property
    def cancelled(self) -> bool:
        """True once an admin asked the job to stop (read at each flush)."""
        return self._cancelled

    def flush(self, *, force: bool = False) -> None:
        now = self.clock()
        if not force and now - self._last_flush < self.flush_every:
            return
        self._last_flush = now
        Job.objects.filter(pk=self.job.pk).update(
            counts=dict(self.counts),
            errors=self.errors,
            error_count=self.error_count,
            total=max(self.total, self.done),
            done=self.done,
            message=self.message,
            heartbeat_at=timezone.now(),
        )
        self._cancelled = Job.objects.filter(pk=self.job.pk, cancel_requested=True).exists()

    def summary(self) -> dict:
        return {
            "status": self.job.status,
            "counts": dict(self.counts),
            "errors": list(self.errors),
        }
