"""Create or update public bodies, companies, systems and aliases from the data files."""

from django.core.management.base import BaseCommand

from datascores.documents.models import Document
from datascores.entities.loader import load_vocabularies
from datascores.entities.services import request_retag


class Command(BaseCommand):
    help = "Load the vocabularies in datascores/entities/data/ (idempotent; updates in place)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Also overwrite entities edited in the admin.",
        )
        parser.add_argument(
            "--no-retag",
            action="store_true",
            help="Do not queue a re-tag of the documents the changes may affect.",
        )

    def handle(self, *args, force=False, no_retag=False, **options):
        report = load_vocabularies(force=force)
        self.stdout.write(str(report))
        if report.changed_entity_ids and not no_retag and Document.objects.exists():
            job = request_retag(
                report.changed_entity_ids, description="Vocabularies reloaded from data files"
            )
            self.stdout.write(f"Queued re-tagging job {job.pk} for the affected documents.")
