"""The pipeline end to end (tasks inline): every input ends in a recorded state."""

from __future__ import annotations

import pytest

from datascores.documents.models import Blob, Document, FailureCode, SourceKind, Status
from datascores.documents.pipeline import ingest_bytes, ingest_path, reprocess, sweep_stalled

from . import fixtures

pytestmark = pytest.mark.django_db(transaction=True)


def ingest(data: bytes, name: str, **kw) -> Document:
    outcome = ingest_bytes(data, filename=name, location=f"/in/{name}", **kw)
    outcome.document.refresh_from_db()
    return outcome.document


def original_kept(doc: Document, data: bytes) -> bool:
    with doc.blob.file.open("rb") as f:
        return f.read() == data


def test_text_pdf_becomes_a_document_with_pages():
    data = fixtures.text_pdf()
    doc = ingest(data, "report.pdf")
    assert doc.status == Status.DONE, doc.failure_reason
    assert doc.page_count == len(fixtures.PDF_PAGES)
    pages = list(doc.pages.all())
    assert [p.method for p in pages] == ["text"] * 3
    assert "Xylofinder" in pages[0].text
    assert "Quillmarsh" in pages[2].text
    assert doc.file_type == "pdf"
    assert doc.blob.mime_type == "application/pdf"
    assert original_kept(doc, data)


def test_mime_type_comes_from_the_bytes_not_the_extension():
    doc = ingest(fixtures.docx_file(), "actually-a-word-file.pdf")
    assert doc.status == Status.DONE, doc.failure_reason
    assert doc.file_type == "docx"


def test_same_bytes_from_two_places_is_one_document_with_two_sources():
    data = fixtures.text_pdf(["Duplicate check page"])
    first = ingest_bytes(data, filename="a.pdf", location="https://council.example/a.pdf")
    second = ingest_bytes(data, filename="b.pdf", location="/uploads/b.pdf")
    assert first.created and not second.created
    assert first.document.pk == second.document.pk
    assert Blob.objects.count() == 1
    assert sorted(first.document.sources.values_list("location", flat=True)) == [
        "/uploads/b.pdf",
        "https://council.example/a.pdf",
    ]
    # Ingesting from the same place again adds nothing.
    ingest_bytes(data, filename="b.pdf", location="/uploads/b.pdf")
    assert first.document.sources.count() == 2


def test_scanned_pdf_is_ocrd():
    doc = ingest(fixtures.scanned_pdf(), "scan.pdf")
    assert doc.status == Status.DONE, doc.failure_reason
    page = doc.pages.get()
    assert page.method == "ocr"
    assert "Analytical Hub" in page.text
    assert doc.ocr is True
    assert doc.ocr_confidence is not None and doc.ocr_confidence > 50


def test_garbled_text_layer_is_replaced_by_ocr():
    doc = ingest(fixtures.garbled_pdf(), "garbled.pdf")
    assert doc.status == Status.DONE, doc.failure_reason
    assert doc.pages.filter(method="ocr").exists()
    assert "Analytical" in doc.text


def test_scanned_pdf_without_ocr_fails_saying_so(settings):
    settings.OCR_ENABLED = False
    doc = ingest(fixtures.scanned_pdf(["Nothing to read here"]), "scan-off.pdf")
    assert doc.status == Status.FAILED
    assert doc.failure_code == FailureCode.NEEDS_OCR
    assert "OCR is switched off" in doc.failure_reason


@pytest.mark.parametrize(
    ("make", "name", "code", "words"),
    [
        (lambda: b"", "empty.pdf", FailureCode.EMPTY, "empty"),
        (lambda: fixtures.text_pdf()[:900], "truncated.pdf", FailureCode.CORRUPT, ""),
        (lambda: fixtures.encrypted_pdf("secret"), "locked.pdf", FailureCode.ENCRYPTED, "password"),
        (lambda: fixtures.zip_bomb(300 * 1024 * 1024), "bomb.zip", FailureCode.ARCHIVE_LIMIT, ""),
        (lambda: bytes(range(256)) * 64, "mystery.bin", FailureCode.UNSUPPORTED, ""),
    ],
)
def test_bad_input_fails_with_a_reason_and_keeps_the_original(make, name, code, words):
    data = make()
    doc = ingest(data, name)
    assert doc.status == Status.FAILED
    assert doc.failure_code == code
    assert doc.failure_reason and words in doc.failure_reason.lower()
    assert original_kept(doc, data)
    # And the process that ran it is still here to handle the next file.
    assert ingest(fixtures.text_pdf(["after the bad one"]), "next.pdf").status == Status.DONE


def test_too_large_file_is_kept_but_not_opened(settings, tmp_path):
    settings.MAX_FILE_SIZE = 10_000
    path = tmp_path / "big.txt"
    path.write_bytes(b"word " * 5000)
    doc = ingest_path(path).document
    doc.refresh_from_db()
    assert doc.status == Status.FAILED
    assert doc.failure_code == FailureCode.TOO_LARGE
    assert "over the" in doc.failure_reason
    assert original_kept(doc, path.read_bytes())


