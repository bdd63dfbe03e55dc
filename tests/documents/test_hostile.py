"""The hostile-input corpus (tests/documents/hostile.py) through extraction as the worker
runs it: in a forked child with a deadline and a memory cap. One row per file, so a
regression names the file; the outcome is the code a user would see recorded."""

from __future__ import annotations

import pickle

import pytest

from datascores.documents import sniff
from datascores.documents.extract import Context, ExtractionError, extract_isolated, registry
from datascores.documents.sniff import sniff_mime

from .helpers import all_text
from .hostile import CASES, Case

# Small enough to keep the suite light, large enough for every honest file here.
MEMORY_MB = 512
TIMEOUT = 60


def _run(case: Case, data: bytes):
    ctx = Context(
        filename=case.name, mime_type=sniff_mime(data, case.name), depth=case.depth, **case.limits
    )
    try:
        result = extract_isolated(data, ctx, timeout=TIMEOUT, memory_mb=MEMORY_MB)
    except ExtractionError as exc:
        return exc.code, None
    return "done", result


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_hostile_file_gets_its_expected_outcome(case, tmp_path):
    data = case.make()
    outcome, result = _run(case, data)
    try:
        assert outcome == case.outcome
        if result is None:
            return
        codes = {w.code for w in result.warnings}
        assert case.notices <= codes, result.warnings
        check = CHECKS.get(case.name)
        if check:
            check(data, result)
    finally:
        if result is not None:
            result.cleanup()


def _only_the_safe_member(data, result):
    assert [m.name for m in result.members] == ["safe/ok.txt"]
    assert result.members[0].data == b"A safe member"


def _member_travels_as_a_file(data, result):
    (member,) = result.members
    assert member.size > 39 << 20
    # What came back through the pipe is a path, not 40 MB of bytes.
    assert len(pickle.dumps(result)) < 64 * 1024


def _read_as_text(data, result):
    assert "response to your request" in all_text(result)


def _frames_for_ocr(data, result):
    assert len(result.pages) == 500
    assert all(p.needs_ocr for p in result.pages)


def _read_as_what_it_is(data, result):
    mime = sniff_mime(data)
    assert registry.file_type_for(mime) in {"docx", "xlsx", "image", "pdf"}
    assert result.pages


CHECKS = {
    "traversal.zip": _only_the_safe_member,
    "big-member.zip": _member_travels_as_a_file,
    "frames-500.tiff": _frames_for_ocr,
    **{c.name: _read_as_text for c in CASES if c.name.startswith("starts-")},
    **{c.name: _read_as_what_it_is for c in CASES if "-really-" in c.name},
}


def test_text_with_a_magic_number_is_sniffed_as_text():
    for case in CASES:
        if case.name.startswith("starts-"):
            assert sniff_mime(case.make(), case.name) == sniff.TEXT, case.name
