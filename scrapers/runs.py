"""Starting scrape runs: from the admin, the command line or a schedule (one per source)."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from datascores.jobs.models import Job, JobStatus
from datascores.jobs.progress import JobAlreadyRunning, active_job, create_job

from .models import Source

KIND = "scrape"
STALE_AFTER = timedelta(minutes=2)  # a running scrape silent this long lost its worker


def start_scrape(source: Source, *, created_by: str = "", send: bool = True) -> tuple[Job, bool]:
    """Queue a run of the source; (job, created). A source already running gives its run."""
    try:
        job = create_job(
            KIND,
            source.name,
            description=f"Scrape {source.name}",
            params={"source_id": source.pk},
            created_by=created_by,
        )
    except JobAlreadyRunning as exc:
        return exc.job, False
    if send:
        from . import tasks

        transaction.on_commit(lambda: tasks.run_scrape.delay(job.pk))
    return job, True


def runs_of(source: Source):
    return Job.objects.filter(kind=KIND, subject=source.name)


def current_run(source: Source) -> Job | None:
    return active_job(KIND, source.name)


def stalled_runs():
    """Running scrapes whose worker stopped reporting (died): to be resumed."""
    cutoff = timezone.now() - STALE_AFTER
    return Job.objects.filter(kind=KIND, status=JobStatus.RUNNING, heartbeat_at__lt=cutoff)
