"""The admin: login and CSRF required; upload, re-run and download the original."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from datascores.documents.models import Document, Status

from . import fixtures

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def admin_client():
    get_user_model().objects.create_superuser("boss", "boss@example.org", "pw-123456789")
    c = Client()
    c.login(username="boss", password="pw-123456789")
    return c


def _upload(client, *files):
    return client.post(
        reverse("admin:documents_document_upload"),
        {"files": list(files), "source_type": "foi"},
    )


def test_upload_needs_login():
    resp = Client().get(reverse("admin:documents_document_upload"))
    assert resp.status_code == 302
    assert "/admin/login/" in resp["Location"]
    anonymous = _upload(Client(), SimpleUploadedFile("a.pdf", fixtures.text_pdf()))
    assert anonymous.status_code == 302
    assert Document.objects.count() == 0


def test_upload_needs_csrf():
    get_user_model().objects.create_superuser("boss", "boss@example.org", "pw-123456789")
    c = Client(enforce_csrf_checks=True)
    c.login(username="boss", password="pw-123456789")
    resp = _upload(c, SimpleUploadedFile("a.pdf", fixtures.text_pdf()))
    assert resp.status_code == 403
    assert Document.objects.count() == 0


def test_upload_processes_files_and_counts_duplicates(admin_client):
    pdf = fixtures.text_pdf()
    resp = _upload(
        admin_client,
        SimpleUploadedFile("a.pdf", pdf),
        SimpleUploadedFile("b.pdf", pdf),
        SimpleUploadedFile("c.docx", fixtures.docx_file()),
    )
    assert resp.status_code == 302
    assert Document.objects.count() == 2
    assert set(Document.objects.values_list("status", flat=True)) == {Status.DONE}
    page = admin_client.get(reverse("admin:documents_document_changelist")).content.decode()
    assert "Done: <strong>2</strong>" in page


def test_rerun_action_processes_again(admin_client, settings):
    settings.OCR_ENABLED = False
    _upload(admin_client, SimpleUploadedFile("scan.pdf", fixtures.scanned_pdf()))
    doc = Document.objects.get()
    assert doc.status == Status.FAILED
    settings.OCR_ENABLED = True
    admin_client.post(
        reverse("admin:documents_document_changelist"),
        {"action": "rerun", "_selected_action": [doc.pk]},
    )
    doc.refresh_from_db()
    assert doc.status == Status.DONE
    assert doc.ocr


def test_original_download(admin_client):
    pdf = fixtures.text_pdf(["download me"])
    _upload(admin_client, SimpleUploadedFile("letter.pdf", pdf))
    doc = Document.objects.get()
    resp = admin_client.get(reverse("admin:documents_document_original", args=[doc.pk]))
    assert b"".join(resp.streaming_content) == pdf
    assert 'filename="letter.pdf"' in resp["Content-Disposition"]
    assert (
        Client().get(reverse("admin:documents_document_original", args=[doc.pk])).status_code == 302
    )


def test_document_page_shows_reason_and_pages(admin_client):
    _upload(admin_client, SimpleUploadedFile("broken.pdf", fixtures.text_pdf()[:700]))
    doc = Document.objects.get()
    page = admin_client.get(reverse("admin:documents_document_change", args=[doc.pk]))
    assert page.status_code == 200
    assert doc.failure_reason[:40] in page.content.decode()


def test_rerun_needs_change_permission(settings):
    from django.contrib.auth.models import Permission

    doc_pdf = fixtures.text_pdf(["view only"])
    from datascores.documents.pipeline import ingest_bytes

    doc = ingest_bytes(doc_pdf, filename="v.pdf", location="/v.pdf").document
    viewer = get_user_model().objects.create_user("viewer", password="pw-123456789", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_document"))
    c = Client()
    c.login(username="viewer", password="pw-123456789")
    before = Document.objects.get(pk=doc.pk).attempts
    c.post(
        reverse("admin:documents_document_changelist"),
        {"action": "rerun", "_selected_action": [doc.pk]},
    )
    assert Document.objects.get(pk=doc.pk).attempts == before


def test_large_upload_is_streamed_from_disk(admin_client, settings):
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1000  # force a temporary file on disk
    pdf = fixtures.text_pdf(["streamed upload " * 50])
    assert len(pdf) > 1000
    resp = _upload(admin_client, SimpleUploadedFile("big.pdf", pdf))
    assert resp.status_code == 302
    doc = Document.objects.get()
    assert doc.status == Status.DONE
    with doc.blob.file.open("rb") as f:
        assert f.read() == pdf
