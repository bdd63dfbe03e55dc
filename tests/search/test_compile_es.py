"""AST/request -> Elasticsearch JSON, checked as plain dicts (no server)."""

from __future__ import annotations

import datetime as dt
import struct

from search.backends import compile_es as ce
from search.backends.base import FACETS, MAX_COUNTED_PAGES, IndexDoc, SearchRequest
from search.query import parse

ALL = {"match_all": {}}


def q(text: str) -> dict:
    return ce.compile_query(parse(text).node)


def default_word(word: str) -> dict:
    return {
        "bool": {
            "should": [
                {"match_phrase": {"title": {"query": word, "boost": 2.0}}},
                {"match_phrase": {"about": {"query": word, "boost": 1.5}}},
                {"match_phrase": {"pages.text": {"query": word, "boost": 1.0}}},
            ],
            "minimum_should_match": 1,
        }
    }


def test_word_and_negation():
    assert q("mosaic") == default_word("mosaic")
    assert q("xantura -covid") == {
        "bool": {"must": [default_word("xantura")], "must_not": [default_word("covid")]}
    }
    assert q("NOT covid") == {"bool": {"must": [ALL], "must_not": [default_word("covid")]}}


def test_or_requires_one():
    assert q("a OR b") == {
        "bool": {"should": [default_word("a"), default_word("b")], "minimum_should_match": 1}
    }


def test_plus_inside_or_is_required_and_others_score():
    assert q("a OR +b") == {"bool": {"must": [default_word("b")], "should": [default_word("a")]}}


def test_phrase_proximity_on_exact_subfields():
    assert q('"troubled families"~3') == {
        "bool": {
            "should": [
                {
                    "match_phrase": {
                        "title.exact": {"query": "troubled families", "boost": 2.0, "slop": 3}
                    }
                },
                {
                    "match_phrase": {
                        "about.exact": {"query": "troubled families", "boost": 1.5, "slop": 3}
                    }
                },
                {
                    "match_phrase": {
                        "pages.text.exact": {"query": "troubled families", "boost": 1.0, "slop": 3}
                    }
                },
            ],
            "minimum_should_match": 1,
        }
    }


def test_prefix_and_fuzzy_are_folded_and_unstemmed():
    assert q("text:Café*") == {"prefix": {"pages.text.exact": {"value": "cafe", "boost": 1.0}}}
    assert q("text:risk-scor*") == {
        "match_phrase_prefix": {"pages.text.exact": {"query": "risk-scor", "boost": 1.0}}
    }
    assert q("title:Experain~1") == {
        "fuzzy": {
            "title.exact": {
                "value": "experain",
                "fuzziness": 1,
                "transpositions": True,
                "boost": 1.0,
            }
        }
    }


def test_fields():
    assert q('council:"Bristol City Council"') == {
        "match_phrase": {"council.text": {"query": "Bristol City Council", "boost": 1.0}}
    }
    assert q("type:PDF") == {"term": {"file_type": {"value": "pdf"}}}
    assert q("status:part*") == {"prefix": {"foi_status": {"value": "part"}}}
    assert q("source:foi") == {
        "bool": {
            "should": [
                {"match_phrase": {"sources": {"query": "foi", "boost": 1.0}}},
                {"term": {"source_type": {"value": "foi"}}},
            ],
            "minimum_should_match": 1,
        }
    }


def test_ranges():
    assert q("year:[2017 TO 2019]") == {"range": {"year": {"gte": 2017, "lte": 2019}}}
    assert q("date:>=2020-01-01") == {
        "range": {"date": {"gte": "2020-01-01", "format": "yyyy-MM-dd"}}
    }
    assert q("year:*") == {"exists": {"field": "year"}}


def test_boost():
    assert q("a^3") == {"bool": {"must": [default_word("a")], "boost": 3.0}}


def test_page_query_keeps_only_positive_text_words():
    node = parse('mosaic -covid title:contract council:kent "risk model" year:2019').node
    assert ce.page_query(node) == {
        "bool": {
            "should": [
                {"match_phrase": {"pages.text": {"query": "mosaic", "boost": 1.0}}},
                {"match_phrase": {"pages.text.exact": {"query": "risk model", "boost": 1.0}}},
            ]
        }
    }
    assert ce.page_query(parse("council:kent").node) is None


def test_search_body_multi_select_facets():
    request = SearchRequest(
        "mosaic",
        filters={"council": ["Kent County Council"], "year": ["2019"]},
        date_from=dt.date(2018, 1, 1),
        page=3,
        size=10,
        snippets=2,
        facet_size=5,
    )
    body = ce.search_body(request)
    council = {"terms": {"council": ["Kent County Council"]}}
    year = {"terms": {"year": [2019]}}
    assert body["from"] == 20 and body["size"] == 10
    assert body["track_total_hits"] is True
    assert body["query"]["bool"]["must"] == [q("mosaic")]
    assert body["query"]["bool"]["filter"] == [
        {"range": {"date": {"gte": "2018-01-01", "format": "yyyy-MM-dd"}}}
    ]
    # hits obey both facet filters ...
    assert body["post_filter"] == {"bool": {"filter": [council, year]}}
    # ... each facet's counts only the other one's
    assert body["aggs"]["council"]["filter"] == {"bool": {"filter": [year]}}
    assert body["aggs"]["year"]["filter"] == {"bool": {"filter": [council]}}
    assert body["aggs"]["company"]["filter"] == {"bool": {"filter": [council, year]}}
    assert set(body["aggs"]) == set(FACETS)
    assert body["aggs"]["council"]["aggs"]["selected"] == {
        "filters": {
            "filters": {"Kent County Council": {"term": {"council": "Kent County Council"}}}
        }
    }
    assert body["aggs"]["company"]["aggs"]["values"]["terms"]["size"] == 5
    nested = body["query"]["bool"]["should"][0]["nested"]
    assert nested["path"] == "pages" and nested["boost"] == 0
    # the best pages of each hit, enough to count its matches (snippets come from the first)
    assert nested["inner_hits"]["size"] == MAX_COUNTED_PAGES
    highlight = nested["inner_hits"]["highlight"]
    assert highlight["encoder"] == "html" and highlight["pre_tags"] == ["<mark>"]
    assert highlight["fields"] == {"pages.text": {"number_of_fragments": 0}}


