#!/usr/bin/env python
"""Site benchmark: server time per request for /search and /documents/<id>, and CSV export.

    python benchmarks/site.py                 # 100k synthetic documents (about 5 minutes)
    python benchmarks/site.py --docs 10000

Uses benchmarks/search.py's synthetic corpus (Zipf text, planted names, dates) in the
embedded index, and the same documents as database rows (SQLite in a throwaway home)
for the document page. "Server time" is the whole Django request in-process (URL
routing, middleware, view, search, template), measured with the test client; no
network. CSV export is measured on the streamed response body: rows per second, and
peak Python memory (tracemalloc) for growing row counts, which must stay flat.
Targets: /search p95 <= 100 ms; export >= 50,000 rows/s, memory flat in the row count.

First, on the first ``--rebuild-docs`` documents stored as rows with entity tags, it
measures ``search_index rebuild`` from the database: documents read per second, and
database queries per chunk, with tags read per document (the old path) and in bulk.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
HOME = tempfile.mkdtemp(prefix="ds-site-bench-")
os.environ["DATASCORES_HOME"] = HOME
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "datascores.settings")
os.environ.setdefault("DATASCORES_LOG_LEVEL", "WARNING")
os.environ["CELERY_TASK_ALWAYS_EAGER"] = "1"


def load_search_benchmark():
    """benchmarks/search.py by path (its name would shadow the search package)."""
    spec = importlib.util.spec_from_file_location("bench_search", REPO / "benchmarks/search.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def setup_django() -> None:
    import django
    from django.conf import settings

    django.setup()
    from django.urls import NoReverseMatch, reverse

    try:
        reverse("search")
    except NoReverseMatch:  # the project's urls.py does not include the site yet
        settings.ROOT_URLCONF = "tests.web.urls"
    settings.ALLOWED_HOSTS = ["*"]
    settings.DEBUG = False
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def store_rows(docs) -> None:
    """The corpus as database rows (blob, document, pages), in bulk, without signals."""
    from datascores.documents.models import Blob, Document, Page, Status

    batch = 2000
    for start in range(0, len(docs), batch):
        chunk = docs[start : start + batch]
        blobs = [
            Blob(
                sha256=f"{d.id:064x}",
                size=sum(len(t) for _, t in d.pages),
                mime_type="application/pdf",
                file=f"bench/{d.id}.pdf",
            )
            for d in chunk
        ]
        Blob.objects.bulk_create(blobs)
        by_sha = dict(
            Blob.objects.filter(sha256__in=[b.sha256 for b in blobs]).values_list("sha256", "id")
        )
        Document.objects.bulk_create(
            Document(
                id=d.id,
                blob_id=by_sha[f"{d.id:064x}"],
                title=d.title,
                source_type=d.source_type,
                file_type=d.file_type,
                published_at=d.date,
                status=Status.DONE,
                page_count=len(d.pages),
                metadata={"foi_status": d.foi_status},
                index_dirty=False,
            )
            for d in chunk
        )
        Page.objects.bulk_create(
            Page(document_id=d.id, number=n, text=t) for d in chunk for n, t in d.pages
        )


def tag_rows(n: int) -> int:
    """Entity tags on documents 1..n from the loaded vocabulary (1-4 each, an issuer
    among them), as the tagger leaves them; returns how many."""
    import random

    from datascores.entities.models import DocumentTag, Entity, EntityType, TagRole

    rng = random.Random(3)
    authority = EntityType.AUTHORITY
    bodies = list(Entity.objects.filter(entity_type=authority).values_list("pk", flat=True))
    others = list(Entity.objects.exclude(entity_type=authority).values_list("pk", flat=True))
    tags = []
    for doc_id in range(1, n + 1):
        issuer = rng.choice(bodies)
        tags.append(DocumentTag(document_id=doc_id, entity_id=issuer, role=TagRole.ISSUER))
        for entity in set(rng.sample(others, rng.randint(0, 3))):
            tags.append(DocumentTag(document_id=doc_id, entity_id=entity))
    DocumentTag.objects.bulk_create(tags, batch_size=2000)
    return len(tags)


def rebuild_from_database(n: int) -> list[str]:
    """``search_index rebuild`` over n stored, tagged documents; and reading them into
    IndexDocs with tags per document (the old path) against in bulk."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from search import indexer

    tags = tag_rows(n)
    print(f"{n:,} documents stored with {tags:,} entity tags", flush=True)
    ids = list(range(1, n + 1))
    chunks = [ids[i : i + indexer.CHUNK] for i in range(0, n, indexer.CHUNK)]

    def per_document(chunk):
        return [indexer.build_index_doc(d) for d in indexer._documents(chunk)]

    def bulk(chunk):
        return list(indexer.build_index_docs(chunk))

    out = []
    paths = (("tags read per document (before)", per_document), ("tags read in bulk", bulk))
    for label, read in paths:
        with CaptureQueriesContext(connection) as ctx:
            read(chunks[0])
        queries = len(ctx.captured_queries)
        t = time.perf_counter()
        built = sum(len(read(chunk)) for chunk in chunks)
        rate = built / (time.perf_counter() - t)
        out.append(f"| read into IndexDocs, {label} | {built:,} | {rate:,.0f} | {queries} |")
        print(out[-1], flush=True)
    t = time.perf_counter()
    report = indexer.rebuild()
    seconds = time.perf_counter() - t
    out.append(
        f"| `search_index rebuild` (read, index, swap, reconcile) | {report['indexed']:,} "
        f"| {report['indexed'] / seconds:,.0f} | |"
    )
    print(out[-1], flush=True)
    return out


