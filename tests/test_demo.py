"""`datascores demo`: the first README command, minus the pip install."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from .conftest import REPO
from .integration.conftest import clean_env, manage

pytestmark = pytest.mark.slow


def test_demo_builds_a_searchable_home(tmp_path):
    home = tmp_path / "home"
    env = clean_env(home)
    run = subprocess.run(
        [sys.executable, "-m", "datascores.cli", "demo", "--no-serve"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    assert re.search(r"user: admin\s+password: \S{12,}", run.stdout)
    samples = sorted(p for p in (home / "sample-corpus").iterdir() if p.name != "manifest.json")
    rows = json.loads(manage(env, "ingest", *map(str, samples), "--json").stdout)
    assert len(rows) >= 30
    # Every sample file was already known: the demo ingested them all.
    assert all(r["duplicate_of"] == r["document_id"] for r in rows)
    statuses = {r["status"] for r in rows}
    assert statuses == {"done"}, [r for r in rows if r["status"] != "done"]
    assert any(r["ocr_pages"] for r in rows), "the scanned sample was not OCR'd"
    found = json.loads(manage(env, "search", "Xantura", "--json").stdout)
    assert found["total"] >= 1
    assert found["facets"]["council"], "no council facet: tagging did not reach the index"
