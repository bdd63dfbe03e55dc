"""Snippet fragments (pure functions); the highlighter is tested in test_highlight.py."""

from __future__ import annotations

import re

from search.snippets import PageMatches, merge_spans, parse_highlighted, render, select

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
