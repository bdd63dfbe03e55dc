"""The admin's "Re-scrape now": POST with CSRF, change permission, one run per source."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission, User
from django.test import Client
from django.urls import reverse

from datascores.jobs.models import Job, JobStatus
from scrapers.models import Source

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def loopback_site(site, settings):
    settings.FETCHER_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    settings.FETCHER_MIN_INTERVAL = 0
    settings.MAX_FILE_SIZE = 200_000
    site.robots = "User-agent: *\nDisallow: /private/\n"
    return site


def perm(codename: str) -> Permission:
    app = "jobs" if codename.endswith("_job") else "scrapers"
    return Permission.objects.get(codename=codename, content_type__app_label=app)


def staff(*perms: str) -> Client:
    user = User.objects.create_user("editor", password="pw", is_staff=True)
    for codename in perms:
        user.user_permissions.add(perm(codename))
    client = Client(enforce_csrf_checks=True)
    client.login(username="editor", password="pw")
    return client


def csrf(client: Client, url: str) -> str:
    page = client.get(url)
    assert page.status_code == 200
    return page.cookies["csrftoken"].value


def test_rescrape_now_action_runs_the_selected_sources(loopback_site):
    site = loopback_site
    one = Source.objects.create(name="One", urls=site.url("/"), max_depth=1)
    two = Source.objects.create(name="Two", urls=site.url("/news/risk-scoring"), max_depth=0)
    client = staff("view_source", "change_source", "view_job")
    changelist = reverse("admin:scrapers_source_changelist")
    token = csrf(client, changelist)
    response = client.post(
        changelist,
        {"action": "rescrape_now", "_selected_action": [one.pk, two.pk],
         "csrfmiddlewaretoken": token},
        follow=True,
    )  # fmt: skip
    assert response.status_code == 200
    jobs = {j.subject: j for j in Job.objects.filter(kind="scrape")}
    assert set(jobs) == {"One", "Two"}
    assert jobs["One"].status == JobStatus.FINISHED and jobs["One"].counts["new"] == 13
    # The same page, already stored by "One": one document, found by two sources.
    assert jobs["Two"].counts["fetched"] == 1 and jobs["Two"].counts["unchanged"] == 1
    assert jobs["One"].created_by == "editor"
    text = response.content.decode()
    assert "One: run" in text and "started" in text
    # The history shows on the source's page with each run's counts.
    page = client.get(reverse("admin:scrapers_source_change", args=[one.pk])).content.decode()
    assert "13 new" in page and "Re-scrape now" in page and "jobs/progress.js" in page


def test_rescrape_needs_post_csrf_and_change_permission(loopback_site):
    source = Source.objects.create(name="One", urls=loopback_site.url("/"), max_depth=0)
    url = reverse("admin:scrapers_source_rescrape", args=[source.pk])
    viewer = staff("view_source")
    assert viewer.get(url).status_code == 405
    token = csrf(viewer, reverse("admin:scrapers_source_change", args=[source.pk]))
    assert viewer.post(url).status_code == 403  # no CSRF token
    assert viewer.post(url, {"csrfmiddlewaretoken": token}).status_code == 403  # view only
    changelist = viewer.get(reverse("admin:scrapers_source_changelist")).content.decode()
    assert "rescrape_now" not in changelist  # the action is not offered either
    assert not Job.objects.exists()

    editor = User.objects.get(username="editor")
    editor.user_permissions.add(perm("change_source"))
    response = viewer.post(url, {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert Job.objects.get().status == JobStatus.FINISHED


def test_a_second_rescrape_joins_the_running_one(loopback_site):
    from datascores.jobs.progress import create_job

    source = Source.objects.create(name="One", urls=loopback_site.url("/"), max_depth=0)
    running = create_job("scrape", "One", params={"source_id": source.pk})
    client = staff("view_source", "change_source")
    token = csrf(client, reverse("admin:scrapers_source_changelist"))
    response = client.post(
        reverse("admin:scrapers_source_rescrape", args=[source.pk]),
        {"csrfmiddlewaretoken": token},
        follow=True,
    )
    assert "already queued" in response.content.decode()
    assert list(Job.objects.values_list("pk", flat=True)) == [running.pk]
