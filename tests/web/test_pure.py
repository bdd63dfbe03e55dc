"""Pure functions of the site: URL state, CSV cells, snippet sanitising, hit marking."""

from __future__ import annotations

import csv
import io
from datetime import date

from django.http import QueryDict

from search.backends.base import Hit
from search.highlight import highlighter_for, query_spans
from web.engine import Pager, page_numbers
from web.export import BOM, neutralise, stream_csv
from web.forms import SearchState, decode_upload, parse_terms
from web.highlight import mark_spans, plain_snippet, safe_snippet
from web.insights import heat, pair_counts
from web.rows import request_url


def state(qs: str) -> SearchState:
    return SearchState.from_params(QueryDict(qs))


# --- URL state -------------------------------------------------------------------------


def test_state_reads_every_parameter():
    s = state(
        "q=experian+mosaic&council=Bristol+City+Council&council=Kent+County+Council"
        "&company=Experian&source=foi&status=successful&type=pdf&year=2019"
        "&from=2018-01-01&to=2019-12-31&sort=newest&page=3"
    )
    assert s.q == "experian mosaic"
    assert s.filters["council"] == ("Bristol City Council", "Kent County Council")
    assert s.filters["company"] == ("Experian",)
    assert s.filters["source"] == ("foi",)
    assert s.filters["status"] == ("successful",)
    assert s.filters["type"] == ("pdf",)
    assert s.filters["year"] == ("2019",)
    assert (s.date_from, s.date_to) == (date(2018, 1, 1), date(2019, 12, 31))
    assert s.sort == "newest"
    assert s.page == 3


def test_state_drops_bad_values_instead_of_failing():
    s = state("sort=sideways&page=-4&year=19x9&year=2020&from=2020-13-45&to=yesterday&size=9999")
    assert s.sort == "relevance"
    assert s.page == 1
    assert s.filters == {"year": ("2020",)}
    assert s.date_from is None and s.date_to is None
    assert s.size == 20  # the HTML page size cannot be raised from the URL


def test_state_swaps_a_reversed_date_range():
    s = state("from=2020-05-01&to=2019-01-01")
    assert (s.date_from, s.date_to) == (date(2019, 1, 1), date(2020, 5, 1))


def test_state_round_trips_through_its_query_string():
    s = state("q=risk+scor*&council=A&council=B&system=Mosaic&from=2019-01-01&sort=oldest&page=2")
    again = state(s.query_string())
    assert again == s


def test_toggling_a_facet_value_adds_or_removes_it_and_resets_the_page():
    s = state("q=x&council=A&page=4")
    added = s.toggled("council", "B")
    assert added.filters["council"] == ("A", "B")
    assert added.page == 1
    removed = added.toggled("council", "A").toggled("council", "B")
    assert "council" not in removed.filters
    assert removed.q == "x"


def test_chips_read_as_the_facets_do():
    chips = state("status=rejected&type=ods&availability=gone").chips()
    assert [(c["kind"], c["value"]) for c in chips] == [
        ("FOI status", "Refused"),
        ("File type", "OpenDocument spreadsheet (ODS)"),
        ("Availability", "Gone from the web"),
    ]


def test_chips_link_to_the_state_without_them():
    s = state("q=x&council=A&company=C&from=2019-01-01")
    chips = {(c["kind"], c["value"]): c["url"] for c in s.chips()}
    assert state(chips[("Public body", "A")]).filters == {"company": ("C",)}
    assert state(chips[("From", "2019-01-01")]).date_from is None
    assert state(chips[("Query", "x")]).q == ""
    cleared = s.cleared()
    assert cleared.q == "x" and not cleared.has_filters


def test_batch_terms_are_trimmed_and_comments_dropped():
    text = '  experian \n\n# a comment\n"predictive analytics"\r\nxantura -covid\n'
    assert parse_terms(text) == ["experian", '"predictive analytics"', "xantura -covid"]
    assert parse_terms('term,note\n"a, b",x\n', csv_like=True) == ["term", "a, b"]


def test_uploads_decode_as_utf8_with_bom_or_windows_1252():
    assert decode_upload("\ufeffcafé".encode()) == "café"
    assert decode_upload("café".encode("cp1252")) == "café"


# --- CSV ---------------------------------------------------------------------------------


