"""The Django suite on PostgreSQL as well as SQLite."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.conf import settings

from ..conftest import REPO
from .conftest import reachable

PG_URL = os.environ.get("DATASCORES_TEST_POSTGRES", "postgres://postgres@127.0.0.1:5432/test")


@pytest.mark.integration
@pytest.mark.slow
def test_django_suite_passes_on_postgresql():
    if "postgresql" in settings.DATABASES["default"]["ENGINE"]:
        pytest.skip("this run is already on PostgreSQL")
    if not reachable("127.0.0.1", 5432):
        pytest.skip("PostgreSQL is not running on 127.0.0.1:5432")
    env = {**os.environ, "DATABASE_URL": PG_URL}
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "tests",
            "-q",
            "-p",
            "no:cacheprovider",
            "-m",
            "not slow and not browser and not integration",
            "--create-db",
        ],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=1200,
    )
    tail = "\n".join(run.stdout.splitlines()[-40:])
    assert run.returncode == 0, f"the suite failed on PostgreSQL:\n{tail}\n{run.stderr[-2000:]}"
    assert " passed" in tail
