"""Imported requests are searchable: attachment text (OCR'd scans too), e-mail bodies, and
FOI status as a facet and a query field, with each hit naming its request."""

from __future__ import annotations

import pytest

from datascores.documents.models import Document, Status
from foi.models import Attachment, FoiRequest
from search.backends import SearchRequest, get_backend, reset_backends

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def index(settings, tmp_path):
    settings.SEARCH_BACKEND = "embedded"
    settings.SEARCH_INDEX_DIR = tmp_path / "index"
    reset_backends()
    yield get_backend()
    reset_backends()


@pytest.fixture
def imported(index, make_importer, site):
    summary = make_importer().run(["101", "102", "103"])  # the pipeline runs inline
    assert summary.errors == []
    not_done = Document.objects.exclude(status=Status.DONE)
    assert not not_done.exists(), [(d.title, d.failure_reason) for d in not_done]
    return index


def hits(backend, query, **kw):
    return {h.id: h for h in backend.scan(SearchRequest(query, **kw), fields=True)}


def test_attachment_text_and_scans_are_found(imported):
    text_pdf = Attachment.objects.get(filename="Evaluation report.pdf").document
    scan = Attachment.objects.get(filename="Scanned letter.pdf").document
    docx = Attachment.objects.get(filename="Supplier contract.docx").document
    assert text_pdf.pk in hits(imported, '"Xylofinder risk model"')
    assert scan.ocr
    assert set(hits(imported, '"Nettlebridge scoring model"')) >= {scan.pk}
    assert docx.pk in hits(imported, "Quillmarsh")


def test_an_answer_in_the_email_body_finds_the_request(imported):
    found = hits(imported, "section 31 law enforcement")
    corr = FoiRequest.objects.get(alaveteli_id=103).correspondence
    assert list(found) == [corr.pk]
    assert found[corr.pk].fields["request_id"] == 103
    assert found[corr.pk].fields["foi_status"] == "rejected"


def test_status_is_a_query_field_and_a_facet(imported):
    refused = hits(imported, "status:refused")
    assert {h.fields["request_id"] for h in refused.values()} == {103}
    result = imported.search(SearchRequest(""))
    facet = {v.value: v.count for v in result.facets["foi_status"]}
    # Request 101: three files and its correspondence; 102: its correspondence; 103: one.
    assert facet == {"successful": 4, "waiting_response": 1, "rejected": 1}


def test_a_status_change_reaches_the_index(imported, make_importer, site):
    from datetime import timedelta

    r2 = site.requests[102]
    r2.described_state = "not_held"
    site.event(r2, "status_update", r2.created_at + timedelta(days=25), described_state="not_held")
    summary = make_importer().run(["102"])
    assert summary.updated == 1 and summary.errors == []
    corr = FoiRequest.objects.get(alaveteli_id=102).correspondence
    found = hits(imported, "status:not_held")
    assert list(found) == [corr.pk]


def test_a_new_response_is_searchable_after_the_next_import(imported, make_importer, site):
    from datetime import timedelta

    from tests.documents.fixtures import text_pdf

    from .alaveteli_site import FakeAttachment, FakeMessage

    r2 = site.requests[102]
    site.respond(
        r2,
        FakeMessage(
            "incoming", 3002, r2.created_at + timedelta(days=20),
            "<p>We use a zanthoxylum fraud score in benefit checks.</p>",
            author="Benefits Service", body_part_id=7300,
            attachments=[FakeAttachment(7301, 2, "Score.pdf", text_pdf(["Quercitron model card"]))],
        ),
        new_state="successful",
    )  # fmt: skip
    summary = make_importer().run(["102"])
    assert summary.errors == []
    req = FoiRequest.objects.get(alaveteli_id=102)
    corr = Document.objects.get(pk=req.correspondence_id)
    assert corr.status == Status.DONE and corr.versions.count() == 2
    assert set(hits(imported, "zanthoxylum")) == {corr.pk}
    new_file = req.attachments.get().document
    assert set(hits(imported, "Quercitron")) == {new_file.pk}
    assert hits(imported, "Quercitron")[new_file.pk].fields["foi_status"] == "successful"
