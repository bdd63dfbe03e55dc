from django.apps import AppConfig


class ScrapersConfig(AppConfig):
    name = "scrapers"
    verbose_name = "Web sources"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_migrate, post_save

        from .models import Source
        from .schedules import ensure_resume_schedule, sync_schedule

        def saved(sender, instance, raw=False, **kwargs):
            if not raw:
                sync_schedule(instance)

        def deleted(sender, instance, **kwargs):
            if instance.periodic_task_id:
                from django_celery_beat.models import PeriodicTask

                PeriodicTask.objects.filter(pk=instance.periodic_task_id).delete()

        def migrated(sender, **kwargs):
            ensure_resume_schedule()

        post_save.connect(saved, sender=Source, weak=False, dispatch_uid="scrapers_schedule")
        post_delete.connect(deleted, sender=Source, weak=False, dispatch_uid="scrapers_unsched")
        post_migrate.connect(migrated, sender=self, weak=False, dispatch_uid="scrapers_resume")
