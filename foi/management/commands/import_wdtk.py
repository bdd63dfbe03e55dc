"""`manage.py import_wdtk`: import FOI requests from WhatDoTheyKnow (or any Alaveteli site)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from foi import runs
from foi.importer import base_url
from foi.inputs import decode_upload, refs_from_text


class Command(BaseCommand):
    help = (
        "Import FOI requests, their correspondence and released attachments from "
        "WhatDoTheyKnow (or another Alaveteli site). Re-running it fetches only what changed."
    )

    def add_arguments(self, parser):
        parser.add_argument("refs", nargs="*", metavar="URL_OR_ID", help="Request links or ids.")
        parser.add_argument(
            "--file", action="append", default=[], help="A list or CSV of request links."
        )
        parser.add_argument(
            "--authority", action="append", default=[], metavar="URL_NAME",
            help="Import every request to this authority (its /body/<url_name>).",
        )  # fmt: skip
        parser.add_argument(
            "--user", action="append", default=[], metavar="URL_NAME",
            help="Import every request by this user (their /user/<url_name>).",
        )  # fmt: skip
        parser.add_argument(
            "--base-url", default="", help="The Alaveteli site (default DATASCORES_WDTK_BASE_URL)."
        )
        parser.add_argument(
            "--no-wait", action="store_true",
            help="Do not wait for attachments the site is still preparing; "
            "they are fetched on the next import.",
        )  # fmt: skip
        parser.add_argument("--json", action="store_true", help="Print the summary as JSON.")

    def handle(self, *args, **opts):
        refs = list(opts["refs"])
        for name in opts["file"]:
            path = Path(name)
            try:
                found, skipped = refs_from_text(decode_upload(path.read_bytes()))
            except OSError as exc:
                raise CommandError(f"Could not read {name}: {exc.strerror or exc}.") from exc
            if not found:
                raise CommandError(f"{name} holds no request links or ids.")
            refs += found
            if skipped and not opts["json"]:
                self.stderr.write(f"{name}: {len(skipped)} row(s) without a request link skipped.")
        if not (refs or opts["authority"] or opts["user"]):
            raise CommandError("Give request links or ids, --file, --authority or --user.")
        site = opts["base_url"] or base_url()
        try:
            from foi.alaveteli import normalise_site

            site = normalise_site(site)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        job = runs.start_import(
            refs=refs,
            authorities=opts["authority"],
            users=opts["user"],
            site=site,
            wait=not opts["no_wait"],
            created_by="import_wdtk",
            queue=False,
        )
        bar = _Bar(quiet=opts["json"] or opts["verbosity"] == 0)
        try:
            summary = runs.run_job(job.pk, on_request=bar.step, total_hint=bar.total)
        finally:
            bar.close()
        data = summary.as_json()
        if opts["json"]:
            self.stdout.write(json.dumps(data, indent=2))
            return
        a = data["attachments"]
        self.stdout.write(
            f"{data['requests']} request(s): {data['new']} new, {data['updated']} updated, "
            f"{data['unchanged']} unchanged. Attachments: {a['new']} new, {a['unchanged']} "
            f"unchanged, {a['hidden']} hidden, {a['failed']} failed. "
            f"{data['http_requests']} HTTP request(s). Import run {job.pk}."
        )
        for err in data["errors"]:
            self.stderr.write(f"  {err['url']}: {err['reason']}")


class _Bar:
    """A tqdm progress bar on stderr once the number of requests is known."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet or not sys.stderr.isatty()
        self._bar = None

    def total(self, n: int) -> None:
        if self.quiet:
            return
        from tqdm import tqdm

        self._bar = tqdm(total=n, unit="request", file=sys.stderr, dynamic_ncols=True)

    def step(self, ref: str, outcome: str) -> None:
        if self._bar is not None:
            self._bar.set_postfix_str(outcome, refresh=False)
            self._bar.update(1)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
