"""The embedded backend's own promises: many processes, one index folder."""

from __future__ import annotations

import fcntl
import multiprocessing
import os

import pytest

from search.backends.base import IndexDoc, SearchRequest
from search.backends.embedded import EmbeddedBackend, IndexBusy


def _doc(i: int, word: str = "common") -> IndexDoc:
    return IndexDoc(i, f"Doc {i}", [(1, f"{word} text {i}")])


def _writer_process(path: str, start: int, n: int, batch: int) -> None:
    backend = EmbeddedBackend(path)
    for i in range(start, start + n, batch):
        backend.index([_doc(j) for j in range(i, min(i + batch, start + n))])


def test_writers_in_several_processes_all_land(tmp_path):
    ctx = multiprocessing.get_context("spawn")
    procs = [
        ctx.Process(target=_writer_process, args=(str(tmp_path), k * 1000, 60, 6))
        for k in range(1, 4)
    ]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    backend = EmbeddedBackend(tmp_path)
    assert backend.count() == 180
    assert len([h.id for h in backend.scan(SearchRequest("common"))]) == 180


def test_a_held_lock_makes_writers_wait_then_give_up(tmp_path):
    backend = EmbeddedBackend(tmp_path, lock_timeout=0.3)
    backend.index([_doc(1)])
    fd = os.open(tmp_path / "write.lock", os.O_RDWR)
    fcntl.flock(fd, fcntl.LOCK_EX)  # as another process would
    try:
        with pytest.raises(IndexBusy):
            backend.index([_doc(2)])
        assert backend.search(SearchRequest("common")).total == 1  # reads never wait
    finally:
        os.close(fd)
    backend.index([_doc(2)])
    assert backend.count() == 2


def test_other_instances_see_commits_and_swaps(tmp_path):
    writer = EmbeddedBackend(tmp_path)
    reader = EmbeddedBackend(tmp_path)  # stands in for the web server process
    writer.index([_doc(1, "alpha")])
    assert reader.count(SearchRequest("alpha")) == 1
    writer.index([_doc(2, "alpha")])
    assert reader.count(SearchRequest("alpha")) == 2
    writer.rebuild([_doc(3, "beta")])
    assert reader.count(SearchRequest("alpha")) == 0
    assert reader.count(SearchRequest("beta")) == 1
    writer.rebuild([_doc(4, "gamma")])
    writer.rebuild([_doc(5, "delta")])
    assert reader.count(SearchRequest("delta")) == 1
    generations = sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("gen-"))
    assert len(generations) == 2  # the live one and the one it replaced


def test_failed_rebuild_leaves_nothing_behind(tmp_path):
    backend = EmbeddedBackend(tmp_path)
    backend.index([_doc(1)])
    before = sorted(p.name for p in tmp_path.iterdir())

    def broken():
        yield _doc(2)
        raise ValueError("boom")

    with pytest.raises(ValueError):
        backend.rebuild(broken())
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    assert backend.count() == 1


def test_abandoned_builds_are_cleaned_up(tmp_path):
    backend = EmbeddedBackend(tmp_path)
    dead = tmp_path / "building-999999999-abcdef"  # no such process
    dead.mkdir(parents=True)
    backend.rebuild([_doc(1)])
    assert not dead.exists()


def test_scan_goes_past_ten_thousand(tmp_path):
    backend = EmbeddedBackend(tmp_path)
    n = 12_345
    backend.rebuild(IndexDoc(i, "", [(1, "word")]) for i in range(1, n + 1))
    ids = [h.id for h in backend.scan(SearchRequest("word"))]
    assert ids == list(range(1, n + 1))
    assert backend.search(SearchRequest("word")).total == n


def test_index_from_another_version_is_reported(tmp_path):
    backend = EmbeddedBackend(tmp_path)
    backend.index([_doc(1)])
    gen = tmp_path / os.readlink(tmp_path / "current")
    (gen / "datascores-schema").write_text("0")
    fresh = EmbeddedBackend(tmp_path)
    health = fresh.health()
    assert not health["ok"] and "search_index rebuild" in health["error"]
    fresh.rebuild([_doc(2)])
    assert fresh.health()["ok"] and fresh.count() == 1


