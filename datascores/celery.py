"""The Celery app: broker from CELERY_BROKER_URL, an embedded filesystem broker by default."""

import os

from celery import Celery
from celery.signals import worker_process_init, worker_ready

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "datascores.settings")

app = Celery("datascores")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_process_init.connect
def _pool_child_dies_with_worker(**kwargs) -> None:
    """A pool process never outlives its worker: its document's lease then names a dead
    process, and the document is taken over at once instead of left half done."""
    from datascores.processes import die_with_parent

    die_with_parent()


@worker_ready.connect
def _recover_on_start(sender=None, **kwargs) -> None:
    """A worker that (re)starts looks for work a dead one left behind, without waiting
    for beat's next sweep."""
    from datascores.documents.tasks import sweep_stalled

    sweep_stalled.delay()
