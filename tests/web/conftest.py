"""Fixtures for the public site: a fresh search index per test and a document factory.

Documents are created as database rows (blob, document, pages, sources) without the
extraction pipeline, tagged by the real entity tagger, and indexed by the real
indexer, so the pages under test see what production would.
"""

from __future__ import annotations

import hashlib
import itertools
from datetime import date

import pytest
from django.core.files.base import ContentFile

from datascores.documents.models import Blob, Document, Page, Source, SourceKind, Status

_counter = itertools.count(1)


@pytest.fixture(autouse=True)
def search_index(settings, tmp_path):
    """Every test gets its own empty embedded index."""
    from search.backends import reset_backends

    settings.SEARCH_BACKEND = "embedded"
    settings.SEARCH_INDEX_DIR = tmp_path / "index"
    reset_backends()
    yield settings.SEARCH_INDEX_DIR
    reset_backends()


def make_document(
    title: str = "A document",
    pages: list[str] | None = None,
    *,
    source_type: str = "foi",
    file_type: str = "pdf",
    published_at: date | None = date(2019, 5, 1),
    urls: list[str] | None = None,
    filename: str = "",
    metadata: dict | None = None,
    parent: Document | None = None,
    status: str = Status.DONE,
    data: bytes | None = None,
    ocr_confidence: float | None = None,
) -> Document:
    """One processed document with its pages and sources, as the pipeline leaves it."""
    pages = pages if pages is not None else ["Some text."]
    n = next(_counter)
    payload = data if data is not None else f"{n}\n{title}\n".encode() + "\f".join(pages).encode()
    sha = hashlib.sha256(payload).hexdigest()
    blob = Blob(sha256=sha, size=len(payload), mime_type="application/pdf")
    blob.file.save(filename or f"doc-{n}.{file_type}", ContentFile(payload), save=False)
    blob.save()
    doc = Document.objects.create(
        blob=blob,
        title=title,
        source_type=source_type,
        file_type=file_type,
        published_at=published_at,
        status=status,
        page_count=len(pages),
        metadata=metadata or {},
        parent=parent,
        ocr=ocr_confidence is not None,
        ocr_confidence=ocr_confidence,
    )
    Page.objects.bulk_create(
        Page(
            document=doc,
            number=i,
            text=t,
            method="ocr" if ocr_confidence is not None else "text",
            ocr_confidence=ocr_confidence,
        )
        for i, t in enumerate(pages, 1)
    )
    for url in urls or []:
        Source.objects.create(document=doc, kind=SourceKind.URL, location=url, filename=filename)
    if not urls:
        Source.objects.create(
            document=doc,
            kind=SourceKind.UPLOAD,
            location=f"/uploads/{filename or f'doc-{n}.{file_type}'}",
            filename=filename or f"doc-{n}.{file_type}",
            container=parent,
        )
    return doc


def tag_and_index(*docs: Document) -> None:
    """Run the real tagger and indexer over these documents."""
    from datascores.entities.api import tag_document
    from search.indexer import index_documents

    for doc in docs:
        tag_document(doc)
    index_documents([d.pk for d in docs])


@pytest.fixture
def corpus(db):
    """A small collection covering every facet: bodies, companies, systems, types, years."""
    return build_corpus()


def build_corpus() -> dict[str, Document]:
    docs = {
        "bristol": make_document(
            "Bristol integrated analytics hub: response to request",
            [
                "Dear requester, Bristol City Council holds the following information.",
                "The Integrated Analytical Hub uses predictive analytics to score families. "
                "Experian supplied Mosaic geodemographic segmentation data.",
                "The predictive model flags risk. Predictive scores are reviewed monthly.",
            ],
            source_type="foi",
            published_at=date(2018, 3, 14),
            urls=["https://www.whatdotheyknow.com/request/bristol_analytics_hub"],
            metadata={
                "foi_status": "successful",
                "foi": {
                    "url": "https://www.whatdotheyknow.com/request/bristol_analytics_hub",
                    "title": "Use of predictive analytics",
                    "status": "successful",
                    "authority": "Bristol City Council",
                },
            },
        ),
        "hackney": make_document(
            "Early help profiling system contract",
            [
                "London Borough of Hackney entered a contract with Xantura for the Early Help "
                "Profiling System, using predictive analytics on household data."
            ],
            source_type="foi",
            published_at=date(2019, 7, 2),
            metadata={"foi_status": "partially_successful"},
        ),
        "kent": make_document(
            "Kent integrated dataset report",
            [
                "Kent County Council maintains the Kent Integrated Dataset. "
                "Analysis was carried out with Qlik Sense dashboards."
            ],
            source_type="web",
            file_type="html",
            published_at=date(2021, 1, 20),
        ),
        "media": make_document(
            "Councils use algorithms to predict child abuse",
            [
                "Xantura and Experian have worked with councils. Predictive analytics "
                "has been used in Hackney and Bristol."
            ],
            source_type="media",
            file_type="html",
            published_at=date(2018, 9, 16),
        ),
    }
    tag_and_index(*docs.values())
    return docs


def index_docs(docs) -> None:
    """Put IndexDocs straight into the configured backend (for pages that read only the index)."""
    from search.backends import get_backend

    get_backend().index(list(docs))


@pytest.fixture
def indexed():
    """A search-only collection (no database rows): 30 documents with known fields.

    Even ids mention "analytics"; councils, companies, years and source types cycle,
    so expected counts can be computed independently in the tests.
    """
    from search.backends import IndexDoc

    councils = ["Bristol City Council", "Kent County Council", "Leeds City Council"]
    companies = ["Experian", "Xantura"]
    docs = []
    for i in range(1, 31):
        words = "predictive analytics" if i % 2 == 0 else "housing benefit"
        docs.append(
            IndexDoc(
                id=i,
                title=f"Document number {i}",
                pages=[(1, f"Page one of {i} about {words}."), (2, f"Risk scoring in {i}.")],
                source_type="foi" if i % 3 else "web",
                file_type="pdf" if i % 4 else "docx",
                foi_status="successful" if i % 3 else "",
                date=date(2015 + i % 5, 1 + i % 12, 1),
                issuing_authority=councils[i % 3],
                councils=[councils[i % 3]],
                companies=[companies[i % 2]],
                systems=["Mosaic (Experian)"] if i % 5 == 0 else [],
                urls=[f"https://www.whatdotheyknow.com/request/req_{i}"],
            )
        )
    index_docs(docs)
    return docs