def table_row(label: str, n: int, times: list[float]) -> str:
    median, p95 = statistics.median(times), percentile(times, 0.95)
    return f"| {label} | {n} | {median:.1f} ms | {p95:.1f} ms |"


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    k = (len(values) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def timed_requests(client, urls: list[str], repeats: int) -> tuple[list[float], int]:
    for url in urls:  # warm-up: first touch of postings, templates compiled
        client.get(url)
    times = []
    statuses = set()
    for _ in range(repeats):
        for url in urls:
            t = time.perf_counter()
            r = client.get(url)
            times.append((time.perf_counter() - t) * 1000)
            statuses.add(r.status_code)
    bad = statuses - {200}
    if bad:
        raise SystemExit(f"unexpected status {bad}")
    return times, len(urls) * repeats


def export(client, url: str, *, trace: bool) -> tuple[int, float, int]:
    """(rows, seconds, peak bytes) for one streamed CSV response, consumed in full."""
    if trace:
        tracemalloc.start()
    t = time.perf_counter()
    r = client.get(url)
    lines = 0
    for chunk in r.streaming_content:
        lines += chunk.count(b"\r\n")
    seconds = time.perf_counter() - t
    peak = 0
    if trace:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return lines - 1, seconds, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--rebuild-docs", type=int, default=5000)
    args = parser.parse_args()

    bench = load_search_benchmark()
    print(f"Machine: {bench.machine()}")
    setup_django()
    from urllib.parse import quote

    from django.test import Client

    from search.backends import get_backend

    corpus = bench.Corpus(seed=args.docs)
    t = time.perf_counter()
    docs = corpus.docs(args.docs)
    print(f"{args.docs:,} documents generated in {time.perf_counter() - t:.0f} s", flush=True)
    first = min(args.rebuild_docs, len(docs))
    store_rows(docs[:first])
    rebuild_rows = rebuild_from_database(first)
    t = time.perf_counter()
    get_backend().rebuild(docs)
    print(f"indexed in {time.perf_counter() - t:.0f} s", flush=True)
    t = time.perf_counter()
    store_rows(docs[first:])
    print(f"stored as database rows in {time.perf_counter() - t:.0f} s", flush=True)

    client = Client()
    rows: list[str] = []
    queries = corpus.queries()
    council = quote(corpus.councils[0])
    search_urls = {
        "search: common term": [f"/search?q={quote(q)}" for q in queries["common term"]],
        "search: rare term": [f"/search?q={quote(q)}" for q in queries["rare term"]],
        "search: two-term AND": [f"/search?q={quote(q)}" for q in queries["two-term AND"][:10]],
        "search: phrase": [f"/search?q={quote(q)}" for q in queries["phrase"]],
        "search: prefix": [f"/search?q={quote(q)}" for q in queries["prefix"]],
        "search: term + 2 facets, newest, page 3": [
            f"/search?q={quote(q)}&council={council}&source=foi&sort=newest&page=3"
            for q in queries["common term"]
        ],
        "search: no query (browse)": ["/search", "/search?sort=oldest", "/search?year=2015"],
    }
    all_search: list[float] = []
    for label, urls in search_urls.items():
        times, n = timed_requests(client, urls, args.repeats)
        all_search += times
        rows.append(table_row(label, n, times))
        print(rows[-1], flush=True)
    rows.append(
        f"| **/search, all of the above** | {len(all_search)} | "
        f"{statistics.median(all_search):.1f} ms | {percentile(all_search, 0.95):.1f} ms |"
    )
    print(rows[-1], flush=True)

    ids = [d.id for d in docs[:: max(1, len(docs) // 50)]][:50]
    for label, suffix in (("document page", ""), ("document page, hits marked", "?q=data+risk")):
        times, n = timed_requests(client, [f"/documents/{i}{suffix}" for i in ids], args.repeats)
        rows.append(table_row(label, n, times))
        print(rows[-1], flush=True)

    print("\n| export | rows | rows/s | peak Python memory |\n|---|---:|---:|---:|")
    exports = [
        ("every document", "/search.csv"),
        ("filter: one year", "/search.csv?year=2015"),
        ("filter: source type", "/search.csv?source=foi"),
        ("filter: two source types", "/search.csv?source=foi&source=web"),
        ("text query, with snippets", "/search.csv?q=predictive"),
    ]
    export_rows = []
    for label, url in exports:
        n, seconds, _ = export(client, url, trace=False)
        _, _, peak = export(client, url, trace=True)
        export_rows.append(f"| {label} | {n:,} | {n / seconds:,.0f} | {peak / 2**20:.1f} MB |")
        print(export_rows[-1], flush=True)

    layer_rows = site_layer_export()

    print("\n| rebuild from the database | documents | docs/s | queries per chunk |")
    print("|---|---:|---:|---:|")
    print("\n".join(rebuild_rows))
    print("\n| /search and /documents | requests | median | p95 |\n|---|---:|---:|---:|")
    print("\n".join(rows))
    print("\n| export | rows | rows/s | peak Python memory |\n|---|---:|---:|---:|")
    print("\n".join(export_rows))
    print("\n| site layer only (synthetic hits) | rows | rows/s | peak Python memory |")
    print("|---|---:|---:|---:|")
    print("\n".join(layer_rows))


def site_layer_export() -> list[str]:
    """The export's own cost and memory, on synthetic hits (no engine, no database).

    Shows that what the site adds per row is constant in memory however many rows
    stream through: the same peak for 10 thousand and 1 million rows.
    """
    from search.backends.base import Hit, Snippet
    from web.export import stream_csv
    from web.rows import CSV_HEADER, DocumentPaths, csv_row

    def hits(n: int):
        for i in range(1, n + 1):
            yield Hit(
                id=i,
                title=f"Synthetic document {i}",
                fields={
                    "date": "2019-05-01",
                    "source_type": "foi",
                    "file_type": "pdf",
                    "foi_status": "successful",
                    "issuing_authority": "Kent County Council",
                    "councils": ["Kent County Council"],
                    "companies": ["Experian", "Xantura"],
                    "systems": ["Mosaic (Experian)"],
                    "urls": [f"https://www.whatdotheyknow.com/request/r_{i}/response/1/a.pdf"],
                    "page_count": 3,
                },
                snippets=[Snippet(2, "… the <mark>predictive</mark> model flags risk …")],
            )

    out = []
    paths = DocumentPaths()
    for n in (10_000, 100_000, 1_000_000):
        for trace in (False, True):
            if trace:
                tracemalloc.start()
            t = time.perf_counter()
            rows = (csv_row(h, "https://example.org", paths) for h in hits(n))
            lines = sum(chunk.count("\r\n") for chunk in stream_csv(CSV_HEADER, rows, bom=True))
            seconds = time.perf_counter() - t
            if trace:
                peak = tracemalloc.get_traced_memory()[1]
                tracemalloc.stop()
            else:
                rate = (lines - 1) / seconds
        out.append(f"| {n:,} rows | {n:,} | {rate:,.0f} | {peak / 2**20:.2f} MB |")
        print(out[-1], flush=True)
    return out


if __name__ == "__main__":
    main()
