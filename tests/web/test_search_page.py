"""The /search page, parameter by parameter, over a search-only collection."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date

import pytest
from bs4 import BeautifulSoup
from django.test import Client

pytestmark = pytest.mark.django_db


def page(client, url: str, status: int = 200) -> BeautifulSoup:
    r = client.get(url)
    assert r.status_code == status, r.content[:500]
    return BeautifulSoup(r.content, "html.parser")


def total(soup: BeautifulSoup) -> int:
    head = soup.select_one("#results-heading").get_text(" ", strip=True)
    if head.startswith("No documents"):
        return 0
    return int(soup.select_one("#results-heading strong").get_text().replace(",", ""))


def result_ids(soup: BeautifulSoup) -> list[int]:
    return [
        int(re.search(r"/documents/(\d+)", a["href"]).group(1)) for a in soup.select(".result h3 a")
    ]


def facet_counts(soup: BeautifulSoup, name: str) -> dict[str, int]:
    out = {}
    for box in soup.select(f'input[type=checkbox][name="{name}"]'):
        label = box.find_parent("label")
        out[box["value"]] = int(label.select_one(".count").get_text().replace(",", ""))
    return out


def test_empty_search_lists_everything_newest_first(client, indexed):
    soup = page(client, "/search")
    assert total(soup) == 30
    ids = result_ids(soup)
    assert len(ids) == 20  # one page
    dates = {d.id: d.date for d in indexed}
    assert [dates[i] for i in ids] == sorted((dates[i] for i in ids), reverse=True)


def test_query_finds_matching_documents_with_snippets_and_page_numbers(client, indexed):
    soup = page(client, "/search?q=analytics")
    assert total(soup) == 15
    assert set(result_ids(soup)) == {d.id for d in indexed if d.id % 2 == 0}
    first = soup.select_one(".result")
    snippet = first.select_one(".snippets li")
    assert snippet.select_one("a.page").get_text() == "p. 1"
    assert snippet.select_one("mark").get_text().lower() == "analytics"
    assert "#page-1" in snippet.select_one("a.page")["href"]
    assert "1 match in this document, on 1 page" in first.get_text()  # counted by the backend
    # Result metadata: source type, issuing authority, date, FOI status.
    meta = first.select_one(".meta").get_text(" ", strip=True)
    doc = next(d for d in indexed if d.id == result_ids(soup)[0])
    assert doc.issuing_authority in meta
    assert str(doc.date.year) in meta


def test_facets_show_exact_counts(client, indexed):
    soup = page(client, "/search?q=analytics")
    matching = [d for d in indexed if d.id % 2 == 0]
    assert facet_counts(soup, "council") == dict(Counter(d.councils[0] for d in matching))
    assert facet_counts(soup, "company") == dict(Counter(d.companies[0] for d in matching))
    assert facet_counts(soup, "year") == dict(Counter(str(d.date.year) for d in matching))
    assert facet_counts(soup, "source") == dict(Counter(d.source_type for d in matching))
    assert facet_counts(soup, "type") == dict(Counter(d.file_type for d in matching))


@pytest.mark.parametrize(
    ("param", "value", "keep"),
    [
        ("council", "Kent County Council", lambda d: d.councils == ["Kent County Council"]),
        ("company", "Xantura", lambda d: d.companies == ["Xantura"]),
        ("system", "Mosaic (Experian)", lambda d: "Mosaic (Experian)" in d.systems),
        ("source", "web", lambda d: d.source_type == "web"),
        ("status", "successful", lambda d: d.foi_status == "successful"),
        ("type", "docx", lambda d: d.file_type == "docx"),
        ("year", "2017", lambda d: d.date.year == 2017),
    ],
)
def test_each_facet_filters_the_results(client, indexed, param, value, keep):
    soup = page(client, f"/search?{param}={value}&size=100")
    expected = {d.id for d in indexed if keep(d)}
    assert total(soup) == len(expected)
    # The box is ticked, and a chip offers to remove it.
    box = soup.select_one(f'input[name="{param}"][value="{value}"]')
    assert box.has_attr("checked")
    # The chip names the value as the facet lists it ("Web page", not "web").
    label = box.find_parent("label").select_one(".facet__name").get_text(strip=True)
    chip = soup.select_one(".chips a.chip")
    assert label in chip.get_text()
    assert f"{param}=" not in chip["href"]


def test_facets_are_multi_select(client, indexed):
    one = page(client, "/search?council=Kent+County+Council")
    both = page(client, "/search?council=Kent+County+Council&council=Leeds+City+Council")
    kent = sum(1 for d in indexed if d.councils == ["Kent County Council"])
    leeds = sum(1 for d in indexed if d.councils == ["Leeds City Council"])
    assert total(one) == kent
    assert total(both) == kent + leeds
    # Picking one council still shows the others with their counts.
    assert facet_counts(one, "council")["Leeds City Council"] == leeds
    # ...while other facets count within the selection.
    kent_companies = Counter(
        d.companies[0] for d in indexed if d.councils == ["Kent County Council"]
    )
    assert facet_counts(one, "company") == dict(kent_companies)


def test_clear_all_keeps_the_query(client, indexed):
    soup = page(client, "/search?q=analytics&council=Kent+County+Council&company=Experian")
    clear = soup.find("a", string=re.compile("Clear all"))
    assert clear is not None
    cleared = page(client, "/search" + clear["href"])
    assert total(cleared) == 15


def test_date_range(client, indexed):
    soup = page(client, "/search?from=2016-01-01&to=2017-12-31")
    expected = [d for d in indexed if date(2016, 1, 1) <= d.date <= date(2017, 12, 31)]
    assert total(soup) == len(expected)
    assert soup.select_one("#from")["value"] == "2016-01-01"
    kinds = [c.get_text(" ", strip=True) for c in soup.select(".chips .chip")]
    assert any(k.startswith("From:") for k in kinds) and any(k.startswith("To:") for k in kinds)


@pytest.mark.parametrize("sort", ["newest", "oldest"])
def test_sort_by_date(client, indexed, sort):
    soup = page(client, f"/search?q=analytics&sort={sort}")
    dates = {d.id: d.date for d in indexed}
    got = [dates[i] for i in result_ids(soup)]
    assert got == sorted(got, reverse=sort == "newest")
    assert soup.select_one(f'#sort option[value="{sort}"]').has_attr("selected")


def test_numbered_pagination_walks_every_result_once(client, indexed):
    first = page(client, "/search?q=risk")
    assert total(first) == 30
    nav = first.select_one("nav.pagination")
    assert [a.get_text(" ", strip=True) for a in nav.select("a")][:1] == ["Page 2"]
    second = page(client, "/search" + nav.select_one("a[rel=next]")["href"])
    ids = result_ids(first) + result_ids(second)
    assert sorted(ids) == list(range(1, 31))
    assert (
        second.select_one('nav.pagination [aria-current="page"]').get_text(" ", strip=True)
        == "Page 2"
    )
    assert second.select_one("nav.pagination a[rel=prev]")


def test_a_page_past_the_end_says_so(client, indexed):
    soup = page(client, "/search?q=risk&page=9")
    assert "There is no page 9" in soup.get_text()


def test_no_results_gives_advice(client, indexed):
    soup = page(client, "/search?q=zzyzx+nothing")
    assert total(soup) == 0
    assert "No documents match" in soup.get_text()
    assert "Check the spelling" in soup.get_text()


def test_a_bad_query_is_a_friendly_400_not_a_500(client, indexed):
    soup = page(client, "/search?q=sc*re", status=400)
    alert = soup.select_one('[role="alert"]')
    assert "wildcards can only end a word" in alert.get_text()
    assert soup.select_one("#q")["value"] == "sc*re"  # the query stays editable


def test_lenient_reading_is_explained(client, indexed):
    soup = page(client, '/search?q="predictive+analytics')
    assert "quote is not closed" in soup.get_text()
    assert total(soup) == 15


def test_export_and_api_links_carry_the_state(client, indexed):
    soup = page(client, "/search?q=analytics&council=Kent+County+Council&page=2")
    csv_link = soup.select_one('a[href^="/search.csv"]')["href"]
    assert csv_link.startswith("/search.csv?")
    assert "council=Kent+County+Council" in csv_link and "page=" not in csv_link


def test_document_links_carry_the_query(client, indexed):
    soup = page(client, "/search?q=analytics")
    link = soup.select_one(".result h3 a")["href"]
    assert re.fullmatch(r"/documents/\d+\?q=analytics", link)


def test_landing_page_has_search_box_counts_and_examples(client, indexed):
    soup = page(client, "/")
    assert soup.select_one('form[action="/search"] input[name="q"]')
    stats = soup.select_one(".stats").get_text(" ", strip=True)
    assert "30 documents" in stats and "3 public bodies" in stats
    assert soup.select_one('.examples a[href^="/search?q="]')


def test_landing_page_copes_with_no_index_yet(client):
    soup = page(client, "/")
    assert soup.select_one('input[name="q"]')


def test_static_pages_and_404(client):
    assert "Query syntax" in page(client, "/help").get_text()
    assert "About Data Scores" in page(client, "/about").get_text()
    r = client.get("/no/such/page")
    assert r.status_code == 404


def test_a_search_engine_that_cannot_answer_is_a_clear_503_everywhere(client, monkeypatch):
    from search.backends.base import SearchUnavailable
    from web import engine

    def down():
        raise SearchUnavailable("connection refused")

    monkeypatch.setattr(engine, "backend", down)
    r = client.get("/search?q=x")
    assert r.status_code == 503
    assert "Search is unavailable" in r.content.decode()
    assert client.get("/search.csv?q=x").status_code == 503
    assert client.get("/api/search?q=x").status_code == 503
    assert client.get("/insights").status_code == 503
    r = client.get("/insights.csv")
    assert r.status_code == 503
    assert "unavailable" in r.content.decode()
    assert "Traceback" not in r.content.decode()
    assert "unavailable" in client.post("/batch", {"terms": "x"}).content.decode()
    assert client.get("/").status_code == 200  # the landing page still offers the search box


@pytest.mark.parametrize(
    "url", ["/", "/search?q=x", "/search.csv?q=x", "/api/search?q=x", "/insights", "/insights.csv"]
)
def test_a_bug_behind_the_search_is_a_logged_500_not_an_outage(url, monkeypatch, caplog):
    """Only SearchUnavailable means "search is down"; any other error is a bug: a 500
    with the site's error page, logged with its traceback."""
    from web import engine

    def buggy():
        raise AttributeError("'NoneType' object has no attribute 'search'")

    monkeypatch.setattr(engine, "backend", buggy)
    client = Client(raise_request_exception=False)
    r = client.get(url)
    assert r.status_code == 500
    assert "Something went wrong" in r.content.decode()
    assert any(rec.exc_info and rec.exc_info[0] is AttributeError for rec in caplog.records)


