"""/api/search and /api/documents/<id>."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_api_search_returns_hits_facets_and_snippets(client, indexed):
    r = client.get("/api/search?q=analytics&council=Kent+County+Council")
    assert r.status_code == 200
    assert r["Content-Type"].startswith("application/json")
    data = r.json()
    expected = {d.id for d in indexed if d.id % 2 == 0 and d.councils == ["Kent County Council"]}
    assert data["total"] == len(expected)
    assert {h["id"] for h in data["hits"]} == expected
    hit = data["hits"][0]
    assert hit["url"].endswith(f"/documents/{hit['id']}")
    assert hit["issuing_authority"] == "Kent County Council"
    assert hit["snippets"][0]["page"] == 1
    assert "<mark>analytics</mark>" in hit["snippets"][0]["html"]
    assert "<mark>" not in hit["snippets"][0]["text"]
    assert hit["whatdotheyknow_request_url"].startswith("https://www.whatdotheyknow.com/request/")
    councils = {f["value"]: f for f in data["facets"]["council"]}
    assert councils["Kent County Council"]["selected"] is True
    assert data["query"]["filters"] == {"council": ["Kent County Council"]}


def test_cursor_pagination_visits_every_hit_once(client, indexed):
    url = "/api/search?q=risk&size=7&sort=oldest&facets=0"
    seen: list[int] = []
    pages = 0
    while url:
        data = client.get(url).json()
        assert data["facets"] is None
        seen += [h["id"] for h in data["hits"]]
        url = data["next"]
        pages += 1
    assert pages == 5  # 30 hits, 7 a page
    assert sorted(seen) == list(range(1, 31)) and len(seen) == 30


def test_cursor_is_bound_to_its_search(client, indexed):
    data = client.get("/api/search?q=risk&size=5").json()
    cursor = data["next_cursor"]
    r = client.get(f"/api/search?q=analytics&size=5&cursor={cursor}")
    assert r.status_code == 400
    assert "different search" in r.json()["error"]
    r = client.get("/api/search?q=risk&size=5&cursor=forged")
    assert r.status_code == 400


def test_api_errors_are_json(client, indexed):
    r = client.get("/api/search?q=sc*re")
    assert r.status_code == 400
    assert "wildcards" in r.json()["error"]


def test_api_size_is_capped(client, indexed):
    data = client.get("/api/search?size=100000").json()
    assert data["size"] == 100


def test_api_document(client, corpus):
    doc = corpus["bristol"]
    r = client.get(f"/api/documents/{doc.pk}")
    assert r.status_code == 200
    data = r.json()
    assert data["title"] == doc.title
    assert data["date"] == "2018-03-14"
    assert data["tags"]["issuing_authority"] == "Bristol City Council"
    assert "Experian" in data["tags"]["companies"]
    assert any(e["name"] == "Experian" and e["page"] == 2 for e in data["evidence"])
    assert [p["number"] for p in data["pages"]] == [1, 2, 3]
    assert data["sources"][0]["location"].startswith("https://www.whatdotheyknow.com/")
    assert data["foi"]["status"] == "successful"
    assert data["download_url"].endswith(f"/documents/{doc.pk}/original")
    assert "pages" not in client.get(f"/api/documents/{doc.pk}?pages=0").json()
    assert client.get("/api/documents/999999").status_code == 404
