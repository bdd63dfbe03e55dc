"""Candidates in the database: collected while tagging, ranked, accepted or rejected."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command

from datascores.entities.candidates import accept, body_kind_for, queue, reject
from datascores.entities.models import (
    Candidate,
    CandidateStatus,
    Company,
    DocumentTag,
    System,
    TagJob,
)
from datascores.entities.services import tag_document

pytestmark = pytest.mark.django_db

TEXT = (
    "Bristol City Council uses the Sentra system, supplied by Veltrix Data Ltd, to flag "
    "households. Northmoor Fire and Rescue Service receives the outputs."
)


def _docs(make_document, n=2):
    docs = [make_document([TEXT]) for _ in range(n)]
    docs.append(make_document(["The Sentra system is reviewed yearly by Bristol City Council."]))
    for d in docs:
        tag_document(d)
    return docs


def test_tagging_collects_candidates_with_evidence_and_counts(make_document):
    docs = _docs(make_document)
    ranked = list(queue())
    names = [c.name for c in ranked]
    assert names[0] == "Sentra" and ranked[0].document_count == 3
    assert {"Veltrix Data Ltd", "Northmoor Fire and Rescue Service"} <= set(names)
    sentra = ranked[0]
    ev = sentra.mentions.first()
    assert ev.document_id in {d.pk for d in docs} and ev.page == 1
    assert "Sentra system" in ev.sentence
    # Re-tagging converges: no duplicate evidence.
    tag_document(docs[0])
    assert Candidate.objects.get(pk=sentra.pk).document_count == 3
    assert sentra.mentions.filter(document=docs[0]).count() == 1


def test_accepting_adds_the_entity_and_retags_its_documents(
    make_document, django_capture_on_commit_callbacks
):
    docs = _docs(make_document)
    veltrix = Candidate.objects.get(name="Veltrix Data Ltd")
    sentra = Candidate.objects.get(name="Sentra")
    with django_capture_on_commit_callbacks(execute=True):
        company = accept(veltrix, name="Veltrix Data", aliases=["Veltrix Data Ltd", "Veltrix"])
    with django_capture_on_commit_callbacks(execute=True):
        system = accept(sentra, vendor=Company.objects.get(pk=company.pk))
    assert System.objects.get(pk=system.pk).vendor_id == company.pk
    assert TagJob.objects.filter(status="done").exists()
    for d in docs:
        tagged = set(DocumentTag.objects.filter(document=d).values_list("entity__name", flat=True))
        assert "Sentra" in tagged
    assert "Veltrix Data" in set(
        DocumentTag.objects.filter(document=docs[0]).values_list("entity__name", flat=True)
    )
    # Known now: not proposed again.
    tag_document(docs[0])
    assert not Candidate.objects.filter(status=CandidateStatus.PENDING, name="Sentra").exists()
    assert Candidate.objects.get(pk=sentra.pk).status == CandidateStatus.ACCEPTED


def test_rejecting_hides_a_name_for_good(make_document):
    docs = _docs(make_document)
    fire = Candidate.objects.get(name="Northmoor Fire and Rescue Service")
    reject(fire)
    for d in docs:
        tag_document(d)
    fire.refresh_from_db()
    assert fire.status == CandidateStatus.REJECTED and fire.document_count == 0
    assert fire not in list(queue())
    assert not fire.mentions.exists()


def test_candidates_command_lists_and_prints_json(make_document):
    _docs(make_document)
    out = StringIO()
    call_command("candidates", "--json", stdout=out)
    rows = json.loads(out.getvalue())
    assert rows[0]["name"] == "Sentra" and rows[0]["documents"] == 3
    assert rows[0]["evidence"][0]["sentence"]
    out = StringIO()
    call_command("candidates", "--kind", "company", stdout=out)
    listed = [
        ln.split("  ")[-1].strip()
        for ln in out.getvalue().splitlines()
        if not ln.startswith("       ")
    ]
    assert listed == ["Veltrix Data Ltd"], listed


def test_admin_queue_accepts_and_rejects(
    make_document, admin_client, django_capture_on_commit_callbacks
):
    _docs(make_document)
    page = admin_client.get("/admin/entities/candidate/")
    assert page.status_code == 200 and "Sentra" in page.content.decode()
    sentra = Candidate.objects.get(name="Sentra")
    fire = Candidate.objects.get(name="Northmoor Fire and Rescue Service")
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            "/admin/entities/candidate/",
            {"action": "accept_candidates", "_selected_action": [sentra.pk]},
        )
    admin_client.post(
        "/admin/entities/candidate/",
        {"action": "reject_candidates", "_selected_action": [fire.pk]},
    )
    assert System.objects.filter(name="Sentra").exists()
    fire.refresh_from_db()
    assert fire.status == CandidateStatus.REJECTED
    detail = admin_client.get(f"/admin/entities/candidate/{sentra.pk}/change/")
    assert detail.status_code == 200


def test_a_new_body_gets_a_kind_from_its_name():
    assert body_kind_for("Fenshire Primary Care Trust") == "nhs"
    assert body_kind_for("Northmoor Constabulary") == "police"
    assert body_kind_for("Eastmarch Borough Council") == "council"
    assert body_kind_for("Northmoor Fire and Rescue Service") == "other"
