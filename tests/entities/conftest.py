"""Fixtures for the entities tests: a tagger built from the data files, documents in the DB."""

from __future__ import annotations

import pytest

from datascores.entities.tagger import Tagger
from datascores.entities.vocabulary import build_vocabulary


@pytest.fixture(scope="session")
def vocabulary():
    return build_vocabulary()


@pytest.fixture(scope="session")
def tagger(vocabulary) -> Tagger:
    return Tagger(vocabulary)


@pytest.fixture
def names(vocabulary):
    """Entity key -> official name, for readable assertions."""
    return {k: e.name for k, e in vocabulary.entities.items()}


def found(tagger: Tagger, text: str, kind: str | None = None, **kw) -> set[str]:
    """Official names of the entities tagged in one page of text."""
    result = tagger.tag([(1, text)], **kw)
    ents = tagger.entities
    return {ents[m.entity].name for m in result.mentions if kind is None or m.kind == kind}


@pytest.fixture
def make_document(db):
    """A processed document with the given pages (no file processing involved)."""
    from tests.factories import DocumentFactory

    def make(pages: list[str], *, metadata: dict | None = None, **fields):
        return DocumentFactory(pages=pages, metadata=metadata or {}, **fields)

    return make


@pytest.fixture
def announced():
    """Document ids announced through ``documents_changed`` (what the index is told)."""
    from datascores.documents.signals import documents_changed

    told: list[int] = []

    def receiver(sender, ids, **kwargs):
        told.extend(ids)

    documents_changed.connect(receiver, dispatch_uid="tests.entities.announced")
    yield told
    documents_changed.disconnect(dispatch_uid="tests.entities.announced")
