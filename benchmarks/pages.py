"""Reading figures: page-picture render time per page (cache miss) and cache-hit time,
through the site's own URL; bulk ZIP throughput and the web process's memory while it
streams.

    python benchmarks/pages.py [PDF_DIR] [--pages 3] [--zip-docs 200] [--zip-mb 1]

PDF_DIR defaults to the shared FOI corpus (/work/shared/corpus/foi). Runs in a fresh
temporary DATASCORES_HOME (SQLite, embedded broker, no worker: pages are rendered in
the web process's isolated child, as `datascores serve` without a worker would).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DIR = Path("/work/shared/corpus/foi")


def setup_django(home: str) -> None:
    sys.path.insert(0, str(REPO))
    os.environ["DJANGO_SETTINGS_MODULE"] = "datascores.settings"
    os.environ["DATASCORES_HOME"] = home
    os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver,localhost"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def add_document(data: bytes, name: str, mime: str, pages: int):
    from django.core.files.base import ContentFile

    from datascores.documents.models import Blob, Document, Page, Status

    sha = hashlib.sha256(data).hexdigest()
    blob = Blob(sha256=sha, size=len(data), mime_type=mime)
    blob.file.save(name, ContentFile(data), save=False)
    blob.save()
    doc = Document.objects.create(blob=blob, title=name, status=Status.DONE, page_count=pages)
    Page.objects.bulk_create(Page(document=doc, number=n) for n in range(1, pages + 1))
    return doc


def ms(values: list[float]) -> str:
    if not values:
        return "n/a"
    values = sorted(values)
    p95 = values[min(len(values) - 1, int(len(values) * 0.95))]
    return f"median {statistics.median(values) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms"


def page_figures(directory: Path, pages_per_doc: int) -> None:
    import pypdfium2 as pdfium
    from django.test import Client

    client = Client()
    docs = []
    for path in sorted(directory.glob("*.pdf")):
        data = path.read_bytes()
        try:
            count = len(pdfium.PdfDocument(data))
        except pdfium.PdfiumError:
            continue
        docs.append((add_document(data, path.name, "application/pdf", count), count))
    misses = {600: [], 1200: []}
    hits: list[float] = []
    sizes = {600: [], 1200: []}
    failures = 0
    for doc, count in docs:
        for number in range(1, min(count, pages_per_doc) + 1):
            for width in (600, 1200):
                url = f"/documents/{doc.pk}/pages/{number}-{width}.webp"
                t = time.perf_counter()
                response = client.get(url)
                body = b"".join(response.streaming_content) if response.streaming else b""
                elapsed = time.perf_counter() - t
                if response.status_code != 200:
                    failures += 1
                    continue
                misses[width].append(elapsed)
                sizes[width].append(len(body))
                for _ in range(3):
                    t = time.perf_counter()
                    again = client.get(url)
                    b"".join(again.streaming_content)
                    hits.append(time.perf_counter() - t)
    rendered = sum(len(v) for v in misses.values())
    print(f"Page pictures: {len(docs)} PDFs from {directory}, first {pages_per_doc} pages each")
    for width in (600, 1200):
        kb = statistics.mean(sizes[width]) / 1024 if sizes[width] else 0
        print(f"  render (cache miss) {width} px: {ms(misses[width])}; WebP mean {kb:.0f} KB")
    print(f"  cache hit (any size): {ms(hits)} over {len(hits)} requests")
    print(f"  {rendered} renders, {failures} refused or failed")


class RssSampler:
    """The process's resident memory, sampled every 10 ms while it runs."""

    def __init__(self) -> None:
        self.peak = self.start = self.rss()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @staticmethod
    def rss() -> int:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")

    def _run(self) -> None:
        while not self._stop.wait(0.01):
            self.peak = max(self.peak, self.rss())

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self.rss())


def zip_figures(n_docs: int, mb_each: float) -> None:
    from web.bulk import Selection, stream_zip

    size = int(mb_each * 1024 * 1024)
    docs = []
    for i in range(n_docs):
        data = os.urandom(size)  # incompressible, like most PDFs and images
        docs.append(add_document(data, f"bulk-{i}.bin", "application/octet-stream", 1))
    for count in (max(1, n_docs // 4), n_docs):
        sel = Selection(total=count, docs=docs[:count], bytes=size * count)
        with RssSampler() as mem:
            t = time.perf_counter()
            written = sum(len(chunk) for chunk in stream_zip(sel))
            elapsed = time.perf_counter() - t
        print(
            f"Bulk ZIP: {count} originals of {mb_each:g} MB ({written / 1e6:.0f} MB streamed) "
            f"in {elapsed:.2f} s = {written / 1e6 / elapsed:.0f} MB/s; "
            f"resident memory grew by {(mem.peak - mem.start) / 1e6:.1f} MB at peak"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("directory", nargs="?", type=Path, default=DEFAULT_DIR)
    parser.add_argument("--pages", type=int, default=3, help="pages per PDF (default 3)")
    parser.add_argument("--zip-docs", type=int, default=200)
    parser.add_argument("--zip-mb", type=float, default=1.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="datascores-bench-pages-") as home:
        setup_django(home)
        load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
        print(f"{os.cpu_count()} cores, load {load}")
        if args.directory.is_dir():
            page_figures(args.directory, args.pages)
        else:
            print(f"(no PDFs: {args.directory} is not a directory)")
        zip_figures(args.zip_docs, args.zip_mb)


if __name__ == "__main__":
    main()
