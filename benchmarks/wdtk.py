#!/usr/bin/env python
"""WhatDoTheyKnow importer figures against the local Alaveteli fixture site, delay lifted.

    python benchmarks/wdtk.py [--requests 200] [--attachments 2]

Measures, in a throwaway DATASCORES_HOME (SQLite, embedded broker):
- first import: requests imported per minute (JSON + page + attachments fetched, messages
  stored, attachments and the correspondence stored as documents; their extraction is
  queued for workers, as in production, and not timed here: see benchmarks/extract.py);
- unchanged re-import: HTTP requests per request as counted by the server (goal 1: the
  JSON; never more than 2), with and without the site answering conditional GETs, and
  requests re-checked per minute;
- a re-import after one request got a new response: what that costs.
The server runs in this process on 127.0.0.1 (threads), so figures include its time too.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def setup_django() -> None:
    os.environ["DATASCORES_HOME"] = tempfile.mkdtemp(prefix="datascores-wdtk-bench-")
    os.environ["DJANGO_SETTINGS_MODULE"] = "datascores.settings"
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "0"  # extraction is queued, not run here
    os.environ.setdefault("DATASCORES_LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    settings.FETCHER_ALLOW_PRIVATE = True
    settings.FETCHER_MIN_INTERVAL = 0.0
    settings.WDTK_DELAY = 0.0


def build_site(n: int, per_request: int):
    from tests.documents.fixtures import text_pdf
    from tests.foi.alaveteli_site import (
        COUNCIL,
        JANE,
        T0,
        AlaveteliSite,
        FakeAttachment,
        FakeMessage,
        FakeRequest,
    )

    site = AlaveteliSite()
    for i in range(n):
        rid = 10_000 + i
        req = site.add(
            FakeRequest(
                rid,
                f"use_of_algorithms_request_{i}",
                f"Use of algorithms, request {i}",
                T0 + timedelta(hours=i),
                "waiting_response",
                COUNCIL,
                JANE,
            )
        )
        site.send(
            req,
            FakeMessage(
                "outgoing", 100_000 + i, req.created_at,
                f"<p>Please send the risk model documentation ({i}).</p>", author="Jane",
            ),
        )  # fmt: skip
        files = [
            FakeAttachment(
                300_000 + i * 10 + k,
                2 + k,
                f"Response {i}-{k}.pdf",
                text_pdf([f"Risk model documentation {i} part {k}\nPage text for request {i}"]),
            )
            for k in range(per_request)
        ]
        site.respond(
            req,
            FakeMessage(
                "incoming", 200_000 + i, req.created_at + timedelta(days=20),
                f"<p>Please find the documentation attached ({i}).</p>",
                author="FOI Team", body_part_id=400_000 + i, attachments=files,
            ),
            new_state="successful",
        )  # fmt: skip
    return site


def run_import(site, ids):
    from foi.importer import Client, Importer, make_fetcher

    importer = Importer(site=site.base_url, client=Client(make_fetcher(), delay=0.0))
    before = len(site.hits)
    start = time.perf_counter()
    summary = importer.run(ids)
    elapsed = time.perf_counter() - start
    served = [h for h in site.hits[before:] if h != "/robots.txt"]
    return summary, elapsed, served


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--attachments", type=int, default=2, help="per request")
    args = parser.parse_args()
    setup_django()
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores")
    site = build_site(args.requests, args.attachments).start()
    ids = [str(10_000 + i) for i in range(args.requests)]
    try:
        summary, elapsed, served = run_import(site, ids)
        assert summary.new == args.requests and not summary.errors, summary.as_json()
        print(
            f"first import: {args.requests} requests, "
            f"{summary.attachments['new']} attachments in {elapsed:.1f} s = "
            f"{args.requests / elapsed * 60:,.0f} requests/min "
            f"({len(served)} HTTP requests, {len(served) / args.requests:.1f} per request)"
        )
        summary, elapsed, served = run_import(site, ids)
        assert summary.unchanged == args.requests, summary.as_json()
        print(
            f"unchanged re-import (site answers 304): {len(served) / args.requests:.2f} HTTP "
            f"requests per request, {args.requests / elapsed * 60:,.0f} requests/min"
        )
        site.conditional = False
        summary, elapsed, served = run_import(site, ids)
        assert summary.unchanged == args.requests, summary.as_json()
        print(
            f"unchanged re-import (site ignores If-None-Match): "
            f"{len(served) / args.requests:.2f} HTTP requests per request, "
            f"{args.requests / elapsed * 60:,.0f} requests/min"
        )
        site.conditional = True
        from tests.documents.fixtures import text_pdf
        from tests.foi.alaveteli_site import FakeAttachment, FakeMessage

        req = site.requests[10_000]
        site.respond(
            req,
            FakeMessage(
                "incoming", 299_999, req.created_at + timedelta(days=40),
                "<p>A further response.</p>", body_part_id=499_999,
                attachments=[FakeAttachment(399_999, 2, "More.pdf", text_pdf(["More"]))],
            ),
        )  # fmt: skip
        summary, elapsed, served = run_import(site, ids[:1])
        print(
            f"re-import of a request with one new response and file: {len(served)} HTTP "
            f"requests ({', '.join(p.split('/')[-1] for p in served)})"
        )
    finally:
        site.stop()


if __name__ == "__main__":
    main()
