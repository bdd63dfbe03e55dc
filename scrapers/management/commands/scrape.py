"""Run web sources now: `manage.py scrape NAME... | --all [--no-wait] [--json]`."""

from __future__ import annotations

import json
import sys
import time

from django.core.management.base import BaseCommand, CommandError

COUNTS = ("fetched", "new", "changed", "unchanged", "gone", "skipped", "failed")


def run_summary(job) -> dict:
    """The one-object-per-run summary `--json` prints."""
    counts = job.counts or {}
    return {
        "source": job.subject,
        "status": job.status,
        "counts": {k: int(counts.get(k, 0)) for k in COUNTS},
        "errors": [{"url": e.get("url", ""), "reason": e.get("reason", "")} for e in job.errors],
    }


class Command(BaseCommand):
    help = "Scrape web sources now and show their progress; one summary per run."

    def add_arguments(self, parser):
        parser.add_argument("names", nargs="*", metavar="NAME", help="Source names.")
        parser.add_argument("--all", action="store_true", help="Every enabled source.")
        parser.add_argument(
            "--no-wait", action="store_true", help="Queue the runs for the worker and return."
        )
        parser.add_argument("--json", action="store_true", help="One JSON object per run.")

    def handle(self, *args, names, all, no_wait, json: bool, **options):
        from datascores.documents.workers import worker_available
        from scrapers.runs import start_scrape

        sources = self._sources(names, all)
        worker = worker_available()
        jobs = []
        for source in sources:
            job, created = start_scrape(
                source, created_by="manage.py scrape", send=worker or no_wait
            )
            if not created:
                self.stderr.write(f"{source.name}: a run is already {job.status} (job {job.pk}).")
            jobs.append(job)
        if no_wait:
            if not worker:
                self.stderr.write(
                    "No worker is running: the runs wait in the queue until one starts."
                )
            for job in jobs:
                self._print(job, json, queued=True)
            return
        if worker:
            self._wait(jobs)
        else:
            self._run_all_here(jobs)
        failed = False
        for job in jobs:
            job.refresh_from_db()
            failed |= job.status == "failed"
            self._print(job, json)
        if failed:
            sys.exit(1)

    def _sources(self, names: list[str], every: bool) -> list:
        from scrapers.models import Source

        if every == bool(names):
            raise CommandError("Name one or more sources, or give --all (not both).")
        if every:
            return list(Source.objects.filter(enabled=True))
        sources = list(Source.objects.filter(name__in=names))
        missing = sorted(set(names) - {s.name for s in sources})
        if missing:
            raise CommandError(f"No source called {', '.join(map(repr, missing))}.")
        return sources

    def _run_all_here(self, jobs) -> None:
        """No worker: run the scrapes in this process, their documents processed here too."""
        import logging

        from datascores.documents.pipeline import inline_processing
        from scrapers.engine import run_job

        # One line per processed document would bury the progress bar.
        logging.getLogger("celery.app.trace").setLevel(logging.WARNING)
        with inline_processing():
            for job in jobs:
                self._run_here(job, run_job)

    def _bar(self, job):
        from tqdm import tqdm

        return tqdm(
            total=None, desc=job.subject[:30], unit="url", file=sys.stderr, leave=True,
            disable=not sys.stderr.isatty(),
        )  # fmt: skip

    def _update(self, bar, job) -> None:
        bar.total = max(job.total, job.done)
        bar.n = job.done
        counts = job.counts or {}
        bar.set_postfix_str(" ".join(f"{k}={counts.get(k, 0)}" for k in COUNTS[1:]), refresh=False)
        bar.refresh()

    def _run_here(self, job, run_job) -> None:
        import threading

        bar = self._bar(job)
        done = threading.Event()

        def watch():
            while not done.wait(0.5):
                job.refresh_from_db(fields=["total", "done", "counts"])
                self._update(bar, job)

        from django.db import connections

        watcher = threading.Thread(target=watch, daemon=True)
        if not bar.disable:  # a progress bar to draw (a terminal)
            watcher.start()
        try:
            run_job(job.pk)
        finally:
            done.set()
            if watcher.is_alive():
                watcher.join()
                connections.close_all()
        job.refresh_from_db()
        self._update(bar, job)
        bar.close()

    def _wait(self, jobs) -> None:
        bars = {job.pk: self._bar(job) for job in jobs}
        active = {job.pk: job for job in jobs}
        while active:
            for pk, job in list(active.items()):
                job.refresh_from_db()
                self._update(bars[pk], job)
                if not job.is_active:
                    bars[pk].close()
                    del active[pk]
            if active:
                time.sleep(0.5)

    def _print(self, job, as_json: bool, *, queued: bool = False) -> None:
        summary = run_summary(job)
        if as_json:
            self.stdout.write(json.dumps(summary))
            return
        if queued:
            self.stdout.write(f"{job.subject}: queued as job {job.pk}.")
            return
        counts = ", ".join(f"{v} {k}" for k, v in summary["counts"].items())
        self.stdout.write(f"{job.subject}: {job.status} — {counts}.")
        if job.result and job.status != "finished":
            self.stdout.write(f"  {job.result}")
        for error in summary["errors"][:20]:
            self.stdout.write(f"  {error['url']}: {error['reason']}")
        if len(summary["errors"]) > 20:
            self.stdout.write(f"  … and {len(summary['errors']) - 20} more (see the admin).")
