"""/insights (table, tops, years, map data, CSV) and /batch (paste, upload, split, CSV)."""

from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter

import pytest
from bs4 import BeautifulSoup
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

pytestmark = pytest.mark.django_db


def soup_of(r) -> BeautifulSoup:
    return BeautifulSoup(r.content, "html.parser")


def search_total(client, href: str) -> int:
    soup = soup_of(client.get(href))
    strong = soup.select_one("#results-heading strong")
    return int(strong.get_text().replace(",", "")) if strong else 0


def csv_of(r) -> list[dict]:
    body = b"".join(r.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(body)))


# --- insights --------------------------------------------------------------------------


def test_matrix_counts_match_the_searches_they_link_to(client, indexed):
    r = client.get("/insights?q=risk")
    assert r.status_code == 200
    soup = soup_of(r)
    table = soup.select_one("table.matrix")
    columns = [th.get_text(strip=True) for th in table.select("thead th.col-head")]
    assert set(columns) == {"Experian", "Xantura"}
    expected = Counter((d.councils[0], d.companies[0]) for d in indexed)
    cells = table.select("td.cell a")
    assert cells
    for row in table.select("tbody tr"):
        council = row.th.get_text(strip=True)
        for col, td in zip(columns, row.select("td.cell"), strict=True):
            n = int(td.get_text(strip=True)) if td.a else 0
            assert n == expected[(council, col)]
            if td.a:
                assert search_total(client, td.a["href"]) == n


def test_systems_tab(client, indexed):
    soup = soup_of(client.get("/insights?by=system"))
    columns = [th.get_text(strip=True) for th in soup.select("table.matrix th.col-head")]
    assert columns == ["Mosaic (Experian)"]
    assert soup.select_one('.tabs a[aria-current="true"]').get_text() == "Systems"


def test_tops_years_and_map_data(client, indexed):
    soup = soup_of(client.get("/insights"))
    companies = {
        li.select_one(".label").get_text(): int(li.select_one(".n").get_text())
        for li in soup.select("#h-companies ~ ul.bars li")
    }
    assert companies == dict(Counter(d.companies[0] for d in indexed))
    years = [a["aria-label"] for a in soup.select(".histogram a")]
    assert years[0].startswith("2015:") and years[-1].startswith("2019:")
    # every year is labelled on the axis (a few years: no thinning), and no bar or
    # label relies on a style attribute, which the Content-Security-Policy blocks
    labels = [s.get_text() for s in soup.select(".histogram .year")]
    assert labels == ["2015", "2016", "2017", "2018", "2019"]
    assert not soup.select("main [style]")
    # Map markers come from the vocabulary's coordinates, sized by document counts.
    points = json.loads(soup.select_one("#map-data").string)
    by_name = {p["name"]: p for p in points}
    assert by_name["Kent County Council"]["count"] == 10
    assert 50 < by_name["Kent County Council"]["lat"] < 52
    assert by_name["Kent County Council"]["url"] == "/search?council=Kent+County+Council"


def test_year_labels_thin_out_only_past_twenty_years():
    from web.insights import year_labels

    assert list(year_labels(2010, 2029).values()) == [str(y) for y in range(2010, 2030)]
    many = year_labels(1989, 2026)  # 38 years: every second, plus both ends
    shown = [y for y, label in many.items() if label]
    assert shown == [1989, *range(1990, 2027, 2)]
    assert all(many[y] == str(y) for y in shown)
    century = year_labels(1900, 2026)
    assert [y for y, label in century.items() if label] == [*range(1900, 2021, 10), 2026]
    assert year_labels(2019, 2019) == {2019: "2019"}


def test_insights_respects_filters_and_bad_queries(client, indexed):
    soup = soup_of(client.get("/insights?company=Xantura"))
    assert "Based on 15 documents" in soup.get_text(" ", strip=True)
    r = client.get("/insights?q=sc*re")
    assert r.status_code == 400
    assert "wildcards" in soup_of(r).select_one('[role="alert"]').get_text()


def test_insights_csv_has_every_pair(client, indexed):
    r = client.get("/insights.csv?by=company")
    assert r.status_code == 200
    rows = csv_of(r)
    expected = Counter((d.councils[0], d.companies[0]) for d in indexed)
    assert {(row["public_body"], row["name"]): int(row["documents"]) for row in rows} == expected
    assert rows[0]["search_url"].startswith("http://testserver/search?")


# --- batch ------------------------------------------------------------------------------


def test_batch_paste_counts_each_line(client, indexed):
    r = client.post("/batch", {"terms": "analytics\nhousing benefit\nzebra\nsc*re\n"})
    assert r.status_code == 200
    soup = soup_of(r)
    rows = {
        tr.th.get_text(strip=True): tr.select_one("td").get_text(" ", strip=True)
        for tr in soup.select("tbody tr")
    }
    assert rows["analytics"] == "15"
    assert rows["housing benefit"] == "15"
    assert rows["zebra"] == "0"
    assert "wildcards" in rows["sc*re"]
    link = soup.select_one("tbody tr td a")["href"]
    assert link == "/search?q=analytics"
    assert search_total(client, link) == 15


