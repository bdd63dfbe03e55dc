"""How facet values are ordered and read back from tantivy's aggregation."""

from __future__ import annotations

from search.backends.base import FacetValue, facet_order
from search.backends.embedded import _buckets


def test_most_documents_first_ties_by_value_cut_to_size():
    counts = {"b": 3, "a": 3, "d": 5, "c": 1, "e": 3}
    assert facet_order(counts, [], "council", 3) == [
        FacetValue("d", 5),
        FacetValue("a", 3),
        FacetValue("b", 3),
    ]
    assert [v.value for v in facet_order(counts, [], "council", 10)] == ["d", "a", "b", "e", "c"]


def test_selected_values_are_always_listed():
    counts = {"a": 9, "b": 8, "c": 1}
    ordered = facet_order(counts, ["c", "b", "gone"], "company", 1)
    assert ordered == [
        FacetValue("a", 9),
        FacetValue("c", 1, True),
        FacetValue("b", 8, True),
        FacetValue("gone", 0, True),
    ]
    assert facet_order(counts, ["a"], "company", 2) == [
        FacetValue("a", 9, True),
        FacetValue("b", 8),
    ]


def test_years_are_a_histogram_oldest_first_whatever_the_size():
    counts = {"2019": 1, "999": 4, "2010": 7}
    assert [v.value for v in facet_order(counts, [], "year", 1)] == ["999", "2010", "2019"]


def test_buckets_read_years_as_whole_numbers_and_add_selected_counts():
    result = {
        "year": {"buckets": [{"key": 2019.0, "doc_count": 2}, {"key": 2020, "doc_count": 1}]},
        "council": {"buckets": [{"key": "Kent", "doc_count": 4}]},
        "council:selected": {"buckets": [{"key": "Leeds", "doc_count": 1}]},
    }
    assert _buckets(result, "year") == {"2019": 2, "2020": 1}
    assert _buckets(result, "council") == {"Kent": 4, "Leeds": 1}
    assert _buckets(result, "system") == {}
