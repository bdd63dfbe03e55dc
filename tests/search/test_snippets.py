"""Snippet fragments and the embedded backend's highlighter (pure functions)."""

from __future__ import annotations

import re

from search.backends.compile_tantivy import Expander
from search.highlight import Highlighter, fold_same_length, osa_distance
from search.query import parse
from search.snippets import PageMatches, merge_spans, parse_highlighted, render, select


def marked(text: str, query: str) -> list[str]:
    # forms of a bare word come from the index's term dictionary; here, the text's words
    vocabulary = Expander.from_words([text])
    h = Highlighter(parse(query).node, lambda w: vocabulary.forms("text", w))
    return [text[s:e] for s, e in sorted(h.spans(text))]


# --- highlighter ----------------------------------------------------------------------


def test_words_match_by_stem():
    text = "Scoring, scores and a Score; scorecard is different."
    assert marked(text, "score") == ["Scoring", "scores", "Score"]
    assert marked("families and a family", "family") == ["families", "family"]
    assert marked("underscore score_card", "score") == ["score"]  # whole words only


def test_without_forms_a_word_marks_itself():
    h = Highlighter(parse("score").node)
    text = "Score scores"
    assert [text[s:e] for s, e in h.spans(text)] == ["Score"]


def test_phrase_marks_only_the_phrase():
    text = "families troubled. The troubled families. troubled, working families"
    assert marked(text, '"troubled families"') == ["troubled", "families"]
    assert marked(text, '"troubled families"~1') == ["troubled", "families", "troubled", "families"]


def test_sloppy_phrase_out_of_order_marks_its_words():
    assert marked("families were troubled", '"troubled families"~3') == ["families", "troubled"]


def test_prefix_fuzzy_and_accents():
    assert marked("Café cafeteria café", "cafe*") == ["Café", "cafeteria", "café"]
    assert marked("Experian and Experion and Expert", "experain~") == ["Experian", "Experion"]
    assert marked("Experian and Experion", "experain~1") == ["Experian"]


def test_negated_title_and_field_words_are_not_marked():
    text = "mosaic covid contract kent"
    assert marked(text, "mosaic -covid title:contract council:kent") == ["mosaic"]


def test_punctuated_phrase():
    assert marked("send an e-mail or mail", "e-mail") == ["e", "mail"]


def test_fold_keeps_offsets():
    text = "Ærø ÉCOLE straße"
    folded = fold_same_length(text)
    assert len(folded) == len(text)
    assert folded.startswith("ærø ecole")


def test_osa_distance():
    assert osa_distance("experain", "experian", 2) == 1  # one transposition
    assert osa_distance("experion", "experain", 2) == 2
    assert osa_distance("abc", "xyz123", 2) == 3  # stops past the limit


# --- fragments ---------------------------------------------------------------------------


def test_render_escapes_everything_but_marks():
    text = "<script>alert(1)</script> risk & <b>score</b>"
    start = text.index("risk")
    html = render(text, [(start, start + 4)])
    assert "<mark>risk</mark>" in html
    assert "&lt;script&gt;" in html and "&amp;" in html and "&lt;b&gt;" in html
    assert set(re.findall(r"</?[a-z]+", html)) == {"<mark", "</mark"}


def test_render_cuts_at_word_boundaries_with_ellipses():
    words = " ".join(f"word{i}" for i in range(200))
    start = words.index("word100")
    html = render(words, [(start, start + 7)], size=60)
    assert html.startswith("… ") and html.endswith(" …")
    inner = html[2:-2]
    assert all(re.fullmatch(r"(<mark>)?word\d+(</mark>)?", w) for w in inner.split())
    assert len(re.sub(r"</?mark>", "", inner)) <= 60


def test_whitespace_is_collapsed():
    text = "line one\n\n\tscore   here"
    assert render(text, [(text.index("score"), text.index("score") + 5)]) == (
        "line one <mark>score</mark> here"
    )


def test_select_spreads_over_pages_then_orders_by_page():
    long = " ".join(["filler"] * 100)
    p1 = PageMatches(1, f"alpha {long} alpha {long} alpha", [], 1)
    p1.spans = [(m.start(), m.end()) for m in re.finditer("alpha", p1.text)]
    p5 = PageMatches(5, "beta gamma", [(0, 4), (5, 10)], 200)
    snippets = select([p1, p5], 2)
    assert [s.page for s in snippets] == [1, 5]  # best fragment of each page first
    snippets = select([p1, p5], 3)
    assert [s.page for s in snippets] == [1, 1, 5]  # then second fragments
    assert select([p1, p5], 0) == []
    assert len(select([p1, p5], 10)) == 4  # three windows on page 1, one on page 5


def test_merge_spans():
    assert merge_spans([(5, 7), (0, 2), (1, 3), (7, 9)]) == [(0, 3), (5, 9)]


def test_parse_highlighted_recovers_text_and_spans():
    marked_html = "a &lt;<mark>script</mark>&gt; &amp; <mark>b&#x27;c</mark>"
    text, spans = parse_highlighted(marked_html)
    assert text == "a <script> & b'c"
    assert [text[s:e] for s, e in spans] == ["script", "b'c"]
