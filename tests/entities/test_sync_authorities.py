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
def wdtk_server(tmp_path, settings):
    """A local http.server with body/all-authorities.csv (it answers conditional GETs)."""
    settings.FETCHER_ALLOW_PRIVATE = True
    settings.FETCHER_MIN_INTERVAL = 0.0
    (tmp_path / "body").mkdir()
    (tmp_path / "body" / "all-authorities.csv").write_bytes(csv_bytes())
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    handler.log_message = lambda *a, **k: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/body/all-authorities.csv"
    server.shutdown()
    server.server_close()


def test_sync_authorities_matches_exact_alias_domain_and_proposes_fuzzy(wdtk_server, capsys):
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
    assert PublicBody.objects.get(name="Kent County Council").wdtk_url_name == "kent_county_council"
    methods = dict(AuthorityMatch.objects.values_list("url_name", "method"))
    assert methods == {
        "bristol_city_council": "exact",
        "hackney_borough_council": "alias",
        "kent_county_council": "domain",
        "durham_constabulary": "fuzzy",
    }
    fuzzy = AuthorityMatch.objects.get(url_name="durham_constabulary")
    assert fuzzy.status == "proposed" and fuzzy.public_body.name == "Durham Constabulary"
    # A proposal changes nothing until a person accepts it.
    assert PublicBody.objects.get(name="Durham Constabulary").wdtk_url_name == ""
    run = SyncRun.objects.get()
    assert (run.rows, run.matched_exact, run.matched_alias, run.proposed, run.unmatched) == (
        5, 1, 2, 1, 1,
    )  # fmt: skip
    assert run.last_modified  # kept for the next conditional GET


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
    assert match.status == "accepted"
    assert PublicBody.objects.get(name="Durham Constabulary").wdtk_url_name == "durham_constabulary"


def test_reviewed_decisions_survive_a_new_sync(wdtk_server, tmp_path):
    call_command("sync_authorities", "--url", wdtk_server)
    AuthorityMatch.objects.filter(url_name="durham_constabulary").update(status="rejected")
    SyncRun.objects.all().delete()  # forget the validators: fetch in full again
    call_command("sync_authorities", "--url", wdtk_server)
    assert AuthorityMatch.objects.get(url_name="durham_constabulary").status == "rejected"


def test_a_file_that_is_not_the_authority_list_is_refused():
    with pytest.raises(ValueError, match="missing column"):
        parse_authorities_csv(b"foo,bar\n1,2\n")


def test_matcher_is_pure_and_does_not_guess_wildly():
    m = Matcher({1: "Bristol City Council", 2: "Bath and North East Somerset Council"}, [], {})
    row = WdtkRow("Bristol Water plc", "", "bristol_water", "company", "")
    assert m.match(row).method == "none"
    row = WdtkRow("Bristol City Counci", "", "bcc", "", "")
    p = m.match(row)
    assert (p.method, p.body_id) == ("fuzzy", 1)