def test_formula_cells_are_neutralised():
    for hostile in ('=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"):
        assert neutralise(hostile) == "'" + hostile
    assert neutralise("plain text") == "plain text"
    assert neutralise("a=b") == "a=b"  # only a leading trigger matters
    assert neutralise(-3) == "-3"  # numbers stay numbers
    assert neutralise(None) == ""
    assert neutralise(True) == "yes"


def test_csv_rows_quote_commas_quotes_and_newlines():
    text = "".join(stream_csv(["a", "b", "c", "d"], [[1, 'say "hi", then', "two\nlines", "=cmd"]]))
    assert list(csv.reader(io.StringIO(text)))[1] == ["1", 'say "hi", then', "two\nlines", "'=cmd"]
    assert text.endswith("\r\n")


def test_csv_header_cells_are_neutralised_too():
    """Column names can come from the data (a batch split by public body)."""
    text = "".join(stream_csv(["query", '=HYPERLINK("http://x","y")'], []))
    assert next(csv.reader(io.StringIO(text))) == ["query", '\'=HYPERLINK("http://x","y")']


def test_stream_csv_starts_with_an_optional_bom_and_keeps_every_row():
    rows = ([i, f"title {i}"] for i in range(20_000))
    chunks = list(stream_csv(["id", "title"], rows, bom=True))
    assert len(chunks) > 1  # streamed in pieces, not one string
    text = "".join(chunks)
    assert text.startswith(BOM + "id,title\r\n")
    parsed = list(csv.reader(io.StringIO(text[1:])))
    assert len(parsed) == 20_001
    assert parsed[-1] == ["19999", "title 19999"]
    assert not "".join(stream_csv(["a"], [], bom=False)).startswith(BOM)


def test_stream_csv_shortcut_writes_what_csv_writer_writes():
    """Rows that take the shortcut and rows that do not come out exactly as csv.writer
    writes neutralised cells."""
    import random

    rng = random.Random(3)
    pieces = [
        "plain",
        "a, comma",
        'a "quote"',
        "two\nlines",
        "=1+1",
        "-3",
        "@x",
        "+",
        "\tt",
        "\x1f",
        "",
        " spaced ",
        "café …",
        "x" * 40_000,
        "\r=cr",
    ]
    rows = [
        [rng.choice([*pieces, 7, -2, None, True, 1.5]) for _ in range(rng.randint(1, 6))]
        for _ in range(3000)
    ]
    rows += [["only"], [""], ["a", "b"], ["a", ""]]
    expected = io.StringIO()
    reference = csv.writer(expected)
    reference.writerow(["h1", "h2"])
    for row in rows:
        reference.writerow([neutralise(c) for c in row])
    assert "".join(stream_csv(["h1", "h2"], rows, batch=7)) == expected.getvalue()


def test_request_url_finds_the_whatdotheyknow_request():
    urls = [
        "https://example.gov.uk/x.pdf",
        "https://www.whatdotheyknow.com/request/use_of_analytics_12/response/3/attach/2/x.pdf",
    ]
    assert request_url(urls) == "https://www.whatdotheyknow.com/request/use_of_analytics_12"
    assert request_url(["https://example.org"]) == ""


# --- snippets and highlighting ----------------------------------------------------------------


def test_safe_snippet_keeps_marks_and_escapes_everything_else():
    good = "a &lt;b&gt; <mark>risk</mark> &amp; c"
    assert safe_snippet(good) == good
    hostile = '<script>alert(1)</script><mark onclick="x">hit</mark>"><img src=x onerror=alert(1)>'
    out = str(safe_snippet(hostile))
    assert "<script" not in out and "<img" not in out and "<mark onclick" not in out
    assert "&lt;mark onclick=&quot;x&quot;&gt;hit" in out
    assert "&lt;script&gt;" in out and "&lt;img src=x onerror=alert(1)&gt;" in out
    assert out.count("<mark>") == out.count("</mark>")


def test_safe_snippet_balances_marks():
    assert safe_snippet("<mark>open") == "<mark>open</mark>"
    assert safe_snippet("close</mark> x") == "close x"
    assert safe_snippet("<MARK>a</MARK>") == "<mark>a</mark>"


def test_plain_snippet_strips_marks_and_unescapes():
    assert plain_snippet("a &lt;b&gt;  <mark>risk</mark>\n&amp; c") == "a <b> risk & c"


def test_document_page_hits_follow_the_query_language():
    text = "The Troubled Families programme scored families; councils use scoring. Covid data."
    words = lambda q: [text[s:e] for s, e in query_spans(q, text)]  # noqa: E731
    assert words("council") == ["councils"]  # stemmed
    assert words('"troubled families"') == ["Troubled Families"]  # phrase: one hit
    assert words("scor*") == ["scored", "scoring"]  # prefix
    assert words("families -covid") == ["Families", "families"]  # negated words are not hits
    assert words("title:covid") == []  # a title-only query marks nothing in the text
    assert highlighter_for("a*b").empty  # an unparseable query marks nothing


def test_mark_spans_escapes_text_and_numbers_hits():
    text = '<script>alert(1)</script> risk "><img src=x onerror=alert(1)> risk'
    spans = query_spans("risk", text)
    html = str(mark_spans(text, spans, first_hit=5, current=6))
    assert "<script>" not in html and "<img" not in html
    assert '<mark id="hit-5">risk</mark>' in html
    assert '<mark id="hit-6" class="current">risk</mark>' in html


# --- paging and insights -----------------------------------------------------------------------


def test_page_numbers_show_first_last_and_a_window():
    assert page_numbers(1, 1) == [1]
    assert page_numbers(1, 0) == []
    assert page_numbers(6, 20) == [1, None, 4, 5, 6, 7, 8, None, 20]
    assert page_numbers(1, 5) == [1, 2, 3, 4, 5]
    assert page_numbers(4, 20) == [1, 2, 3, 4, 5, 6, None, 20]  # a one-page gap shows the page


def test_pager_stops_at_the_engine_window():
    p = Pager(page=1, size=20, total=50_000)
    assert p.pages == 500 and p.capped
    assert Pager(page=2, size=20, total=41).pages == 3


def test_heat_is_relative_to_the_largest_cell():
    assert heat(0, 10) == 0
    assert heat(10, 10) == 5
    assert heat(1, 100) == 1


def test_pair_counts_count_documents_naming_both():
    hits = [
        Hit(1, fields={"councils": ["A", "B"], "companies": ["X"]}),
        Hit(2, fields={"councils": ["A"], "companies": ["X", "Y"]}),
        Hit(3, fields={"councils": [], "companies": ["X"]}),
    ]
    assert pair_counts(hits, "company") == {("A", "X"): 2, ("B", "X"): 1, ("A", "Y"): 1}
