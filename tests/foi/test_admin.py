"""Import runs from the admin: links or a CSV upload become an import job that a worker runs."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from datascores.jobs.models import Job
from foi.models import FoiRequest

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("admin", "admin@example.org", "pw")
    client.force_login(user)
    return client


def test_csv_upload_starts_an_import_run(
    admin_client, wdtk_settings, site, django_capture_on_commit_callbacks
):
    url = reverse("admin:foi_foirequest_import")
    assert admin_client.get(url).status_code == 200
    sheet = SimpleUploadedFile(
        "requests.csv",
        (
            "council,link\n"
            f"Harrowgate,{site.base_url}/request/automated_decisions_in_housing_benefit\n"
            f"Nettlebridge,{site.base_url}/request/police_facial_recognition\n"
        ).encode(),
        content_type="text/csv",
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url, {"csv_file": sheet, "wait": "on"})
    job = Job.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:jobs_job_change", args=[job.pk])
    job.refresh_from_db()
    assert job.kind == "import" and job.status == "finished"
    assert job.created_by == "admin"
    assert job.counts["new"] == 2
    assert set(FoiRequest.objects.values_list("alaveteli_id", flat=True)) == {102, 103}


def test_import_form_needs_something_to_import(admin_client, wdtk_settings):
    response = admin_client.post(reverse("admin:foi_foirequest_import"), {"wait": "on"})
    assert response.status_code == 200
    assert "Give request links" in response.content.decode()
    assert not Job.objects.exists()


def test_import_errors_show_on_the_run(
    admin_client, wdtk_settings, site, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(reverse("admin:foi_foirequest_import"), {"links": "104\n999"})
    job = Job.objects.get()
    reasons = " ".join(e["reason"] for e in job.errors)
    assert "404" in reasons and "500" in reasons
    assert "still preparing" in reasons  # "wait" was left unticked
    assert job.error_count == 3


def test_reimport_action_and_request_pages(
    admin_client, make_importer, wdtk_settings, site, django_capture_on_commit_callbacks
):
    make_importer().run(["101"])
    req = FoiRequest.objects.get()
    changelist = reverse("admin:foi_foirequest_changelist")
    assert "Import requests" in admin_client.get(changelist).content.decode()
    page = admin_client.get(reverse("admin:foi_foirequest_change", args=[req.pk]))
    assert "Evaluation report.pdf" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            changelist, {"action": "reimport", "_selected_action": [req.pk]}
        )
    job = Job.objects.get()
    assert response["Location"] == reverse("admin:jobs_job_change", args=[job.pk])
    job.refresh_from_db()
    assert job.counts["unchanged"] == 1


def test_staff_without_permission_cannot_import(client, django_user_model, wdtk_settings):
    user = django_user_model.objects.create_user("viewer", password="pw", is_staff=True)
    client.force_login(user)
    assert client.get(reverse("admin:foi_foirequest_import")).status_code == 403


def test_retry_action_fetches_a_given_up_file(
    admin_client, make_importer, wdtk_settings, site, django_capture_on_commit_callbacks
):
    from foi.models import Attachment

    make_importer().run(["104"])
    flows = Attachment.objects.get(filename="Data flows.pdf")
    Attachment.objects.filter(pk=flows.pk).update(attempts=99)  # given up on
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            reverse("admin:foi_attachment_changelist"),
            {"action": "retry", "_selected_action": [flows.pk]},
        )
    flows.refresh_from_db()
    assert flows.state == "downloaded" and flows.document is not None
