"""The register's pages: a page per public body, company and system, the index, CSV, JSON."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest

from datascores.entities.models import Company, DocumentTag, PublicBody, System, TagStatus
from datascores.entities.services import set_tag_status

from .conftest import make_document, tag_and_index

pytestmark = pytest.mark.django_db


def test_company_page_shows_systems_users_evidence_and_links(client, corpus):
    page = client.get("/companies/experian")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<h1>Experian</h1>" in html
    # Aliases, and the systems it supplies, each linking to its page.
    assert "Experian plc" in html
    assert '<a href="/systems/mosaic-experian">Mosaic (Experian)</a>' in html
    # The body that uses it, with the sentence that says so, linked to the document.
    assert '<a href="/bodies/bristol-city-council">Bristol City Council</a>' in html
    assert "Experian supplied Mosaic geodemographic segmentation data." in html
    assert f'href="/documents/{corpus["bristol"].pk}' in html
    # The documents naming it: a link into search with the facet set.
    assert 'href="/search?company=Experian"' in html
    # A timeline by year (2018), a map of the bodies (data for the static script).
    assert "2018: 2 documents" in html
    assert 'id="map-data"' in html and "Bristol City Council" in html.split('id="map-data"')[1]
    assert "Xantura" in html.split('id="h-related"')[1]  # named in the same documents


def test_body_page_shows_what_it_uses_and_where_it_is(client, corpus):
    html = client.get("/bodies/bristol-city-council").content.decode()
    assert "Bristol City Council" in html
    assert '<a href="/companies/experian">Experian</a>' in html
    assert 'href="/search?council=Bristol+City+Council"' in html
    data = json.loads(
        html.split('<script id="map-data" type="application/json">')[1].split("</script>")[0]
    )
    assert data[0]["name"] == "Bristol City Council" and data[0]["lat"]


def test_confirmed_links_come_first(client, corpus):
    kent = make_document(
        "Kent and Experian",
        ["Kent County Council bought Experian Mosaic data in 2019 for its dataset work."],
        published_at=date(2019, 2, 2),
    )
    tag_and_index(kent)
    for doc in (kent,):
        for tag in DocumentTag.objects.filter(document=doc):
            set_tag_status(tag, TagStatus.CONFIRMED)
    data = client.get("/api/entities/companies/experian").json()
    first = data["links"][0]
    assert first["authority"]["name"] == "Kent County Council" and first["confirmed"] is True
    assert {ln["authority"]["name"] for ln in data["links"]} >= {"Bristol City Council"}
    assert data["timeline"] == [{"year": 2018, "count": 2}, {"year": 2019, "count": 1}]


def test_system_page_names_its_vendor(client, corpus):
    html = client.get("/systems/mosaic-experian").content.decode()
    assert 'Vendor</dt><dd><a href="/companies/experian">Experian</a>' in html


def test_names_are_escaped_everywhere(client, db):
    evil = Company.objects.create(name='<script>alert("x")</script> Ltd', slug="evil-ltd")
    System.objects.create(name="<b>Bold</b> & Co system", slug="bold", vendor=evil)
    doc = make_document("x", ['Bristol City Council uses <script>alert("x")</script> Ltd.'])
    tag_and_index(doc)
    for url in ("/companies/evil-ltd", "/systems/bold", "/entities?q=script"):
        html = client.get(url).content.decode()
        assert "<script>alert" not in html, url
        assert "&lt;script&gt;alert" in html, url
    body = client.get("/api/entities/companies/evil-ltd").json()
    assert body["name"].startswith("<script>")  # JSON carries the name as data


def test_csv_of_links_is_safe_for_spreadsheets(client, corpus):
    Company.objects.filter(slug="experian").update(name="=HYPERLINK(1)")
    resp = client.get("/companies/experian.csv")
    assert resp["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(resp.content.decode())))
    assert rows[0][:5] == ["public_body", "entity", "entity_type", "documents", "strength"]
    by_body = {r[0]: r for r in rows[1:]}
    assert "Bristol City Council" in by_body
    assert all(not r[1].startswith("=") for r in rows[1:])


def test_index_finds_by_name_or_alias_and_type(client, corpus):
    html = client.get("/entities?q=Experian+plc").content.decode()
    assert '<a href="/companies/experian">Experian</a>' in html  # by alias
    html = client.get("/entities?q=bristol&type=bodies").content.decode()
    assert "Bristol City Council" in html and "/companies/" not in html.split('id="h-results"')[1]
    api = client.get("/api/entities?q=xantura").json()
    assert api["results"][0]["url"] == "/companies/xantura"
    # With no query: what the documents name, most documents first.
    html = client.get("/entities").content.decode()
    assert "Experian" in html


def test_unknown_or_disabled_entities_are_404(client, corpus):
    assert client.get("/companies/no-such-company").status_code == 404
    PublicBody.objects.filter(slug="bristol-city-council").update(enabled=False)
    assert client.get("/bodies/bristol-city-council").status_code == 404
    assert client.get("/api/entities/bodies/bristol-city-council").status_code == 404


def test_names_elsewhere_link_to_their_pages(client, corpus):
    # The lookup resolves official names and aliases; unknown names go to the index.
    assert (
        client.get("/entities/go?type=company&name=Experian")["Location"] == "/companies/experian"
    )
    assert client.get("/entities/go?type=company&name=experian+plc")["Location"] == (
        "/companies/experian"
    )
    assert client.get("/entities/go?type=council&name=Bristol+City+Council")["Location"] == (
        "/bodies/bristol-city-council"
    )
    assert client.get("/entities/go?type=system&name=Nothing")["Location"] == (
        "/entities?q=Nothing&type=systems"
    )
    lookup = "/entities/go?type=company&amp;name=Experian"
    doc = client.get(f"/documents/{corpus['bristol'].pk}").content.decode()
    assert lookup in doc  # document tags
    search = client.get("/search?q=analytics").content.decode()
    assert lookup in search  # facet values
    insights = client.get("/insights").content.decode()
    assert "/entities/go?type=council&amp;name=Bristol%20City%20Council" in insights  # rows


def test_entities_api_says_which_parameter_is_wrong_and_answers_json(client, corpus):
    r = client.get("/api/entities?q=x&type=vendors")
    assert r.status_code == 400
    error = r.json()["error"]
    assert error.startswith("type:") and "companies" in error and "bodies" in error
    assert client.get("/api/entities?type=companies").status_code == 200
    missing = client.get("/api/entities/companies/no-such-company")
    assert missing.status_code == 404 and "no-such-company" in missing.json()["error"]
    for url in ("/api/entities?q=experian", "/api/entities/companies/experian"):
        get, head = client.get(url), client.head(url)
        assert head.status_code == get.status_code == 200, url
        assert get["Access-Control-Allow-Origin"] == "*"  # public data, as /api/search
    assert client.post("/api/entities?q=experian").status_code == 405
