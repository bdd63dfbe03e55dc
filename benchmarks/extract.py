"""Extraction figures: text-layer PDF pages/s, OCR pages/s, end-to-end ingest seconds.

    python benchmarks/extract.py DIR [--repeat N] [--skip-ingest]

Text layer and OCR are timed in this process pinned to one CPU core, as wall-clock and
as CPU time (the fairer figure on a shared, loaded machine). The end-to-end
figure runs `manage.py ingest --json DIR` in a fresh temporary DATASCORES_HOME, as a
user would, with whatever parallelism that command uses.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def machine() -> str:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kb / 1024 / 1024:.0f} GB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return (
        f"{model}, {os.cpu_count()} cores{memory}; {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}"
    )


def _rate(pages: int, seconds: float) -> str:
    return f"{pages / seconds:.0f}" if seconds else "n/a"


def _load() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


def setup_django(home: str) -> None:
    sys.path.insert(0, str(REPO))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "datascores.settings")
    os.environ["DATASCORES_HOME"] = home
    import django

    django.setup()


def pin_to_one_core() -> tuple[str, set[int] | None]:
    """Pin this process to one core; returns a description and the previous CPU set."""
    try:
        before = os.sched_getaffinity(0)
        core = min(before)
        os.sched_setaffinity(0, {core})
        return f"pinned to core {core}", before
    except (AttributeError, OSError):
        return "not pinned (no sched_setaffinity)", None


def files_of(directory: Path) -> list[Path]:
    return sorted(p for p in directory.rglob("*") if p.is_file())


def text_layer_figure(
    pdfs: list[tuple[Path, bytes]], repeat: int
) -> tuple[int, float, float, list]:
    """Pages/s of the PDF reader over documents whose text layer is usable."""
    from datascores.documents.extract import pdf
    from datascores.documents.extract._common import Budget
    from datascores.documents.extract.base import Context, ExtractionError

    usable, skipped = [], []
    for path, data in pdfs:
        try:
            result = pdf.extract(data, ctx := Context(filename=path.name), Budget(ctx))
        except ExtractionError as exc:
            skipped.append(f"{path.name} ({exc.code})")
            continue
        flags = [p.needs_ocr for p in result.pages]
        if sum(flags) * 2 > len(flags):  # most pages need OCR
            skipped.append(f"{path.name} (needs OCR)")
        else:
            usable.append((path, data, len(result.pages)))
    pages = sum(n for _, _, n in usable)
    wall, cpu = [], []
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        for path, data, _ in usable:
            pdf.extract(data, ctx := Context(filename=path.name), Budget(ctx))
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    return pages, statistics.median(wall or [0.0]), statistics.median(cpu or [0.0]), skipped


def ocr_figure(docs: list[tuple[Path, bytes]]) -> tuple[int, float, float, list[float]]:
    """OCR of every page the extractors flag as needing it, at the default 300 dpi."""
    from datascores.documents.extract import extract
    from datascores.documents.extract.base import Context, ExtractionError
    from datascores.documents.ocr import ocr_pages
    from datascores.documents.sniff import sniff_mime

    jobs = []
    for path, data in docs:
        mime = sniff_mime(data, path.name)
        ctx = Context(filename=path.name, mime_type=mime)
        try:
            result = extract(data, ctx)
        except ExtractionError:
            continue
        numbers = [p.number for p in result.pages if p.needs_ocr]
        if numbers:
            jobs.append((data, mime, numbers, ctx))
    pages = 0
    confidences: list[float] = []
    started, started_cpu = time.perf_counter(), time.process_time()
    for data, mime, numbers, ctx in jobs:
        for page in ocr_pages(data, mime, numbers, ctx):
            pages += 1
            if page.ocr_confidence is not None:
                confidences.append(page.ocr_confidence)
    wall, cpu = time.perf_counter() - started, time.process_time() - started_cpu
    return pages, wall, cpu, confidences


def ingest_figure(directory: Path) -> str:
    """Seconds for `manage.py ingest --json DIR` into a fresh home, and its outcome."""
    with tempfile.TemporaryDirectory(prefix="datascores-bench-") as home:
        env = {**os.environ, "DATASCORES_HOME": home}
        env.pop("DJANGO_SETTINGS_MODULE", None)
        manage = [sys.executable, str(REPO / "manage.py")]
        started = time.perf_counter()
        migrate = subprocess.run(
            [*manage, "migrate", "--noinput", "-v", "0"], env=env, capture_output=True, text=True
        )
        migrate_s = time.perf_counter() - started
        if migrate.returncode != 0:
            return f"could not run: migrate failed: {migrate.stderr.strip()[-300:]}"
        started = time.perf_counter()
        done = subprocess.run(
            [*manage, "ingest", "--json", str(directory)], env=env, capture_output=True, text=True
        )
        seconds = time.perf_counter() - started
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip().splitlines()
        return f"could not run: manage.py ingest failed: {detail[-1] if detail else '?'}"
    try:
        rows = json.loads(done.stdout)
    except json.JSONDecodeError:
        return f"{seconds:.1f} s (output was not JSON)"
    by_status: dict[str, int] = {}
    for row in rows:
        by_status[row.get("status", "?")] = by_status.get(row.get("status", "?"), 0) + 1
    ocr = sum(row.get("ocr_pages") or 0 for row in rows)
    pages = sum(row.get("pages") or 0 for row in rows)
    outcome = ", ".join(f"{n} {s}" for s, n in sorted(by_status.items()))
    return (
        f"{seconds:.1f} s for {len(rows)} files ({outcome}; {pages} pages, {ocr} OCR'd) "
        f"[+{migrate_s:.1f} s to create the database]"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", type=Path)
    parser.add_argument("--repeat", type=int, default=5, help="text-layer runs (median)")
    parser.add_argument("--skip-ingest", action="store_true")
    args = parser.parse_args()
    if not args.directory.is_dir():
        parser.error(f"not a directory: {args.directory}")

    print(f"Machine: {machine()}")
    with tempfile.TemporaryDirectory(prefix="datascores-bench-") as home:
        setup_django(home)
        from datascores.documents.sniff import PDF, sniff_mime

        pin, cpus = pin_to_one_core()
        docs = [(p, p.read_bytes()) for p in files_of(args.directory)]
        pdfs = [(p, d) for p, d in docs if sniff_mime(d, p.name) == PDF]
        print(f"Corpus: {args.directory} ({len(docs)} files, {len(pdfs)} PDFs); {pin}")

        pages, wall, cpu, skipped = text_layer_figure(pdfs, args.repeat)
        print(
            "Text-layer PDF extraction (pdfium + quality check, 1 core): "
            f"{_rate(pages, wall)} pages/s wall, {_rate(pages, cpu)} pages/s CPU "
            f"({pages} pages; median of {args.repeat} runs; target >= 250)"
        )
        if skipped:
            print(f"  not counted (no usable text layer): {', '.join(skipped)}")

        pages, wall, cpu, confidences = ocr_figure(docs)
        if pages:
            mean_conf = statistics.fmean(confidences) if confidences else 0.0
            print(
                "OCR (pdfium render at 300 dpi + Tesseract, 1 core): "
                f"{pages / wall:.2f} pages/s = {wall / pages:.2f} s/page wall, "
                f"{cpu / pages:.2f} s/page CPU ({pages} pages; mean confidence {mean_conf:.0f})"
            )
        else:
            print("OCR: no page in this directory needs OCR")
        print(f"Load average while measuring: {_load()}")

    if cpus:
        os.sched_setaffinity(0, cpus)  # the ingest subprocess gets every core again
    if args.skip_ingest:
        return
    print(f"End to end (manage.py ingest --json, fresh home): {ingest_figure(args.directory)}")


if __name__ == "__main__":
    main()
