from pathlib import Path

from django.apps import AppConfig
from django.conf import settings


class DocumentsConfig(AppConfig):
    name = "datascores.documents"
    label = "documents"
    verbose_name = "Documents"

    def ready(self) -> None:
        # The settings only name the folders; they are made when Django starts, before
        # the database, static files or the embedded broker are first used.
        for folder in settings.FOLDERS:
            Path(folder).mkdir(parents=True, exist_ok=True)