def test_unknown_pages_get_the_site_404_page(client):
    r = client.get("/no/such/page")
    assert r.status_code == 404
    assert "Page not found" in r.content.decode()


def test_file_type_facet_uses_the_extraction_registry_labels(client):
    """ODS and ODP are their own file types, labelled as the format modules declare."""
    from search.backends import IndexDoc

    from .conftest import index_docs

    index_docs(
        [
            IndexDoc(id=1, title="Budget", pages=[(1, "x")], file_type="ods"),
            IndexDoc(id=2, title="Slides", pages=[(1, "x")], file_type="odp"),
        ]
    )
    soup = page(client, "/search")
    labels = {
        box["value"]: box.find_parent("label").select_one(".facet__name").get_text(strip=True)
        for box in soup.select('input[type=checkbox][name="type"]')
    }
    assert labels == {
        "ods": "OpenDocument spreadsheet (ODS)",
        "odp": "OpenDocument presentation (ODP)",
    }


def test_hits_show_their_request_and_whether_they_are_gone(client):
    """FOI hits link to the WhatDoTheyKnow request they came from; documents whose web
    addresses no longer answer say so, and the availability facet filters on it."""
    from search.backends import IndexDoc

    from .conftest import index_docs

    url = "https://www.whatdotheyknow.com/request/use_of_analytics_12"
    index_docs(
        [
            IndexDoc(
                id=1,
                title="Response letter",
                pages=[(1, "analytics")],
                source_type="foi",
                foi_status="rejected",
                request_id=12,
                request_title="Use of analytics",
                request_url=url,
            ),
            IndexDoc(id=2, title="Old page", pages=[(1, "analytics")], availability="gone"),
            IndexDoc(
                id=3,
                title="Odd",
                pages=[(1, "analytics")],
                request_title="Not a web link",
                request_url="javascript:alert(1)",
            ),
        ]
    )
    soup = page(client, "/search?q=analytics&sort=oldest")
    results = soup.select("li.result")
    request = results[0].select_one("p.request")
    assert request.get_text(" ", strip=True) == "From request: Use of analytics"
    assert request.select_one("a")["href"] == url
    assert "FOI: Refused" in results[0].get_text()
    assert not results[0].select(".badge--warn")
    assert results[1].select_one(".badge--warn").get_text() == "Gone from the web"
    assert results[2].select_one("p.request a") is None  # only http(s) links
    labels = {
        box["value"]: box.find_parent("label").select_one(".facet__name").get_text(strip=True)
        for box in soup.select('input[type=checkbox][name="availability"]')
    }
    assert labels == {"live": "Still online", "gone": "Gone from the web"}
    assert result_ids(page(client, "/search?q=analytics&availability=gone")) == [2]
    hit = client.get("/api/search?q=analytics&sort=oldest").json()["hits"][0]
    assert hit["request_id"] == 12 and hit["request_title"] == "Use of analytics"
    assert hit["whatdotheyknow_request_url"] == url


