"""Scrape figures on a local council-like site, politeness lifted (no interval, no Crawl-delay).

    python benchmarks/scrape.py [--pages 1000] [--big 10000] [--skip-big] [--skip-worker]
                                [--database-url postgres://USER@HOST:PORT/DB] [--json FILE]

1. First run of a PAGES-page site, end to end without a worker, as `manage.py scrape`
   runs then: fetch, parse, store, and process every page in this process
   (`inline_processing`: extraction, tagging, batched indexing): pages/s, peak memory of
   the run's process, and that every page is searchable when the run ends.
2. The same site again, nothing changed: share of requests that were conditional, share
   answered 304, and the speed-up over the first run.
1b. The same first run with a Celery worker (2 processes, Redis broker) beside the scrape,
   as the product runs with a worker: pages/s until every page is processed and
   searchable, and the CPU seconds of the scrape's process and of the worker.
3. A BIG-page site, scrape only (documents queued for workers, none running): pages/s
   and the run's resident memory sampled through the run, to show it stays flat.

Each run is a separate process in a fresh DATASCORES_HOME (SQLite there, or with
--database-url a fresh PostgreSQL database made beside DB on that server for each
scenario and dropped after); the site runs in its own process, so the scraper does not
share its interpreter with the server.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import multiprocessing
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

REPO = Path(__file__).resolve().parents[1]
FANOUT = 10
REDIS_URL = os.environ.get("DATASCORES_BENCH_REDIS", "redis://127.0.0.1:6379/13")


def page_body(i: int, pages: int) -> bytes:
    children = [c for c in range(i * FANOUT + 1, i * FANOUT + FANOUT + 1) if c < pages]
    links = "".join(f'<li><a href="/p/{c}">Service {c}</a></li>' for c in children)
    words = " ".join(hashlib.sha256(f"{i}-{k}".encode()).hexdigest()[:8] for k in range(60))
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>Service {i} | Example Borough Council</title></head><body>
<div class="govuk-cookie-banner" role="region"><p>We use cookies.</p></div>
<header class="lgd-header"><nav><a href="/">Home</a> <a href="/p/1">Services</a></nav></header>
<main id="main-content"><h1>Service {i}</h1>
<p>The council uses predictive analytics for service {i}. {words}</p>
<ul>{links}</ul></main>
<footer class="lgd-footer"><a href="/p/2">Accessibility</a> Example Borough Council</footer>
</body></html>""".encode()


def serve(pages: int, port_queue) -> None:
    """The site: page i links to its ten children; ETags and 304s; counts requests."""
    stats = {"requests": 0, "conditional": 0, "not_modified": 0}
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            if self.path == "/__stats":
                body = json.dumps(stats).encode()
                self._send(200, body, "application/json")
                return
            if self.path == "/__reset":
                with lock:
                    stats.update(requests=0, conditional=0, not_modified=0)
                self._send(200, b"ok", "text/plain")
                return
            if self.path == "/robots.txt":
                self._send(200, b"User-agent: *\nAllow: /\n", "text/plain")
                return
            i = 0 if self.path == "/" else int(self.path.rsplit("/", 1)[-1])
            if i >= pages:
                self._send(404, b"not found", "text/plain")
                return
            body = page_body(i, pages)
            etag = '"' + hashlib.md5(body).hexdigest() + '"'  # noqa: S324 (a cache key)
            with lock:
                stats["requests"] += 1
                conditional = "If-None-Match" in self.headers
                stats["conditional"] += conditional
                if self.headers.get("If-None-Match") == etag:
                    stats["not_modified"] += 1
                    self._send(304, b"", "text/html", etag)
                    return
            self._send(200, body, "text/html; charset=utf-8", etag)

        def _send(self, status: int, body: bytes, ctype: str, etag: str = "") -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            if etag:
                self.send_header("ETag", etag)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if status != 304:
                self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    port_queue.put(server.server_address[1])
    server.serve_forever()


