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


def test_api_size_at_the_limit_is_served(client, indexed):
    assert client.get("/api/search?size=100").json()["size"] == 100


@pytest.mark.parametrize(
    "query, parameter, allowed",
    [
        ("sort=bogus", "sort", "relevance, newest, oldest"),
        ("size=100000", "size", "from 1 to 100"),
        ("size=0", "size", "from 1 to 100"),
        ("size=ten", "size", "from 1 to 100"),
        ("page=-2", "page", "from 1 to 10,000"),
        ("from=2020-13-45", "from", "YYYY-MM-DD"),
        ("year=19", "year", "four digits"),
        ("facets=maybe", "facets", "1 or 0"),
    ],
)
def test_invalid_parameters_are_a_400_naming_them_and_their_allowed_values(
    client, indexed, query, parameter, allowed
):
    r = client.get(f"/api/search?q=risk&{query}")
    assert r.status_code == 400
    error = r.json()["error"]
    assert error.startswith(f"{parameter}:") and allowed in error


def test_api_index_lists_the_endpoints(client, indexed):
    r = client.get("/api/")
    assert r.status_code == 200
    data = r.json()
    urls = [e["url"] for e in data["endpoints"]]
    assert any(u.endswith("/api/search") for u in urls)
    assert any(u.endswith("/api/documents/{id}") for u in urls)
    assert any(u.endswith("/search.csv") for u in urls)
    assert any(u.endswith("/api/entities") for u in urls)
    assert any(u.endswith("/api/entities/{type}/{slug}") for u in urls)
    search = data["endpoints"][0]["parameters"]
    assert {"q", "sort", "size", "cursor", "council", "company", "system"} <= set(search)


def test_head_works_wherever_get_does(client, corpus):
    doc = corpus["bristol"]
    for url in (
        "/",
        "/search?q=analytics",
        "/search.csv?q=analytics",
        "/api/",
        "/api/search?q=analytics",
        f"/api/documents/{doc.pk}",
        f"/documents/{doc.pk}",
        f"/documents/{doc.pk}/original",
        "/about",
    ):
        get, head = client.get(url), client.head(url)
        assert head.status_code == get.status_code == 200, url
        assert head["Content-Type"] == get["Content-Type"], url


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


def walk(client, url: str) -> tuple[list[dict], int]:
    hits: list[dict] = []
    requests = 0
    while url:
        r = client.get(url)
        assert r.status_code == 200, r.content[:300]
        data = r.json()
        hits += data["hits"]
        url = data["next"]
        requests += 1
    return hits, data["total"]


@pytest.mark.slow
@pytest.mark.parametrize("sort", ["newest", "relevance"])
def test_the_cursor_pages_past_ten_thousand_results(client, sort):
    """10,250 matches: the cursor walks them all, each once, in the order of the pages."""
    from datetime import date

    from search.backends import IndexDoc

    from .conftest import index_docs

    n = 10_250
    docs = [
        IndexDoc(
            id=i,
            title=f"Record {i}",
            # a varying number of "grant" words, so relevance scores vary and tie too
            pages=[(1, " ".join(["grant"] * (1 + i % 7)) + f" note {i}")],
            source_type="foi",
            date=date(2000 + i % 25, 1 + i % 12, 1) if i % 50 else None,
        )
        for i in range(1, n + 1)
    ]
    for start in range(0, n, 5000):
        index_docs(docs[start : start + 5000])
    hits, total = walk(client, f"/api/search?q=grant&sort={sort}&size=100&facets=0")
    ids = [h["id"] for h in hits]
    assert total == n and len(ids) == n and set(ids) == set(range(1, n + 1))
    first_page = client.get(f"/api/search?q=grant&sort={sort}&size=100&page=7&facets=0").json()
    assert [h["id"] for h in first_page["hits"]] == ids[600:700]  # numbered pages agree
    if sort == "relevance":  # best first; ties in the engine's own stable order
        scores = [h["score"] for h in hits]
        assert scores == sorted(scores, reverse=True)
    else:
        dates = [h["date"] for h in hits if h["date"]]
        assert dates == sorted(dates, reverse=True)
        assert all(h["date"] is None for h in hits[len(dates) :])  # undated last
    r = client.get("/api/search?q=grant&size=100&page=101")
    assert r.status_code == 400 and "next" in r.json()["error"]


def test_hits_carry_their_match_counts(client, indexed):
    data = client.get("/api/search?q=analytics+OR+risk&size=100").json()
    by_id = {h["id"]: h for h in data["hits"]}
    assert {h["matches"] for h in data["hits"]} == {1, 2}
    assert by_id[2]["matches"] == 2 and by_id[3]["matches"] == 1  # analytics + risk; risk


