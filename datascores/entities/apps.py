from django.apps import AppConfig


class EntitiesConfig(AppConfig):
    name = "datascores.entities"
    label = "entities"
    verbose_name = "Entities"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from datascores.documents.signals import register_tag_provider

        from . import api, signals

        # The core asks whoever registered for a document's tags (the index, the
        # document page, show_document); this app is that provider.
        register_tag_provider(api.TAGS)
        signals.connect()
