"""The periodic re-import asks again about requests still awaiting a response."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings as django_settings

from datascores.jobs.models import Job
from foi import tasks
from foi.models import FoiRequest
from foi.runs import open_request_refs

from .alaveteli_site import FakeMessage

pytestmark = pytest.mark.django_db


def test_beat_schedules_the_reimport():
    entry = django_settings.CELERY_BEAT_SCHEDULE["reimport-open-foi-requests"]
    assert entry["task"] == tasks.reimport_open.name


def test_only_open_requests_are_asked_about_again(make_importer, site):
    make_importer().run(["101", "102", "103"])
    assert open_request_refs() == {site.base_url: ["102"]}

    r2 = site.requests[102]
    site.respond(
        r2,
        FakeMessage(
            "incoming", 3002, r2.created_at + timedelta(days=19), "<p>Information not held.</p>",
            body_part_id=7300,
        ),
        new_state="not_held",
    )  # fmt: skip
    site.hits.clear()
    tasks.reimport_open()

    job = Job.objects.get(kind="import")
    assert job.subject == f"wdtk-open:{site.base_url}"
    assert job.status == "finished" and job.params["refs"] == ["102"]
    assert [h for h in site.hits if h.endswith(".json")] == [
        "/request/automated_decisions_in_housing_benefit.json"
    ]
    assert FoiRequest.objects.get(alaveteli_id=102).status == "not_held"
    assert open_request_refs() == {}


def test_a_run_already_going_is_not_started_twice(make_importer, site):
    from foi.runs import start_import

    make_importer().run(["102"])
    start_import(
        refs=["102"], site=site.base_url, subject=f"wdtk-open:{site.base_url}", queue=False
    )
    assert tasks.reimport_open() == []
    assert Job.objects.count() == 1
