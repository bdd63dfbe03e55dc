from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "datascores.documents"
    label = "documents"
    verbose_name = "Documents"
