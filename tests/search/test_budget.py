"""The cost budget of a query: expansion caps, deadlines on fake clocks, slots."""

from __future__ import annotations

import itertools

import pytest

from search.backends import embedded
from search.backends.base import IndexDoc, SearchRequest
from search.backends.budget import (
    MAX_QUERY_COST,
    Deadline,
    QueryTooCostly,
    SearchBusy,
    SearchCut,
    Slots,
    query_cost,
)
from search.backends.embedded import EmbeddedBackend
from search.query import QueryError, parse

WORST = " OR ".join(f"{w}~2" for w in ["risk", "data", "model", "score"] * 15)  # 60 fuzzy words


def ticking(*times: float):
    """A clock answering these times in turn, then the last one for ever."""
    values = itertools.chain(times, itertools.repeat(times[-1]))
    return lambda: next(values)


@pytest.fixture
def backend(tmp_path):
    b = EmbeddedBackend(tmp_path / "index")
    b.index(
        IndexDoc(i, f"Doc {i}", [(1, f"risk score model {i}")], councils=[f"Council {i % 3}"])
        for i in range(1, 31)
    )
    return b


def test_the_worst_case_query_is_refused_before_any_engine_work():
    assert len(WORST) > 500
    with pytest.raises(QueryTooCostly, match="too many fuzzy") as exc:
        SearchRequest(WORST)
    assert isinstance(exc.value, QueryError)  # the site and API answer 400 with the sentence
    assert "120" in str(exc.value) and str(MAX_QUERY_COST) in str(exc.value)


def test_cost_counts_fuzzy_edits_and_short_prefixes_over_the_whole_query():
    assert query_cost(parse("risk data")) == 0
    assert query_cost(parse("risk~1 data~2 scor* a*")) == 1 + 2 + 1 + 2
    assert query_cost(parse("-(risk~2) title:mod*")) == 3  # negated and fielded terms count
    SearchRequest("r1sk~2 d4ta~2 m0del~2 sc0re~2 fr4ud~2")  # at the cap: allowed


def test_a_search_out_of_time_before_its_hits_is_cut_with_a_sentence(backend):
    deadline = Deadline(2.0, clock=ticking(0.0, 5.0))
    with pytest.raises(SearchCut, match="stopped after 2 s while counting the matches"):
        backend.search(SearchRequest("risk", deadline=deadline))


def test_snippets_are_left_out_when_time_runs_out_after_the_hits(backend):
    # created at 0; hits checked at 1; snippets checked at 3 (past the 2 s deadline)
    deadline = Deadline(2.0, clock=ticking(0.0, 1.0, 3.0))
    result = backend.search(SearchRequest("risk", size=5, deadline=deadline))
    assert len(result.hits) == 5 and all(not h.snippets for h in result.hits)
    assert any("Snippets were left out" in n for n in result.notes)
    assert backend.search(SearchRequest("risk", size=5)).hits[0].snippets  # no deadline


def test_a_scan_stops_at_its_deadline_between_batches(backend, monkeypatch):
    monkeypatch.setattr(embedded, "SCAN_BATCH", 7)
    monkeypatch.setattr(embedded, "RELEVANCE_SCAN_BATCH", 7)
    deadline = Deadline(2.5, clock=ticking(0.0, 1.0, 2.0, 3.0))  # the third batch is late
    seen = []
    with pytest.raises(SearchCut, match="reading the matches"):
        for hit in backend.scan(SearchRequest("risk", deadline=deadline)):
            seen.append(hit.id)
    assert seen == list(range(1, 15))
    deadline = Deadline(2.5, clock=ticking(0.0, 1.0, 2.0, 3.0))
    with pytest.raises(SearchCut):
        list(backend.scan(SearchRequest("risk", deadline=deadline), ordered=True))


def test_a_count_out_of_time_is_cut(backend):
    with pytest.raises(SearchCut):
        backend.count(SearchRequest("risk", deadline=Deadline(1.0, clock=ticking(0.0, 9.0))))


def test_slots_refuse_an_expensive_query_when_all_are_taken(tmp_path):
    sleeps = []
    clock = ticking(0.0, 0.0, 0.4, 0.8, 1.2)

    held = Slots(tmp_path, slots=1)
    waiting = Slots(tmp_path, slots=1, wait=1.0, clock=clock, sleep=sleeps.append)
    with (
        held.hold(),
        pytest.raises(SearchBusy, match="already running; try again"),
        waiting.hold(),
    ):
        pass
    assert len(sleeps) == 3  # polled until the fake clock passed the wait
    with waiting.hold():  # free again
        pass


def test_two_slots_admit_two(tmp_path):
    a, b, c = (Slots(tmp_path, slots=2, wait=0, sleep=lambda s: None) for _ in range(3))
    with a.hold(), b.hold(), pytest.raises(SearchBusy, match="2 searches"), c.hold():
        pass
