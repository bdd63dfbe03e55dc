"""Jobs: one active run per subject, buffered progress on a fake clock, cancel, the JSON view."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission, User
from django.test import Client
from django.urls import reverse

from datascores.jobs.models import Job, JobStatus
from datascores.jobs.progress import JobAlreadyRunning, Reporter, create_job, request_cancel

pytestmark = pytest.mark.django_db


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_one_active_job_per_subject():
    job = create_job("scrape", "Borsetshire")
    with pytest.raises(JobAlreadyRunning) as info:
        create_job("scrape", "Borsetshire")
    assert info.value.job == job
    create_job("scrape", "Ambridge")  # another subject is fine
    Reporter(job).finish()
    create_job("scrape", "Borsetshire")  # and so is a new run once the first ended


def test_reporter_writes_in_batches_and_sees_a_cancel():
    clock = Clock()
    job = create_job("scrape", "S")
    r = Reporter(job, flush_every=1.0, clock=clock)
    r.start()
    r.count("fetched")
    r.progress(done=1, total=10)
    assert Job.objects.get(pk=job.pk).done == 0  # not written yet
    clock.now = 1.5
    r.count("fetched")
    row = Job.objects.get(pk=job.pk)
    assert (row.done, row.total, row.counts["fetched"]) == (1, 10, 2)
    assert row.status == JobStatus.RUNNING and row.percent == 10
    request_cancel([job.pk])
    clock.now = 3.0
    r.step()
    assert r.cancelled
    assert r.finish().status == JobStatus.CANCELLED


def test_queued_job_is_cancelled_at_once():
    job = create_job("scrape", "S")
    assert request_cancel([job.pk]) == 1
    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED and job.finished_at is not None


def test_progress_json_is_for_staff_only():
    job = create_job("scrape", "S")
    Reporter(job).start()
    url = reverse("admin:jobs_job_progress", args=[job.pk])
    client = Client()
    assert client.get(url).status_code == 302  # to the login page
    User.objects.create_user("reader", password="pw")
    client.login(username="reader", password="pw")
    assert client.get(url).status_code == 302  # not staff
    staff = User.objects.create_user("staff", password="pw", is_staff=True)
    client.login(username="staff", password="pw")
    assert client.get(url).status_code == 403  # staff without the view permission
    staff.user_permissions.add(Permission.objects.get(codename="view_job"))
    response = client.get(url)
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    data = response.json()
    assert data["status"] == "running" and data["active"] is True
    assert set(data) >= {"done", "total", "percent", "counts", "errors", "message"}


def test_cancel_button_needs_post_csrf_and_change_permission():
    job = create_job("scrape", "S")
    Reporter(job).start()
    url = reverse("admin:jobs_job_cancel", args=[job.pk])
    staff = User.objects.create_user("staff", password="pw", is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_job"))
    client = Client(enforce_csrf_checks=True)
    client.login(username="staff", password="pw")
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 403  # no CSRF token
    page = client.get(reverse("admin:jobs_job_change", args=[job.pk]))
    assert page.status_code == 200
    assert b"Cancel this run" not in page.content  # no change permission: no button
    token = page.cookies["csrftoken"].value
    assert client.post(url, {"csrfmiddlewaretoken": token}).status_code == 403
    staff.user_permissions.add(Permission.objects.get(codename="change_job"))
    page = client.get(reverse("admin:jobs_job_change", args=[job.pk]))
    assert b"Cancel this run" in page.content
    assert b'src="/static/jobs/progress.js"' in page.content
    assert b"data-job-progress-url" in page.content
    assert client.post(url, {"csrfmiddlewaretoken": token}).status_code == 302
    assert Job.objects.get(pk=job.pk).cancel_requested