def child(args) -> None:
    """One scrape run in this process; prints a JSON line with its figures."""
    os.environ["DATASCORES_HOME"] = args.home
    os.environ["DJANGO_SETTINGS_MODULE"] = "datascores.settings"
    os.environ["DATASCORES_FETCHER_ALLOWED_NETWORKS"] = "127.0.0.1/32"
    os.environ["DATASCORES_FETCHER_MIN_INTERVAL"] = "0"
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "0"
    sys.path.insert(0, str(REPO))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.FETCHER_HOST_CONCURRENCY = 4
    settings.SCRAPER_CONCURRENCY = 4
    call_command("migrate", verbosity=0)
    from datascores.fetch.fetcher import get_fetcher
    from scrapers.engine import run_job
    from scrapers.models import Source
    from scrapers.runs import start_scrape

    source, _ = Source.objects.get_or_create(
        name="Benchmark council",
        defaults={"urls": f"http://127.0.0.1:{args.port}/", "max_pages": args.pages + 10,
                  "max_depth": 10},
    )  # fmt: skip
    samples: list[tuple[float, int]] = []
    done = threading.Event()
    started = time.monotonic()

    def sample() -> None:
        page = os.sysconf("SC_PAGE_SIZE")
        while not done.wait(1.0):
            rss = int(Path("/proc/self/statm").read_text().split()[1]) * page
            samples.append((time.monotonic() - started, rss))

    threading.Thread(target=sample, daemon=True).start()
    job, _ = start_scrape(source, send=False)
    if args.process:  # as `manage.py scrape` runs without a worker: processing here too
        from datascores.documents.pipeline import inline_processing

        with inline_processing():
            job = run_job(job.pk, fetcher=get_fetcher())
    else:
        job = run_job(job.pk, fetcher=get_fetcher())
    scraped = time.monotonic() - started
    from datascores.documents.models import Document
    from search.backends import get_backend

    if args.worker:  # end to end: until the worker has processed and indexed every page
        deadline = time.monotonic() + 1800
        while time.monotonic() < deadline:
            waiting = Document.objects.exclude(status__in=["done", "failed"]).count()
            dirty = Document.objects.filter(index_dirty=True).count()
            if not waiting and not dirty and get_backend().count() >= job.counts["new"]:
                break
            time.sleep(0.2)
    elapsed = time.monotonic() - started
    done.set()
    searchable = get_backend().count() if (args.process or args.worker) else None
    print(
        json.dumps(
            {
                "status": job.status,
                "seconds": elapsed,
                "scrape_seconds": scraped,
                "counts": {k: v for k, v in job.counts.items() if ":" not in k},
                "documents_done": Document.objects.filter(status="done").count(),
                "searchable": searchable,
                "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                "rss_mb": [(round(t, 1), round(r / 2**20)) for t, r in samples],
                "errors": job.errors[:5],
            }
        )
    )


def run_child(
    home: Path, port: int, pages: int, *, process: bool, worker: bool = False, database: str = ""
) -> dict:
    cmd = [sys.executable, __file__, "--child", "--home", str(home), "--port", str(port),
           "--pages", str(pages)] + (["--process"] if process else [])  # fmt: skip
    celery = None
    env = dict(os.environ)
    if database:
        env["DATABASE_URL"] = database
    if worker:
        cmd.append("--worker")
        env.update(DATASCORES_HOME=str(home), CELERY_TASK_ALWAYS_EAGER="0",
                   CELERY_BROKER_URL=REDIS_URL)  # fmt: skip
        import redis

        redis.Redis.from_url(REDIS_URL).flushdb()
        subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=REPO, env=env,
                       check=True)  # fmt: skip
        celery = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "datascores", "worker", "-Q",
             "extract,ocr,index", "--concurrency", "2", "--loglevel", "WARNING",
             "--without-gossip", "--without-mingle"],
            cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
    before = _cpu_of_children()
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, check=False, cwd=REPO, env=env)
        scrape_cpu = _cpu_of_children() - before
    finally:
        if celery is not None:
            celery.terminate()
            celery.wait(timeout=60)
    if out.returncode != 0:
        raise SystemExit(f"run failed:\n{out.stderr[-4000:]}")
    figures = json.loads(out.stdout.strip().splitlines()[-1])
    # CPU seconds of the run's process (with its extraction children) and of the worker
    # (main process and pool), start-up included.
    figures["cpu_seconds"] = {"scrape": round(scrape_cpu, 1)}
    if celery is not None:
        figures["cpu_seconds"]["worker"] = round(_cpu_of_children() - before - scrape_cpu, 1)
    return figures


def _cpu_of_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def site_stats(port: int, path: str = "/__stats") -> dict:
    import urllib.request

    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}") as r:
        return json.loads(r.read()) if path == "/__stats" else {}


