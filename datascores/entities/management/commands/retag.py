"""Re-tag documents with the current vocabulary, with a progress bar."""

from django.core.management.base import BaseCommand, CommandError
from django.db.models import F, Q
from tqdm import tqdm

from datascores.documents.models import Document, Status
from datascores.entities.models import Entity, TagJob, VocabularyState
from datascores.entities.services import affected_documents, run_job_step, start_job


class Command(BaseCommand):
    help = (
        "Re-tag documents. Default: those never tagged or tagged with an older vocabulary. "
        "--all: every processed document. IDs: just those."
    )

    def add_arguments(self, parser):
        parser.add_argument("ids", nargs="*", type=int, help="Document IDs.")
        parser.add_argument("--all", action="store_true", help="Every processed document.")
        parser.add_argument(
            "--entity",
            action="append",
            default=[],
            help="Documents that may name this entity (slug or official name); repeatable.",
        )

    def handle(self, *args, ids=(), all=False, entity=(), **options):
        done = Document.objects.filter(status=Status.DONE)
        if ids:
            doc_ids = sorted(done.filter(pk__in=ids).values_list("pk", flat=True))
            what = f"documents {', '.join(map(str, ids))}"
        elif entity:
            entity_ids = []
            for e in entity:
                found = list(
                    Entity.objects.filter(Q(slug=e) | Q(name__iexact=e)).values_list(
                        "pk", flat=True
                    )
                )
                if not found:
                    raise CommandError(f"No entity with slug or name {e!r}.")
                entity_ids += found
            doc_ids = affected_documents(entity_ids)
            what = f"documents that may name {', '.join(entity)}"
        elif all:
            doc_ids = sorted(done.values_list("pk", flat=True))
            what = "all documents"
        else:
            version = VocabularyState.current()
            doc_ids = sorted(
                done.filter(
                    Q(tagging__isnull=True)
                    | Q(tagging__vocabulary_version__lt=version)
                    | Q(tagging__tagged_at__lt=F("processed_at"))
                ).values_list("pk", flat=True)
            )
            what = "untagged or stale documents"
        job = TagJob.objects.create(description=f"manage.py retag: {what}", document_ids=doc_ids)
        start_job(job)
        with tqdm(total=job.total, unit="doc", disable=not job.total) as bar:
            run_job_step(job, progress=bar)
        self.stdout.write(
            f"Re-tagged {job.done} document(s): {job.changed} changed, {job.errors} error(s)."
        )
        if job.errors:
            self.stderr.write(job.error_log)
