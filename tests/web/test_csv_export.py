"""/search.csv: the whole result set, every column, Excel-safe."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from bs4 import BeautifulSoup

from search.backends import IndexDoc
from web.rows import CSV_HEADER

from .conftest import index_docs, make_document, tag_and_index

pytestmark = pytest.mark.django_db


def read_csv(response) -> tuple[str, list[dict]]:
    assert response.status_code == 200
    assert response.streaming
    body = b"".join(response.streaming_content).decode("utf-8")
    return body, list(csv.DictReader(io.StringIO(body.removeprefix("\ufeff"))))


def page_total(client, url: str) -> int:
    soup = BeautifulSoup(client.get(url).content, "html.parser")
    return int(soup.select_one("#results-heading strong").get_text().replace(",", ""))


@pytest.mark.slow
def test_export_holds_the_whole_result_set_beyond_10000_rows(client):
    """12,000 documents, 10,500 matching: far more than a page and than the paging window."""
    docs = [
        IndexDoc(
            id=i,
            title=f"Synthetic {i}",
            pages=[(1, f"{'analytics' if i <= 10_500 else 'gardening'} note {i}")],
            source_type="foi",
            date=date(2010 + i % 15, 1, 1),
            councils=["Kent County Council"] if i % 2 else ["Leeds City Council"],
        )
        for i in range(1, 12_001)
    ]
    for start in range(0, len(docs), 4000):
        index_docs(docs[start : start + 4000])
    total = page_total(client, "/search?q=analytics")
    assert total == 10_500
    _, rows = read_csv(client.get("/search.csv?q=analytics"))
    assert len(rows) == total
    ids = [int(r["id"]) for r in rows]
    assert len(set(ids)) == total and set(ids) == set(range(1, 10_501))
    # Filters apply to the export exactly as to the page.
    kent = page_total(client, "/search?q=analytics&council=Kent+County+Council")
    _, rows = read_csv(client.get("/search.csv?q=analytics&council=Kent+County+Council"))
    assert len(rows) == kent == 5_250


def test_export_columns(client, corpus):
    body, rows = read_csv(client.get("/search.csv?q=predictive"))
    assert body.startswith("\ufeff")  # Excel reads UTF-8 with a BOM
    assert tuple(rows[0].keys()) == CSV_HEADER
    by_id = {int(r["id"]): r for r in rows}
    bristol = by_id[corpus["bristol"].pk]
    assert bristol["title"] == corpus["bristol"].title
    assert bristol["document_url"] == f"http://testserver/documents/{corpus['bristol'].pk}"
    assert bristol["source_type"] == "foi"
    assert bristol["issuing_authority"] == "Bristol City Council"
    assert bristol["authorities_mentioned"] == "Bristol City Council"
    assert bristol["companies"] == "Experian"
    assert bristol["systems"] == "Bristol Integrated Analytical Hub; Mosaic (Experian)"
    assert bristol["date"] == "2018-03-14"
    assert bristol["foi_status"] == "successful"
    assert bristol["whatdotheyknow_request_url"] == (
        "https://www.whatdotheyknow.com/request/bristol_analytics_hub"
    )
    assert bristol["request_title"] == "Use of predictive analytics"
    assert bristol["availability"] == "live"
    assert bristol["pages"] == "3"
    assert "predictive" in bristol["first_matching_snippet"].lower()
    assert "<mark>" not in bristol["first_matching_snippet"]
    assert set(by_id) == {corpus[k].pk for k in ("bristol", "hackney", "media")}


def test_snippets_come_from_the_index_without_a_database_read(
    client, indexed, django_assert_num_queries
):
    """The index-only collection has no Page rows: every snippet comes from the scan."""
    with django_assert_num_queries(0):
        _, rows = read_csv(client.get("/search.csv?q=analytics"))
    assert len(rows) == 15
    for row in rows:
        expected = f"Page one of {row['id']} about predictive analytics."
        assert row["first_matching_snippet"] == expected
    _, rows = read_csv(client.get("/search.csv?council=Kent+County+Council"))
    assert rows and all(r["first_matching_snippet"] == "" for r in rows)  # no words: none


def test_export_without_bom_and_with_no_matches(client, corpus):
    body, rows = read_csv(client.get("/search.csv?q=zebra&bom=0"))
    assert body.startswith("id,title,")
    assert rows == []


def test_export_neutralises_formulas(client, db):
    doc = make_document(
        '=HYPERLINK("http://evil.example","click")',
        ["+SUM(1,2) then -3 and @cmd text about formulas"],
        urls=["https://example.gov.uk/a"],
    )
    tag_and_index(doc)
    _, rows = read_csv(client.get("/search.csv?q=formulas"))
    assert rows[0]["title"] == '\'=HYPERLINK("http://evil.example","click")'
    assert not rows[0]["first_matching_snippet"].startswith(("=", "+", "-", "@"))
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r"))


def test_a_bad_query_is_refused_in_plain_words(client, indexed):
    r = client.get("/search.csv?q=sc*re")
    assert r.status_code == 400
    assert "wildcards" in r.content.decode()


@pytest.mark.parametrize("sort", ["relevance", "newest", "oldest"])
def test_export_follows_the_chosen_sort(client, sort):
    """The rows come out in the order the pages show, not in id order."""
    docs = [
        IndexDoc(
            id=i,
            title=f"Note {i}",
            # more "grant" words on higher ids: relevance runs against id order
            pages=[(1, " ".join(["grant"] * (1 + i % 6)) + f" filler {i}")],
            date=date(2000 + (i * 7) % 20, 1, 1),
        )
        for i in range(1, 41)
    ]
    index_docs(docs)
    _, rows = read_csv(client.get(f"/search.csv?q=grant&sort={sort}"))
    exported = [int(r["id"]) for r in rows]
    shown = []
    for page in (1, 2):
        data = client.get(f"/api/search?q=grant&sort={sort}&size=20&page={page}").json()
        shown += [h["id"] for h in data["hits"]]
    assert exported == shown and len(exported) == 40
    assert exported != sorted(exported)


def test_export_filename_says_what_was_searched(client, corpus):
    from web.forms import SearchState
    from web.views import export_filename

    r = client.get("/search.csv?q=Experian+Mosaic")
    stamp = date.today().isoformat()
    assert f'filename="datascores-experian-mosaic-{stamp}.csv"' in r["Content-Disposition"]
    state = SearchState(q='"risk score" -covid', filters={"council": ("Kent County Council",)})
    name = export_filename(state, today=date(2026, 12, 4))
    assert name == "datascores-risk-score-covid-kent-county-council-2026-12-04.csv"
    assert export_filename(SearchState(), today=date(2026, 12, 4)) == (
        "datascores-everything-2026-12-04.csv"
    )
