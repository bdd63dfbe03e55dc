from django.apps import AppConfig


class EntitiesConfig(AppConfig):
    name = "datascores.entities"
    label = "entities"
    verbose_name = "Entities"
