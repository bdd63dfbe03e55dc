"""`manage.py import_wdtk` as a user runs it: arguments, files, the JSON summary, the run."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from datascores.jobs.models import Job
from foi.models import FoiRequest

pytestmark = pytest.mark.django_db


def run(*args) -> dict:
    out = io.StringIO()
    call_command("import_wdtk", *args, "--json", stdout=out)
    return json.loads(out.getvalue())


def test_json_summary_has_the_documented_shape(wdtk_settings, site):
    data = run("101", f"{site.base_url}/request/automated_decisions_in_housing_benefit")
    assert set(data) == {
        "requests", "new", "updated", "unchanged", "attachments", "http_requests", "errors",
    }  # fmt: skip
    assert set(data["attachments"]) == {"new", "unchanged", "hidden", "failed"}
    assert data["requests"] == 2 and data["new"] == 2
    assert data["attachments"] == {"new": 3, "unchanged": 0, "hidden": 1, "failed": 0}
    assert data["errors"] == []
    # As the server counted them (robots.txt aside): the id's JSON redirects to the
    # url_title's, then two JSON, two pages, three files.
    served = [h for h in site.hits if h != "/robots.txt"]
    assert data["http_requests"] == len(served) == 1 + 2 + 2 + 3

    again = run("101", "102")
    assert again["unchanged"] == 2 and again["http_requests"] == 2


def test_the_run_is_recorded_as_an_import_job(wdtk_settings, site):
    run("103")
    job = Job.objects.get()
    assert job.kind == "import"
    assert job.status == "finished"
    assert job.params["refs"] == ["103"]
    assert job.params["site"] == site.base_url
    assert job.done == job.total == 1
    assert job.counts["new"] == 1
    assert json.loads(job.result)["new"] == 1


def test_file_of_links_like_the_2018_spreadsheet(wdtk_settings, site, tmp_path):
    sheet = tmp_path / "requests.csv"
    sheet.write_text(
        "Council,Link,Notes\n"
        f"Harrowgate,{site.base_url}/request/risk_scoring_in_childrens_services,good\n"
        f"Nettlebridge,{site.base_url}/request/police_facial_recognition#incoming_message_3003,\n"
        "Nobody,,no request made\n"
    )
    data = run("--file", str(sheet))
    assert data["new"] == 2
    assert set(FoiRequest.objects.values_list("alaveteli_id", flat=True)) == {101, 103}


def test_authority_and_user_options(wdtk_settings, site):
    data = run("--authority", "nettlebridge_police", "--user", "sam_citizen")
    assert data["new"] == 3  # 103 and 104 to the police; 102 and 104 by Sam
    assert set(FoiRequest.objects.values_list("alaveteli_id", flat=True)) == {102, 103, 104}


def test_base_url_option_points_at_another_alaveteli_site(settings, site):
    settings.FETCHER_ALLOW_PRIVATE = True
    settings.FETCHER_MIN_INTERVAL = 0.0
    settings.WDTK_DELAY = 0.0
    settings.WDTK_BASE_URL = "https://www.whatdotheyknow.com"  # not used: --base-url wins
    data = run("102", "--base-url", site.base_url)
    assert data["new"] == 1
    assert FoiRequest.objects.get().site == site.base_url


def test_no_wait_option(wdtk_settings, site):
    data = run("104", "--no-wait")
    assert data["attachments"]["failed"] == 2  # one being prepared, one that failed once
    assert Job.objects.get().params["wait"] is False


def test_nothing_to_import_is_an_error(wdtk_settings):
    with pytest.raises(CommandError, match="Give request links"):
        call_command("import_wdtk")


def test_bad_base_url_is_an_error(wdtk_settings):
    with pytest.raises(CommandError, match="Not a site address"):
        call_command("import_wdtk", "1", "--base-url", "ftp:/nowhere")


def test_human_summary(wdtk_settings, site):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_wdtk", "104", stdout=out, stderr=err)
    assert "1 request(s): 1 new, 0 updated, 0 unchanged." in out.getvalue()
    assert "1 failed" in out.getvalue()
    assert "Data%20flows.pdf" in err.getvalue()