@pytest.mark.parametrize("url", ["/", "/search?q=x", "/insights", "/about", "/no/such/page"])
def test_search_boxes_take_exactly_the_query_length_the_parser_allows(client, url):
    from search.query import MAX_QUERY_CHARS

    soup = BeautifulSoup(client.get(url).content, "html.parser")
    boxes = soup.select('input[name="q"]')
    assert boxes
    assert {b.get("maxlength") for b in boxes} == {str(MAX_QUERY_CHARS)}


def test_a_query_nothing_fully_matches_shows_partial_matches_and_says_so(client, indexed):
    # No document has "zeppelin": those with the other two words are shown, plainly marked.
    soup = page(client, "/search?q=predictive+analytics+zeppelin")
    notes = " ".join(n.get_text(" ", strip=True) for n in soup.select(".notice"))
    assert "No document has all 3 of your words" in notes
    assert total(soup) == 15  # the even ids: both other words
    soup = page(client, '/search?q="predictive analytics" zeppelin')
    assert total(soup) == 0  # quotes are explicit: never relaxed


def test_the_api_says_when_results_are_relaxed(client, indexed):
    data = client.get("/api/search?q=predictive+analytics+zeppelin").json()
    assert data["relaxed"] is True and data["total"] == 15
    assert any("at least 2" in n for n in data["notes"])
    assert client.get("/api/search?q=predictive+analytics").json()["relaxed"] is False


