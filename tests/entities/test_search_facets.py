"""A vocabulary edit reaches the search index's facets (and a rejected tag leaves them)."""

from __future__ import annotations

import pytest

from datascores.entities import api
from datascores.entities.models import Alias, Company, DocumentTag, TagStatus
from datascores.entities.services import set_tag_status

search_backends = pytest.importorskip("search.backends")
indexer = pytest.importorskip("search.indexer")

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def index_dir(settings, tmp_path):
    settings.SEARCH_BACKEND = "embedded"
    settings.SEARCH_INDEX_DIR = tmp_path / "index"
    search_backends.reset_backends()
    yield
    search_backends.reset_backends()


def facet(name: str, query: str = "") -> dict[str, int]:
    result = search_backends.get_backend().search(search_backends.SearchRequest(query))
    return {f.value: f.count for f in result.facets.get(name, [])}


def hits(query: str) -> set[int]:
    result = search_backends.get_backend().search(search_backends.SearchRequest(query))
    return {h.id for h in result.hits}


def test_vocabulary_edit_changes_facet_counts(make_document, django_capture_on_commit_callbacks):
    doc = make_document(["Acme Analytics supplies the risk model used by Kent County Council."])
    api.tag_document(doc)
    indexer.index_documents([doc.pk])
    assert "Acme Analytics" not in facet("company")
    assert facet("council").get("Kent County Council") == 1

    with django_capture_on_commit_callbacks(execute=True):
        acme = Company.objects.create(name="Acme Analytics", slug="acme-analytics")
        Alias.objects.create(entity=acme, text="Acme Analytics")
    assert facet("company") == {"Acme Analytics": 1}
    assert hits('company:"Acme Analytics"') == {doc.pk}

    with django_capture_on_commit_callbacks(execute=True):
        set_tag_status(DocumentTag.objects.get(document=doc, entity=acme), TagStatus.REJECTED)
    assert "Acme Analytics" not in facet("company")
    assert hits('company:"Acme Analytics"') == set()


def test_renaming_an_entity_reaches_the_facets(make_document, django_capture_on_commit_callbacks):
    doc = make_document(["Records are kept in iBase by Kent County Council."])
    api.tag_document(doc)
    indexer.index_documents([doc.pk])
    assert facet("system") == {"iBase": 1}
    from datascores.entities.models import System

    with django_capture_on_commit_callbacks(execute=True):
        ibase = System.objects.get(name="iBase")
        ibase.name = "IBM i2 iBase"
        ibase.save()
    assert facet("system") == {"IBM i2 iBase": 1}
    assert hits('system:"IBM i2 iBase"') == {doc.pk}