def test_batch_split_by_public_body(client, indexed):
    r = client.post("/batch", {"terms": "analytics", "split": "on"})
    soup = soup_of(r)
    heads = [th.get_text(strip=True) for th in soup.select("thead th")][2:]
    cells = [td.get_text(strip=True) for td in soup.select("tbody tr td")][1:]
    expected = Counter(d.councils[0] for d in indexed if d.id % 2 == 0)
    assert dict(zip(heads, map(int, cells), strict=True)) == dict(expected)
    links = [a["href"] for a in soup.select("tbody tr td a")][1:]
    assert all(re.search(r"q=analytics&council=", u) for u in links)


def test_batch_csv_split_neutralises_public_body_column_names(client):
    """A body's name heads a column of the split CSV: a formula there must stay text."""
    from search.backends import IndexDoc

    from .conftest import index_docs

    hostile = '=HYPERLINK("http://evil.example","Click")'
    index_docs([IndexDoc(id=1, title="t", pages=[(1, "analytics")], councils=[hostile])])
    r = client.post("/batch", {"terms": "analytics", "split": "on", "format": "csv"})
    body = b"".join(r.streaming_content).decode("utf-8-sig")
    header = next(csv.reader(io.StringIO(body)))
    assert header[-1] == "'" + hostile
    assert not any(cell.startswith("=") for cell in header)


def test_batch_upload_and_csv(client, indexed):
    upload = SimpleUploadedFile("terms.csv", b"term\nanalytics\n=evil()\n", content_type="text/csv")
    r = client.post("/batch", {"file": upload, "format": "csv"})
    assert r.status_code == 200
    assert r["Content-Disposition"].startswith("attachment")
    rows = csv_of(r)
    by_query = {row["query"]: row for row in rows}
    assert by_query["analytics"]["documents"] == "15"
    assert "'=evil()" in by_query  # formula neutralised in the cell
    assert by_query["analytics"]["search_url"] == "http://testserver/search?q=analytics"


def test_batch_validation(client):
    r = client.post("/batch", {"terms": "  \n# only a comment\n"})
    assert r.status_code == 400
    assert "at least one term" in r.content.decode()
    r = client.post("/batch", {"terms": "\n".join(f"t{i}" for i in range(201))})
    assert r.status_code == 400
    assert "limit is 200" in r.content.decode()


def test_batch_is_csrf_protected(indexed):
    strict = Client(enforce_csrf_checks=True)
    assert strict.post("/batch", {"terms": "analytics"}).status_code == 403
    form = soup_of(strict.get("/batch"))
    token = form.select_one('input[name="csrfmiddlewaretoken"]')["value"]
    r = strict.post("/batch", {"terms": "analytics", "csrfmiddlewaretoken": token})
    assert r.status_code == 200


def test_batch_as_a_shareable_get(client, indexed):
    r = client.get("/batch?terms=analytics%0Arisk")
    soup = soup_of(r)
    assert [tr.th.get_text() for tr in soup.select("tbody tr")] == ["analytics", "risk"]


def test_counts_only_pages_fetch_no_hits(client, indexed, monkeypatch):
    """Insights and batch only need totals and facets: they ask the engine for no hits."""
    from web import engine

    backend = engine.backend()
    sizes = []
    real = backend.search

    def spy(request):
        sizes.append(request.size)
        return real(request)

    monkeypatch.setattr(backend, "search", spy)
    assert client.get("/insights?q=risk").status_code == 200
    assert client.post("/batch", {"terms": "analytics\nrisk", "split": "on"}).status_code == 200
    assert sizes and set(sizes) == {0}


@pytest.mark.django_db
def test_a_csv_upload_that_is_not_csv_gets_a_clear_error(client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = SimpleUploadedFile("terms.csv", b'"' + b"x" * 200_000 + b"\n", content_type="text/csv")
    resp = client.post("/batch", {"file": bad})
    assert resp.status_code in (200, 400)
    assert "could not be read as CSV" in resp.content.decode()


@pytest.mark.django_db
def test_an_over_long_query_is_refused_not_cut(client):
    resp = client.get("/search", {"q": "council " * 200})
    assert resp.status_code == 400
    assert "too long" in resp.content.decode()


@pytest.mark.django_db
def test_an_oversized_batch_upload_is_refused_before_it_is_read(client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    big = SimpleUploadedFile("terms.txt", b"xantura\n" * 100_000)  # 800 KB
    resp = client.post("/batch", {"file": big})
    assert resp.status_code == 413
