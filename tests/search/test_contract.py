"""One contract every search backend keeps (embedded tantivy, osmem-server, and a real
Elasticsearch cluster when ELASTICSEARCH_URL is set)."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from search.analysis import stem
from search.backends.base import FACETS, IndexDoc, SearchRequest
from search.query import QueryError
from tests.search.corpus import COUNCILS, expected_facets, having


def found(backend, query, **kwargs) -> set[int]:
    result = backend.search(SearchRequest(query, size=100, snippets=0, facets=False, **kwargs))
    ids = {h.id for h in result.hits}
    assert result.total == len(ids), "every match fits on one page here"
    return ids


def dated(docs, lo=None, hi=None) -> set[int]:
    return {
        d.id
        for d in docs
        if d.date and (lo is None or d.date >= lo) and (hi is None or d.date <= hi)
    }


# --- the query forms journalists type ----------------------------------------------------


def test_two_words_need_both(loaded):
    backend, docs = loaded
    assert found(backend, "experian mosaic") == having(docs, "experian") & having(docs, "mosaic")
    assert found(backend, "experian mosaic") == {1, 2}


def test_phrase_and_word(loaded):
    backend, _ = loaded
    assert found(backend, '"predictive analytics" AND council') == {1}
    assert found(backend, '"predictive analytics"') == {1, 4}


def test_minus_excludes(loaded):
    backend, _ = loaded
    assert found(backend, "xantura") == {3, 4}
    assert found(backend, "xantura -covid") == {4}
    assert found(backend, "xantura AND NOT covid") == {4}


def test_prefix(loaded):
    backend, docs = loaded
    scor = {d.id for d in docs if any(w.startswith("scor") for w in _words(d))}
    assert found(backend, "risk scor*") == having(docs, "risk") & scor == {1, 16}
    assert found(backend, "scorecard*") == {16}


def test_proximity(loaded):
    backend, _ = loaded
    assert found(backend, '"troubled families"') == {5}
    # within three positions, in either order; twelve words apart is too far
    assert found(backend, '"troubled families"~3') == {5, 6, 7}
    assert found(backend, "troubled families") == {5, 6, 7, 8}


def test_stemming_on_words_not_on_phrases(loaded):
    backend, docs = loaded
    assert found(backend, "family") == having(docs, "families")
    assert found(backend, '"family"') == set()
    assert found(backend, "scored") == having(docs, "scoring", "scores")


def test_title_field(loaded):
    backend, _ = loaded
    assert found(backend, "title:contract") == {1, 17}
    assert found(backend, "contract") == {1, 17}  # doc 1 in text too; 12 has "contractors"
    assert found(backend, "text:contract") == {1}


def test_entity_fields(loaded):
    backend, docs = loaded
    bristol = {d.id for d in docs if "Bristol City Council" in d.councils}
    assert found(backend, 'council:"Bristol City Council"') == bristol
    assert found(backend, "council:bristol") == bristol
    assert found(backend, "company:xantura") == {d.id for d in docs if "Xantura" in d.companies}
    assert found(backend, 'system:"signs of safety"') == {
        d.id for d in docs if "Signs of Safety" in d.systems
    }


def test_code_fields(loaded):
    backend, docs = loaded
    assert found(backend, "source:foi") == {d.id for d in docs if d.source_type == "foi"}
    assert found(backend, "type:PDF") == {d.id for d in docs if d.file_type == "pdf"}
    refused = {d.id for d in docs if d.foi_status == "rejected"}  # Alaveteli's name
    assert refused
    assert found(backend, "status:refused") == refused  # WhatDoTheyKnow's label finds it
    assert found(backend, "status:rejected") == refused
    partial = {d.id for d in docs if d.foi_status == "partially_successful"}
    assert found(backend, 'status:"Partially successful"') == partial
    assert found(backend, "availability:gone") == {d.id for d in docs if d.availability == "gone"}
    assert found(backend, "source:whatdotheyknow") == {1}


def test_or_and_precedence(loaded):
    backend, _ = loaded
    assert found(backend, "xantura OR experian") == {1, 2, 3, 4}
    # juxtaposition (AND) binds looser than OR
    assert found(backend, "xantura OR experian mosaic") == {1, 2}
    assert found(backend, "(covid OR chatbot) AND NOT xantura") == {14}


def test_fuzzy(loaded):
    backend, _ = loaded
    assert found(backend, "experain~1") == {1, 2}  # one transposition
    assert found(backend, "experain~") == {1, 2, 18}  # automatic: two edits for long words


def test_year_and_date_ranges(loaded):
    backend, docs = loaded
    assert found(backend, "year:[2017 TO 2019]") == dated(
        docs, dt.date(2017, 1, 1), dt.date(2019, 12, 31)
    )
    assert found(backend, "year:{2017 TO 2019]") == dated(
        docs, dt.date(2018, 1, 1), dt.date(2019, 12, 31)
    )
    assert found(backend, "date:>=2020-01-01") == dated(docs, dt.date(2020, 1, 1))
    assert found(backend, "date:2024-02") == {
        d.id for d in docs if d.date and d.date.strftime("%Y-%m") == "2024-02"
    }
    assert found(backend, "mosaic year:2017") == {2}


def test_match_all_and_pure_negation(loaded):
    backend, docs = loaded
    assert found(backend, "") == {d.id for d in docs}
    assert found(backend, "*") == {d.id for d in docs}
    assert found(backend, "-analytics") == {d.id for d in docs} - having(docs, "analytics")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("e-mail", {9}),  # the phrase "e mail", not "e AND NOT mail"
        ("o'neill", {11}),
        ("C++", {12}),
        ('"predictive analytics', {1, 4}),  # unbalanced quote: plain words
        ("xantura AND", {3, 4}),  # dangling operator
        ("(covid", {3}),
        ("Re: chatbot", set()),  # not a field: the phrase "re chatbot"
        ("what is a chatbot?", set()),  # a closing ? is punctuation
    ],
)
def test_lenient_input(loaded, query, expected):
    backend, _ = loaded
    assert found(backend, query) == expected


def test_lenient_lone_operator_is_a_word(loaded):
    backend, docs = loaded
    result = backend.search(SearchRequest("AND", size=100))
    assert {h.id for h in result.hits} == having(docs, "and")
    assert result.notes  # the user is told the query was read as plain words


def test_unsupported_syntax_says_why(loaded):
    backend, _ = loaded
    with pytest.raises(QueryError, match="wildcard"):
        backend.search(SearchRequest("*coring"))
    with pytest.raises(QueryError, match="Ranges"):
        backend.search(SearchRequest("title:[a TO c]"))


# --- facets -----------------------------------------------------------------------------


def _facets(result) -> dict[str, dict[str, int]]:
    return {f: {v.value: v.count for v in values} for f, values in result.facets.items()}


def test_facet_counts_match_python(loaded):
    backend, docs = loaded
    result = backend.search(SearchRequest("analytics", facet_size=100))
    match = having(docs, "analytics")
    assert result.total == len(match)
    assert _facets(result) == {f: dict(c) for f, c in expected_facets(docs, match, {}).items()}


def test_facets_over_everything(loaded):
    backend, docs = loaded
    result = backend.search(SearchRequest("", facet_size=100))
    every = {d.id for d in docs}
    assert _facets(result) == {f: dict(c) for f, c in expected_facets(docs, every, {}).items()}
    years = [v.value for v in result.facets["year"]]
    assert years == sorted(years)  # a histogram, oldest first


def test_multi_select_facets(loaded):
    backend, docs = loaded
    filters = {"council": ["Kent County Council", "Leeds City Council"], "source_type": ["foi"]}
    result = backend.search(SearchRequest("", filters=filters, facet_size=100, size=100))
    every = {d.id for d in docs}
    hits = {
        d.id for d in docs if set(d.councils) & set(filters["council"]) and d.source_type == "foi"
    }
    assert {h.id for h in result.hits} == hits
    assert result.total == len(hits)
    expected = expected_facets(docs, every, filters)
    assert _facets(result) == {f: dict(c) for f, c in expected.items()}
    # picking councils still shows the others, with what they would add
    council_values = {v.value for v in result.facets["council"]}
    assert set(COUNCILS) <= council_values
    selected = {v.value for v in result.facets["council"] if v.selected}
    assert selected == set(filters["council"])


def test_facet_size_keeps_selected_values(loaded):
    backend, docs = loaded
    result = backend.search(SearchRequest("", filters={"company": ["Northgate"]}, facet_size=1))
    values = {v.value: v for v in result.facets["company"]}
    assert values["Northgate"].selected
    assert values["Northgate"].count == sum("Northgate" in d.companies for d in docs)
    assert len([v for v in result.facets["company"] if not v.selected]) <= 1


def test_year_filter_and_date_range(loaded):
    backend, docs = loaded
    assert {
        h.id for h in backend.search(SearchRequest("", filters={"year": ["2019"]}, size=100)).hits
    } == dated(docs, dt.date(2019, 1, 1), dt.date(2019, 12, 31))
    lo, hi = dt.date(2018, 6, 1), dt.date(2021, 6, 30)
    result = backend.search(SearchRequest("", date_from=lo, date_to=hi, size=100))
    assert {h.id for h in result.hits} == dated(docs, lo, hi)
    assert sum(v.count for v in result.facets["year"]) == len(dated(docs, lo, hi))


# --- sorting and paging -----------------------------------------------------------------


def test_sort_newest_and_oldest(loaded):
    backend, docs = loaded
    newest = backend.search(SearchRequest("", sort="newest", size=100)).hits
    oldest = backend.search(SearchRequest("", sort="oldest", size=100)).hits
    by_id = {d.id: d for d in docs}
    dates_new = [by_id[h.id].date for h in newest]
    dates_old = [by_id[h.id].date for h in oldest]
    n_dated = sum(1 for d in docs if d.date)
    # dated documents first (in order), undated last, either way
    assert dates_new[:n_dated] == sorted((d.date for d in docs if d.date), reverse=True)
    assert dates_old[:n_dated] == sorted(d.date for d in docs if d.date)
    assert all(d is None for d in dates_new[n_dated:] + dates_old[n_dated:])
    assert newest[0].fields["date"] == max(d.date for d in docs if d.date).isoformat()


def test_relevance_prefers_title_and_repetition(loaded):
    backend, _ = loaded
    hits = backend.search(SearchRequest("algorithm")).hits
    assert {h.id for h in hits} == {15, 17}
    assert hits[0].score >= hits[1].score


def test_pagination_partitions_the_results(loaded):
    backend, docs = loaded
    seen: list[int] = []
    for page in range(1, 6):
        result = backend.search(SearchRequest("", sort="oldest", page=page, size=13))
        assert result.total == len(docs)
        seen.extend(h.id for h in result.hits)
    assert len(seen) == len(set(seen)) == len(docs)
    relevance = []
    for page in (1, 2, 3):
        relevance += [
            h.id for h in backend.search(SearchRequest("analytics", page=page, size=4)).hits
        ]
    assert sorted(relevance) == sorted(having(docs, "analytics"))
    with pytest.raises(QueryError, match="10,000"):
        SearchRequest("", page=501, size=20)


# --- snippets -----------------------------------------------------------------------------


def test_snippets_come_with_their_page(loaded):
    backend, _ = loaded
    (hit,) = backend.search(SearchRequest("chatbot")).hits
    assert hit.id == 14
    assert [s.page for s in hit.snippets] == [4]
    assert "<mark>chatbot</mark>" in hit.snippets[0].html
    assert hit.matched_pages == 1
    hit = next(h for h in backend.search(SearchRequest("algorithm")).hits if h.id == 15)
    assert [s.page for s in hit.snippets] == [7, 9]  # page numbers from the data, not positions


def test_snippet_count_and_phrase_marks(loaded):
    backend, _ = loaded
    hit = next(
        h for h in backend.search(SearchRequest('"predictive analytics" council', snippets=1)).hits
    )
    assert hit.id == 1 and len(hit.snippets) == 1
    hits = backend.search(SearchRequest('"troubled families"')).hits
    (snippet,) = hits[0].snippets
    assert "<mark>troubled</mark> <mark>families</mark>" in snippet.html
    assert backend.search(SearchRequest("mosaic", snippets=0)).hits[0].snippets == []


def test_stemmed_and_prefix_marks(loaded):
    backend, _ = loaded
    hit = next(h for h in backend.search(SearchRequest("scored")).hits if h.id == 16)
    assert "<mark>scores</mark>" in hit.snippets[0].html
    hit = next(h for h in backend.search(SearchRequest("scorecard*")).hits)
    assert "<mark>scorecard</mark>" in hit.snippets[0].html
    hit = next(h for h in backend.search(SearchRequest("experain~1")).hits if h.id == 2)
    assert "<mark>Experian</mark>" in hit.snippets[0].html


def test_snippets_escape_document_text(loaded):
    backend, _ = loaded
    for query in ("script", "agreement", "xss"):
        (hit,) = [h for h in backend.search(SearchRequest(query)).hits if h.id == 13]
        html = hit.snippets[0].html
        assert hit.snippets[0].page == 2
        assert "<script" not in html and "<b>" not in html
        assert "&lt;" in html
        # the only tags are the engine's marks
        assert set(re.findall(r"</?[a-z]+", html)) <= {"<mark", "</mark"}
    (hit,) = [h for h in backend.search(SearchRequest("script")).hits if h.id == 13]
    assert "&lt;<mark>script</mark>&gt;" in hit.snippets[0].html


def test_hit_fields(loaded):
    backend, docs = loaded
    (hit,) = backend.search(SearchRequest("chatbot")).hits
    doc = next(d for d in docs if d.id == 14)
    assert hit.title == doc.title
    assert hit.fields == doc.display_fields()


# --- scan and count -----------------------------------------------------------------------


def test_scan_yields_every_match_in_id_order(loaded):
    backend, docs = loaded
    every = [h.id for h in backend.scan(SearchRequest(""))]
    assert every == sorted(d.id for d in docs)  # more than the scan batch of 7
    kent = [
        h.id for h in backend.scan(SearchRequest("", filters={"council": ["Kent County Council"]}))
    ]
    assert kent == sorted(d.id for d in docs if "Kent County Council" in d.councils)
    rows = list(backend.scan(SearchRequest("analytics"), fields=True))
    assert [r.id for r in rows] == sorted(having(docs, "analytics"))
    assert all(r.title for r in rows)


def test_count(loaded):
    backend, docs = loaded
    assert backend.count() == len(docs)
    assert backend.count(SearchRequest("xantura")) == 2
    assert backend.health()["ok"] and backend.health()["documents"] == len(docs)


# --- writes: replace, delete, rebuild ---------------------------------------------------


def _doc(i: int, word: str, **kw) -> IndexDoc:
    return IndexDoc(i, f"Doc {i}", [(1, f"{word} text {i}")], **kw)


def test_empty_backend_answers(make_backend):
    backend = make_backend()
    result = backend.search(SearchRequest("anything"))
    assert result.total == 0 and result.hits == []
    assert set(result.facets) == set(FACETS)
    assert list(backend.scan(SearchRequest(""))) == []
    assert backend.count() == 0
    backend.delete([1, 2])  # nothing to delete is fine


def test_index_replaces_by_id_and_delete_removes(make_backend):
    backend = make_backend()
    backend.index([_doc(1, "alpha"), _doc(2, "alpha"), _doc(3, "alpha")])
    backend.index([_doc(2, "beta")])
    assert found(backend, "alpha") == {1, 3}
    assert found(backend, "beta") == {2}
    assert backend.count() == 3
    backend.delete([1, 99])
    assert found(backend, "alpha") == {3}
    assert backend.count() == 2


def test_rebuild_swaps_atomically(make_backend):
    backend = make_backend()
    backend.index([_doc(i, "oldword") for i in range(1, 6)])
    during = []

    def new_docs():
        for i in range(10, 30):
            if i == 20:  # half-way through the build, the old index still answers
                during.append((found(backend, "oldword"), found(backend, "newword")))
            yield _doc(i, "newword")

    assert backend.rebuild(new_docs()) == 20
    assert during == [({1, 2, 3, 4, 5}, set())]
    assert found(backend, "oldword") == set()
    assert found(backend, "newword") == set(range(10, 30))
    backend.index([_doc(40, "newword")])  # writes go to the new index
    assert backend.count() == 21


def test_failed_rebuild_leaves_old_index(make_backend):
    backend = make_backend()
    backend.index([_doc(i, "oldword") for i in range(1, 6)])

    def broken():
        yield _doc(10, "newword")
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError, match="database went away"):
        backend.rebuild(broken())
    assert found(backend, "oldword") == {1, 2, 3, 4, 5}
    assert found(backend, "newword") == set()
    assert backend.count() == 5
    backend.index([_doc(6, "oldword")])
    assert found(backend, "oldword") == {1, 2, 3, 4, 5, 6}


def test_rebuild_twice_and_into_empty(make_backend):
    backend = make_backend()
    assert backend.rebuild([_doc(1, "first")]) == 1
    assert backend.rebuild([_doc(2, "second")]) == 1
    assert found(backend, "first") == set()
    assert found(backend, "second") == {2}
    assert backend.rebuild([]) == 0
    assert backend.count() == 0


def _words(doc: IndexDoc) -> set[str]:
    from tests.search.corpus import words_of

    return words_of(doc)


def test_snippet_deep_in_a_very_long_page(make_backend):
    backend = make_backend()
    filler = " ".join(f"filler{i}" for i in range(10_000))  # about 100,000 characters
    backend.index([IndexDoc(1, "Long", [(1, "intro"), (2, f"{filler} quokka {filler}")])])
    (hit,) = backend.search(SearchRequest("quokka")).hits
    assert [s.page for s in hit.snippets] == [2]
    assert "<mark>quokka</mark>" in hit.snippets[0].html
    assert len(hit.snippets[0].html) < 400


# --- counts only, match counts, snippets in scans, paging by key ------------------------


def test_counts_only_fetches_no_hits(loaded):
    backend, docs = loaded
    full = backend.search(SearchRequest("analytics", facet_size=100))
    counts = backend.search(SearchRequest("analytics", size=0, facet_size=100))
    assert counts.hits == []
    assert counts.total == full.total == len(having(docs, "analytics"))
    assert _facets(counts) == _facets(full)
    assert backend.search(SearchRequest("", size=0, facets=False)).total == len(docs)


def _count_words(doc: IndexDoc, forms: set[str]) -> int:
    return sum(
        1 for _, text in doc.pages for w in re.findall(r"[^\W_]+", text) if w.lower() in forms
    )


@pytest.mark.parametrize(
    ("query", "forms"),
    [
        ("analytics", {"analytics"}),
        ("families", {"families", "family"}),
        ("algorithm", {"algorithm"}),
        ("chatbot OR xantura", {"chatbot", "xantura"}),
    ],
)
def test_match_counts_per_document(loaded, query, forms):
    backend, docs = loaded
    by_id = {d.id: d for d in docs}
    hits = backend.search(SearchRequest(query, size=100)).hits
    assert hits
    for hit in hits:
        assert hit.matches == _count_words(by_id[hit.id], forms), hit.id
        assert not hit.matches_capped


def test_a_phrase_counts_once_and_title_only_matches_count_zero(loaded):
    backend, _ = loaded
    hits = {h.id: h for h in backend.search(SearchRequest('"predictive analytics"')).hits}
    assert {i: h.matches for i, h in hits.items()} == {1: 1, 4: 1}
    hits = {h.id: h for h in backend.search(SearchRequest("algorithm")).hits}
    assert hits[17].matches == 0  # "Algorithmic" is in its title only
    assert hits[15].matches == 2 and hits[15].matched_pages == 2
    assert backend.search(SearchRequest("algorithm", snippets=0)).hits[0].matches is None


def test_scan_fills_snippets_when_asked(loaded):
    backend, docs = loaded
    rows = list(backend.scan(SearchRequest("chatbot OR algorithm", snippets=1), fields=True))
    assert [r.id for r in rows] == [14, 15, 17]
    by_id = {r.id: r for r in rows}
    assert [s.page for s in by_id[14].snippets] == [4]
    assert "<mark>chatbot</mark>" in by_id[14].snippets[0].html
    assert len(by_id[15].snippets) == 1 and "<mark>algorithm</mark>" in by_id[15].snippets[0].html
    assert by_id[17].snippets == []  # matched on its title only
    assert by_id[14].fields == next(d for d in docs if d.id == 14).display_fields()
    (script,) = [
        r for r in backend.scan(SearchRequest("script", snippets=1), fields=True) if r.id == 13
    ]
    assert "&lt;<mark>script</mark>&gt;" in script.snippets[0].html
    # no words to mark (filters only), or snippets not asked for: no snippets
    for request in (SearchRequest("year:2019", snippets=1), SearchRequest("chatbot", snippets=0)):
        assert all(not r.snippets for r in backend.scan(request, fields=True))


def _walk(backend, query: str, sort: str, size: int = 7) -> list:
    hits, after = [], None
    while True:
        page = backend.search(
            SearchRequest(query, sort=sort, size=size, after=after, facets=False, snippets=0)
        ).hits
        hits += page
        if len(page) < size:
            return hits
        after = page[-1].sort_values


@pytest.mark.parametrize("sort", ["relevance", "newest", "oldest"])
@pytest.mark.parametrize("query", ["", "analytics OR experian OR families", "source:foi"])
def test_paging_by_key_visits_every_match_once_in_order(loaded, sort, query):
    backend, _ = loaded
    walked = _walk(backend, query, sort)
    by_number = []
    for page in range(1, 10):
        by_number += backend.search(
            SearchRequest(query, sort=sort, page=page, size=7, facets=False, snippets=0)
        ).hits
    total = backend.count(SearchRequest(query))
    assert len(walked) == total == len({h.id for h in walked})
    assert [h.id for h in walked] == [h.id for h in by_number]  # one order, either way
    if sort == "relevance":  # best first; ties in the engine's own stable order
        scores = [h.score for h in walked]
        assert scores == sorted(scores, reverse=True)


@pytest.mark.parametrize("sort", ["relevance", "newest", "oldest"])
@pytest.mark.parametrize("query", ["", "analytics OR experian OR families"])
def test_every_page_reports_the_whole_total(loaded, sort, query):
    """The total is the whole query's on every page, by cursor or by number, with or
    without facets, and when only counts are asked for."""
    backend, _ = loaded
    total = backend.count(SearchRequest(query))
    first = backend.search(SearchRequest(query, sort=sort, size=3, facets=False, snippets=0))
    after = first.hits[-1].sort_values
    for facets in (False, True):
        by_cursor = backend.search(
            SearchRequest(query, sort=sort, size=3, after=after, facets=facets, snippets=0)
        )
        by_number = backend.search(
            SearchRequest(query, sort=sort, size=3, page=2, facets=facets, snippets=0)
        )
        counts_only = backend.search(SearchRequest(query, sort=sort, size=0, facets=facets))
        assert [h.id for h in by_cursor.hits] == [h.id for h in by_number.hits]
        assert first.total == by_cursor.total == by_number.total == counts_only.total == total
    assert total > 6


def test_a_cursor_from_nowhere_is_refused(loaded):
    backend, _ = loaded
    with pytest.raises(QueryError, match="cursor"):
        backend.search(SearchRequest("", after=["x"]))
    with pytest.raises(QueryError, match="cursor"):
        backend.search(SearchRequest("", sort="newest", after=[1, 2, 3, 4]))


def test_foi_request_and_availability_fields(loaded):
    backend, docs = loaded
    result = backend.search(SearchRequest("status:successful", size=50))
    by_id = {h.id: h for h in result.hits}
    assert by_id[1].fields["request_id"] == 4101
    assert by_id[1].fields["request_title"] == "Risk scoring"
    assert by_id[1].fields["request_url"].endswith("/request/risk_scoring")
    assert by_id[1].fields["availability"] == "live"
    hits = {h["id"]: h for h in result.as_json()["hits"]}  # what `search --json` prints
    assert (hits[1]["request_id"], hits[1]["foi_status"]) == (4101, "successful")
    assert all("request_id" not in h for i, h in hits.items() if i != 1)
    gone = backend.search(SearchRequest(filters={"availability": ["gone"]}, size=50))
    assert {h.id for h in gone.hits} == {d.id for d in docs if d.availability == "gone"}
    counts = {v.value: v.count for v in gone.facets["availability"]}
    assert counts == {
        "gone": sum(d.availability == "gone" for d in docs),
        "live": sum(d.availability == "live" for d in docs),
    }
    # A label typed as a filter value finds the state, as the query field does.
    refused = backend.search(SearchRequest(filters={"foi_status": ["Refused"]}, size=0))
    assert refused.total == sum(d.foi_status == "rejected" for d in docs)


def test_both_engines_stem_alike(make_backend):
    """Porter2 on both engines: a bare word finds its own forms and no more, so match
    counts and the marked words agree whichever engine answers."""
    backend = make_backend()
    texts = {
        1: "A community survey of residents.",
        2: "Communication with the residents.",
        3: "Families were scored.",
        4: "One family was scored.",
        5: "The communities were consulted.",
        6: "The news was reported.",
        7: "A new model was reported.",
        8: "Generously funded.",
        9: "General fund.",
    }
    backend.index([IndexDoc(i, "", [(1, t)]) for i, t in texts.items()])
    if make_backend.kind == "osmem":
        # The index asks for Porter2 and osmem's analysis chain applies it (the same
        # stems as tantivy's) ...
        words = ["community", "communication", "communities", "families", "news", "general"]
        tokens = backend.es.indices.analyze(
            index=backend.alias, analyzer="ds_english", text=" ".join(words)
        )["tokens"]
        assert [t["token"] for t in tokens] == [stem(w) for w in words]
        # ... but osmem-server indexes text with Porter whatever stemmer is named
        # (checked: stemmer porter2/english/minimal_english, snowball and kstem all index
        # "community" as "commun"). Real Elasticsearch runs the checks below.
        pytest.xfail("osmem-server indexes with Porter whatever the analyser names")
    assert found(backend, "community") == {1, 5}  # Porter would add 2 (commun)
    assert found(backend, "communication") == {2}
    assert found(backend, "family") == {3, 4}
    assert found(backend, "news") == {6}  # Porter stems news to new
    assert found(backend, "general") == {9}  # Porter: gener, as for generously
    hit = backend.search(SearchRequest("communities", size=10, snippets=1))
    marked = {h.id: re.findall(r"<mark>(.*?)</mark>", h.snippets[0].html) for h in hit.hits}
    assert marked == {1: ["community"], 5: ["communities"]}


# --- default fields: names, aliases, references, file names (issue 12) ------------------


def test_default_fields_search_names_aliases_references_and_file_names(make_backend):
    backend = make_backend()
    backend.index(
        [
            IndexDoc(
                1,
                "Response to your request",
                [(1, "We hold no information about scoring.")],
                issuing_authority="London Borough of Hackney",
                councils=["London Borough of Hackney"],
                companies=["Xantura"],
                aliases=["Hackney Council", "LBH"],
                request_id=16274,
                references=["risk_scoring_tools"],
                sources=["/in/FOI-16274 Suffolk response.pdf"],
            ),
            IndexDoc(2, "Minutes", [(1, "Hackney came up once, as did 16274 and scoring.")]),
            IndexDoc(3, "Other", [(1, "Nothing relevant, council scoring only.")]),
        ]
    )
    # A body's alias, its official name, and the company tagged on the document.
    assert found(backend, "hackney council") == {1}
    assert found(backend, "LBH scoring") == {1}
    assert found(backend, "xantura") == {1}
    # The FOI request's number and the original file's name.
    assert found(backend, "suffolk 16274") == {1}
    assert found(backend, "risk_scoring_tools") == {1}
    # Metadata weighs above body text: the document the name is about ranks first.
    hits = backend.search(SearchRequest("hackney", snippets=0, facets=False)).hits
    assert [h.id for h in hits] == [1, 2]
    # Explicit fields keep their meaning.
    assert found(backend, "text:hackney") == {2}


# --- partial matches when no document has every word (issue 12) --------------------------


def _relaxed_corpus(backend):
    backend.index(
        [
            IndexDoc(1, "Dataset note", [(1, "Kent children's integrated dataset of pupils.")]),
            IndexDoc(2, "Letter", [(1, "Kent children services, pupils.")]),
            IndexDoc(3, "Minutes", [(1, "Kent only, and nothing else of use.")]),
            IndexDoc(4, "Report", [(1, "Integrated dataset, pupils and children, in Kent.")]),
            IndexDoc(5, "Covid", [(1, "Kent children's integrated dataset pupils covid.")]),
        ]
    )


def test_a_query_no_document_fully_matches_shows_those_matching_most_words(make_backend):
    from search.backends.base import search_with_fallback

    backend = make_backend()
    _relaxed_corpus(backend)
    request = SearchRequest("Kent children's integrated dataset KS2 pupils", snippets=0)
    assert backend.search(request).total == 0  # every word required: nothing
    result = search_with_fallback(backend, request)
    assert result.relaxed and result.as_json()["relaxed"] is True
    assert any("at least 4" in n for n in result.notes)
    ids = [h.id for h in result.hits]
    # five of the six words (1, 5), then four (4); 2 has three, 3 one
    assert set(ids[:2]) == {1, 5} and ids[2:] == [4]
    # Exclusions still exclude; the other words are relaxed.
    excluded = search_with_fallback(backend, SearchRequest("kent children ks2 -covid"))
    assert excluded.relaxed and 5 not in {h.id for h in excluded.hits}


@pytest.mark.parametrize(
    "query",
    [
        "Kent AND children AND KS2",
        '"Kent children" KS2',
        "+Kent +KS2 children",
        "KS2",
        "ks2 OR nothingatall",
    ],
)
def test_explicit_operators_are_never_relaxed(make_backend, query):
    from search.backends.base import search_with_fallback

    backend = make_backend()
    _relaxed_corpus(backend)
    result = search_with_fallback(backend, SearchRequest(query))
    assert result.total == 0 and not result.relaxed


def test_enough_full_matches_are_not_relaxed(make_backend):
    from search.backends.base import search_with_fallback

    backend = make_backend()
    _relaxed_corpus(backend)
    result = search_with_fallback(backend, SearchRequest("kent pupils"))
    assert not result.relaxed and {h.id for h in result.hits} == {1, 2, 4, 5}


def test_a_typo_gets_a_suggestion_from_the_indexs_own_words(make_backend):
    from search.backends.base import search_with_fallback

    backend = make_backend()
    backend.index(
        IndexDoc(i, f"Report {i}", [(1, "Experian supplied Mosaic data to the council.")])
        for i in range(1, 8)
    )
    result = search_with_fallback(backend, SearchRequest("experain mosaic"))
    assert result.suggestion == "experian mosaic"
    assert search_with_fallback(backend, SearchRequest("experian mosaic")).suggestion is None


def test_a_request_past_its_deadline_is_cut_with_a_sentence(loaded):
    from search.backends.budget import Deadline, SearchCut

    backend, _ = loaded

    def late():  # made at 0, every later look at the (fake) clock says 5 s on
        times = iter([0.0])
        return Deadline(2.0, clock=lambda: next(times, 5.0))

    with pytest.raises(SearchCut, match="stopped after 2 s"):
        backend.search(SearchRequest("analytics", deadline=late()))
    with pytest.raises(SearchCut):
        backend.count(SearchRequest("analytics", deadline=late()))
    with pytest.raises(SearchCut):
        list(backend.scan(SearchRequest("analytics", deadline=late()), fields=True))
    assert backend.search(SearchRequest("analytics", deadline=Deadline(2.0))).total > 0
