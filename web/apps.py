from django.apps import AppConfig


class WebConfig(AppConfig):
    """The public site: pages, feeds, saved searches and alerts (models live here because
    alerts need the search layer, which the core may not import)."""

    name = "web"
    verbose_name = "Site: saved searches and alerts"
    default_auto_field = "django.db.models.BigAutoField"
