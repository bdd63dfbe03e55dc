"""Accepting and rejecting candidates through the real machinery: documents ingested by
`manage.py ingest`, the candidates listed by `manage.py candidates`, an accept whose
re-tag job runs in a real Celery worker over Redis."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import REPO
from tests.integration.conftest import clean_env, manage, redis_url, wait_until  # noqa: F401

pytestmark = [pytest.mark.integration, pytest.mark.slow]

LETTER = (
    "Dear Requester,\n\nBristol City Council uses the Sentra system, supplied by Veltrix "
    "Data Ltd, to identify households who may need early help. Northmoor Fire and Rescue "
    "Service receives a monthly extract.\n\nYours sincerely,\nInformation Governance\n"
)

SHELL_ACCEPT = """
from datascores.entities.candidates import accept, reject
from datascores.entities.models import Candidate
accept(Candidate.objects.get(name="Sentra"), aliases=["Sentra platform"])
reject(Candidate.objects.get(name="Northmoor Fire and Rescue Service"))
"""

SHELL_TAGS = """
import json
from datascores.entities.models import DocumentTag, TagJob
print(json.dumps({
    "sentra": DocumentTag.objects.filter(entity__name="Sentra").count(),
    "jobs": list(TagJob.objects.values_list("status", flat=True)),
}))
"""


def _candidates(env, *args):
    run = manage(env, "candidates", "--json", *args)
    assert run.returncode == 0, run.stderr
    return {c["name"]: c for c in json.loads(run.stdout)}


def test_accept_retags_through_a_worker_and_reject_is_for_good(tmp_path, redis_url):  # noqa: F811
    home = tmp_path / "home"
    env = clean_env(home, CELERY_BROKER_URL=redis_url)
    assert manage(env, "migrate", "-v0").returncode == 0
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "reply-1.txt").write_text(LETTER)
    (inbox / "reply-2.txt").write_text(LETTER.replace("monthly", "weekly"))
    run = manage(env, "ingest", str(inbox), "--json", "--timeout", "120")
    assert run.returncode == 0, run.stderr
    pending = _candidates(env)
    assert pending["Sentra"]["documents"] == 2
    assert pending["Sentra"]["kind"] == "system"
    assert "Veltrix Data Ltd" in pending and "Northmoor Fire and Rescue Service" in pending

    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "datascores", "worker", "-Q",
         "extract,ocr,index", "--concurrency", "1", "--loglevel", "INFO",
         "--without-gossip", "--without-mingle"],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        shell = manage(env, "shell", "-c", SHELL_ACCEPT)
        assert shell.returncode == 0, shell.stderr

        def retagged():
            out = manage(env, "shell", "-c", SHELL_TAGS)
            state = json.loads(out.stdout.strip().splitlines()[-1])
            return state["sentra"] == 2 and state["jobs"] and set(state["jobs"]) == {"done"}

        wait_until(retagged, 120, "the worker to re-tag both documents with Sentra")
        assert worker.poll() is None
    finally:
        worker.terminate()
        try:
            log = worker.communicate(timeout=30)[0]
        except subprocess.TimeoutExpired:
            worker.kill()
            log = worker.communicate()[0]
    assert "datascores.entities.tasks.run_tag_job" in log
    # Accepted: known now, so no longer a candidate; rejected: hidden for good, even
    # after every document is tagged again.
    assert manage(env, "retag", "--all").returncode == 0
    pending = _candidates(env)
    assert "Sentra" not in pending and "Northmoor Fire and Rescue Service" not in pending
    rejected = _candidates(env, "--status", "rejected")
    assert "Northmoor Fire and Rescue Service" in rejected
    assert "Sentra" in _candidates(env, "--status", "accepted")
