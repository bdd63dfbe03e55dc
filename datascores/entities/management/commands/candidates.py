"""List the names documents give that the vocabulary lacks, most documents first."""

import json

from django.core.management.base import BaseCommand

from datascores.entities.candidates import as_json, queue
from datascores.entities.models import CandidateStatus


class Command(BaseCommand):
    help = (
        "Candidate names for the vocabulary (public bodies, companies, systems) found while "
        "tagging, ranked by how many documents name them, with evidence."
    )

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="JSON lines, one a candidate.")
        parser.add_argument(
            "--status",
            default=CandidateStatus.PENDING,
            choices=[c for c, _ in CandidateStatus.choices],
        )
        parser.add_argument("--kind", choices=["authority", "company", "system"])
        parser.add_argument("--limit", type=int, default=100)

    def handle(self, *args, **opts):
        qs = queue(opts["status"])
        if opts["kind"]:
            qs = qs.filter(kind=opts["kind"])
        rows = list(qs.select_related("vendor")[: opts["limit"]])
        if opts["json"]:
            self.stdout.write(json.dumps([as_json(c) for c in rows], indent=1))
            return
        if not rows:
            self.stdout.write("No candidates.")
            return
        for c in rows:
            ev = c.mentions.first()
            self.stdout.write(f"{c.document_count:5}  {c.get_kind_display():12}  {c.name}")
            if ev:
                self.stdout.write(f"       doc {ev.document_id} p.{ev.page}: {ev.sentence[:150]}")
