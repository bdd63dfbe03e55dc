"""End to end with real processes: an admin presses "Re-scrape now", a Celery worker over
Redis runs the scrape, and the run's progress (read as the admin's progress bar reads it)
moves until the run finishes."""

from __future__ import annotations

import re
import subprocess
import sys
import time

import pytest
import requests

from tests.fetch.conftest import LocalServer, Reply
from tests.integration.conftest import REPO, clean_env, manage, reachable, wait_until
from tests.processes import free_port, stop

pytestmark = pytest.mark.integration
REDIS_URL = "redis://127.0.0.1:6379/14"  # not the integration tests' database
PAGES = 30


@pytest.fixture
def paced_site():
    """Thirty council pages linked from a home page."""
    server = LocalServer()
    links = "".join(f'<li><a href="/page/{i}">Page {i}</a></li>' for i in range(PAGES))
    server.routes["/robots.txt"] = Reply(200, b"User-agent: *\nAllow: /\n")
    server.routes["/"] = Reply(
        200, f"<html><body><main><ul>{links}</ul></main></body></html>".encode(),
        {"Content-Type": "text/html"},
    )  # fmt: skip
    for i in range(PAGES):
        server.routes[f"/page/{i}"] = Reply(
            200,
            f"<html><head><title>Page {i}</title></head><body><main><p>Report {i} on the "
            f"council's use of algorithms.</p></main></body></html>".encode(),
            {"Content-Type": "text/html"},
        )
    yield server
    server.close()


def test_admin_rescrape_runs_on_a_real_worker_with_moving_progress(tmp_path, paced_site):
    if not reachable("127.0.0.1", 6379):
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    home = tmp_path / "home"
    env = clean_env(
        home,
        CELERY_BROKER_URL=REDIS_URL,
        DATASCORES_FETCHER_ALLOWED_NETWORKS="127.0.0.1/32",
        DATASCORES_FETCHER_MIN_INTERVAL="0.15",  # slow enough to watch the bar move
    )
    assert manage(env, "migrate", "-v0").returncode == 0
    (tmp_path / "sources.yaml").write_text(
        f"- name: Paced council\n  kind: crawl\n  urls: ['{paced_site.url('/')}']\n"
        "  max_depth: 1\n  max_pages: 100\n"
    )
    loaded = manage(env, "load_sources", str(tmp_path / "sources.yaml"))
    assert loaded.returncode == 0, loaded.stderr
    made = manage(env, "shell", "-c", "from django.contrib.auth.models import User; "
                  "User.objects.create_superuser('admin', 'a@example.org', 'pw')")  # fmt: skip
    assert made.returncode == 0, made.stderr

    port = free_port()
    web = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "datascores", "worker", "-Q", "extract,ocr,index",
         "--concurrency", "2", "--loglevel", "INFO", "--without-gossip", "--without-mingle"],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: reachable("127.0.0.1", port), 60, "the site to answer")
        s = requests.Session()
        s.trust_env = False
        s.get(f"{base}/admin/login/")
        login = s.post(
            f"{base}/admin/login/?next=/admin/",
            data={"username": "admin", "password": "pw",
                  "csrfmiddlewaretoken": s.cookies["csrftoken"]},
            headers={"Referer": f"{base}/admin/login/"},
        )  # fmt: skip
        assert login.url.endswith("/admin/"), login.text[:500]
        changelist = f"{base}/admin/scrapers/source/"
        page = s.get(changelist)
        source_id = re.search(r'name="_selected_action" value="(\d+)"', page.text).group(1)
        pressed = s.post(
            changelist,
            data={"action": "rescrape_now", "_selected_action": source_id,
                  "csrfmiddlewaretoken": s.cookies["csrftoken"]},
            headers={"Referer": changelist},
        )  # fmt: skip
        assert pressed.status_code == 200
        job_id = re.search(r"/admin/jobs/job/(\d+)/change/", pressed.text).group(1)

        seen: list[tuple[str, int, int]] = []
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            data = s.get(f"{base}/admin/jobs/job/{job_id}/progress.json").json()
            seen.append((data["status"], data["done"], data["total"]))
            if not data["active"]:
                break
            time.sleep(0.2)
        assert data["status"] == "finished", (data, seen)
        assert data["counts"]["new"] == PAGES + 1 and data["counts"]["failed"] == 0
        # The bar moved: the run was seen part way, between its start and its end.
        assert any(st == "running" and 0 < done < total for st, done, total in seen), seen
        assert len({done for _st, done, _t in seen}) >= 3, seen
        # The worker processes the pages and indexes them in batches: every page is found.
        wait_until(
            lambda: (
                s.get(f"{base}/api/search", params={"q": "algorithms"}).json()["total"] == PAGES
            ),
            60,
            "every scraped page to be searchable",
        )
    finally:
        web_log = stop(web)
        worker_log = stop(worker)
    assert "scrapers.tasks.run_scrape" in worker_log, worker_log[-3000:]
    assert "progress.json" in web_log