def test_api_document_does_not_expose_server_paths(client, db):
    """An ingested file's source shows its filename, never where it sits on the server."""
    from datascores.documents.models import Source, SourceKind

    from .conftest import make_document

    doc = make_document("Uploaded", ["Some text."], filename="contract.pdf")
    Source.objects.filter(document=doc).update(
        kind=SourceKind.UPLOAD, location="/srv/datascores/inbox/private/contract.pdf"
    )
    Source.objects.create(
        document=doc, kind=SourceKind.UPLOAD, location="/home/ops/secret dir/no-name.pdf"
    )
    body = client.get(f"/api/documents/{doc.pk}").content.decode()
    assert "/srv/" not in body and "/home/" not in body
    sources = client.get(f"/api/documents/{doc.pk}").json()["sources"]
    assert [s["location"] for s in sources] == ["contract.pdf", "no-name.pdf"]
    page = client.get(f"/documents/{doc.pk}").content.decode()
    assert "/srv/" not in page and "/home/ops" not in page


def test_api_document_lists_versions_and_source_states(client, db):
    """A re-fetched web page: every version with its content hash, and whether each
    source still answers."""
    from datetime import UTC, datetime

    from datascores.documents.models import Blob, Source, SourceStatus, Version

    from .conftest import make_document

    url = "https://council.example/policy.html"
    doc = make_document("Policy", ["Now."], urls=[url], file_type="html")
    old = Blob.objects.create(sha256="a" * 64, size=3, mime_type="text/html")
    Version.objects.create(document=doc, number=1, blob=old, url=url, text="Then.")
    Version.objects.create(document=doc, number=2, blob=doc.blob, url=url, text="Now.")
    gone = datetime(2024, 3, 5, tzinfo=UTC)
    Source.objects.filter(document=doc).update(status=SourceStatus.GONE, gone_since=gone)
    data = client.get(f"/api/documents/{doc.pk}").json()
    assert [(v["number"], v["sha256"], v["url"]) for v in data["versions"]] == [
        (1, "a" * 64, url),
        (2, doc.blob.sha256, url),
    ]
    (source,) = data["sources"]
    assert source["url"] == url and source["status"] == "gone"
    assert source["gone_since"].startswith("2024-03-05")


WORST = " OR ".join(f"{w}~2" for w in ["risk", "data", "model", "score"] * 15)


def test_the_worst_case_query_is_refused_everywhere_with_a_sentence(client, indexed):
    from urllib.parse import quote

    q = quote(WORST)
    r = client.get(f"/api/search?q={q}")
    assert r.status_code == 400 and "too many fuzzy" in r.json()["error"]
    r = client.get(f"/search?q={q}")
    assert r.status_code == 400 and b"too many fuzzy" in r.content
    r = client.get(f"/search.csv?q={q}")
    assert r.status_code == 400 and b"too many fuzzy" in r.content


def test_an_expensive_query_waits_for_a_slot_and_is_refused_when_none_frees(
    client, indexed, settings
):
    from web import engine

    with engine.slots().hold():  # another request holds the only slot
        r = client.get("/api/search?q=risk~1")
        assert r.status_code == 429 and r["Retry-After"] == "2"
        assert "already running" in r.json()["error"]
        assert client.get("/search?q=sc*").status_code == 429
        assert client.get("/search?q=scor*").status_code == 200  # a longer prefix: no slot
        assert client.get("/api/search?q=risk").status_code == 200  # plain words: no slot
    assert client.get("/api/search?q=risk~1").status_code == 200


def test_an_export_out_of_time_ends_with_a_row_saying_where_it_stopped(
    client, indexed, settings, monkeypatch
):
    import itertools

    from search.backends import embedded
    from search.backends.budget import Deadline
    from web import engine

    ticks = itertools.count()  # every look at the clock is one second later
    monkeypatch.setattr(engine, "Deadline", lambda s: Deadline(s, clock=lambda: next(ticks)))
    monkeypatch.setattr(embedded, "RELEVANCE_SCAN_BATCH", 10)
    settings.SEARCH_EXPORT_SECONDS = 2.5
    r = client.get("/search.csv?q=risk&bom=0")
    assert r.status_code == 200
    lines = b"".join(r.streaming_content).decode().strip().splitlines()
    # the clock: 0 when made, 1 and 2 before the first two batches, 3 (late) before the third
    assert lines[-1].startswith('"Export cut after 20 rows: This request was stopped after 2.5 s')
    assert len(lines) == 1 + 20 + 1  # header, two batches, the sentence