def test_search_body_without_snippets_or_facets():
    body = ce.search_body(SearchRequest("", snippets=0, facets=False, sort="newest"))
    assert body["query"] == {"bool": {"must": [ALL]}}
    assert "aggs" not in body and "post_filter" not in body
    assert body["sort"] == [{"date": {"order": "desc", "missing": "_last"}}, {"doc_id": "desc"}]


def test_counts_only_body_fetches_no_hits_and_no_pages():
    body = ce.search_body(SearchRequest("mosaic", size=0))
    assert body["size"] == 0 and body["from"] == 0
    assert "should" not in body["query"]["bool"]  # no page highlights for no hits
    assert set(body["aggs"]) == set(FACETS)


def test_search_after_replaces_from_and_starts_just_above_the_score():
    body = ce.search_body(SearchRequest("mosaic", size=10, after=[1.5, 42]))
    assert "from" not in body and body["size"] == 11
    # the next float32 above the score, so a server that rounded scores skips no tie
    assert body["search_after"] == [1.5 + 2**-23, 42]
    assert body["sort"] == ["_score", {"doc_id": "asc"}]
    dated = ce.search_body(SearchRequest("", sort="newest", size=10, after=[1700000000000, 7]))
    assert dated["search_after"] == [1700000000000, 7]


def test_float32_above():
    for x in (0.0, 1e-45, 0.016493604, 1.0, 3.0475123, -1.5):
        above = ce.float32_above(x)
        assert above > x
        assert ce.float32_above(above) > above
        assert struct.unpack("<f", struct.pack("<f", above))[0] == above  # a float32


def test_sort_positions_grow_along_each_sort():
    assert ce.sort_position("relevance", [2.0, 9]) < ce.sort_position("relevance", [1.0, 1])
    assert ce.sort_position("relevance", [1.0, 1]) < ce.sort_position("relevance", [1.0, 2])
    assert ce.sort_position("newest", [200, 1]) < ce.sort_position("newest", [100, 9])
    assert ce.sort_position("newest", [100, 9]) < ce.sort_position("newest", [100, 8])
    assert ce.sort_position("oldest", [100, 9]) < ce.sort_position("oldest", [200, 1])


def test_scan_with_snippets_adds_the_best_pages_only():
    plain = ce.scan_query(SearchRequest("mosaic", filters={"year": ["2019"]}))
    body = ce.scan_snippet_query(SearchRequest("mosaic", filters={"year": ["2019"]}, snippets=1))
    assert body["bool"]["must"] == [plain]
    assert body["bool"]["should"][0]["nested"]["inner_hits"]["size"] == 1
    no_words = SearchRequest("year:2019", snippets=1)
    assert ce.scan_snippet_query(no_words) == ce.scan_query(no_words)


def test_highlight_fields_follow_the_query():
    body = ce.search_body(SearchRequest('"risk model" scor* mosaic'))
    fields = body["query"]["bool"]["should"][0]["nested"]["inner_hits"]["highlight"]["fields"]
    assert set(fields) == {"pages.text", "pages.text.exact"}


def test_source_document():
    doc = IndexDoc(
        7,
        "T",
        [(1, "one"), (2, ""), (5, "five")],
        source_type="FOI",
        date=dt.date(2020, 2, 3),
        councils=["A", "A", "B"],
    )
    src = ce.source(doc)
    assert src["pages"] == [{"number": 1, "text": "one"}, {"number": 5, "text": "five"}]
    assert src["page_numbers"] == [1, 5] and src["page_count"] == 3
    assert src["source_type"] == "foi" and src["council"] == ["A", "B"]
    assert src["date"] == "2020-02-03" and src["year"] == 2020
    assert ce.display_fields(src) == doc.display_fields()


def test_long_pages_are_stored_in_sections_with_their_page_number():
    long = " ".join(f"w{i}" for i in range(12_000))  # about 70,000 characters
    src = ce.source(IndexDoc(1, "T", [(1, "short"), (2, long)]))
    sections = [p for p in src["pages"] if p["number"] == 2]
    assert len(sections) > 3
    assert all(len(p["text"]) <= ce.SECTION_CHARS for p in sections)
    assert "".join(p["text"] for p in sections) == long
    assert src["page_numbers"] == [p["number"] for p in src["pages"]]
    assert src["page_count"] == 2
