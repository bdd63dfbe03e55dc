"""manage.py ingest PATH... — hand files to the pipeline and report what became of them.

With a worker running, the files are queued for it and the command waits for them; with
none (or once the worker it was waiting for has died) they are processed here.
"""

from __future__ import annotations

import contextlib
import json
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from tqdm import tqdm

from datascores.documents import leases, sweep, workers
from datascores.documents.models import Document, SourceType, Status
from datascores.documents.pipeline import ingest_path, inline_processing

FINAL = (Status.DONE, Status.FAILED)
NOT_STORED = "not stored"
# How often the wait checks for a worker, and how long one may be gone (a supervised worker
# is restarted within a second or two) before the rest is processed here.
WORKER_CHECK_INTERVAL = 2.0
WORKER_GONE_AFTER = 6.0


def collect_files(paths: list[str]) -> list[Path]:
    """Files named, and every file under directories named (recursively, sorted)."""
    files: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            files.extend(sorted(f for f in p.rglob("*") if f.is_file() and not f.is_symlink()))
        elif p.is_file():
            files.append(p)
        else:
            raise CommandError(f"No such file or directory: {raw}")
    return files


class Command(BaseCommand):
    help = "Ingest files and directories (recursively) into the document pipeline."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+")
        parser.add_argument("--source-type", default=SourceType.UPLOAD, choices=SourceType.values)
        parser.add_argument(
            "--no-wait", action="store_true", help="Queue the files and return at once."
        )
        parser.add_argument("--json", action="store_true", help="Print one JSON list.")
        parser.add_argument(
            "--timeout", type=float, default=3600, help="Seconds to wait for processing."
        )

    def handle(self, *paths, **opts):
        files = collect_files(opts["paths"])
        quiet = opts["json"] or opts["verbosity"] == 0
        # Without a worker to hand the files to, process them here, each extraction
        # still in its own limited child process.
        inline = not opts["no_wait"] and not workers.worker_available()
        rows = []
        first_of: dict[int, int] = {}
        with tqdm(
            total=len(files), desc="ingest", unit="file", disable=quiet, file=sys.stderr
        ) as bar:
            for f in files:
                try:
                    with inline_processing() if inline else contextlib.nullcontext():
                        outcome = ingest_path(f, source_type=opts["source_type"])
                except OSError as exc:  # a full disk, an unreadable file: say so, go on
                    rows.append(
                        {
                            "path": str(f),
                            "document_id": None,
                            "status": NOT_STORED,
                            "reason": f"The file could not be stored: {exc.strerror or exc}",
                            "duplicate_of": None,
                        }
                    )
                    bar.update(1)
                    continue
                doc = outcome.document
                dup = None
                if not outcome.created:
                    dup = doc.pk
                elif doc.pk in first_of:
                    dup = first_of[doc.pk]
                first_of.setdefault(doc.pk, doc.pk)
                rows.append({"path": str(f), "document_id": doc.pk, "duplicate_of": dup})
                bar.update(1)

        stored = [r for r in rows if r["document_id"] is not None]
        if not opts["no_wait"] and not inline:
            self._wait({r["document_id"] for r in stored}, opts["timeout"], quiet)

        docs = {d.pk: d for d in Document.objects.filter(pk__in=[r["document_id"] for r in stored])}
        for r in stored:
            d = docs[r["document_id"]]
            r.update(
                status=d.status,
                reason=d.failure_reason,
                pages=d.page_count,
                ocr_pages=d.pages.filter(method="ocr").count(),
            )
            r["duplicate_of"] = r.pop("duplicate_of")
        if opts["json"]:
            self.stdout.write(json.dumps(rows, indent=2))
        else:
            self._summary(rows, docs, waited=not opts["no_wait"])
        if failed := len(rows) - len(stored):
            raise CommandError(f"{failed} file(s) could not be stored.")

    def _wait(self, ids: set[int], timeout: float, quiet: bool) -> None:
        deadline = time.monotonic() + timeout
        gone_since = None
        next_check = 0.0
        with tqdm(desc="processing", unit="doc", disable=quiet, file=sys.stderr) as bar:
            while True:
                # Members of archives and e-mails are documents too: wait for them.
                ids |= set(Document.objects.filter(parent_id__in=ids).values_list("pk", flat=True))
                done = Document.objects.filter(pk__in=ids, status__in=FINAL).count()
                bar.total = len(ids)
                bar.n = done
                bar.refresh()
                if done >= len(ids):
                    return
                now = time.monotonic()
                if now > deadline:
                    self.stderr.write(
                        f"Stopped waiting after {timeout:.0f} s: {len(ids) - done} document(s) "
                        "still processing. Their state is shown below."
                    )
                    return
                if now >= next_check:
                    # A worker that died (and was not restarted within a few seconds) is
                    # not waited for: what it left is processed here.
                    next_check = now + WORKER_CHECK_INTERVAL
                    if workers.worker_available():
                        gone_since = None
                    elif gone_since is None:
                        gone_since = now
                    elif now - gone_since >= WORKER_GONE_AFTER:
                        self.stderr.write("The worker has stopped: processing the rest here.")
                        self._take_over(ids)
                        gone_since = None
                        continue
                time.sleep(0.5)

    def _take_over(self, ids: set[int]) -> None:
        """Process here every document of ours that no live worker holds."""
        # Every round claims each document again, so the attempt cap ends the rounds.
        with inline_processing():
            for _ in range(settings.PROCESSING_MAX_ATTEMPTS + 2):
                ids |= set(Document.objects.filter(parent_id__in=ids).values_list("pk", flat=True))
                now = timezone.now()
                todo = [
                    d
                    for d in Document.objects.filter(pk__in=ids).exclude(status__in=FINAL)
                    if not leases.held(d, now)
                ]
                if not todo:
                    return
                for doc in todo:
                    try:
                        sweep.requeue(doc, leases.stage_of(doc), now)
                    except Exception as exc:  # recorded on the document; the rest go on
                        self.stderr.write(f"document {doc.pk}: {type(exc).__name__}: {exc}")

    def _summary(self, rows, docs, *, waited: bool) -> None:
        for r in rows:
            if r["status"] == NOT_STORED:
                self.stdout.write(f"  not stored: {r['path']}: {r['reason']}")
        rows = [r for r in rows if r["document_id"] is not None]
        new = [r for r in rows if r["duplicate_of"] is None]
        dups = [r for r in rows if r["duplicate_of"] is not None]
        self.stdout.write(f"{len(rows)} file(s): {len(new)} new, {len(dups)} duplicate(s)")
        for r in dups:
            d = docs[r["document_id"]]
            self.stdout.write(f"  duplicate: {r['path']} = document {d.pk} ({d.title})")
        if not waited:
            self.stdout.write("Queued; a worker will process them (--no-wait).")
            return
        counts = {s: sum(1 for r in new if r["status"] == s) for s in Status.values}
        self.stdout.write(
            f"done: {counts['done']}, failed: {counts['failed']}, "
            f"still processing: {counts['pending'] + counts['processing']}"
        )
        for r in new:
            if r["status"] == Status.FAILED:
                self.stdout.write(
                    f"  failed: {r['path']} (document {r['document_id']}): {r['reason']}"
                )
        members = Document.objects.filter(parent_id__in=[r["document_id"] for r in new])
        if members.exists():
            failed = members.filter(status=Status.FAILED).count()
            self.stdout.write(
                f"{members.count()} member document(s) from archives and e-mails, {failed} failed"
            )
