"""Peak worker memory over the hostile-input corpus (tests/documents/hostile.py).

    python benchmarks/hostile.py [--memory-mb N] [--skip-big]

Runs every hostile file as the worker's parent does: the stored bytes read into memory, the
extraction in an isolated child (extract_isolated, default settings: 2048 MB cap, 300 s),
then each member taken in from its file the way ingest can (sniffed from its head and
directory, hashed in 1 MB chunks), then the members' files removed. Prints the outcome
table and the parent's resident memory: its baseline after preloading the readers, and
its peak (VmHWM, reset before each file) per file. Adds the two files of issue 9 #8: a
zip holding one 190 MB member and a PDF with a 1 GiB Flate stream (--skip-big leaves
them out). "member.data" shows what the parent would peak at if it read each member
whole instead.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _rss_mb() -> tuple[float, float]:
    """(current, peak) resident memory of this process in MB, from /proc."""
    current = peak = 0.0
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                current = int(line.split()[1]) / 1024
            elif line.startswith("VmHWM:"):
                peak = int(line.split()[1]) / 1024
    return current, peak


def _reset_peak() -> bool:
    """Reset VmHWM to the current RSS (Linux: write 5 to clear_refs)."""
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
        return True
    except OSError:
        return False


def _take_in(member, whole: bool) -> str:
    from datascores.documents.sniff import sniff_file, sniff_mime

    if whole:
        data = member.data
        hashlib.sha256(data).hexdigest()
        return sniff_mime(data, member.name)
    digest = hashlib.sha256()
    with member.open() as fh:
        mime = sniff_file(fh, member.name)
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return mime


def _run_once(data: bytes, ctx, memory_mb: int, whole: bool) -> tuple[str, float, float]:
    """(outcome, seconds, peak parent RSS MB) of one isolated extraction and its members."""
    from django.conf import settings

    from datascores.documents.extract import ExtractionError, extract_isolated

    _reset_peak()
    started = time.perf_counter()
    try:
        result = extract_isolated(
            data, ctx, timeout=settings.EXTRACT_TIME_LIMIT, memory_mb=memory_mb
        )
    except ExtractionError as exc:
        return str(exc.code), time.perf_counter() - started, _rss_mb()[1]
    try:
        for member in result.members:
            _take_in(member, whole)
    finally:
        result.cleanup()
    return "done", time.perf_counter() - started, _rss_mb()[1]


def _make_files(cases: list, folder: Path) -> None:
    """Write the cases' files from a child process, so that building them (a
    400-megapixel image, a message of 3,000 parts) leaves no trace in this one's memory."""
    folder.mkdir()
    pid = os.fork()
    if pid == 0:  # pragma: no cover
        for index, case in enumerate(cases):
            (folder / f"{index:03d}").write_bytes(case.make())
        os._exit(0)
    os.waitpid(pid, 0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--memory-mb", type=int, default=None, help="child cap (default: setting)")
    parser.add_argument("--skip-big", action="store_true")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="datascores-hostile-") as home:
        sys.path.insert(0, str(REPO))
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "datascores.settings")
        os.environ["DATASCORES_HOME"] = home
        import django

        django.setup()
        from django.conf import settings

        from datascores.documents.extract import Context, registry
        from datascores.documents.sniff import sniff_mime
        from tests.documents import hostile

        cases = list(hostile.CASES)
        if not args.skip_big:
            cases += [
                hostile.Case("member-190MB.zip", lambda: hostile.big_member_zip(190), "done"),
                hostile.Case("flate-1GiB.pdf", lambda: hostile.flate_bomb_pdf(1024), "memory"),
            ]
        memory_mb = args.memory_mb or settings.EXTRACT_MEMORY_LIMIT_MB
        files = Path(home) / "corpus"
        _make_files(cases, files)
        registry.preload()
        baseline, _ = _rss_mb()
        resettable = _reset_peak()
        print(
            f"Worker parent after preload: {baseline:.0f} MB RSS; child cap {memory_mb} MB, "
            f"deadline {settings.EXTRACT_TIME_LIMIT} s; peak per file "
            f"{'(VmHWM reset before each)' if resettable else '(cumulative: cannot reset)'}"
        )
        print(f"{'file':30} {'outcome':18} {'secs':>6} {'peak MB':>8} {'member.data':>12}")
        overall = 0.0
        failures = 0
        for index, case in enumerate(cases):
            data = (files / f"{index:03d}").read_bytes()  # as the worker reads the blob
            ctx = Context(
                filename=case.name,
                mime_type=sniff_mime(data, case.name),
                depth=case.depth,
                **case.limits,
            )
            outcome, seconds, peak = _run_once(data, ctx, memory_mb, whole=False)
            whole_peak = peak
            if case.name.endswith((".zip", ".eml")):  # members: also read each whole
                whole_peak = _run_once(data, ctx, memory_mb, whole=True)[2]
            overall = max(overall, peak)
            mark = "" if outcome == case.outcome else f"  (expected {case.outcome})"
            failures += bool(mark)
            print(
                f"{case.name:30} {outcome:18} {seconds:6.1f} {peak:8.0f} {whole_peak:12.0f}{mark}"
            )
            del data
        print(
            f"Peak worker (parent) RSS over the corpus: {overall:.0f} MB (baseline {baseline:.0f})"
        )
        if failures:
            print(f"{failures} file(s) did not get their expected outcome")


if __name__ == "__main__":
    main()
