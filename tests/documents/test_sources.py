"""Finding a document's source by its location (the scraper asks this for every new URL)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from datascores.documents.models import Source, SourceKind
from tests.factories import DocumentFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_source_is_found_by_its_location_however_long():
    doc = DocumentFactory(pages=["text"])
    long_url = "https://www.council.gov.uk/search?q=" + "risk+model+" * 600  # ~6.6 KB
    Source.objects.create(document=doc, kind=SourceKind.URL, location=long_url)
    Source.objects.create(document=doc, kind=SourceKind.URL, location="https://x.gov.uk/a")
    assert [s.document_id for s in Source.objects.at(long_url)] == [doc.pk]
    assert not Source.objects.at(long_url[:-1]).exists()


def test_a_source_moved_by_save_is_found_at_its_new_location():
    doc = DocumentFactory(pages=["text"])
    src = Source.objects.create(document=doc, kind=SourceKind.FOI, location="https://old/r/1")
    src.location = "https://new/r/1"
    src.save(update_fields=["location"])
    assert list(Source.objects.at("https://new/r/1")) == [src]
    assert not Source.objects.at("https://old/r/1").exists()


def test_the_migration_indexes_the_sources_already_stored():
    executor = MigrationExecutor(connection)
    executor.migrate([("documents", "0003_page_layout")])
    try:
        old = executor.loader.project_state([("documents", "0003_page_layout")]).apps
        Blob = old.get_model("documents", "Blob")
        Document = old.get_model("documents", "Document")
        blob = Blob.objects.create(sha256="a" * 64, size=1, mime_type="text/html", file="a")
        doc = Document.objects.create(blob=blob, title="Stored before")
        old.get_model("documents", "Source").objects.create(
            document=doc, kind="url", location="https://www.council.gov.uk/before"
        )
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
    assert Source.objects.at("https://www.council.gov.uk/before").count() == 1