def test_an_unreadable_index_is_unavailable_and_a_bug_is_not(tmp_path, monkeypatch):
    from search.backends import compile_tantivy as ct
    from search.backends.base import SearchUnavailable

    backend = EmbeddedBackend(tmp_path)
    backend.index([_doc(1)])
    assert backend.search(SearchRequest("common")).total == 1

    def bug(*args, **kwargs):
        raise TypeError("a coding error")

    monkeypatch.setattr(ct, "compile_query", bug)
    with pytest.raises(TypeError):  # a bug stays a bug: never "search is unavailable"
        backend.search(SearchRequest("common"))
    monkeypatch.undo()

    gen = tmp_path / os.readlink(tmp_path / "current")
    (gen / "docs" / "meta.json").write_text("{damaged")  # the disk lost the index's files
    fresh = EmbeddedBackend(tmp_path)
    with pytest.raises(SearchUnavailable):
        fresh.search(SearchRequest("common"))


def test_facet_counts_are_cached_per_query_and_index_state(tmp_path, monkeypatch):
    from search.backends.base import IndexDoc, SearchRequest
    from search.backends.embedded import EmbeddedBackend

    backend = EmbeddedBackend(tmp_path / "index")
    backend.index(IndexDoc(i, f"Doc {i}", [(1, "grant")], councils=["Kent"]) for i in range(1, 6))
    calls = []
    real = backend._searchers

    class Counting:
        def __init__(self, searcher):
            self._s = searcher

        def aggregate(self, *args, **kwargs):
            calls.append(1)
            return self._s.aggregate(*args, **kwargs)

        def __getattr__(self, name):
            return getattr(self._s, name)

    def searchers():
        view = real()
        return view._replace(searcher=Counting(view.searcher))

    monkeypatch.setattr(backend, "_searchers", searchers)
    first = backend.search(SearchRequest("grant"))
    assert len(calls) == 1
    again = backend.search(SearchRequest("grant", page=1, size=3))  # same query, other page
    assert len(calls) == 1 and again.total == first.total == 5
    assert again.facets == first.facets
    backend.search(SearchRequest("grant", filters={"council": ["Kent"]}))  # other filters
    assert len(calls) == 3  # the main count, and the selected facet's own count
    backend.index([IndexDoc(9, "New", [(1, "grant")], councils=["Leeds"])])  # a commit
    fresh = backend.search(SearchRequest("grant"))
    assert len(calls) == 4 and fresh.total == 6
    assert {v.value for v in fresh.facets["council"]} == {"Kent", "Leeds"}


def test_each_search_reads_the_index_state_once_and_sees_every_commit(tmp_path, monkeypatch):
    def doc(i: int, council: str, word: str = "alpha") -> IndexDoc:
        return IndexDoc(i, f"Doc {i}", [(1, f"{word} page of {i}")], councils=[council])

    writer = EmbeddedBackend(tmp_path)
    reader = EmbeddedBackend(tmp_path)  # another process: sees commits by the token only
    writer.index([doc(1, "Kent")])
    reads = []
    real = reader._commit_token
    monkeypatch.setattr(reader, "_commit_token", lambda: reads.append(1) or real())

    def search(query: str = "alpha"):
        before = len(reads)
        result = reader.search(SearchRequest(query, snippets=1))
        assert len(reads) - before == 1  # one read of the token per search
        return result

    first = search()
    assert first.total == 1 and [v.value for v in first.facets["council"]] == ["Kent"]
    assert search().total == 1  # facet counts cached for this state
    writer.index([doc(2, "Leeds")])
    second = search()  # the next search sees the commit: total, facets, hits, snippets
    assert second.total == 2
    assert sorted(v.value for v in second.facets["council"]) == ["Kent", "Leeds"]
    by_id = {h.id: h for h in second.hits}
    assert set(by_id) == {1, 2} and "page of 2" in by_id[2].snippets[0].html
    writer.delete([1])
    assert search().total == 1
    writer.rebuild([doc(3, "York", "alpha beta")])  # a new generation
    third = search("beta")
    assert third.total == 1 and third.hits[0].id == 3
    assert [v.value for v in third.facets["council"]] == ["York"]
    assert "<mark>beta</mark>" in third.hits[0].snippets[0].html
    assert search().total == 1
