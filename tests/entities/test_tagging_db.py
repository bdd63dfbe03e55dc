"""Tagging documents in the database: tags, evidence, review, re-tagging, the index."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from datascores.documents.models import Document
from datascores.entities import api
from datascores.entities.loader import load_vocabularies
from datascores.entities.models import (
    Alias,
    Company,
    DocumentTag,
    Link,
    Mention,
    PublicBody,
    System,
    TagJob,
    TagRole,
    TagStatus,
)
from datascores.entities.services import set_tag_status
from datascores.entities.vocabulary import load_specs

pytestmark = pytest.mark.django_db

LETTER = (
    "Bristol City Council\nCustomer Relations, PO Box 3176\n\nDear Data Justice Lab,\n"
    "The Think Family Database feeds SPSS models and Qlik Sense dashboards. "
    "Household segments come from Experian Mosaic.\n"
    "If you are unhappy, contact the Information Commissioner.\n"
    "Kind regards\nFOI team\nfoi@bristol.gov.uk"
)


def tags_of(doc, **filters) -> dict[str, tuple[str, str]]:
    return {
        t.entity.name: (t.role, t.status)
        for t in DocumentTag.objects.filter(document=doc, **filters).select_related("entity")
    }


# --- the vocabulary in the database ---------------------------------------------------------------


def test_fresh_database_has_the_vocabularies():
    assert PublicBody.objects.filter(kind="council", end_date__isnull=True).count() == 382
    assert Company.objects.count() >= 40 and System.objects.count() >= 40
    mosaic = System.objects.get(slug="mosaic-servelec")
    assert mosaic.vendor.name == "Servelec"
    assert Alias.objects.filter(entity=mosaic, text="Mosaic", ambiguous=True).exists()
    dorset = PublicBody.objects.get(name="West Dorset District Council")
    assert [s.name for s in dorset.successors.all()] == ["Dorset Council"]


def test_load_vocabularies_is_idempotent_and_updates_in_place():
    again = load_vocabularies()
    assert (again.created, again.updated, again.aliases_created, again.aliases_deleted) == (
        0, 0, 0, 0,
    )  # fmt: skip
    specs = load_specs()
    spec = next(s for s in specs if s.name == "Qlik Sense")
    spec.category = "analytics dashboards"
    spec.aliases = [a for a in spec.aliases if a.text != "QlikSense"]
    pk = System.objects.get(name="Qlik Sense").pk
    report = load_vocabularies(specs=specs)
    assert report.updated == 1 and report.aliases_deleted == 1 and report.created == 0
    qs = System.objects.get(pk=pk)
    assert qs.category == "analytics dashboards"
    assert not qs.aliases.filter(text="QlikSense").exists()


def test_admin_edited_entities_are_left_alone_unless_forced():
    ibm = Company.objects.get(name="IBM")
    ibm.description = "edited by a person"
    ibm.manually_edited = True
    ibm.save()
    Alias.objects.create(entity=ibm, text="Big Blue", source="admin")
    load_vocabularies()
    ibm.refresh_from_db()
    assert ibm.description == "edited by a person"
    assert ibm.aliases.filter(text="Big Blue").exists()
    load_vocabularies(force=True)
    ibm.refresh_from_db()
    assert ibm.description == "" and not ibm.manually_edited
    assert ibm.aliases.filter(text="Big Blue").exists()  # admin aliases are never removed


# --- tagging --------------------------------------------------------------------------------------


def test_tag_document_and_the_api(make_document):
    doc = make_document([LETTER], title="Response to CRN00166467")
    assert api.tag_document(doc) is True  # first tagging changes the tags
    tags = api.document_tags(doc)
    # The Information Commissioner, named only in the appeal boilerplate, is not a tag.
    assert tags == {
        "issuing_authority": "Bristol City Council",
        "authorities": ["Bristol City Council"],
        "companies": ["Experian", "Qlik"],
        "systems": ["Mosaic (Experian)", "Qlik Sense", "SPSS", "Think Family Database"],
        "authority_kinds": {"Bristol City Council": "council"},
    }
    evidence = api.document_evidence(doc)
    assert {e["kind"] for e in evidence} == {"authority", "company", "system"}
    for e in evidence:
        assert set(e) == {"kind", "name", "page", "snippet", "text", "start", "end"}
        assert e["page"] == 1 and e["snippet"]
        # The matched text and where it is on the page.
        assert LETTER[e["start"] : e["end"]] == e["text"]
        assert " ".join(e["text"].split()) in e["snippet"]
    spss = next(e for e in evidence if e["name"] == "SPSS")
    assert spss["text"] == "SPSS" and "SPSS" in spss["snippet"]
    mosaic = next(e for e in evidence if e["name"] == "Mosaic (Experian)")
    assert mosaic["text"] == "Experian Mosaic"
    # The boilerplate mention is kept, marked, for a reviewer to see.
    ico = Mention.objects.get(document=doc, entity__name="Information Commissioner's Office")
    assert ico.rule == "boilerplate"
    assert not Link.objects.filter(document=doc, authority=ico.entity_id).exists()
    # Links: authority <-> system with a distance in characters.
    link = Link.objects.get(
        document=doc, authority__name="Bristol City Council", entity__name="SPSS"
    )
    assert link.distance is not None and link.distance < len(LETTER)


def test_stored_evidence_offsets_point_at_the_text(make_document):
    doc = make_document(["Intro.\n\nKent  County\nCouncil uses SPSS.", "And the DWP, and Kent CC."])
    api.tag_document(doc)
    pages = {p.number: p.text for p in doc.pages.all()}
    mentions = list(Mention.objects.filter(document=doc))
    assert len(mentions) >= 4
    for m in mentions:
        assert pages[m.page][m.start : m.end] == m.text
    assert {(m.page, " ".join(m.text.split())) for m in mentions} >= {
        (1, "Kent County Council"),
        (1, "SPSS"),
        (2, "DWP"),
        (2, "Kent CC"),
    }


def test_retagging_converges(make_document):
    doc = make_document([LETTER])
    assert api.tag_document(doc) is True
    first = (tags_of(doc), Mention.objects.filter(document=doc).count())
    assert api.tag_document(doc) is False
    assert (tags_of(doc), Mention.objects.filter(document=doc).count()) == first


def test_rejected_tag_stays_rejected_across_retags(make_document):
    doc = make_document([LETTER])
    api.tag_document(doc)
    tag = DocumentTag.objects.get(document=doc, entity__name="Mosaic (Experian)")
    set_tag_status(tag, TagStatus.REJECTED)
    assert "Mosaic (Experian)" not in api.document_tags(doc)["systems"]
    api.tag_document(doc)
    api.tag_document(doc)
    tag.refresh_from_db()
    assert tag.status == TagStatus.REJECTED
    assert "Mosaic (Experian)" not in api.document_tags(doc)["systems"]
    assert not any(e["name"] == "Mosaic (Experian)" for e in api.document_evidence(doc))
    assert not Link.objects.filter(document=doc, entity__name="Mosaic (Experian)").exists()


def test_confirmed_tag_stays_when_no_longer_found_and_auto_tags_go(make_document):
    doc = make_document([LETTER])
    api.tag_document(doc)
    set_tag_status(DocumentTag.objects.get(document=doc, entity__name="SPSS"), TagStatus.CONFIRMED)
    doc.index_dirty = False
    doc.save(update_fields=["index_dirty"])
    page = doc.pages.get()
    page.text = LETTER.replace("SPSS", "statistical").replace("Qlik Sense", "web")
    page.save()
    assert api.tag_document(doc) is True
    names = api.document_tags(doc)
    assert "SPSS" in names["systems"]  # confirmed by a person
    assert "Qlik Sense" not in names["systems"] and "Qlik" not in names["companies"]
    doc.refresh_from_db()
    assert doc.index_dirty  # the index learns that tags went away


def test_issuer_from_request_metadata(make_document):
    doc = make_document(["We hold no information."], metadata={"authority": "Gwent Police"})
    api.tag_document(doc)
    assert api.document_tags(doc)["issuing_authority"] == "Gwent Police"
    tag = DocumentTag.objects.get(document=doc, role=TagRole.ISSUER)
    assert tag.issuer_source == "metadata"
    assert api.document_evidence(doc) == [
        {"kind": "authority", "name": "Gwent Police", "page": None,
         "snippet": "Request metadata: Gwent Police", "text": None, "start": None, "end": None},
    ]  # fmt: skip
    assert api.document_tags(doc)["authority_kinds"] == {"Gwent Police": "police"}


def test_issuer_from_wdtk_url_name_in_metadata(make_document):
    essex = PublicBody.objects.get(name="Essex County Council")
    essex.wdtk_url_name = "essex_cc"
    essex.save()
    doc = make_document(["No information held."], metadata={"authority": "essex_cc"})
    api.tag_document(doc)
    assert api.document_tags(doc)["issuing_authority"] == "Essex County Council"


# --- vocabulary edits re-tag in the background ----------------------------------------------------


def test_vocabulary_edit_retags_affected_documents(
    make_document, django_capture_on_commit_callbacks
):
    doc = make_document(["Acme Analytics supplies the risk model to Bristol City Council."])
    other = make_document(["Nothing relevant here."])
    api.tag_document(doc)
    api.tag_document(other)
    assert api.document_tags(doc)["companies"] == []

    with django_capture_on_commit_callbacks(execute=True):
        acme = Company.objects.create(name="Acme Analytics Ltd", slug="acme-analytics")
        Alias.objects.create(entity=acme, text="Acme Analytics")
    assert api.document_tags(doc)["companies"] == ["Acme Analytics Ltd"]
    job = next(j for j in TagJob.objects.all() if acme.pk in j.entity_ids)
    assert job.status == "done" and job.total == job.done >= 1
    assert other.pk not in job.document_ids  # only documents that may name it

    with django_capture_on_commit_callbacks(execute=True):
        Alias.objects.filter(entity=acme).update(text="Acme Analytical")  # no signal: bulk
        alias = Alias.objects.get(entity=acme)
        alias.save()  # the admin saves through the model: signal fires
    assert api.document_tags(doc)["companies"] == []


def test_deleting_an_entity_removes_its_tags(
    make_document, django_capture_on_commit_callbacks, announced
):
    doc = make_document(["Records are kept in iBase by the council."])
    api.tag_document(doc)
    assert api.document_tags(doc)["systems"] == ["iBase"]
    announced.clear()  # what tagging announced so far is not what this test checks
    told = announced
    with django_capture_on_commit_callbacks(execute=True):
        System.objects.get(name="iBase").delete()
    assert api.document_tags(doc)["systems"] == []
    assert told == [doc.pk]  # the search index is told once the deletion commits
    assert TagJob.objects.count() == 0  # the cascade of alias deletions queues no re-tag


def test_retag_command(make_document, capsys):
    a = make_document(["Kent County Council uses SPSS."])
    b = make_document(["The DWP shares data."])
    call_command("retag")
    assert api.document_tags(a)["systems"] == ["SPSS"]
    assert api.document_tags(b)["authorities"] == ["Department for Work and Pensions"]
    out = capsys.readouterr().out
    assert "Re-tagged 2 document(s)" in out
    call_command("retag")  # nothing stale now
    assert "Re-tagged 0 document(s)" in capsys.readouterr().out
    call_command("retag", "--all")
    assert "Re-tagged 2 document(s): 0 changed" in capsys.readouterr().out
    job = TagJob.objects.first()
    assert job.status == "done" and job.total == 2 and job.finished_at


# --- the pipeline hook ----------------------------------------------------------------------------


def test_processed_documents_are_tagged_by_the_pipeline(django_capture_on_commit_callbacks):
    from datascores.documents.pipeline import ingest_bytes, inline_processing

    text = b"Durham Constabulary uses the Harm Assessment Risk Tool (HART) in custody.\n"
    with inline_processing(), django_capture_on_commit_callbacks(execute=True):
        outcome = ingest_bytes(text, filename="hart-response.txt", location="/tmp/hart.txt")
    doc = Document.objects.get(pk=outcome.document.pk)
    assert doc.status == "done"
    tags = api.document_tags(doc)
    assert "Durham Constabulary" in tags["authorities"]
    assert tags["systems"] == ["Harm Assessment Risk Tool"]


# --- the admin ------------------------------------------------------------------------------------


def test_admin_review_actions_and_escaped_evidence(make_document, admin_client):
    doc = make_document(["<script>alert(1)</script> The DWP <b>matches</b> data."])
    api.tag_document(doc)
    tag = DocumentTag.objects.get(document=doc, entity__name="Department for Work and Pensions")
    page = admin_client.get(f"/admin/entities/documenttag/{tag.pk}/change/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body and "<script>alert(1)" not in body
    assert "<mark>DWP</mark>" in body
    resp = admin_client.post(
        "/admin/entities/documenttag/",
        {"action": "reject", "_selected_action": [tag.pk]},
        follow=True,
    )
    assert resp.status_code == 200
    tag.refresh_from_db()
    assert tag.status == TagStatus.REJECTED and tag.reviewed_at is not None
    for url in (
        "/admin/entities/publicbody/",
        f"/admin/entities/publicbody/{PublicBody.objects.get(name='Kent Police').pk}/change/",
        "/admin/entities/system/",
        "/admin/entities/company/",
        "/admin/entities/tagjob/",
        "/admin/entities/authoritymatch/",
    ):
        assert admin_client.get(url).status_code == 200, url


# --- names, renames and what a vocabulary edit re-tags ------------------------------------------


def test_an_entity_made_in_the_admin_is_found_by_its_own_name_and_follows_renames(
    make_document, django_capture_on_commit_callbacks
):
    doc = make_document(["Acme Analytics built the model; Acme Data Labs hosts it."])
    api.tag_document(doc)
    with django_capture_on_commit_callbacks(execute=True):
        acme = Company.objects.create(name="Acme Analytics", slug="acme-analytics")  # no alias
    assert api.document_tags(doc)["companies"] == ["Acme Analytics"]
    with django_capture_on_commit_callbacks(execute=True):
        acme.name = "Acme Data Labs"
        acme.save()
    assert api.document_tags(doc)["companies"] == ["Acme Data Labs"]
    evidence = [e for e in api.document_evidence(doc) if e["kind"] == "company"]
    assert [e["text"] for e in evidence] == ["Acme Data Labs"]


def test_renaming_an_entity_tells_the_index_about_every_document_tagged_with_it(
    make_document, django_capture_on_commit_callbacks, announced
):
    tagged = [make_document([f"Records are kept in iBase ({i})."]) for i in range(2)]
    untagged = make_document(["Nothing relevant."])
    for d in (*tagged, untagged):
        api.tag_document(d)
    announced.clear()  # what tagging announced so far is not what this test checks
    told = announced
    ibase = System.objects.get(name="iBase")
    with django_capture_on_commit_callbacks(execute=True):
        ibase.description = "no rename"
        ibase.save()
    assert told == []  # nothing a facet shows changed
    with django_capture_on_commit_callbacks(execute=True):
        ibase.name = "IBM i2 iBase"
        ibase.save()
    assert sorted(told) == sorted(d.pk for d in tagged)
    assert api.document_tags(tagged[0])["systems"] == ["IBM i2 iBase"]


def test_editing_a_council_only_retags_documents_that_may_name_it(make_document):
    from datascores.entities.services import _search_tokens, affected_documents

    kent = PublicBody.objects.get(name="Kent County Council")
    named = make_document(["KENT COUNTY COUNCIL - freedom of information response"])
    others = [
        make_document(["Bristol City Council replied to the borough and the district."]),
        make_document(["The Metropolitan Police Service and an NHS Trust."]),
    ]
    tokens = {t.casefold() for t in _search_tokens([kent.pk])}
    assert "kent" in tokens
    assert not tokens & {"council", "county", "borough", "city", "district"}
    affected = affected_documents([kent.pk])
    assert named.pk in affected
    assert not {d.pk for d in others} & set(affected)


def test_issuer_links_are_flagged_and_listed_first(make_document):
    doc = make_document(
        [
            "Bristol City Council\nPO Box 3176\n\nDear Requester,\n"
            + "Filler sentence. " * 20
            + "Avon and Somerset Constabulary runs SPSS.\n\nKind regards\nfoi@bristol.gov.uk"
        ]
    )
    api.tag_document(doc)
    links = [(ln.authority.name, ln.issuer) for ln in Link.objects.filter(document=doc)]
    assert links == [("Bristol City Council", True), ("Avon and Somerset Constabulary", False)]


# --- the document admin's inline ----------------------------------------------------------------


def test_document_page_reviews_tags_through_set_tag_status(
    make_document, admin_client, admin_user, announced
):
    doc = make_document(["Kent County Council uses SPSS."])
    api.tag_document(doc)
    announced.clear()  # what tagging announced so far is not what this test checks
    told = announced
    tag = DocumentTag.objects.get(document=doc, entity__name="SPSS")
    page = admin_client.get(f"/admin/documents/document/{doc.pk}/change/").content.decode()
    assert 'name="entity_tags-0-status"' not in page  # not editable in the inline
    review = f"/admin/entities/documenttag/{tag.pk}/review/rejected/"
    assert review in page
    confirm = admin_client.get(review)
    assert confirm.status_code == 200 and "SPSS" in confirm.content.decode()
    tag.refresh_from_db()
    assert tag.status == TagStatus.AUTO  # asking changes nothing
    resp = admin_client.post(review, {"next": f"/admin/documents/document/{doc.pk}/change/"})
    assert resp.status_code == 302 and resp["Location"].endswith(f"/document/{doc.pk}/change/")
    tag.refresh_from_db()
    assert tag.status == TagStatus.REJECTED
    assert tag.reviewed_by == admin_user and tag.reviewed_at is not None
    assert not Link.objects.filter(document=doc, entity=tag.entity).exists()
    assert told == [doc.pk]  # the index was told
    # Going elsewhere than this site after the decision is refused.
    resp = admin_client.post(
        f"/admin/entities/documenttag/{tag.pk}/review/confirmed/", {"next": "https://evil.test/"}
    )
    assert not resp["Location"].startswith("https://evil.test")
