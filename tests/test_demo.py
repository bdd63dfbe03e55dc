"""`datascores demo`: the first README command, minus the pip install."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import urllib.error
import urllib.request

import pytest

from .conftest import REPO
from .integration.conftest import clean_env, manage, wait_until
from .processes import free_port

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
    _served_site_shows_no_debug_pages(env)


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def _served_site_shows_no_debug_pages(env: dict) -> None:
    """What `datascores demo` serves: the site's own 404 page, never Django's debug page,
    and static files still served."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "datascores.cli", "serve", "--no-worker", "--port", str(port)],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:

        def up() -> bool:
            try:
                return _get(base + "/about")[0] == 200
            except OSError:
                return False

        wait_until(up, 60, "the demo site")
        status, body = _get(base + "/no/such/page")
        assert status == 404
        assert "Page not found" in body
        assert "DEBUG = True" not in body and "URLconf" not in body
        status, css = _get(base + "/static/css/site.css")
        assert status == 200 and ".result" in css
    finally:
        server.terminate()
        server.wait(timeout=30)