def test_extraction_over_the_memory_limit_fails_then_reruns(settings):
    settings.EXTRACT_MEMORY_LIMIT_MB = 8
    settings.MAX_TEXT_CHARS = 50_000_000  # so all of it is decoded, needing ~30 MB more
    data = b"memory limited " * 2_000_000  # 30 MB of text to decode and page
    doc = ingest(data, "hungry.txt")
    assert doc.status == Status.FAILED
    assert doc.failure_code == FailureCode.MEMORY
    settings.EXTRACT_MEMORY_LIMIT_MB = 2048
    reprocess([doc.pk])
    doc.refresh_from_db()
    assert doc.status == Status.DONE
    assert "memory limited" in doc.text


def test_ocr_over_the_time_limit_fails_saying_so(settings):
    settings.OCR_PAGE_TIME_LIMIT = 0.05
    doc = ingest(fixtures.scanned_pdf(pages=2), "slow.pdf")
    assert doc.status == Status.FAILED
    assert doc.failure_code == FailureCode.TIMEOUT
    assert doc.failure_reason.startswith("OCR failed")


def test_zip_members_become_child_documents():
    inner = fixtures.text_pdf(["Inside the bundle"])
    data = fixtures.zip_file({"responses/letter.pdf": inner, "notes.txt": b"Plain notes here"})
    doc = ingest(data, "bundle.zip")
    assert doc.status == Status.DONE, doc.failure_reason
    children = {c.title: c for c in doc.children.all()}
    assert len(children) == 2
    letter = next(c for c in children.values() if c.file_type == "pdf")
    assert letter.status == Status.DONE
    assert "Inside the bundle" in letter.text
    source = letter.sources.get()
    assert source.kind == SourceKind.MEMBER
    assert source.container_id == doc.pk


def test_email_attachments_become_child_documents():
    data = fixtures.eml_file(attachment=fixtures.text_pdf(["Attached response"]))
    doc = ingest(data, "reply.eml")
    assert doc.status == Status.DONE, doc.failure_reason
    assert doc.file_type == "eml"
    child = doc.children.get()
    assert "Attached response" in child.text


def test_nested_archives_stop_at_the_depth_limit(settings):
    settings.MAX_NESTING_DEPTH = 2
    doc = ingest(fixtures.nested_zip(5), "nested.zip")
    chain = [doc]
    while (nxt := chain[-1].children.first()) is not None:
        chain.append(nxt)
    assert len(chain) <= 4
    assert any(d.failure_code == FailureCode.ARCHIVE_LIMIT for d in chain)


@pytest.mark.slow
def test_a_100_mb_text_file_ends_done_with_what_could_be_read(tmp_path, settings):
    settings.MAX_FILE_SIZE = 200 * 1024 * 1024
    path = tmp_path / "huge.txt"
    line = b"The council's data warehouse links records about families. " * 16 + b"\n"
    with path.open("wb") as f:
        for _ in range(100 * 1024 * 1024 // len(line) + 1):
            f.write(line)
    assert path.stat().st_size >= 100 * 1024 * 1024
    doc = ingest_path(path).document
    doc.refresh_from_db()
    assert doc.status == Status.DONE, doc.failure_reason
    assert sum(len(p.text) for p in doc.pages.all()) <= settings.MAX_TEXT_CHARS
    assert any("truncated" in w.lower() for w in doc.metadata["warnings"])


def test_stalled_documents_are_swept_up():
    doc = ingest(fixtures.text_pdf(["stalled"]), "stalled.pdf")
    Document.objects.filter(pk=doc.pk).update(
        status=Status.PROCESSING, updated_at="2020-01-01T00:00:00Z"
    )
    assert sweep_stalled() == 1
    doc.refresh_from_db()
    assert doc.status == Status.DONE


def test_sweep_gives_up_after_repeated_attempts(settings):
    doc = ingest(fixtures.text_pdf(["stuck"]), "stuck.pdf")
    Document.objects.filter(pk=doc.pk).update(
        status=Status.PROCESSING,
        attempts=settings.PROCESSING_MAX_ATTEMPTS,
        updated_at="2020-01-01T00:00:00Z",
    )
    sweep_stalled()
    doc.refresh_from_db()
    assert doc.status == Status.FAILED
    assert "giving up" in doc.failure_reason


def test_a_bomb_that_lies_about_its_size_is_read_only_as_far_as_is_safe():
    data = fixtures.zip_bomb(300 * 1024 * 1024, lie=True)
    doc = ingest(data, "lying-bomb.zip")
    assert doc.status == Status.DONE
    assert not doc.children.exists()
    assert any("damaged" in w for w in doc.metadata["warnings"])
    assert original_kept(doc, data)
