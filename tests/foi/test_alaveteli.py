"""Reading Alaveteli's formats without a network: references, JSON, page, listings."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

import pytest

from foi.alaveteli import (
    FormatError,
    RequestRef,
    parse_listing,
    parse_ref,
    parse_request_json,
    parse_request_page,
)

from .alaveteli_site import FakeAttachment, FakeMessage, standard_site

SITE = "https://www.whatdotheyknow.com"


@pytest.mark.parametrize(
    ("text", "ref"),
    [
        ("1234", RequestRef(SITE, alaveteli_id=1234)),
        ("risk_scoring", RequestRef(SITE, url_title="risk_scoring")),
        (f"{SITE}/request/risk_scoring", RequestRef(SITE, url_title="risk_scoring")),
        (f"{SITE}/request/risk_scoring#incoming-55", RequestRef(SITE, url_title="risk_scoring")),
        (f"{SITE}/request/risk_scoring.json", RequestRef(SITE, url_title="risk_scoring")),
        (
            f"{SITE}/request/risk_scoring/response/55/attach/2/a.pdf",
            RequestRef(SITE, url_title="risk_scoring"),
        ),
        (f"{SITE}/request/1234", RequestRef(SITE, alaveteli_id=1234)),
        ("/request/risk_scoring?nocache=1", RequestRef(SITE, url_title="risk_scoring")),
        (
            "https://www.asktheeu.org/en/request/x_y",
            RequestRef("https://www.asktheeu.org", url_title="x_y"),
        ),
        (' "1234" ', RequestRef(SITE, alaveteli_id=1234)),
    ],
)
def test_references(text, ref):
    assert parse_ref(text, SITE + "/") == ref


@pytest.mark.parametrize("text", ["", "https://www.whatdotheyknow.com/body/x", "two words"])
def test_not_references(text):
    with pytest.raises(ValueError):
        parse_ref(text, SITE)


def test_request_json_times_states_and_events():
    site = standard_site(scanned=False)
    data = parse_request_json(json.dumps(site.requests[101].as_json()))
    assert data.id == 101 and data.url_title == "risk_scoring_in_childrens_services"
    assert data.created_at == datetime(2024, 1, 15, 10, 20, 30, 123000, tzinfo=UTC)
    assert data.described_state == "successful" and data.display_status == "Successful"
    assert data.tags == [["algorithm", None], ["year", "2024"]]
    assert [e.event_type for e in data.events] == ["sent", "response", "status_update"]
    assert data.events[1].incoming_message_id == 3001
    assert [s[1] for s in data.message_signature()] == ["sent", "response"]
    assert data.first_response_at == datetime(2024, 2, 2, 13, 20, 30, 123000, tzinfo=UTC)


def test_request_json_with_a_london_summer_offset():
    doc = {
        "id": 5, "url_title": "x", "title": "X", "created_at": "2023-06-01T09:15:02.517+01:00",
        "info_request_events": [], "user_name": "An external requester",
    }  # fmt: skip
    data = parse_request_json(json.dumps(doc))
    assert data.created_at == datetime(
        2023, 6, 1, 9, 15, 2, 517000, tzinfo=timezone(timedelta(hours=1))
    )
    assert data.requester_name == "An external requester"


@pytest.mark.parametrize("body", [b"<html>Sorry</html>", b"[]", b'{"id": "x"}', b'{"id": 3}'])
def test_not_request_json(body):
    with pytest.raises(FormatError):
        parse_request_json(body)


def test_request_page_messages_and_attachments():
    site = standard_site(scanned=False)
    req = site.requests[101]
    page = site.request_page(req)
    messages = parse_request_page(page, f"{SITE}/request/{req.url_title}")
    assert [(m.direction, m.alaveteli_id) for m in messages] == [
        ("outgoing", 2001),
        ("incoming", 3001),
    ]
    out, inc = messages
    assert out.author == "Jane Researcher"
    assert out.sent_at == datetime(2024, 1, 15, 10, 20, 30, 123000, tzinfo=UTC)
    assert out.body.startswith("Dear Harrowgate Borough Council,\n\nPlease send me")
    assert inc.body.startswith("Dear Ms Researcher,")
    assert "Attachment" not in inc.body and "Download" not in inc.body
    files = {a.alaveteli_id: a for a in inc.attachments}
    assert files[7001].part == 2 and files[7001].filename == "Evaluation report.pdf"
    assert files[7001].url == (
        f"{SITE}/request/{req.url_title}/response/3001/attach/2/Evaluation%20report.pdf"
    )
    assert files[7004].hidden and not files[7004].url


def test_hidden_message_has_no_body():
    site = standard_site(scanned=False)
    req = site.requests[103]
    req.messages[1].hidden = True
    messages = parse_request_page(site.request_page(req), f"{SITE}/request/x")
    assert messages[1].hidden and messages[1].body == ""


def test_attachment_names_with_spaces_and_unicode():
    site = standard_site(scanned=False)
    req = site.requests[102]
    site.respond(
        req,
        FakeMessage(
            "incoming", 3002, req.created_at, "<p>Reply</p>", body_part_id=9,
            attachments=[FakeAttachment(9001, 2, "Réponse FOI 2024.pdf", b"%PDF-1.4")],
        ),
    )  # fmt: skip
    messages = parse_request_page(site.request_page(req), f"{SITE}/request/x")
    att = messages[1].attachments[0]
    assert att.filename == "Réponse FOI 2024.pdf"
    assert att.url.endswith("/attach/2/R%C3%A9ponse%20FOI%202024.pdf")


def test_listing_pages_and_annotations():
    site = standard_site(scanned=False)
    site.per_page = 1
    status, _, body = site.listing("user", "jane_researcher", 1)
    titles, next_page = parse_listing(body, f"{SITE}/user/jane_researcher")
    assert status == 200
    assert titles == ["police_facial_recognition"]  # newest first; the annotation is not theirs
    assert next_page == f"{SITE}/user/jane_researcher?page=2"
    _, _, body = site.listing("user", "jane_researcher", 2)
    titles, next_page = parse_listing(body, f"{SITE}/user/jane_researcher?page=2")
    assert titles == ["risk_scoring_in_childrens_services"] and next_page == ""


def test_the_sites_authority_list_reads_as_whatdotheyknows():
    from datascores.entities.wdtk import parse_authorities_csv

    rows = parse_authorities_csv(standard_site(scanned=False).authorities_csv())
    assert [(r.name, r.url_name) for r in rows] == [
        ("Harrowgate Borough Council", "harrowgate_borough_council"),
        ("Nettlebridge Police", "nettlebridge_police"),
    ]
