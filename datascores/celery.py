"""The Celery app: broker from CELERY_BROKER_URL, an embedded filesystem broker by default."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "datascores.settings")

app = Celery("datascores")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
