"""Legacy .doc: no tool here can write one, so real reading is tested on the shared
corpus (skipped when it is absent); the failure paths use a fake compound file."""

import os
from pathlib import Path

import pytest

from datascores.documents import sniff
from datascores.documents.extract import Context, ExtractionError, FailureCode, extract
from datascores.documents.extract import doc as doc_module

from . import fixtures
from .helpers import all_text

CORPUS = Path(
    os.environ.get("DATASCORES_CORPUS") or Path(__file__).resolve().parents[3] / "shared" / "corpus"
)
FAKE_DOC = fixtures.ole_file({"WordDocument": b"\x00" * 64, "1Table": b"\x00" * 16})


def _ctx(**kwargs) -> Context:
    return Context(filename="letter.doc", mime_type=sniff.DOC, **kwargs)


def test_missing_antiword_fails_with_the_exact_reason():
    with pytest.raises(ExtractionError) as info:
        extract(FAKE_DOC, _ctx(antiword="/nonexistent/antiword"))
    assert info.value.code == FailureCode.NEEDS_TOOL
    assert info.value.reason == "legacy .doc needs antiword"


@pytest.mark.skipif(not doc_module.shutil.which("antiword"), reason="antiword not installed")
def test_antiword_rejecting_the_file_is_corrupt():
    with pytest.raises(ExtractionError) as info:
        extract(FAKE_DOC, _ctx())
    assert info.value.code == FailureCode.CORRUPT
    assert "Word (.doc)" in info.value.reason


def test_antiword_hanging_times_out(tmp_path, monkeypatch):
    slow = tmp_path / "antiword"
    slow.write_text("#!/bin/sh\nsleep 30\n")
    slow.chmod(0o755)
    monkeypatch.setattr(doc_module, "TIMEOUT", 0.5)
    with pytest.raises(ExtractionError) as info:
        extract(FAKE_DOC, _ctx(antiword=str(slow)))
    assert info.value.code == FailureCode.TIMEOUT


@pytest.mark.corpus
@pytest.mark.skipif(not doc_module.shutil.which("antiword"), reason="antiword not installed")
@pytest.mark.parametrize(
    ("name", "phrase"),
    [
        ("NHS Manchester CCG FOI report 11917.doc", "We use the combined predictive model"),
        (
            "[Connect Measure] 2018-04-06 - 16079 - Response.doc",
            "the associated system is CareFirst 6",
        ),
    ],
)
def test_real_legacy_word_files(name, phrase):
    path = CORPUS / "foi" / name
    if not path.is_file():
        pytest.skip("shared corpus not available")
    data = path.read_bytes()
    assert sniff.sniff_mime(data, name) == sniff.DOC
    result = extract(data, _ctx())
    assert phrase in " ".join(all_text(result).split())
    assert "[pic]" not in all_text(result)
    assert result.metadata.get("created")
