"""Data Scores: search over documents on how UK public bodies use data and algorithms."""

from .celery import app as celery_app

__all__ = ["celery_app"]
