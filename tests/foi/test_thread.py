"""The document page shows the request a document came from, as a thread."""

from __future__ import annotations

import pytest
from django.urls import reverse

from datascores.documents.models import Document, Status
from foi.models import Attachment, FoiRequest, Message

pytestmark = pytest.mark.django_db


@pytest.fixture
def imported(make_importer, site):
    make_importer().run(["101"])
    Document.objects.update(status=Status.DONE)  # as if the pipeline had finished
    return FoiRequest.objects.get()


def test_attachment_page_shows_the_thread_in_order(client, imported, site):
    att = Attachment.objects.get(filename="Evaluation report.pdf")
    html = client.get(reverse("document", args=[att.document_id])).content.decode()
    assert "Request thread" in html
    assert f'href="{site.base_url}/request/risk_scoring_in_childrens_services"' in html
    assert "Status: <strong>Successful</strong>" in html
    assert html.index("Jane Researcher</strong>") < html.index(
        "Information Governance, Harrowgate Borough Council</strong>"
    )
    assert "<strong>Evaluation report.pdf</strong> (this document)" in html
    docx = Attachment.objects.get(filename="Supplier contract.docx")
    assert f'<a href="/documents/{docx.document_id}">Supplier contract.docx</a>' in html or (
        f'href="{docx.document.get_absolute_url()}">Supplier contract.docx</a>' in html
    )
    assert "Hidden attachment" in html and "Hidden on the site" in html
    assert "Read the whole correspondence" in html


def test_message_text_is_escaped(client, imported):
    Message.objects.filter(direction="incoming").update(body="<script>alert(1)</script>")
    doc = imported.correspondence
    html = client.get(reverse("document", args=[doc.pk])).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_documents_from_elsewhere_have_no_thread(client, imported):
    from datascores.documents.pipeline import ingest_bytes

    doc = ingest_bytes(
        b"A council report about something else.", filename="report.txt", location="report.txt"
    ).document
    Document.objects.filter(pk=doc.pk).update(status=Status.DONE)
    html = client.get(reverse("document", args=[doc.pk])).content.decode()
    assert "Request thread" not in html
