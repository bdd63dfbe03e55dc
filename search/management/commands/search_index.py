"""manage.py search_index rebuild|sweep|status — maintain the derived search index."""

from __future__ import annotations

import json
import sys

from django.core.management.base import BaseCommand
from tqdm import tqdm

from datascores.documents.models import Document, Status
from search import indexer
from search.backends import get_backend


class Command(BaseCommand):
    help = (
        "rebuild: build a fresh index from the database and swap it in; "
        "sweep: re-index documents marked dirty; status: compare index and database."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["rebuild", "sweep", "status"])
        parser.add_argument("--chunk", type=int, default=indexer.CHUNK)
        parser.add_argument("--json", action="store_true", help="Print one JSON object.")

    def handle(self, *args, **opts):
        action = opts["action"]
        quiet = opts["json"] or opts["verbosity"] == 0
        if action == "status":
            report = self.status()
        else:
            total = (
                Document.objects.filter(status=Status.DONE).count()
                if action == "rebuild"
                else indexer.dirty_documents().count()
            )
            with tqdm(total=total, desc=action, unit="doc", disable=quiet, file=sys.stderr) as bar:
                if action == "rebuild":
                    report = indexer.rebuild(chunk=opts["chunk"], progress=bar.update)
                else:
                    report = {"swept": indexer.sweep(chunk=opts["chunk"], progress=bar.update)}
        if opts["json"]:
            self.stdout.write(json.dumps(report, default=str))
        else:
            for key, value in report.items():
                self.stdout.write(f"{key.replace('_', ' ')}: {value}")

    def status(self) -> dict:
        health = get_backend().health()
        documents = Document.objects.all()
        report = {
            "backend": health.get("backend"),
            "ok": health.get("ok"),
            "index_documents": health.get("documents"),
            "done": documents.filter(status=Status.DONE).count(),
            "failed (not searchable)": documents.filter(status=Status.FAILED).count(),
            "pending": documents.filter(status__in=(Status.PENDING, Status.PROCESSING)).count(),
            "dirty": indexer.dirty_documents().count(),
        }
        if health.get("error"):
            report["error"] = health["error"]
        else:
            report.update(indexer.reconcile(fix=False))
        return report
