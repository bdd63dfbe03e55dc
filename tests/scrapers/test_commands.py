"""`load_sources` from YAML (with schedules in beat's database) and `scrape --json`."""

from __future__ import annotations

import io
import json
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django_celery_beat.models import PeriodicTask

from datascores.entities.models import BodyKind, PublicBody
from datascores.jobs.models import Job
from scrapers.models import Kind, Source

pytestmark = pytest.mark.django_db(transaction=True)

YAML = """
- name: Borsetshire
  kind: crawl
  urls: [{base}/]
  allowed_domains: [127.0.0.1]
  exclude: ['/contact$']
  max_pages: 50
  max_depth: 1
  authority: Borsetshire County Council
  schedule: "0 3 * * 1"
- name: Borsetshire search
  kind: search
  search_url: "{base}/search?q={{term}}"
  terms: [algorithm, risk score]
  keyword_filter: true
  enabled: false
"""


def test_load_sources_creates_then_updates_by_name_with_schedules(tmp_path):
    PublicBody.objects.create(
        name="Borsetshire County Council", slug="borsetshire", kind=BodyKind.COUNCIL
    )
    path = tmp_path / "sources.yaml"
    path.write_text(YAML.format(base="https://www.borsetshire.gov.uk"))
    out = io.StringIO()
    call_command("load_sources", str(path), stdout=out)
    assert "2 source(s) created, 0 updated" in out.getvalue()
    crawl = Source.objects.get(name="Borsetshire")
    assert crawl.kind == Kind.CRAWL and crawl.max_pages == 50 and crawl.exclude == "/contact$"
    assert crawl.authority.name == "Borsetshire County Council"
    task = PeriodicTask.objects.get(pk=crawl.periodic_task_id)
    assert task.task == "scrapers.tasks.scheduled_scrape" and json.loads(task.args) == [crawl.pk]
    assert (task.crontab.minute, task.crontab.hour, task.crontab.day_of_week) == ("0", "3", "1")
    search = Source.objects.get(name="Borsetshire search")
    assert search.term_list == ["algorithm", "risk score"] and not search.enabled
    assert search.keywords == ["algorithm", "risk score"]  # keyword_filter: true
    assert search.periodic_task is None

    # Loading again updates by name; a schedule removed is removed from beat too.
    path.write_text(
        YAML.format(base="https://www.borsetshire.gov.uk")
        .replace('schedule: "0 3 * * 1"', 'schedule: ""')
        .replace("max_pages: 50", "max_pages: 70")
    )
    out = io.StringIO()
    call_command("load_sources", str(path), stdout=out)
    assert "0 source(s) created, 2 updated" in out.getvalue()
    crawl.refresh_from_db()
    assert crawl.max_pages == 70 and crawl.periodic_task is None
    assert not PeriodicTask.objects.filter(task="scrapers.tasks.scheduled_scrape").exists()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("- {name: x, kind: crawl, urls: [ftp://x/]}", "not an http(s) URL"),
        ("- {name: x, kind: search, search_url: 'https://x/?q=1', terms: [a]}", "{term}"),
        ("- {name: x, kind: crawl, urls: [https://x/], exclude: ['(']}", "regular expression"),
        ("- {name: x, kind: crawl, urls: [https://x/], schedule: 'daily'}", "Five cron fields"),
        ("- {name: x, colour: red}", "unknown key"),
        ("- {name: x, kind: crawl, urls: [https://x/], authority: Nowhere}", "no public body"),
        ("name: x", "list of mappings"),
    ],
)
def test_load_sources_explains_bad_entries(tmp_path, text, message):
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(CommandError, match=re.escape(message)):
        call_command("load_sources", str(path))
    assert not Source.objects.exists()


def test_schedule_edited_on_the_source_moves_beats_task():
    source = Source.objects.create(name="S", urls="https://x.gov.uk/", schedule="*/30 * * * *")
    task = PeriodicTask.objects.get(pk=source.periodic_task_id)
    assert task.crontab.minute == "*/30" and task.enabled
    source.schedule = "15 2 * * *"
    source.enabled = False
    source.save()
    task.refresh_from_db()
    assert (task.crontab.minute, task.crontab.hour, task.enabled) == ("15", "2", False)
    source.delete()
    assert not PeriodicTask.objects.filter(pk=task.pk).exists()


def test_scrape_command_prints_one_json_object_per_run(site, monkeypatch, settings):
    settings.FETCHER_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    settings.FETCHER_MIN_INTERVAL = 0
    settings.MAX_FILE_SIZE = 200_000  # the big files are refused, as in the engine tests
    site.robots = "User-agent: *\nDisallow: /private/\n"
    Source.objects.create(
        name="Borsetshire", urls=site.url("/"), max_depth=1, allowed_domains="127.0.0.1"
    )
    out = io.StringIO()
    call_command("scrape", "Borsetshire", "--json", stdout=out)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert len(lines) == 1
    run = lines[0]
    assert set(run) == {"source", "status", "counts", "errors"}
    assert run["source"] == "Borsetshire" and run["status"] == "finished"
    assert set(run["counts"]) == {
        "fetched",
        "new",
        "changed",
        "unchanged",
        "gone",
        "skipped",
        "failed",
    }
    assert run["counts"]["new"] == 13
    assert all(set(e) == {"url", "reason"} for e in run["errors"])
    assert any("robots.txt" in e["reason"] for e in run["errors"])

    with pytest.raises(CommandError, match="No source called 'Nope'"):
        call_command("scrape", "Nope")
    with pytest.raises(CommandError, match="not both"):
        call_command("scrape", "Borsetshire", "--all")


def test_scrape_no_wait_queues_and_returns(site, settings, monkeypatch):
    from scrapers import tasks

    sent = []
    monkeypatch.setattr(tasks.run_scrape, "delay", sent.append)
    Source.objects.create(name="Borsetshire", urls=site.url("/"))
    out, err = io.StringIO(), io.StringIO()
    call_command("scrape", "--all", "--no-wait", stdout=out, stderr=err)
    job = Job.objects.get()
    assert sent == [job.pk] and job.status == "queued"
    assert out.getvalue().strip() == f"Borsetshire: queued as job {job.pk}."
    assert "No worker is running" in err.getvalue()
    assert site.paths() == []  # nothing fetched by the command itself
