"""A job's live progress as JSON, for the admin's progress bars (staff only)."""

from __future__ import annotations

from django.http import JsonResponse

from .models import Job

ERRORS_SHOWN = 50


def job_progress(job: Job) -> dict:
    counts = job.counts or {}
    return {
        "id": job.pk,
        "kind": job.kind,
        "subject": job.subject,
        "status": job.status,
        "status_label": job.get_status_display(),
        "active": job.is_active,
        "done": job.done,
        "total": max(job.total, job.done),
        "percent": job.percent,
        "message": job.message,
        "counts": counts,
        "error_count": job.error_count,
        "errors": job.errors[-ERRORS_SHOWN:],
        "result": job.result,
        "started_at": job.started_at.isoformat() if job.started_at else None,
        "finished_at": job.finished_at.isoformat() if job.finished_at else None,
        "cancel_requested": job.cancel_requested,
    }


def progress_json(request, job: Job) -> JsonResponse:
    response = JsonResponse(job_progress(job))
    response["Cache-Control"] = "no-store"
    return response
