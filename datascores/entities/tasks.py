"""Celery tasks: take IDs, re-fetch, converge."""

from __future__ import annotations

from celery import shared_task

from datascores.documents.dispatch import enqueue

from .models import JobStatus, TagJob
from .services import run_job_step, start_job

STEP_SECONDS = 240  # well inside the task time limit; a long job re-queues itself


@shared_task(acks_late=True)
def run_tag_job(job_id: int) -> str:
    """Re-tag a job's documents, recording progress on the job; re-queues itself until done."""
    job = TagJob.objects.filter(pk=job_id).first()
    if job is None or job.status in (JobStatus.DONE, JobStatus.FAILED):
        return "nothing to do"
    if job.status == JobStatus.QUEUED:
        claimed = TagJob.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
            status=JobStatus.RUNNING
        )
        if not claimed:
            return "already running"
        job.refresh_from_db()
        start_job(job)
    try:
        finished = run_job_step(job, budget_seconds=STEP_SECONDS)
    except Exception as exc:
        job.status = JobStatus.FAILED
        job.error_log += f"{exc}\n"
        job.save(update_fields=["status", "error_log"])
        raise
    if not finished:
        enqueue(run_tag_job, job_id)
    return f"{job.done}/{job.total}"