def test_a_typo_gets_a_did_you_mean_link(client, corpus):
    soup = page(client, "/search?q=experain")
    link = soup.select_one("#did-you-mean a")
    assert link is not None and link.get_text() == "experian"
    assert "q=experian" in link["href"]
    assert client.get("/api/search?q=experain").json()["suggestion"] == "experian"


def test_name_filters_accept_aliases_and_short_forms_and_say_what_they_found(client, corpus):
    # "KCC" is an alias in the vocabulary; "Hackney" is a short form of the indexed name.
    for value, official in (
        ("KCC", "Kent County Council"),
        ("Hackney", "London Borough of Hackney"),
    ):
        data = client.get(f"/api/search?council={value}").json()
        assert data["total"] >= 1, value
        assert f"“{value}” was read as “{official}”." in data["notes"]
        assert all(official in h["councils"] for h in data["hits"])
        soup = page(client, f"/search?council={value}")
        assert official in " ".join(n.get_text() for n in soup.select(".notice"))


def test_hidden_facet_values_are_not_rendered_until_asked_for(client):
    from search.backends import IndexDoc

    from .conftest import index_docs

    index_docs(
        IndexDoc(i, f"Doc {i}", [(1, "grant")], councils=[f"Council {i:02d}"]) for i in range(1, 13)
    )
    soup = page(client, "/search?q=grant")
    shown = facet_counts(soup, "council")
    assert len(shown) == 8  # the first eight values only: the rest is not in the page
    more = soup.select_one("#facet-council .facet__more a")
    assert more.get_text() == "4 more" and "expand=council" in more["href"]
    soup = page(client, "/search" + more["href"].split("#")[0])
    assert len(facet_counts(soup, "council")) == 12


def test_a_repeated_search_shows_what_was_indexed_or_removed_since(client):
    """Answers are kept per index state: the same URL again is the same page until a
    document is added or removed, then it shows the change at once."""
    from search.indexer import delete_documents

    from .conftest import make_document, tag_and_index

    first = make_document("Mosaic contract", ["The council bought Mosaic segmentation."])
    tag_and_index(first)
    assert result_ids(page(client, "/search?q=mosaic")) == [first.id]
    assert result_ids(page(client, "/search?q=mosaic")) == [first.id]  # kept
    second = make_document("Mosaic renewal", ["Mosaic was renewed for three years."])
    tag_and_index(second)
    assert set(result_ids(page(client, "/search?q=mosaic"))) == {first.id, second.id}
    delete_documents([first.id])
    assert result_ids(page(client, "/search?q=mosaic")) == [second.id]
