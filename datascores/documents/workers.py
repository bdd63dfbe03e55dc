"""Is there a worker to hand tasks to? (The embedded worker records its pid in the home.)"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from datascores.processes import pid_alive


def pidfile() -> Path:
    return settings.HOME / "worker.pid"


def worker_available() -> bool:
    """True when tasks sent now will be picked up by a running worker."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return False
    if settings.EMBEDDED_BROKER:
        try:
            pid = int(pidfile().read_text().strip())
        except (OSError, ValueError):
            return False
        return pid_alive(pid)
    from datascores.celery import app

    try:
        return bool(app.control.ping(timeout=1.0))
    except Exception:  # an unreachable broker means no worker, whatever the error
        return False
