from django.apps import AppConfig


class EntitiesConfig(AppConfig):
    name = "datascores.entities"
    label = "entities"
    verbose_name = "Entities"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import signals

        signals.connect()