@contextlib.contextmanager
def fresh_database(server_url: str) -> Iterator[str]:
    """A new, empty PostgreSQL database on the server of ``server_url`` (dropped after)
    and its URL; "" when no server was given (each run's home then holds SQLite)."""
    if not server_url:
        yield ""
        return
    import psycopg

    name = f"datascores_bench_{os.getpid()}_{int(time.time())}"
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(urlsplit(server_url)._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(server_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def scenario(
    pages: int, *, process: bool, again: bool, worker: bool = False, database: str = ""
) -> dict:
    queue = multiprocessing.Queue()
    server = multiprocessing.Process(target=serve, args=(pages, queue), daemon=True)
    server.start()
    port = queue.get(timeout=30)
    try:
        with (
            tempfile.TemporaryDirectory(prefix="datascores-bench-") as home,
            fresh_database(database) as db,
        ):
            first = run_child(Path(home), port, pages, process=process, worker=worker, database=db)
            first["site"] = site_stats(port)
            result = {"pages": pages, "first": first}
            if again:
                site_stats(port, "/__reset")
                second = run_child(Path(home), port, pages, process=process, database=db)
                second["site"] = site_stats(port)
                result["again"] = second
            return result
    finally:
        server.terminate()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--big", type=int, default=10000)
    parser.add_argument("--skip-big", action="store_true")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--home", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--process", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--skip-worker", action="store_true")
    parser.add_argument(
        "--database-url",
        default="",
        help="a PostgreSQL server (postgres://user@host:port/db) to make each run's database on",
    )
    args = parser.parse_args()
    if args.child:
        child(args)
        return

    figures = {}
    print(f"Database: {'PostgreSQL' if args.database_url else 'SQLite'}")
    print(f"1. {args.pages}-page site, first run, end to end (fetch, store, extract, index)")
    small = scenario(args.pages, process=True, again=True, database=args.database_url)
    figures["small"] = small
    first, again = small["first"], small["again"]
    fetched = first["counts"]["fetched"]
    rate = fetched / first["seconds"]
    print(f"   {first['status']}: {fetched} pages in {first['seconds']:.1f} s = {rate:.1f} pages/s;"
          f" peak memory {first['peak_rss_mb']:.0f} MB; {first['searchable']} of "
          f"{first['documents_done']} done documents searchable at the end; "
          f"CPU {first['cpu_seconds']} s")  # fmt: skip
    site = again["site"]
    print("2. Same site again, nothing changed")
    print(f"   {again['status']}: {again['counts']} in {again['seconds']:.1f} s; "
          f"{site['conditional']}/{site['requests']} requests conditional, "
          f"{100 * site['not_modified'] / max(site['requests'], 1):.1f}% answered 304; "
          f"{first['seconds'] / again['seconds']:.1f}x faster than the first run")  # fmt: skip
    if not args.skip_worker:
        print(f"1b. {args.pages}-page site, end to end with a Celery worker (2 processes) "
              "beside the scrape, until every page is processed and indexed")  # fmt: skip
        both = scenario(
            args.pages, process=False, again=False, worker=True, database=args.database_url
        )
        figures["worker"] = both
        run = both["first"]
        fetched = run["counts"]["fetched"]
        scrape_rate = fetched / run["scrape_seconds"]
        print(f"   {run['status']}: {fetched} pages in {run['seconds']:.1f} s = "
              f"{fetched / run['seconds']:.1f} pages/s (the scrape itself took "
              f"{run['scrape_seconds']:.1f} s = {scrape_rate:.1f} pages/s); "
              f"{run['searchable']} of {run['documents_done']} done searchable; "
              f"CPU {run['cpu_seconds']} s")  # fmt: skip
    if not args.skip_big:
        print(f"3. {args.big}-page site, scrape only (documents queued, no worker)")
        big = scenario(args.big, process=False, again=False, database=args.database_url)
        figures["big"] = big
        run = big["first"]
        fetched = run["counts"]["fetched"]
        rss = run["rss_mb"]
        quarter = (
            [rss[int(len(rss) * q)][1] for q in (0.25, 0.5, 0.75)] + [rss[-1][1]] if rss else []
        )
        print(f"   {run['status']}: {fetched} pages in {run['seconds']:.1f} s = "
              f"{fetched / run['seconds']:.1f} pages/s; peak memory {run['peak_rss_mb']:.0f} MB; "
              f"RSS at 25/50/75/100% of the run: {quarter} MB")  # fmt: skip
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
