"""Backends for the contract suite: embedded always, osmem-server, and a real cluster
when ELASTICSEARCH_URL is set."""

from __future__ import annotations

import contextlib
import os
import uuid

import pytest

from search.backends.elasticsearch import ElasticsearchBackend
from search.backends.embedded import EmbeddedBackend
from tests.search.corpus import corpus
from tests.search.es_node import PlainJsonNode

ES_URL = os.environ.get("ELASTICSEARCH_URL", "")

BACKENDS = [
    "embedded",
    pytest.param("osmem", marks=pytest.mark.integration),
    pytest.param(
        "elasticsearch",
        marks=[
            pytest.mark.integration,
            pytest.mark.skipif(not ES_URL, reason="ELASTICSEARCH_URL is not set"),
        ],
    ),
]


@pytest.fixture(scope="session")
def osmem_server():
    """One osmem-server process for the session (no Japanese analysis: faster)."""
    from osmem_server import OsmemServer

    server = OsmemServer.start(japanese=False, freeze=True)
    yield server
    server.close()


class BackendFactory:
    """Makes fresh, empty backends of one kind and cleans them up."""

    def __init__(self, kind: str, request: pytest.FixtureRequest, tmp_path_factory):
        self.kind = kind
        self.request = request
        self.tmp = tmp_path_factory
        self.cleanups: list = []

    def __call__(self, **kwargs):
        if self.kind == "embedded":
            path = self.tmp.mktemp("index")
            backend = EmbeddedBackend(path, **kwargs)
        elif self.kind == "osmem":
            server = self.request.getfixturevalue("osmem_server")
            clone = server.clone()
            self.cleanups.append(clone.close)
            backend = ElasticsearchBackend(
                clone.url,
                f"test-{uuid.uuid4().hex[:8]}",
                node_class=PlainJsonNode,
                refresh=True,
                **{"scan_batch": 7, **kwargs},
            )
        else:
            alias = f"datascores-test-{uuid.uuid4().hex[:8]}"
            backend = ElasticsearchBackend(
                ES_URL, alias, refresh=True, **{"scan_batch": 7, **kwargs}
            )

            def drop(es=backend.es, pattern=f"{alias}-*"):
                # Delete by name: ES 8 refuses wildcard deletes by default.
                for name in es.indices.get(index=pattern, ignore_unavailable=True).body:
                    es.indices.delete(index=name)

            self.cleanups.append(drop)
        self.cleanups.append(backend.close)
        return backend

    def close(self) -> None:
        for cleanup in reversed(self.cleanups):
            with contextlib.suppress(Exception):  # best-effort teardown
                cleanup()


@pytest.fixture(params=BACKENDS)
def make_backend(request, tmp_path_factory):
    factory = BackendFactory(request.param, request, tmp_path_factory)
    yield factory
    factory.close()


@pytest.fixture(scope="module", params=BACKENDS)
def loaded(request, tmp_path_factory):
    """A backend holding the fixture corpus, shared by the read-only tests of a module."""
    factory = BackendFactory(request.param, request, tmp_path_factory)
    backend = factory()
    docs = corpus()
    backend.index(docs)
    yield backend, docs
    factory.close()
