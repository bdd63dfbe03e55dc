"""Celery tasks for imports: run a recorded import run; re-import open requests (beat)."""

from celery import shared_task

# A slow, polite import of many requests takes hours (5 s between requests by default).
IMPORT_TIME_LIMIT = 12 * 3600


# Acknowledged on receipt: a broker must not hand a run that takes hours to a second
# worker while the first is still on it. A run lost with its worker is started again by
# hand or by the next periodic re-import; it converges (imports are incremental).
@shared_task(acks_late=False, soft_time_limit=IMPORT_TIME_LIMIT, time_limit=IMPORT_TIME_LIMIT + 60)
def run_import(job_id: int) -> dict:
    from .runs import run_job

    return run_job(job_id).as_json()


@shared_task(soft_time_limit=IMPORT_TIME_LIMIT, time_limit=IMPORT_TIME_LIMIT + 60)
def reimport_open() -> list[int]:
    from .runs import reimport_open as run

    return run()
