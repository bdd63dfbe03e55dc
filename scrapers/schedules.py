"""A source's cron schedule as a django-celery-beat periodic task (editable in the admin)."""

from __future__ import annotations

import json

from django.db import transaction

TASK = "scrapers.tasks.scheduled_scrape"
RESUME_TASK = "scrapers.tasks.resume_stalled"


def sync_schedule(source) -> None:
    """Create, update or remove the periodic task that runs the source on its schedule."""
    from django_celery_beat.models import CrontabSchedule, PeriodicTask

    with transaction.atomic():
        task = source.periodic_task
        if not source.schedule.strip():
            if task is not None:
                type(source).objects.filter(pk=source.pk).update(periodic_task=None)
                task.delete()
                source.periodic_task = None
            return
        minute, hour, day_of_month, month_of_year, day_of_week = source.schedule.split()
        crontab, _ = CrontabSchedule.objects.get_or_create(
            minute=minute,
            hour=hour,
            day_of_month=day_of_month,
            month_of_year=month_of_year,
            day_of_week=day_of_week,
        )
        fields = {
            "name": f"Scrape web source {source.pk}: {source.name}"[:200],
            "task": TASK,
            "crontab": crontab,
            "interval": None,
            "args": json.dumps([source.pk]),
            "enabled": source.enabled,
        }
        if task is None:
            task = PeriodicTask.objects.create(**fields)
            type(source).objects.filter(pk=source.pk).update(periodic_task=task)
            source.periodic_task = task
        else:
            for name, value in fields.items():
                setattr(task, name, value)
            task.save()


def ensure_resume_schedule() -> None:
    """Every minute, resume scrapes whose worker died (silent for two minutes)."""
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    every, _ = IntervalSchedule.objects.get_or_create(every=1, period=IntervalSchedule.MINUTES)
    PeriodicTask.objects.get_or_create(
        name="Resume stalled scrapes", defaults={"task": RESUME_TASK, "interval": every}
    )
