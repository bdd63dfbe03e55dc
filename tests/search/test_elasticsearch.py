"""The Elasticsearch backend: alias handling against a real osmem-server process, and
the point-in-time scan against a recording fake (osmem has no point-in-time API)."""

from __future__ import annotations

import pytest
from elasticsearch import ApiError

from search.backends import compile_es as ce
from search.backends.base import IndexDoc, SearchRequest, SearchUnavailable
from search.backends.elasticsearch import ElasticsearchBackend
from tests.search.es_node import PlainJsonNode


@pytest.fixture
def es_backend(osmem_server):  # tests using it are marked integration (a real process)
    clone = osmem_server.clone()
    backend = ElasticsearchBackend(
        clone.url, "ds", node_class=PlainJsonNode, refresh=True, chunk_size=4, scan_batch=3
    )
    yield backend
    backend.close()
    clone.close()


def _doc(i: int, word: str = "word") -> IndexDoc:
    return IndexDoc(i, f"Doc {i}", [(1, f"{word} {i}")])


def _concrete(backend) -> list[str]:
    return sorted(backend.es.indices.get(index="ds-*").body)


@pytest.mark.integration
def test_first_write_creates_an_index_behind_the_alias(es_backend):
    es_backend.index([_doc(i) for i in range(1, 11)])  # several bulk chunks of 4
    assert es_backend.count() == 10
    assert _concrete(es_backend) == ["ds-initial"]
    assert list(es_backend.es.indices.get_alias(name="ds").body) == ["ds-initial"]


@pytest.mark.integration
def test_rebuild_moves_the_alias_and_drops_the_old_index(es_backend):
    es_backend.index([_doc(1)])
    es_backend.rebuild([_doc(2), _doc(3)])
    indices = _concrete(es_backend)
    assert len(indices) == 1 and indices != ["ds-initial"]
    assert list(es_backend.es.indices.get_alias(name="ds").body) == indices
    assert es_backend.count() == 2


@pytest.mark.integration
def test_failed_rebuild_deletes_the_new_index(es_backend):
    es_backend.index([_doc(1)])

    def broken():
        yield from (_doc(i) for i in range(2, 9))
        raise RuntimeError("source failed")

    with pytest.raises(RuntimeError):
        es_backend.rebuild(broken())
    assert _concrete(es_backend) == ["ds-initial"]
    assert es_backend.count() == 1


@pytest.mark.integration
def test_an_index_named_like_the_alias_is_refused(es_backend):
    es_backend.es.indices.create(index="ds")
    with pytest.raises(RuntimeError, match="not an alias"):
        es_backend.index([_doc(1)])


@pytest.mark.integration
def test_scan_falls_back_to_scroll_without_point_in_time(es_backend):
    # osmem-server has no ES point-in-time API; scan must still return everything
    with pytest.raises(ApiError):
        es_backend.es.open_point_in_time(index="ds-*", keep_alive="1m")
    es_backend.index([_doc(i) for i in range(1, 12)])
    assert [h.id for h in es_backend.scan(SearchRequest(""))] == list(range(1, 12))


@pytest.mark.integration
def test_health(es_backend):
    assert es_backend.health()["ok"]
    assert es_backend.health()["documents"] == 0
    es_backend.index([_doc(1)])
    assert es_backend.health()["indices"] == ["ds-initial"]


class _Body:
    def __init__(self, body):
        self.body = body


class _PitCluster:
    """Answers the point-in-time calls a real Elasticsearch 8 cluster answers (osmem
    cannot), paging through ids 1..n in order."""

    def __init__(self, n: int):
        self.ids = list(range(1, n + 1))
        self.calls: list[tuple] = []
        self.closed: list[str] = []
        self.indices = self

    def get_alias(self, name):
        return _Body({"ds-1": {"aliases": {name: {}}}})

    def open_point_in_time(self, index, keep_alive):
        self.calls.append(("open", index, keep_alive))
        return _Body({"id": "pit-0"})

    def search(self, *, pit, query, sort, size, source, track_total_hits, search_after=None):
        self.calls.append(("search", pit["id"], search_after))
        start = 0 if search_after is None else self.ids.index(search_after[0]) + 1
        rows = [
            {"_id": str(i), "_source": {"doc_id": i}, "sort": [i]}
            for i in self.ids[start : start + size]
        ]
        return _Body({"pit_id": f"pit-{len(self.calls)}", "hits": {"hits": rows}})

    def close_point_in_time(self, id):
        self.closed.append(id)


@pytest.mark.parametrize("n", [0, 6, 7, 8])
def test_scan_pages_through_a_point_in_time(n):
    cluster = _PitCluster(n)
    backend = ElasticsearchBackend(client=cluster, index="ds", scan_batch=3)
    assert [h.id for h in backend.scan(SearchRequest(""))] == list(range(1, n + 1))
    searches = [c for c in cluster.calls if c[0] == "search"]
    assert searches[0][2] is None  # first page, then search_after the last sort value
    assert all(s[2] == [3 * k] for k, s in enumerate(searches[1:], start=1))
    assert [s[1] for s in searches[1:]] == [f"pit-{i}" for i in range(2, len(searches) + 1)]
    assert len(cluster.closed) == 1  # the point in time is released


@pytest.mark.integration
def test_an_index_from_an_older_version_takes_the_new_fields(es_backend):
    from search.backends import compile_es as ce

    old = {**ce.MAPPINGS, "properties": dict(ce.MAPPINGS["properties"])}
    for name in ("availability", "request_id", "request_title", "request_url"):
        old["properties"].pop(name)
    settings = ce.index_body()["settings"]
    es_backend.es.indices.create(index="ds-old", settings=settings, mappings=old)
    es_backend.es.indices.put_alias(index="ds-old", name="ds")
    es_backend.index([IndexDoc(1, "Gone", [(1, "word")], availability="gone", request_id=5)])
    hit = es_backend.search(SearchRequest("availability:gone")).hits[0]
    assert (hit.id, hit.fields["request_id"]) == (1, 5)


def _closed_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # nothing listens once the socket is closed


def test_a_cluster_that_cannot_be_reached_is_unavailable():
    backend = ElasticsearchBackend(f"http://127.0.0.1:{_closed_port()}", "ds")
    backend.es = backend.es.options(max_retries=0)
    with pytest.raises(SearchUnavailable):
        backend.search(SearchRequest("word"))
    with pytest.raises(SearchUnavailable):
        list(backend.scan(SearchRequest("word")))
    with pytest.raises(SearchUnavailable):
        backend.index([_doc(1)])
    backend.close()


def test_a_503_is_unavailable_a_bad_request_and_a_bug_are_not(monkeypatch):
    from elastic_transport import ApiResponseMeta, HttpHeaders, NodeConfig

    backend = ElasticsearchBackend("http://127.0.0.1:9", "ds")

    def answer(status):
        meta = ApiResponseMeta(status, "1.1", HttpHeaders(), 0.0, NodeConfig("http", "h", 9))

        def search(**kwargs):
            raise ApiError("error", meta, {"error": "x"})

        return search

    monkeypatch.setattr(backend.es, "search", answer(503))
    with pytest.raises(SearchUnavailable):
        backend.search(SearchRequest("word"))
    monkeypatch.setattr(backend.es, "search", answer(400))
    with pytest.raises(ApiError) as raised:
        backend.search(SearchRequest("word"))
    assert not isinstance(raised.value, SearchUnavailable)

    def bug(request):
        raise TypeError("a coding error")

    monkeypatch.setattr(ce, "search_body", bug)
    with pytest.raises(TypeError):
        backend.search(SearchRequest("word"))
    backend.close()
