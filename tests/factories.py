"""factory-boy factories for the models tests make most often.

``DocumentFactory(pages=["text of page 1", ...])`` makes a processed document (status
done, as the pipeline leaves it) with its blob and pages, without running the pipeline
or sending any signal; ``SourceFactory(document=doc)`` says where it came from.
"""

from __future__ import annotations

import hashlib

import factory
from factory.django import DjangoModelFactory

from datascores.documents.models import (
    Blob,
    Document,
    Page,
    Source,
    SourceKind,
    SourceStatus,
    Status,
)


class BlobFactory(DjangoModelFactory):
    class Meta:
        model = Blob

    sha256 = factory.Sequence(lambda n: hashlib.sha256(f"factory-blob-{n}".encode()).hexdigest())
    size = 1
    mime_type = "text/plain"
    file = factory.LazyAttribute(lambda blob: f"x/{blob.sha256}")


class DocumentFactory(DjangoModelFactory):
    class Meta:
        model = Document
        skip_postgeneration_save = True

    blob = factory.SubFactory(BlobFactory)
    status = Status.DONE
    file_type = "txt"

    @factory.post_generation
    def pages(document, create, texts, **kwargs):
        """Page texts, numbered from 1 (the page count follows)."""
        texts = list(texts or [])
        if not create or not texts:
            return
        Page.objects.bulk_create(
            [Page(document=document, number=n, text=t) for n, t in enumerate(texts, 1)]
        )
        document.page_count = len(texts)
        Document.objects.filter(pk=document.pk).update(page_count=len(texts))


class SourceFactory(DjangoModelFactory):
    class Meta:
        model = Source

    document = factory.SubFactory(DocumentFactory)
    kind = SourceKind.URL
    location = factory.Sequence(lambda n: f"https://council.example/docs/{n}.pdf")
    filename = factory.LazyAttribute(lambda s: s.location.rsplit("/", 1)[-1])
    status = SourceStatus.LIVE
