"""Keeping the index in step with the database: signals, tasks, sweep, rebuild, commands."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.management import CommandError, call_command

from datascores.documents.models import (
    Document,
    Source,
    SourceKind,
    SourceStatus,
    Status,
)
from datascores.documents.signals import document_ready
from search import indexer, tasks
from search.backends import SearchRequest, get_backend, reset_backends
from search.backends.base import IndexDoc
from tests.factories import DocumentFactory, SourceFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def index_dir(settings, tmp_path):
    """A fresh embedded index per test (settings are read when get_backend() is called)."""
    settings.SEARCH_BACKEND = "embedded"
    settings.SEARCH_INDEX_DIR = tmp_path / "index"
    reset_backends()
    yield settings.SEARCH_INDEX_DIR
    reset_backends()


def make_document(pages: list[str], *, dirty: bool = True, **fields) -> Document:
    """A document as the pipeline leaves it (done unless ``status`` says otherwise),
    written directly: no pipeline runs."""
    return DocumentFactory(pages=pages, index_dirty=dirty, **fields)


def ids(query: str = "", **kw) -> set[int]:
    return {h.id for h in get_backend().scan(SearchRequest(query, **kw))}


def test_build_index_doc_gathers_pages_sources_dates_and_tags(monkeypatch):
    # transactional tests flush the vocabulary the migration loaded: load it again
    call_command("load_vocabularies", no_retag=True, verbosity=0)
    doc = make_document(
        ["first page", "second page"],
        title="Risk report",
        source_type="foi",
        published_at=dt.date(2021, 5, 6),
        metadata={"foi_status": "Partially_Successful"},
    )
    Source.objects.create(
        document=doc, kind=SourceKind.URL, location="https://example.org/a.pdf", filename="a.pdf"
    )
    Source.objects.create(document=doc, kind=SourceKind.UPLOAD, location="/in/b.pdf")
    monkeypatch.setattr(
        indexer,
        "document_tags",
        lambda d: {
            "issuing_authority": "Kent County Council",
            "authorities": ["Leeds City Council", "Kent County Council"],
            "companies": ["Xantura"],
            "systems": [],
        },
    )
    idx = indexer.build_index_doc(doc)
    # The vocabulary's aliases of the tagged names are searched by default (issue 12).
    assert {"KCC", "Kent", "Leeds", "Xantura Ltd"} <= set(idx.aliases)
    assert "Kent" in idx.about() and "b.pdf" in idx.about()
    idx.aliases = []
    assert idx == IndexDoc(
        id=doc.pk,
        title="Risk report",
        pages=[(1, "first page"), (2, "second page")],
        source_type="foi",
        file_type="txt",
        foi_status="partially_successful",
        date=dt.date(2021, 5, 6),
        issuing_authority="Kent County Council",
        councils=["Kent County Council", "Leeds City Council"],
        companies=["Xantura"],
        systems=[],
        urls=["https://example.org/a.pdf"],
        sources=["https://example.org/a.pdf", "/in/b.pdf", "a.pdf"],
    )


def test_title_falls_back_to_the_file_name():
    doc = make_document(["x"])
    Source.objects.create(
        document=doc, kind=SourceKind.UPLOAD, location="/in/memo.txt", filename="memo.txt"
    )
    assert indexer.build_index_doc(doc).title == "memo.txt"


def test_without_a_tags_provider_documents_index_untagged(monkeypatch):
    from datascores.documents import signals

    monkeypatch.setattr(signals, "_provider", [signals.NullTagProvider()])
    doc = make_document(["Kent County Council uses SPSS."], title="Untagged")
    idx = indexer.build_index_doc(doc)
    assert (idx.councils, idx.companies, idx.systems, idx.issuing_authority) == ([], [], [], "")
    assert next(indexer.build_index_docs([doc.pk])).councils == []


def test_ingest_without_a_worker_indexes_too(tmp_path, settings, monkeypatch):
    """Issue 9: with no worker, `manage.py ingest` processes the files itself; the index
    tasks must run here as well, or every search finds nothing until a sweep."""
    from datascores.celery import app

    eager = app.conf.task_always_eager  # (read first: Celery reads its settings once)
    settings.CELERY_TASK_ALWAYS_EAGER = False
    sent = []
    monkeypatch.setattr("celery.app.task.Task.apply_async", lambda *a, **k: sent.append(a))
    path = tmp_path / "letter.txt"
    path.write_text("The council's quizzaciously named scoring tool.")
    app.conf.task_always_eager = False  # as in production: tasks go to a broker
    try:
        call_command("ingest", str(path), "--json")
    finally:
        app.conf.task_always_eager = eager
    doc = Document.objects.get()
    assert doc.status == Status.DONE
    assert ids("quizzaciously") == {doc.pk}
    assert not Document.objects.filter(index_dirty=True).exists()
    assert sent == []  # nothing was left on a queue that no worker reads


def test_ingested_document_becomes_searchable():
    from datascores.documents.pipeline import ingest_bytes

    outcome = ingest_bytes(
        b"Minutes of the meeting.\n\nThe council bought a zyzzogeton scoring tool.",
        filename="minutes.txt",
        location="/in/minutes.txt",
    )
    doc = Document.objects.get(pk=outcome.document.pk)
    assert doc.status == Status.DONE, doc.failure_reason
    assert not doc.index_dirty and doc.indexed_at is not None
    result = get_backend().search(SearchRequest("zyzzogeton"))
    assert [h.id for h in result.hits] == [doc.pk]
    assert "<mark>zyzzogeton</mark>" in result.hits[0].snippets[0].html


def test_failed_documents_are_not_searchable_but_counted(capsys):
    from datascores.documents.pipeline import ingest_bytes

    outcome = ingest_bytes(b"", filename="empty.txt", location="/in/empty.txt")
    doc = Document.objects.get(pk=outcome.document.pk)
    assert doc.status == Status.FAILED
    assert doc.pk not in ids()
    call_command("search_index", "status", "--json")
    report = json.loads(capsys.readouterr().out)
    assert report["failed (not searchable)"] == 1
    assert report["index_documents"] == 0


def test_document_ready_marks_dirty_and_indexes_after_commit():
    doc = make_document(["alpha words"], dirty=False)
    assert doc.pk not in ids("alpha")
    document_ready.send(sender=Document, document=doc)
    assert ids("alpha") == {doc.pk}
    doc.refresh_from_db()
    assert not doc.index_dirty
    Document.objects.filter(pk=doc.pk).update(status=Status.FAILED)
    document_ready.send(sender=Document, document=doc)  # reprocessed and failed: removed
    assert ids("alpha") == set()


def test_a_dirty_document_is_picked_up_by_the_sweep():
    clean = make_document(["beta one"], dirty=False)
    dirty = make_document(["beta two"], dirty=True)
    pending = make_document(["beta three"], dirty=True, status=Status.PROCESSING)
    assert ids("beta") == set()
    assert tasks.sweep_dirty.delay().get() == 1  # the beat task
    assert ids("beta") == {dirty.pk}
    dirty.refresh_from_db()
    assert not dirty.index_dirty and dirty.indexed_at is not None
    pending.refresh_from_db()
    assert pending.index_dirty  # not final yet: left for later
    assert clean.pk not in ids("beta")


def test_an_index_task_takes_every_document_waiting_and_later_ones_find_nothing():
    """Index tasks are sent a second late so that one commit serves many documents: the
    first one due indexes everything waiting, the rest have nothing left to do."""
    waiting = [make_document([f"theta {i}"]) for i in range(3)]
    processing = make_document(["theta busy"], status=Status.PROCESSING)
    assert tasks.index_documents.delay([waiting[0].pk]).get() == [3, 0]
    assert ids("theta") == {d.pk for d in waiting}
    later = make_document(["theta later"])
    assert tasks.index_documents.delay([waiting[1].pk]).get() == [0, 0]
    later.refresh_from_db()
    assert later.index_dirty  # waits for its own task, which takes whatever waits then
    assert tasks.index_documents.delay([later.pk]).get() == [1, 0]
    assert not Document.objects.filter(pk__in=[d.pk for d in waiting], index_dirty=True).exists()
    processing.refresh_from_db()
    assert processing.index_dirty  # not final yet: left for its own task or the sweep


@pytest.fixture
def broker(settings, monkeypatch):
    """Tasks go to a broker as in production (none runs them): what was sent to it."""
    from datascores.celery import app

    eager = app.conf.task_always_eager
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.task_always_eager = False
    sent: list = []
    monkeypatch.setattr("celery.app.task.Task.apply_async", lambda *a, **k: sent.append(a))
    yield sent
    app.conf.task_always_eager = eager


def test_documents_processed_without_a_worker_are_all_searchable_when_the_run_ends(broker):
    from datascores.documents.pipeline import ingest_bytes, inline_processing

    with inline_processing():
        docs = [
            ingest_bytes(f"Report {i} on the iotacist scoring tool.".encode(), filename=f"{i}.txt",
                         location=f"/in/{i}.txt").document
            for i in range(5)
        ]  # fmt: skip
    assert ids("iotacist") == {d.pk for d in docs}
    assert not Document.objects.filter(index_dirty=True).exists()
    assert broker == []  # nothing was left on a queue that no worker reads


def test_a_run_stopped_by_an_error_still_indexes_what_it_processed(broker):
    from datascores.documents.pipeline import ingest_bytes, inline_processing

    with pytest.raises(RuntimeError), inline_processing():
        doc = ingest_bytes(b"The kappacist model.", filename="k.txt", location="/in/k.txt")
        raise RuntimeError("the run stopped")
    assert ids("kappacist") == {doc.document.pk}


def test_a_new_source_marks_the_document_dirty():
    doc = make_document(["gamma"], dirty=False)
    indexer.index_documents([doc.pk])
    Source.objects.create(document=doc, kind=SourceKind.URL, location="https://example.org/gamma")
    assert ids("source:example") == {doc.pk}


def test_deleting_a_document_removes_it_from_the_index():
    doc = make_document(["delta"])
    indexer.sweep()
    assert ids("delta") == {doc.pk}
    doc.delete()
    assert ids("delta") == set()


def test_an_indexing_failure_leaves_the_document_dirty(monkeypatch):
    doc = make_document(["epsilon"])
    backend = get_backend()

    def broken(docs):
        raise OSError("disk full")

    monkeypatch.setattr(backend, "index", broken)
    with pytest.raises(OSError):
        indexer.index_documents([doc.pk])
    doc.refresh_from_db()
    assert doc.index_dirty
    monkeypatch.undo()
    indexer.sweep()
    assert ids("epsilon") == {doc.pk}


def test_rebuild_replays_writes_made_during_the_build(monkeypatch):
    docs = [make_document([f"zeta {i}"], title=f"Old {i}") for i in range(5)]
    get_backend().index([IndexDoc(999_999, "stray", [(1, "zeta")])])  # not in the database
    real_build = indexer.build_index_doc
    changed, deleted = docs[0], docs[1]

    def build(document, tags=None, aliases=None):
        if document.pk == docs[3].pk:
            # While the new index is built, workers update and delete documents that
            # were already read; their writes land in the old index.
            Document.objects.filter(pk=changed.pk).update(title="Renamed")
            indexer.index_documents([changed.pk])
            Document.objects.get(pk=deleted.pk).delete()
        return real_build(document, tags, aliases)

    monkeypatch.setattr(indexer, "build_index_doc", build)
    report = indexer.rebuild(chunk=2)
    assert report["indexed"] == 5 and report["replayed"] == 1 and report["stale_removed"] == 1
    assert ids("zeta") == {d.pk for d in docs} - {deleted.pk}  # the stray is gone too
    titles = {h.id: h.title for h in get_backend().scan(SearchRequest("zeta"), fields=True)}
    assert titles[changed.pk] == "Renamed"
    assert not Document.objects.filter(index_dirty=True).exists()


def test_failed_rebuild_marks_documents_dirty_again(monkeypatch):
    docs = [make_document([f"eta {i}"], dirty=False) for i in range(3)]
    indexer.index_documents([d.pk for d in docs])

    def broken(document, tags=None, aliases=None):
        raise RuntimeError("bad row")

    monkeypatch.setattr(indexer, "build_index_doc", broken)
    with pytest.raises(RuntimeError):
        indexer.rebuild(chunk=2)
    assert ids("eta") == {d.pk for d in docs}  # the old index still answers
    assert Document.objects.filter(index_dirty=True).count() >= 1


# --- reading documents in bulk ----------------------------------------------------------


@pytest.fixture
def tagged(db):
    """Documents with tags of every kind and role, one of them rejected by a reviewer."""
    from datascores.entities.models import DocumentTag, Entity, EntityType, TagRole, TagStatus

    # transactional tests flush the vocabulary the migration loaded: load it again
    call_command("load_vocabularies", no_retag=True, verbosity=0)
    bodies = list(Entity.objects.filter(entity_type=EntityType.AUTHORITY).order_by("pk")[:3])
    company = Entity.objects.filter(entity_type=EntityType.COMPANY).order_by("pk").first()
    system = Entity.objects.filter(entity_type=EntityType.SYSTEM).order_by("pk").first()
    docs = [make_document([f"iota {i}"], title=f"Tagged {i}") for i in range(6)]
    for i, doc in enumerate(docs):
        DocumentTag.objects.create(
            document=doc, entity=bodies[i % 3], role=TagRole.ISSUER, status=TagStatus.AUTO
        )
        DocumentTag.objects.create(document=doc, entity=bodies[(i + 1) % 3])
        if i % 2:
            DocumentTag.objects.create(document=doc, entity=company)
        if i % 3 == 0:
            DocumentTag.objects.create(document=doc, entity=system, status=TagStatus.REJECTED)
    # a confirmed issuer wins over an automatic one
    DocumentTag.objects.filter(document=docs[0], entity=bodies[1]).update(
        role=TagRole.ISSUER, status=TagStatus.CONFIRMED
    )
    return docs


def test_bulk_tags_equal_the_tags_of_each_document(tagged):
    from datascores.entities.api import document_tags, documents_tags

    untagged = make_document(["kappa"])
    bulk = documents_tags([*tagged, untagged])
    for doc in [*tagged, untagged]:
        assert bulk[doc.pk] == document_tags(doc), doc.pk
    assert bulk[untagged.pk]["authorities"] == []
    assert bulk[tagged[0].pk]["issuing_authority"] == document_tags(tagged[0])["issuing_authority"]
    assert not any(t["systems"] for t in bulk.values())  # the rejected tag stays out


def test_a_chunk_is_read_in_a_fixed_number_of_queries(tagged):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    more = tagged + [make_document([f"iota more {i}"]) for i in range(14)]

    def queries(docs) -> int:
        with CaptureQueriesContext(connection) as ctx:
            built = list(indexer.build_index_docs([d.pk for d in docs]))
        assert [b.id for b in built] == sorted(d.pk for d in docs)
        return len(ctx.captured_queries)

    # documents, pages, sources, tags, kinds, aliases
    assert queries(tagged[:2]) == queries(more) <= 6
    built = {b.id: b for b in indexer.build_index_docs([d.pk for d in tagged])}
    one = indexer.build_index_doc(tagged[1])  # the per-document path agrees
    assert built[tagged[1].pk] == one and one.councils and one.companies


def test_rebuild_indexes_tags_read_in_bulk(tagged):
    indexer.rebuild(chunk=4)
    rows = {h.id: h for h in get_backend().scan(SearchRequest("iota"), fields=True)}
    assert set(rows) == {d.pk for d in tagged}
    for doc in tagged:
        expected = indexer.build_index_doc(doc)  # tags read one document at a time
        assert rows[doc.pk].fields == expected.display_fields()
        assert rows[doc.pk].fields["councils"]


# --- management commands ----------------------------------------------------------------


def test_search_index_rebuild_sweep_and_status(capsys):
    done = [make_document([f"theta {i}"]) for i in range(3)]
    make_document(["theta failed"], status=Status.FAILED)
    call_command("search_index", "rebuild", "--json")
    assert json.loads(capsys.readouterr().out)["indexed"] == 3
    assert ids("theta") == {d.pk for d in done}
    extra = make_document(["theta later"])
    call_command("search_index", "sweep", "--json")
    assert json.loads(capsys.readouterr().out) == {"swept": 1}
    call_command("search_index", "status", "--json")
    report = json.loads(capsys.readouterr().out)
    assert report["index_documents"] == 4 == report["done"]
    assert report["missing"] == 0 and report["stale"] == 0 and report["dirty"] == 0
    assert extra.pk in ids("theta")


def test_search_command_json_shape(capsys):
    a = make_document(
        ["Page one.", "The iota scoring tool."], title="Iota report", source_type="foi"
    )
    make_document(["Another iota mention."], title="Second", source_type="web")
    indexer.sweep()
    call_command("search", "iota scoring", "--json", "--limit", "5")
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"total", "relaxed", "suggestion", "notes", "hits", "facets"}
    # One document has both words: the one with "iota" alone follows it (relaxed).
    assert out["total"] == 2 and out["relaxed"] is True
    assert "Only 1 document has all 2 of your words" in out["notes"][0]
    hit, _ = out["hits"]
    assert set(hit) == {"id", "title", "snippets"}
    assert hit["id"] == a.pk and hit["title"] == "Iota report"
    assert hit["snippets"][0]["page"] == 2
    assert "<mark>iota</mark>" in hit["snippets"][0]["html"]
    assert set(out["facets"]) == {
        "council",
        "company",
        "system",
        "source_type",
        "foi_status",
        "file_type",
        "year",
        "availability",
    }
    assert {v["value"] for v in out["facets"]["source_type"]} == {"foi", "web"}
    call_command("search", "iota", "--json", "--source-type", "web")
    assert json.loads(capsys.readouterr().out)["total"] == 1


def test_search_command_text_output(capsys):
    make_document(["The kappa pilot ended."], title="Kappa pilot", published_at=dt.date(2020, 1, 2))
    indexer.sweep()
    call_command("search", "kappa", "--sort", "newest")
    out = capsys.readouterr().out
    assert "1 document match." in out
    assert "Kappa pilot" in out and "2020-01-02" in out
    assert "p. 1: The *kappa* pilot ended." in out


def test_search_command_says_when_results_match_most_words(capsys):
    make_document(["The lambda pilot ended."], title="Lambda pilot")
    indexer.sweep()
    call_command("search", "lambda pilot zeppelin")
    out = capsys.readouterr().out
    assert "Note: No document has all 3 of your words" in out
    assert "1 document match most of the words (none has them all)." in out
    call_command("search", "lambda AND zeppelin")
    assert "0 documents match." in capsys.readouterr().out


def test_search_command_reports_bad_queries():
    with pytest.raises(CommandError, match="wildcards"):
        call_command("search", "*appa")


def test_ingest_with_search_down_still_ingests_and_the_sweep_catches_up(tmp_path, monkeypatch):
    from search.backends.base import SearchUnavailable

    backend = get_backend()
    real_index = backend.index

    def down(docs):
        raise SearchUnavailable("connection refused")

    monkeypatch.setattr(backend, "index", down)
    path = tmp_path / "memo.txt"
    path.write_text("A xylographic risk score.")
    call_command("ingest", str(path), "--json")  # inline here: tasks run eagerly
    doc = Document.objects.get()
    assert doc.status == Status.DONE and doc.index_dirty  # ingested, left for the sweep
    monkeypatch.setattr(backend, "index", real_index)
    assert indexer.sweep() == 1
    assert ids("xylographic") == {doc.pk}


def test_a_foi_document_is_indexed_with_its_request_state_and_body(capsys):
    """The WhatDoTheyKnow importer's metadata: state (as a facet and status:), request
    id on hits, the public body as the issuer when the tagger found none."""
    foi = {
        "request_id": 7312,
        "url_title": "algorithmic_risk_scores",
        "url": "https://www.whatdotheyknow.com/request/algorithmic_risk_scores",
        "title": "Algorithmic risk scores",
        "status": "rejected",
        "authority": "Borsetshire County Council",
        "authority_url_name": "borsetshire_cc",
        "created_at": "2021-02-03",
    }
    doc = make_document(["We refuse under section 12: quizzical cost."], metadata={"foi": foi})
    other = make_document(["A quizzical note."])
    idx = indexer.build_index_doc(doc)
    assert (idx.foi_status, idx.request_id, idx.issuing_authority) == (
        "rejected",
        7312,
        "Borsetshire County Council",
    )
    assert idx.councils == ["Borsetshire County Council"]
    assert idx.request_title == "Algorithmic risk scores"
    indexer.sweep()
    assert ids("quizzical status:refused") == {doc.pk}
    assert ids("quizzical", filters={"foi_status": ["Refused"]}) == {doc.pk}
    call_command("search", "quizzical", "--json")
    hits = {h["id"]: h for h in json.loads(capsys.readouterr().out)["hits"]}
    assert (hits[doc.pk]["request_id"], hits[doc.pk]["foi_status"]) == (7312, "rejected")
    assert "request_id" not in hits[other.pk]
    call_command("search", "quizzical")
    assert "FOI request 7312: Refused" in capsys.readouterr().out


def test_a_document_is_gone_when_every_web_address_is_gone():
    doc = make_document(["The zanzibarish report."])
    kept, moved = SourceFactory.create_batch(2, document=doc)
    SourceFactory(document=doc, kind=SourceKind.UPLOAD, location="/in/r.pdf")
    indexer.sweep()
    assert ids("availability:live") == {doc.pk}
    moved.status = SourceStatus.GONE
    moved.save()  # one address gone, one still answers: live
    indexer.sweep()
    assert ids("availability:gone") == set()
    kept.status = SourceStatus.GONE
    kept.save()  # the change marks the document dirty; the index learns it is gone
    assert Document.objects.get(pk=doc.pk).index_dirty or ids("availability:gone") == {doc.pk}
    indexer.sweep()
    assert ids("availability:gone") == {doc.pk}
    assert ids("zanzibarish", filters={"availability": ["live"]}) == set()


def test_search_command_reads_short_names_and_suggests_for_typos(capsys):
    make_document(["The omega pilot ran in Kent."], title="Omega pilot")
    doc = make_document(["The omega pilot ended."], title="Omega pilot two")
    monkey_tags = {
        "issuing_authority": "Kent County Council",
        "authorities": [],
        "companies": [],
        "systems": [],
    }
    from search.backends import get_backend

    idx = indexer.build_index_doc(doc, monkey_tags, {})
    get_backend().index([idx])
    call_command("search", "omega", "--council", "kent")
    out = capsys.readouterr().out
    assert "Note: “kent” was read as “Kent County Council”." in out
    assert "1 document match." in out
    call_command("search", "omegx pilot")
    assert "Did you mean: omega pilot" in capsys.readouterr().out
