"""The one highlighter: where a query matches page text, by the engines' rules."""

from __future__ import annotations

from search.highlight import (
    Highlighter,
    count_hits,
    fold_same_length,
    highlighter_for,
    join_adjacent,
    osa_distance,
    query_spans,
)
from search.query import parse


def marked(text: str, query: str) -> list[str]:
    """Every matched word, one by one (what snippets mark)."""
    h = Highlighter(parse(query).node)
    return [text[s:e] for s, e in sorted(h.spans(text))]


def hits(text: str, query: str) -> list[str]:
    """The hits a reader counts (what the document page numbers)."""
    return [text[s:e] for s, e in query_spans(query, text)]


def test_words_match_by_stem():
    text = "Scoring, scores and a Score; scorecard is different."
    assert marked(text, "score") == ["Scoring", "scores", "Score"]
    assert marked("families and a family", "family") == ["families", "family"]
    assert marked("underscore score_card", "score") == ["score"]  # whole words only
    assert marked("Councils use scoring", "council") == ["Councils"]


def test_stems_that_change_more_than_the_last_letter():
    assert marked("The dying tree died", "die") == ["dying", "died"]


def test_phrase_marks_only_the_phrase():
    text = "families troubled. The troubled families. troubled, working families"
    assert marked(text, '"troubled families"') == ["troubled", "families"]
    assert marked(text, '"troubled families"~1') == ["troubled", "families", "troubled", "families"]
    assert marked("a family", '"families"') == []  # a quoted word is not stemmed


def test_sloppy_phrase_out_of_order_marks_its_words():
    assert marked("families were troubled", '"troubled families"~3') == ["families", "troubled"]


def test_prefix_fuzzy_and_accents():
    assert marked("Café cafeteria café", "cafe*") == ["Café", "cafeteria", "café"]
    assert marked("Experian and Experion and Expert", "experain~") == ["Experian", "Experion"]
    assert marked("Experian and Experion", "experain~1") == ["Experian"]
    text = "risk-scoring, risk scores and risky scoring"
    assert marked(text, "risk-scor*") == ["risk", "scoring", "risk", "scores"]


def test_negated_title_and_field_words_are_not_marked():
    text = "mosaic covid contract kent"
    assert marked(text, "mosaic -covid title:contract council:kent") == ["mosaic"]


def test_punctuated_phrase():
    assert marked("send an e-mail or mail", "e-mail") == ["e", "mail"]


def test_a_phrase_is_one_hit_and_hits_are_sorted():
    text = "The Troubled Families programme; troubled  families again. Troubled times."
    assert hits(text, '"troubled families"') == ["Troubled Families", "troubled  families"]
    assert hits(text, "troubled") == ["Troubled", "troubled", "Troubled"]
    assert join_adjacent([(10, 12), (0, 3), (4, 8)], "abc defg  hi") == [(0, 12)]
    assert join_adjacent([(0, 3), (7, 9)], "abc -- de") == [(0, 3), (7, 9)]


def test_an_unusable_query_highlights_nothing():
    assert highlighter_for("a*b").empty  # a wildcard inside a word: a QueryError
    assert highlighter_for("").empty
    assert highlighter_for("title:contract").empty  # title words are not in the text
    assert query_spans("sc*re", "score") == []


def test_count_hits_counts_what_the_document_page_numbers():
    text_1 = "predictive analytics and predictive  models"
    text_2 = "No match here. Predictive."
    query = '"predictive analytics" OR predictive'
    pages = highlighter_for(query).pages([(1, text_1), (2, text_2), (3, "nothing")])
    assert [p.page for p in pages] == [1, 2]
    assert count_hits(pages) == len(query_spans(query, text_1)) + len(query_spans(query, text_2))
    assert count_hits(pages) == 3  # "predictive analytics", "predictive", "Predictive"


def test_fold_keeps_offsets():
    text = "Ærø ÉCOLE straße"
    folded = fold_same_length(text)
    assert len(folded) == len(text)
    assert folded.startswith("ærø ecole")
    assert marked("Une ÉCOLE", "ecole") == ["ÉCOLE"]


def test_osa_distance():
    assert osa_distance("experain", "experian", 2) == 1  # one transposition
    assert osa_distance("experion", "experain", 2) == 2
    assert osa_distance("abc", "xyz123", 2) == 3  # stops past the limit
