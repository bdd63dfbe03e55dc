"""Test-wide setup: a throwaway home, tasks run inline, and shared fixtures."""

import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings

from tests.browser import browser  # noqa: F401 (the fixture every browser test uses)

REPO = Path(__file__).resolve().parent.parent
CORPUS = Path(os.environ.get("DATASCORES_CORPUS", REPO.parent / "shared" / "corpus"))


def pytest_sessionfinish(session, exitstatus):
    shutil.rmtree(settings.HOME, ignore_errors=True)


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    """The real FOI corpus beside the repo; tests using it skip when it is absent."""
    if not (CORPUS / "foi").is_dir():
        pytest.skip(f"real corpus not present at {CORPUS}")
    return CORPUS
