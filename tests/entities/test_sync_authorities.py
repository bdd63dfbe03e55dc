"""`manage.py sync_authorities` against a WhatDoTheyKnow-format CSV served on loopback."""

from __future__ import annotations

import csv
import functools
import http.server
import io
import threading

import pytest
from django.core.management import call_command

from datascores.entities.models import AuthorityMatch, PublicBody, SyncRun
from datascores.entities.wdtk import Matcher, WdtkRow, parse_authorities_csv

pytestmark = pytest.mark.django_db

HEADER = [
    "Name", "Short name", "URL name", "Tags", "Home page", "Publication scheme",
    "Disclosure log", "Notes", "Created at", "Updated at", "Version",
]  # fmt: skip
ROWS = [
    # exact official name
    ["Bristol City Council", "", "bristol_city_council", "local_council unitary_authority",
     "https://www.bristol.gov.uk", "", "", "", "2008-01-18 14:05:10 UTC",
     "2023-05-02 10:11:12 UTC", "12"],
    # an alias of ours
    ["Hackney Borough Council", "Hackney Council", "hackney_borough_council",
     "local_council london_borough", "", "", "", "", "2008-01-18 14:05:10 UTC",
     "2022-02-01 09:00:00 UTC", "7"],
    # home page domain only
    ["Kent Council (County Hall)", "", "kent_county_council", "local_council county_council",
     "http://www.kent.gov.uk/", "", "", "", "2008-01-18 14:05:10 UTC",
     "2021-01-01 00:00:00 UTC", "3"],
    # a near miss: fuzzy proposal for review
    ["Durham Constabularly", "", "durham_constabulary", "police", "", "", "", "",
     "2008-01-18 14:05:10 UTC", "2020-01-01 00:00:00 UTC", "2"],
    # not in our vocabulary at all
    ["St Mary's Primary School, Anytown", "", "st_marys_primary_school_anytown", "school",
     "", "", "", "", "2015-03-03 10:00:00 UTC", "2015-03-03 10:00:00 UTC", "1"],
]  # fmt: skip


def csv_bytes(rows=ROWS) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(HEADER)
    w.writerows(rows)
    return buf.getvalue().encode("utf-8")


@pytest.fixture
def serve_csv(tmp_path, settings):
    """A local http.server with body/all-authorities.csv (it answers conditional GETs):
    call it with rows, get the URL."""
    settings.FETCHER_ALLOW_PRIVATE = True
    settings.FETCHER_MIN_INTERVAL = 0.0
    (tmp_path / "body").mkdir()
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    handler.log_message = lambda *a, **k: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def serve(rows=ROWS) -> str:
        (tmp_path / "body" / "all-authorities.csv").write_bytes(csv_bytes(rows))
        return f"http://127.0.0.1:{server.server_address[1]}/body/all-authorities.csv"

    yield serve
    server.shutdown()
    server.server_close()


@pytest.fixture
def wdtk_server(serve_csv):
    return serve_csv()


def row(name: str, url_name: str, home_page: str = "", short_name: str = "") -> list[str]:
    return [name, short_name, url_name, "", home_page, "", "", "", "", "", "1"]


def test_sync_authorities_accepts_exact_and_alias_and_proposes_domain_and_fuzzy(
    wdtk_server, capsys
):
    call_command("sync_authorities", "--url", wdtk_server)
    out = capsys.readouterr().out
    assert "5 authorities read" in out
    assert (
        PublicBody.objects.get(name="Bristol City Council").wdtk_url_name == "bristol_city_council"
    )
    assert (
        PublicBody.objects.get(name="London Borough of Hackney").wdtk_url_name
        == "hackney_borough_council"
    )
    methods = dict(AuthorityMatch.objects.values_list("url_name", "method"))
    assert methods == {
        "bristol_city_council": "exact",
        "hackney_borough_council": "alias",
        "kent_county_council": "domain",
        "durham_constabulary": "fuzzy",
    }
    statuses = dict(AuthorityMatch.objects.values_list("url_name", "status"))
    assert statuses == {
        "bristol_city_council": "accepted",
        "hackney_borough_council": "accepted",
        "kent_county_council": "proposed",
        "durham_constabulary": "proposed",
    }
    fuzzy = AuthorityMatch.objects.get(url_name="durham_constabulary")
    assert fuzzy.public_body.name == "Durham Constabulary"
    # A proposal changes nothing until a person accepts it.
    assert PublicBody.objects.get(name="Durham Constabulary").wdtk_url_name == ""
    assert PublicBody.objects.get(name="Kent County Council").wdtk_url_name == ""
    run = SyncRun.objects.get()
    assert (run.rows, run.matched_exact, run.matched_alias, run.proposed, run.unmatched) == (
        5, 1, 1, 2, 1,
    )  # fmt: skip
    assert run.last_modified  # kept for the next conditional GET


