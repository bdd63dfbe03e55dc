"""Celery tasks for web sources: run a scrape, start scheduled ones, resume stalled ones."""

from __future__ import annotations

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded

RUN_SOFT_LIMIT = 6 * 3600  # a large site at a polite pace takes hours
BUSY_WITHIN = 90  # seconds: a run that reported this recently is alive somewhere


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=RUN_SOFT_LIMIT,
    time_limit=RUN_SOFT_LIMIT + 120,
)
def run_scrape(job_id: int) -> str:
    """Run (or resume) one scrape job; idempotent: a finished job is left alone."""
    from datetime import timedelta

    from django.utils import timezone

    from datascores.jobs.models import Job, JobStatus

    from .engine import run_job

    # A message the broker delivers again while the first delivery still runs (its
    # worker reports every few seconds) must not start a second copy of the run.
    busy = Job.objects.filter(
        pk=job_id,
        status=JobStatus.RUNNING,
        heartbeat_at__gt=timezone.now() - timedelta(seconds=BUSY_WITHIN),
    )
    if busy.exists():
        return "running elsewhere"
    try:
        job = run_job(job_id)
    except SoftTimeLimitExceeded:
        Job.objects.filter(pk=job_id).update(
            status=JobStatus.FAILED, result=f"The run took longer than {RUN_SOFT_LIMIT} s."
        )
        return "failed"
    return job.status if job else "missing"


@shared_task
def scheduled_scrape(source_id: int) -> int | None:
    """Beat calls this on a source's cron schedule."""
    from .models import Source
    from .runs import start_scrape

    source = Source.objects.filter(pk=source_id, enabled=True).first()
    if source is None:
        return None
    job, _created = start_scrape(source, created_by="schedule")
    return job.pk


@shared_task
def resume_stalled() -> list[int]:
    """Hand scrapes whose worker died to a worker again; they resume from their frontier."""
    from .runs import stalled_runs

    ids = list(stalled_runs().values_list("pk", flat=True))
    for job_id in ids:
        run_scrape.delay(job_id)
    return ids
