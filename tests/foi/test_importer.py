"""The importer against a local Alaveteli site: what lands in the database, and what it asks."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from protego import Protego

from datascores.documents.models import Document, Source, SourceType, Version
from foi.models import Attachment, AttachmentState, Direction, FoiRequest

from .alaveteli_site import ALAVETELI_ROBOTS, FakeAttachment, FakeMessage

pytestmark = pytest.mark.django_db


def ids(*numbers):
    return [str(n) for n in numbers]


def test_first_import_stores_requests_messages_and_attachments(make_importer, site):
    summary = make_importer().run(ids(101, 102, 103, 104))

    assert summary.as_json()["requests"] == 4
    assert summary.new == 4
    assert summary.as_json()["attachments"] == {"new": 4, "unchanged": 0, "hidden": 1, "failed": 1}
    assert [e["url"].rsplit("/", 1)[-1] for e in summary.errors] == ["Data%20flows.pdf"]

    req = FoiRequest.objects.get(alaveteli_id=101)
    assert req.site == site.base_url
    assert req.url_title == "risk_scoring_in_childrens_services"
    assert req.url == f"{site.base_url}/request/risk_scoring_in_childrens_services"
    assert req.title == "Risk scoring in children's services"
    assert req.status == "successful"
    assert req.status_label == "Successful"
    assert req.law_used == "foi"
    assert req.tags == [["algorithm", None], ["year", "2024"]]
    assert (req.requester_name, req.requester_url_name) == ("Jane Researcher", "jane_researcher")
    assert req.authority_name == "Harrowgate Borough Council"
    assert req.authority_url_name == "harrowgate_borough_council"
    assert req.created_at.isoformat() == "2024-01-15T10:20:30.123000+00:00"
    assert req.first_response_at.date() == date(2024, 2, 2)
    assert req.last_event_id == site.requests[101].events[-1]["id"]

    messages = list(req.messages.all())
    assert [(m.direction, m.alaveteli_id) for m in messages] == [
        (Direction.OUTGOING, 2001),
        (Direction.INCOMING, 3001),
    ]
    assert messages[0].author == "Jane Researcher"
    assert "risk scoring tools you use in children's services" in messages[0].body
    assert messages[1].author == "Information Governance, Harrowgate Borough Council"
    assert messages[1].sent_at.date() == date(2024, 2, 2)
    assert "evaluation of the Xylofinder predictive model" in messages[1].body
    assert "Dear Ms Researcher,\n\nPlease find attached" in messages[1].body

    atts = {a.filename or a.alaveteli_id: a for a in req.attachments.all()}
    assert atts["Evaluation report.pdf"].state == AttachmentState.DOWNLOADED
    assert atts["Scanned letter.pdf"].state == AttachmentState.DOWNLOADED
    assert atts["Supplier contract.docx"].state == AttachmentState.DOWNLOADED
    assert atts[7004].state == AttachmentState.HIDDEN and atts[7004].document is None
    assert atts["Evaluation report.pdf"].message == messages[1]
    assert atts["Evaluation report.pdf"].size_text.endswith("K")


def test_attachment_documents_carry_the_request(make_importer, site):
    make_importer().run(ids(101))
    att = Attachment.objects.get(filename="Evaluation report.pdf")
    doc = att.document
    assert doc.source_type == SourceType.FOI
    assert doc.blob.mime_type == "application/pdf"
    assert doc.published_at == doc.received_at == date(2024, 2, 2)  # the response's date
    assert doc.metadata["foi"] == {
        "request_id": 101,
        "url_title": "risk_scoring_in_childrens_services",
        "url": f"{site.base_url}/request/risk_scoring_in_childrens_services",
        "title": "Risk scoring in children's services",
        "status": "successful",
        "authority": "Harrowgate Borough Council",
        "authority_url_name": "harrowgate_borough_council",
        "created_at": "2024-01-15",
        "requester": "Jane Researcher",
        "site": site.base_url,
        "kind": "attachment",
        "attachment_id": 7001,
        "incoming_message_id": 3001,
    }
    src = doc.sources.get()
    assert src.location == (
        f"{site.base_url}/request/risk_scoring_in_childrens_services/response/3001/attach/2/"
        "Evaluation%20report.pdf"
    )
    assert doc.title == "Evaluation report.pdf — Risk scoring in children's services"


def test_correspondence_is_a_document_of_its_own(make_importer, site):
    make_importer().run(ids(101))
    req = FoiRequest.objects.get(alaveteli_id=101)
    doc = req.correspondence
    assert doc.source_type == SourceType.FOI
    assert doc.metadata["foi"]["kind"] == "correspondence"
    assert doc.metadata["foi"]["status"] == "successful"
    assert doc.published_at == date(2024, 1, 15)
    assert doc.received_at == date(2024, 2, 2)
    text = doc.blob.file.open("rb").read().decode()
    assert text.index("Please send me any evaluation") < text.index("Please find attached")
    assert "Information Governance, Harrowgate Borough Council, 2 February 2024" in text


def test_no_notice_or_wait_page_is_stored_as_a_file(make_importer, site):
    make_importer().run(ids(101, 104))
    contract = Attachment.objects.get(filename="Contract.pdf")
    assert contract.state == AttachmentState.DOWNLOADED  # after one wait page
    assert contract.document.blob.mime_type == "application/pdf"
    assert site.count("/attachments/") == 1
    assert not Document.objects.filter(blob__mime_type="text/html").exists()


def test_unchanged_reimport_asks_only_for_the_json(make_importer, site):
    make_importer().run(ids(101, 102, 103))
    site.hits.clear()

    summary = make_importer().run(ids(101, 102, 103))  # a new run: robots.txt is read again

    assert site.hits.count("/robots.txt") == 1
    asked = [h for h in site.hits if h != "/robots.txt"]
    assert asked == [
        "/request/risk_scoring_in_childrens_services.json",
        "/request/automated_decisions_in_housing_benefit.json",
        "/request/police_facial_recognition.json",
    ]
    assert summary.unchanged == 3 and summary.new == summary.updated == 0
    assert summary.http_requests == 3
    assert summary.as_json()["attachments"] == {"new": 0, "unchanged": 3, "hidden": 0, "failed": 0}
    assert FoiRequest.objects.count() == 3


def test_unchanged_reimport_without_conditional_get_support(make_importer, site):
    make_importer().run(ids(101))
    site.conditional = False  # the site answers 200 with the same JSON
    site.hits.clear()
    summary = make_importer().run(ids(101))
    assert [h for h in site.hits if h != "/robots.txt"] == [
        "/request/risk_scoring_in_childrens_services.json"
    ]
    assert summary.unchanged == 1


def test_failed_attachment_is_isolated_and_retried_next_time(make_importer, site):
    first = make_importer().run(ids(104))
    assert first.new == 1  # the request imports although one file failed
    flows = Attachment.objects.get(filename="Data flows.pdf")
    assert flows.state == AttachmentState.FAILED
    assert "500" in flows.error
    assert Attachment.objects.get(filename="Contract.pdf").state == AttachmentState.DOWNLOADED
    req = FoiRequest.objects.get(alaveteli_id=104)
    assert req.messages.count() == 2 and req.correspondence is not None

    site.hits.clear()
    second = make_importer().run(ids(104))

    flows.refresh_from_db()
    assert flows.state == AttachmentState.DOWNLOADED and flows.error == ""
    assert flows.attempts == 2
    attach_hits = [h for h in site.hits if "/attach/" in h]
    assert attach_hits == [
        "/request/predictive_policing_contract/response/3004/attach/3/Data%20flows.pdf"
    ]
    assert second.as_json()["attachments"] == {"new": 1, "unchanged": 1, "hidden": 0, "failed": 0}
    assert second.updated == 1 and second.errors == []


def test_no_wait_leaves_a_file_being_prepared_for_the_next_import(make_importer, site):
    summary = make_importer(wait=False).run(ids(104))
    contract = Attachment.objects.get(filename="Contract.pdf")
    assert contract.state == AttachmentState.PROCESSING
    assert contract.document is None
    assert any("still preparing" in e["reason"] for e in summary.errors)

    make_importer(wait=False).run(ids(104))
    contract.refresh_from_db()
    assert contract.state == AttachmentState.DOWNLOADED


def test_a_file_hidden_since_it_was_listed_is_not_stored(make_importer, site):
    make_importer().run(ids(104))
    # Hidden by the site's admins before the retry: its URL now answers 403 with a notice.
    site.requests[104].messages[1].attachments[1].hidden = True
    summary = make_importer().run(ids(104))
    flows = Attachment.objects.get(filename="Data flows.pdf")
    assert flows.state == AttachmentState.HIDDEN
    assert flows.document is None
    assert summary.attachments["hidden"] == 1


def test_retitled_request_stays_one_request(make_importer, site):
    make_importer().run(ids(103))
    req = FoiRequest.objects.get()
    doc = req.correspondence
    site.retitle(site.requests[103], "Live facial recognition", "live_facial_recognition")
    site.hits.clear()

    summary = make_importer().run(ids(103))

    assert summary.updated == 1
    assert summary.http_requests == 3  # as the server counts them below
    assert FoiRequest.objects.count() == 1
    req.refresh_from_db()
    assert req.url_title == "live_facial_recognition"
    assert req.title == "Live facial recognition"
    assert req.correspondence_id == doc.pk
    # The old slug 404s; /request/<id> redirects; the page is not read again (no new message).
    assert [h for h in site.hits if h != "/robots.txt"] == [
        "/request/police_facial_recognition.json",
        "/request/103.json",
        "/request/live_facial_recognition.json",
    ]
    doc.refresh_from_db()
    assert doc.metadata["foi"]["url_title"] == "live_facial_recognition"
    assert doc.metadata["foi"]["title"] == "Live facial recognition"
    assert doc.title == "Live facial recognition (correspondence)"
    assert doc.index_dirty
    assert (
        Source.objects.get(document=doc).location
        == f"{site.base_url}/request/live_facial_recognition"
    )
    # ... and is found at its new address by the indexed lookup the scrapers use.
    assert (
        Source.objects.at(f"{site.base_url}/request/live_facial_recognition").get().document_id
        == doc.pk
    )

    # Imported again by its new address, or its old one, it is still the same request.
    make_importer().run([f"{site.base_url}/request/live_facial_recognition"])
    make_importer().run(["police_facial_recognition"])
    assert FoiRequest.objects.count() == 1


def test_awaiting_request_becomes_successful_with_a_new_response(make_importer, site):
    from tests.documents.fixtures import text_pdf

    make_importer().run(ids(102))
    req = FoiRequest.objects.get()
    assert req.status == "waiting_response" and req.is_open
    assert req.attachments.count() == 0
    doc = req.correspondence
    first_blob = doc.blob_id

    r2 = site.requests[102]
    site.respond(
        r2,
        FakeMessage(
            "incoming",
            3002,
            r2.created_at + timedelta(days=20),
            "<p>We do use an automated fraud risk score; the assessment is attached.</p>",
            author="Benefits Service",
            body_part_id=7300,
            attachments=[FakeAttachment(7301, 2, "Assessment.pdf", text_pdf(["Fraud risk score"]))],
        ),
        new_state="successful",
    )
    site.hits.clear()
    summary = make_importer().run(ids(102))

    assert summary.updated == 1 and summary.as_json()["attachments"] == {
        "new": 1,
        "unchanged": 0,
        "hidden": 0,
        "failed": 0,
    }
    req.refresh_from_db()
    assert req.status == "successful" and not req.is_open
    assert req.first_response_at.date() == date(2024, 3, 5)
    assert [m.alaveteli_id for m in req.messages.all()] == [2002, 3002]
    att = req.attachments.get()
    assert att.state == AttachmentState.DOWNLOADED
    assert att.document.metadata["foi"]["status"] == "successful"
    assert att.document.published_at == date(2024, 3, 5)
    assert [h for h in site.hits if h != "/robots.txt"] == [
        "/request/automated_decisions_in_housing_benefit.json",
        "/request/automated_decisions_in_housing_benefit",
        "/request/automated_decisions_in_housing_benefit/response/3002/attach/2/Assessment.pdf",
    ]
    # The thread's document is the same document with a new version of its text.
    doc.refresh_from_db()
    assert doc.blob_id != first_blob
    assert doc.metadata["foi"]["status"] == "successful"
    assert list(Version.objects.filter(document=doc).values_list("number", flat=True)) == [1, 2]
    assert "automated fraud risk score" in doc.blob.file.open("rb").read().decode()


def test_status_change_alone_does_not_read_the_page(make_importer, site):
    make_importer().run(ids(102))
    r2 = site.requests[102]
    r2.described_state = "not_held"
    site.event(r2, "status_update", r2.created_at + timedelta(days=25), described_state="not_held")
    site.hits.clear()
    summary = make_importer().run(ids(102))
    assert summary.updated == 1
    assert [h for h in site.hits if h != "/robots.txt"] == [
        "/request/automated_decisions_in_housing_benefit.json"
    ]
    req = FoiRequest.objects.get()
    assert req.status == "not_held"
    assert req.correspondence.metadata["foi"]["status"] == "not_held"


def test_robots_txt_as_alaveteli_ships_it_is_never_crossed(make_importer, site):
    make_importer().run(ids(101, 102, 103, 104), authorities=["nettlebridge_police"])
    rules = Protego.parse(ALAVETELI_ROBOTS.decode())
    assert site.hits
    for path in site.hits:
        assert rules.can_fetch(f"{site.base_url}{path}", "DataScoresBot"), path


def test_robots_disallow_stops_the_import(make_importer, site):
    site.robots = b"User-agent: *\nDisallow: /request/\n"
    summary = make_importer().run(ids(101))
    assert site.hits == ["/robots.txt"]
    assert summary.requests == 1 and summary.new == 0
    assert "robots.txt" in summary.errors[0]["reason"]
    assert not FoiRequest.objects.exists()


def test_robots_wildcards_are_obeyed_for_attachments(make_importer, site):
    site.robots = ALAVETELI_ROBOTS.replace(
        b"Allow: */request/*/response/*/attach/*\n", b"Disallow: */attach/*\n"
    )
    summary = make_importer().run(ids(101))
    assert not [h for h in site.hits if "/attach/" in h]
    assert FoiRequest.objects.get().status == "successful"
    assert summary.attachments["failed"] == 3
    assert all("robots.txt" in e["reason"] for e in summary.errors)


def test_authority_listing_follows_pages(make_importer, site):
    site.per_page = 1
    summary = make_importer().run(authorities=["harrowgate_borough_council"])
    assert summary.new == 2
    assert set(FoiRequest.objects.values_list("alaveteli_id", flat=True)) == {101, 102}
    assert "/body/harrowgate_borough_council?page=2" in site.hits


def test_user_listing_skips_their_annotations(make_importer, site):
    summary = make_importer().run(users=["jane_researcher"])
    assert summary.new == 2
    assert set(FoiRequest.objects.values_list("alaveteli_id", flat=True)) == {101, 103}


def test_unknown_request_is_an_error_not_a_crash(make_importer, site):
    summary = make_importer().run(["999", "no_such_request", "not a / request"])
    assert summary.requests == 2
    reasons = [e["reason"] for e in summary.errors]
    assert len(reasons) == 3
    assert any("404" in r for r in reasons)
    assert any("Not a request" in r for r in reasons)


def test_user_agent_names_a_contact(make_importer, site):
    make_importer().run(ids(102))
    assert all("foi-team@example.org" in ua for ua in site.user_agents)


def test_authority_is_linked_to_our_public_body(make_importer, site):
    from datascores.entities.models import AuthorityMatch, PublicBody

    body = PublicBody.objects.filter(kind="council").first()
    if body is None:
        pytest.skip("no public bodies loaded in this database")
    PublicBody.objects.filter(pk=body.pk).update(wdtk_url_name="harrowgate_borough_council")
    other = PublicBody.objects.filter(kind="police").first() or body
    AuthorityMatch.objects.create(
        url_name="nettlebridge_police",
        wdtk_name="Nettlebridge Police",
        public_body=other,
        method="exact",
        status="accepted",
    )
    make_importer().run(ids(101, 103))
    assert FoiRequest.objects.get(alaveteli_id=101).public_body_id == body.pk
    assert FoiRequest.objects.get(alaveteli_id=103).public_body_id == other.pk
    # sync_authorities re-tags FOI documents by the url_name at metadata["authority"].
    docs = Document.objects.filter(metadata__authority__in=["harrowgate_borough_council"])
    assert docs.count() == 4  # three files and the correspondence


def test_a_request_removed_from_the_site_leaves_its_documents_marked_gone(make_importer, site):
    make_importer().run(ids(101))
    req = FoiRequest.objects.get()
    docs = [a.document for a in req.attachments.exclude(document=None)] + [req.correspondence]
    removed = site.requests.pop(101)

    summary = make_importer().run(ids(101))

    assert summary.errors and "404" in summary.errors[0]["reason"]
    sources = Source.objects.filter(document__in=docs)
    assert {s.status for s in sources} == {"gone"}
    assert all(s.gone_since is not None for s in sources)
    assert Document.objects.filter(pk__in=[d.pk for d in docs]).count() == len(docs)

    site.add(removed)  # back again (e.g. it was hidden for a while)
    make_importer().run(ids(101))
    assert {s.status for s in Source.objects.filter(document__in=docs)} == {"live"}


def test_attachment_sources_name_the_request_page_as_referrer(make_importer, site):
    make_importer().run(ids(101))
    src = Attachment.objects.get(filename="Evaluation report.pdf").document.sources.get()
    assert src.referrer == f"{site.base_url}/request/risk_scoring_in_childrens_services"


def test_requests_are_spaced_by_the_delay(wdtk_settings, site):
    from foi.importer import Client, Importer, make_fetcher

    slept = []
    client = Client(make_fetcher(), delay=5.0, clock=lambda: 100.0, sleep=slept.append)
    Importer(site=site.base_url, client=client).run(["automated_decisions_in_housing_benefit"])
    assert client.requests == 2  # the JSON and the page
    assert slept == [5.0]


def test_defaults_are_slow_and_point_at_whatdotheyknow():
    from django.conf import settings

    from foi.importer import base_url

    assert settings.WDTK_DELAY >= 5.0
    assert base_url() == "https://www.whatdotheyknow.com"


def test_a_file_that_always_fails_stops_being_retried(make_importer, site):
    from foi.importer import MAX_ATTACHMENT_ATTEMPTS

    site.requests[104].messages[1].attachments[1].fail_times = 100
    for _ in range(MAX_ATTACHMENT_ATTEMPTS + 2):
        make_importer().run(ids(104))
    flows_hits = [h for h in site.hits if h.endswith("Data%20flows.pdf")]
    assert len(flows_hits) == MAX_ATTACHMENT_ATTEMPTS
    flows = Attachment.objects.get(filename="Data flows.pdf")
    assert flows.state == AttachmentState.FAILED and flows.attempts == MAX_ATTACHMENT_ATTEMPTS


def test_a_page_that_failed_is_read_on_the_next_import(make_importer, site):
    site.page_failures[102] = 1
    first = make_importer().run(ids(102))
    assert first.as_json()["new"] == 0 and "500" in first.errors[0]["reason"]
    req = FoiRequest.objects.get()
    assert req.messages.count() == 0 and req.last_error

    site.hits.clear()
    second = make_importer().run(ids(102))
    assert second.errors == []
    req.refresh_from_db()
    assert req.messages.count() == 1 and req.correspondence is not None
    assert req.last_error == ""
    assert "/request/automated_decisions_in_housing_benefit" in site.hits  # the page, again

    site.hits.clear()
    third = make_importer().run(ids(102))
    assert third.unchanged == 1
    assert [h for h in site.hits if h != "/robots.txt"] == [
        "/request/automated_decisions_in_housing_benefit.json"
    ]
