"""Real workers: Celery over Redis, and the embedded broker behind `datascores serve`."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request

import pytest

from ..conftest import REPO
from ..documents import fixtures
from ..processes import free_port, stop, worker_argv
from .conftest import clean_env, manage, wait_until

pytestmark = [pytest.mark.integration, pytest.mark.slow]


@pytest.fixture
def inbox(tmp_path):
    d = tmp_path / "inbox"
    d.mkdir()
    (d / "letter.pdf").write_bytes(fixtures.text_pdf())
    (d / "scan.pdf").write_bytes(fixtures.scanned_pdf())
    (d / "bomb.zip").write_bytes(fixtures.zip_bomb(300 * 1024 * 1024, lie=True))
    (d / "broken.pdf").write_bytes(fixtures.text_pdf()[:700])
    (d / "reply.eml").write_bytes(fixtures.eml_file(attachment=fixtures.docx_file()))
    return d


def test_celery_worker_over_redis_processes_ingest(tmp_path, inbox, redis_url):
    home = tmp_path / "home"
    env = clean_env(home, CELERY_BROKER_URL=redis_url)
    assert manage(env, "migrate", "-v0").returncode == 0
    worker = subprocess.Popen(
        worker_argv(2),
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        run = manage(env, "ingest", str(inbox), "--json", "--timeout", "240")
        assert run.returncode == 0, run.stderr
        rows = {r["path"].rsplit("/", 1)[-1]: r for r in json.loads(run.stdout)}
        assert rows["letter.pdf"]["status"] == "done"
        assert rows["scan.pdf"]["status"] == "done" and rows["scan.pdf"]["ocr_pages"] == 1
        # A bomb whose headers lie is read as far as is safe: the member is skipped, with a
        # warning saying why, and nothing was unpacked.
        bomb = json.loads(
            manage(env, "show_document", str(rows["bomb.zip"]["document_id"]), "--json").stdout
        )
        assert bomb["children"] == []
        assert any("damaged" in w for w in bomb["warnings"]), bomb
        assert rows["broken.pdf"]["status"] == "failed" and rows["broken.pdf"]["reason"]
        assert rows["reply.eml"]["status"] == "done"
        # The e-mail's attachment became a document the worker processed too.
        shown = json.loads(
            manage(env, "show_document", str(rows["reply.eml"]["document_id"]), "--json").stdout
        )
        assert len(shown["children"]) == 1
        # The worker survived the bomb and the broken file.
        assert worker.poll() is None
    finally:
        log = stop(worker)
    # The work went through the worker, not the ingest process.
    assert "datascores.documents.tasks.process_document" in log
    assert "datascores.documents.tasks.ocr_document" in log


def test_datascores_serve_runs_the_embedded_worker(tmp_path, inbox):
    home = tmp_path / "home"
    env = clean_env(home)
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "datascores.cli", "serve", "--port", str(port)],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:

        def up() -> bool:
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/admin/login/", timeout=2
                ) as r:
                    return r.status == 200
            except OSError:
                return False

        wait_until(up, 60, "the site to answer")
        assert (home / "worker.pid").exists()
        # With a worker running, ingest queues through the embedded broker and waits.
        run = manage(
            env,
            "ingest",
            str(inbox / "letter.pdf"),
            str(inbox / "scan.pdf"),
            "--json",
            "--timeout",
            "180",
        )
        assert run.returncode == 0, run.stderr
        rows = json.loads(run.stdout)
        assert [r["status"] for r in rows] == ["done", "done"]
        worker_log = (home / "worker.log").read_text()
        assert "process_document" in worker_log
    finally:
        stop(server)
    assert not (home / "worker.pid").exists()
