"""A long-running job (scrape, import, re-tag, rebuild) with its counts, errors and progress."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone


class JobStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    FINISHED = "finished", "Finished"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


ACTIVE = (JobStatus.QUEUED, JobStatus.RUNNING)
MAX_ERRORS = 500  # a run that fails on every page keeps the first 500 reasons, and counts the rest


class Job(models.Model):
    """One run of a long job; `subject` names what it runs on (one active run per subject)."""

    kind = models.CharField(max_length=32, db_index=True, help_text="scrape, import, retag, …")
    subject = models.CharField(
        max_length=255, blank=True, help_text="What the job runs on, e.g. a source's name."
    )
    description = models.CharField(max_length=500, blank=True)
    status = models.CharField(
        max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED, db_index=True
    )
    params = models.JSONField(default=dict, blank=True)
    counts = models.JSONField(default=dict, blank=True)
    errors = models.JSONField(default=list, blank=True, help_text="[{url, reason}], capped.")
    error_count = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0, help_text="Work items known so far.")
    done = models.PositiveIntegerField(default=0)
    message = models.CharField(max_length=500, blank=True, help_text="What it is doing now.")
    result = models.TextField(blank=True, help_text="Why it failed, or a closing summary.")
    cancel_requested = models.BooleanField(default=False)
    task_id = models.CharField(max_length=255, blank=True)
    created_by = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(
        null=True, blank=True, help_text="Last sign of life from the worker running it."
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # One active run per subject: a second "Re-scrape now" joins the first.
            models.UniqueConstraint(
                fields=["kind", "subject"],
                condition=Q(status__in=["queued", "running"]) & ~Q(subject=""),
                name="one_active_job_per_subject",
            )
        ]

    def __str__(self) -> str:
        label = self.description or f"{self.kind} {self.subject}".strip()
        return f"{label} ({self.get_status_display().lower()})"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE

    @property
    def percent(self) -> int | None:
        """Share done, or None while the amount of work is unknown."""
        if self.status == JobStatus.FINISHED:
            return 100
        if not self.total:
            return None
        return min(100, 100 * self.done // self.total)

    @property
    def duration(self):
        if not self.started_at:
            return None
        return (self.finished_at or timezone.now()) - self.started_at
