"""Production security headers, read from a process started with production settings."""

from __future__ import annotations

import os
import subprocess
import sys

from ..conftest import REPO

_PROBE = """
import django
django.setup()
from django.test import Client
r = Client().get("/about", HTTP_X_FORWARDED_PROTO="https")
print(r.status_code, r.headers.get("Strict-Transport-Security", "none"))
"""


def _production_get(tmp_path, **env) -> str:
    full = {
        **os.environ,
        "DATASCORES_HOME": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "datascores.settings",
        "DATASCORES_PRODUCTION": "1",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "a-long-private-secret-value-0123456789abcdef-0123456789",
        "DJANGO_ALLOWED_HOSTS": "testserver",
        "DJANGO_BEHIND_TLS_PROXY": "1",
        **env,
    }
    run = subprocess.run(
        [sys.executable, "-c", _PROBE], cwd=REPO, env=full, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr[-2000:]
    return run.stdout.strip()


def test_hsts_is_on_by_default_behind_tls(tmp_path):
    status, hsts = _production_get(tmp_path).split(" ", 1)
    assert status == "200"
    assert hsts.startswith("max-age=") and int(hsts.split("=")[1].split(";")[0]) >= 15_552_000


def test_hsts_can_be_turned_off(tmp_path):
    assert _production_get(tmp_path, DJANGO_HSTS_SECONDS="0").endswith(" none")
