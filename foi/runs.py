"""Import runs as jobs (kind "import"): started from the command line, the admin or beat.

A run's parameters live on its Job, so the admin shows what it was asked to do, its live
progress (done/total, counts, errors) and its closing summary.
"""

from __future__ import annotations

import json

from django.db import transaction
from django.db.models import Q

from datascores.jobs.models import Job, JobStatus
from datascores.jobs.progress import JobAlreadyRunning, Reporter, create_job

from .importer import Client, Importer, Summary, base_url
from .models import OPEN_STATES, FoiRequest

KIND = "import"


def start_import(
    *,
    refs: list[str] | None = None,
    authorities: list[str] | None = None,
    users: list[str] | None = None,
    site: str = "",
    wait: bool = True,
    created_by: str = "",
    subject: str = "",
    description: str = "",
    queue: bool = True,
) -> Job:
    """Record an import run; with queue=True a worker runs it after the transaction commits."""
    params = {
        "refs": list(refs or []),
        "authorities": list(authorities or []),
        "users": list(users or []),
        "site": site or base_url(),
        "wait": wait,
    }
    job = create_job(
        KIND,
        subject,
        description=description or describe(params),
        params=params,
        created_by=created_by,
    )
    if queue:
        from . import tasks

        transaction.on_commit(lambda: tasks.run_import.delay(job.pk))
    return job


def describe(params: dict) -> str:
    bits = []
    if params.get("refs"):
        n = len(params["refs"])
        bits.append(f"{n} request{'s' if n != 1 else ''}")
    bits += [f"authority {a}" for a in params.get("authorities") or []]
    bits += [f"user {u}" for u in params.get("users") or []]
    return ("WhatDoTheyKnow import: " + ", ".join(bits or ["nothing"]))[:500]


def run_job(
    job_id: int, *, client: Client | None = None, on_request=None, total_hint=None, sleep=None
) -> Summary:
    """Run a recorded import to the end, reporting progress on its Job."""
    job = Job.objects.get(pk=job_id)
    if job.status != JobStatus.QUEUED:
        return Summary()  # already run, running, or cancelled before it started
    reporter = Reporter(job)
    reporter.start()
    params = job.params or {}
    kwargs = {}
    if sleep is not None:
        kwargs["sleep"] = sleep
    importer = Importer(
        site=params.get("site") or None,
        client=client,
        wait=bool(params.get("wait", True)),
        reporter=reporter,
        on_request=on_request,
        **kwargs,
    )
    try:
        summary = importer.run(
            params.get("refs") or [],
            authorities=params.get("authorities") or [],
            users=params.get("users") or [],
            total_hint=total_hint,
        )
    except Exception as exc:
        reporter.fail(f"The import stopped: {exc!r}")
        raise
    data = summary.as_json()
    for name, value in data["attachments"].items():
        reporter.counts[f"attachments_{name}"] = value
    reporter.counts["http_requests"] = data["http_requests"]
    reporter.finish(result=json.dumps(data, indent=1))
    return summary


def open_request_refs() -> dict[str, list[str]]:
    """Per site, the requests whose story is not over (awaiting response or clarification)."""
    rows = FoiRequest.objects.filter(Q(status__in=OPEN_STATES) | Q(awaiting_description=True))
    out: dict[str, list[str]] = {}
    for site, alaveteli_id in rows.order_by("last_checked_at", "id").values_list(
        "site", "alaveteli_id"
    ):
        out.setdefault(site, []).append(str(alaveteli_id))
    return out


def reimport_open() -> list[int]:
    """Start (and run here) one re-import per site of the requests still open."""
    done = []
    for site, refs in open_request_refs().items():
        try:
            job = start_import(
                refs=refs,
                site=site,
                subject=f"wdtk-open:{site}",
                description=f"Re-import of {len(refs)} open WhatDoTheyKnow request(s)",
                created_by="beat",
                queue=False,
            )
        except JobAlreadyRunning:
            continue
        run_job(job.pk)
        done.append(job.pk)
    return done