def test_a_body_sharing_a_council_website_does_not_take_its_url_name(serve_csv):
    url = serve_csv(
        [
            row("Adoption Partnership South East (Kent County Council)",
                "adoption_partnership_south_east", "https://www.kent.gov.uk/adoption"),
            row("Kent Pension Fund", "kent_pension_fund", "http://kent.gov.uk/pensions"),
            row("Kent County Council", "kent_county_council", "https://www.kent.gov.uk"),
        ]
    )  # fmt: skip
    call_command("sync_authorities", "--url", url)
    kent = PublicBody.objects.get(name="Kent County Council")
    assert kent.wdtk_url_name == "kent_county_council"
    statuses = dict(AuthorityMatch.objects.values_list("url_name", "status"))
    assert statuses == {
        "adoption_partnership_south_east": "proposed",
        "kent_pension_fund": "proposed",
        "kent_county_council": "accepted",
    }


def test_an_exact_match_replaces_an_alias_one_and_every_accepted_url_name_resolves(
    serve_csv, make_document
):
    from datascores.entities import api

    url = serve_csv(
        [
            row("Kent CC", "kent_cc"),  # an alias of ours, listed first
            row("Kent County Council", "kent_county_council"),
        ]
    )
    call_command("sync_authorities", "--url", url)
    assert PublicBody.objects.get(name="Kent County Council").wdtk_url_name == (
        "kent_county_council"
    )
    SyncRun.objects.all().delete()  # a full second read does not flip it back
    call_command("sync_authorities", "--url", url)
    assert PublicBody.objects.get(name="Kent County Council").wdtk_url_name == (
        "kent_county_council"
    )
    # FOI metadata naming either url_name finds the council.
    for url_name in ("kent_cc", "kent_county_council"):
        doc = make_document(["No information held."], metadata={"authority": url_name})
        api.tag_document(doc)
        assert api.document_tags(doc)["issuing_authority"] == "Kent County Council", url_name


def test_rejecting_the_kept_url_name_falls_back_to_the_next_accepted(serve_csv, admin_client):
    url = serve_csv([row("Kent CC", "kent_cc"), row("Kent County Council", "kent_county_council")])
    call_command("sync_authorities", "--url", url)
    match = AuthorityMatch.objects.get(url_name="kent_county_council")
    admin_client.post(
        "/admin/entities/authoritymatch/",
        {"action": "reject", "_selected_action": [match.pk]},
    )
    match.refresh_from_db()
    assert match.status == "rejected" and match.reviewed_at is not None
    assert PublicBody.objects.get(name="Kent County Council").wdtk_url_name == "kent_cc"


def test_second_sync_uses_a_conditional_get(wdtk_server, capsys):
    call_command("sync_authorities", "--url", wdtk_server)
    capsys.readouterr()
    call_command("sync_authorities", "--url", wdtk_server)
    assert "has not changed" in capsys.readouterr().out
    assert SyncRun.objects.filter(not_modified=True).count() == 1


def test_accepting_a_proposal_in_the_admin(wdtk_server, admin_client):
    call_command("sync_authorities", "--url", wdtk_server)
    match = AuthorityMatch.objects.get(url_name="durham_constabulary")
    admin_client.post(
        "/admin/entities/authoritymatch/",
        {"action": "accept", "_selected_action": [match.pk]},
    )
    match.refresh_from_db()
    assert match.status == "accepted" and match.reviewed_at is not None
    assert PublicBody.objects.get(name="Durham Constabulary").wdtk_url_name == "durham_constabulary"
    SyncRun.objects.all().delete()
    call_command("sync_authorities", "--url", wdtk_server)  # a person's decision stays
    match.refresh_from_db()
    assert match.status == "accepted"


def test_reviewed_decisions_survive_a_new_sync(wdtk_server, tmp_path):
    call_command("sync_authorities", "--url", wdtk_server)
    AuthorityMatch.objects.filter(url_name="durham_constabulary").update(status="rejected")
    SyncRun.objects.all().delete()  # forget the validators: fetch in full again
    call_command("sync_authorities", "--url", wdtk_server)
    assert AuthorityMatch.objects.get(url_name="durham_constabulary").status == "rejected"


def test_a_file_that_is_not_the_authority_list_is_refused():
    with pytest.raises(ValueError, match="missing column"):
        parse_authorities_csv(b"foo,bar\n1,2\n")


def test_a_domain_shared_by_several_bodies_proposes_none_of_them():
    m = Matcher(
        {1: "Dorset County Council", 2: "West Dorset District Council", 3: "Somerset Council",
         4: "Somerset County Council"},
        [],
        {1: ["dorsetforyou.gov.uk"], 2: ["dorsetforyou.gov.uk"], 3: ["somerset.gov.uk"],
         4: ["somerset.gov.uk"]},
        ended={1, 2, 4},
    )  # fmt: skip
    p = m.match(WdtkRow("Dorset Waste Partnership", "", "dwp_dorset", "", "dorsetforyou.gov.uk"))
    assert p.method == "none"
    p = m.match(WdtkRow("Somerset Pension Fund", "", "spf", "", "https://somerset.gov.uk"))
    assert (p.method, p.body_id) == ("domain", 3)  # the one still existing


def test_matcher_is_pure_and_does_not_guess_wildly():
    m = Matcher({1: "Bristol City Council", 2: "Bath and North East Somerset Council"}, [], {})
    row = WdtkRow("Bristol Water plc", "", "bristol_water", "company", "")
    assert m.match(row).method == "none"
    row = WdtkRow("Bristol City Counci", "", "bcc", "", "")
    p = m.match(row)
    assert (p.method, p.body_id) == ("fuzzy", 1)
