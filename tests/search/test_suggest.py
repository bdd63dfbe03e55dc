"""Did-you-mean from the term dictionary, and names read from aliases and short forms."""

from __future__ import annotations

import pytest

from search.backends.base import IndexDoc, SearchRequest, search_with_fallback
from search.backends.embedded import EmbeddedBackend
from search.backends.suggest import best_match, distance, resolve_name


def test_distance_counts_a_transposition_once_and_stops_past_the_limit():
    assert distance("experain", "experian", 2) == 1
    assert distance("hackny", "hackney", 2) == 1
    assert distance("kitten", "sitting", 2) == 3  # past the limit: limit + 1
    assert distance("a", "abcd", 1) == 2


def test_best_match_prefers_fewer_edits_then_more_documents():
    vocabulary = [("experian", 40), ("expert", 90), ("experiment", 5), ("experain", 1)]
    assert best_match("experain", vocabulary) == "experian"
    assert best_match("expart", vocabulary) == "expert"
    assert best_match("zzz", vocabulary) is None


@pytest.fixture
def backend(tmp_path):
    b = EmbeddedBackend(tmp_path / "index")
    docs = [
        IndexDoc(
            i,
            f"Report {i}",
            [(1, "Experian supplied Mosaic data to the council.")],
            councils=["London Borough of Hackney" if i % 2 else "Kent County Council"],
        )
        for i in range(1, 11)
    ]
    docs.append(IndexDoc(11, "Typo", [(1, "One experain typo.")], councils=["Leeds City Council"]))
    b.index(docs)
    return b


def test_a_typo_that_finds_little_gets_a_suggestion_from_the_index(backend):
    result = search_with_fallback(backend, SearchRequest("experain mosaic"))
    assert result.suggestion == "experian mosaic"
    assert result.as_json()["suggestion"] == "experian mosaic"
    again = search_with_fallback(backend, SearchRequest(result.suggestion))
    assert again.total == 10 and again.suggestion is None  # enough found: no suggestion
    assert search_with_fallback(backend, SearchRequest("mosaic")).suggestion is None


def test_words_that_are_common_get_no_suggestion(backend):
    result = search_with_fallback(backend, SearchRequest("mosaic zebrafish"))
    assert result.suggestion is None  # nothing near "zebrafish"; "mosaic" is common


@pytest.mark.django_db
def test_name_filters_accept_short_forms_and_other_cases(backend):
    assert resolve_name(backend, "council", "Hackney") == "London Borough of Hackney"
    assert resolve_name(backend, "council", "kent county council") == "Kent County Council"
    assert resolve_name(backend, "council", "Council") == "Council"  # ambiguous: left alone
    result = search_with_fallback(
        backend, SearchRequest("mosaic", filters={"council": ["Hackney"]}, size=20)
    )
    assert result.total == 5
    assert "“Hackney” was read as “London Borough of Hackney”." in result.notes
    selected = [v.value for v in result.facets["council"] if v.selected]
    assert selected == ["London Borough of Hackney"]
