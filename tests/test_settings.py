import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from datascores.settings import DEFAULT_SECRET_KEY, check_production

from .conftest import REPO


def test_tests_run_in_a_throwaway_home():
    assert "datascores-test-" in str(settings.HOME)
    assert str(settings.BLOB_ROOT).startswith(str(settings.HOME))


def test_production_refuses_debug():
    with pytest.raises(ImproperlyConfigured, match="DEBUG"):
        check_production(True, "x" * 50)


@pytest.mark.parametrize(
    "key",
    [
        DEFAULT_SECRET_KEY,
        "",
        "short",
        " " * 60,
        "ab" * 30,
        "private-but-only-49-chars-long-0123456789abcdefgh",
    ],
)
def test_production_refuses_default_or_weak_secret(key):
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
        check_production(False, key)


def test_production_accepts_private_secret_with_debug_off():
    check_production(False, "a-long-private-secret-value-0123456789abcdef-0123456789")


def test_importing_the_settings_creates_no_folder_starting_django_does(tmp_path):
    home = tmp_path / "home"
    env = {
        **os.environ,
        "DATASCORES_HOME": str(home),
        "DJANGO_SETTINGS_MODULE": "datascores.settings",
    }
    probe = "import datascores.settings as s; print(s.HOME.exists())"
    run = subprocess.run(
        [sys.executable, "-c", probe], cwd=REPO, env=env, capture_output=True, text=True
    )
    assert run.stdout.split() == ["False"], run.stderr[-2000:]
    probe = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(*[f.is_dir() for f in s.FOLDERS])"
    )
    run = subprocess.run(
        [sys.executable, "-c", probe], cwd=REPO, env=env, capture_output=True, text=True
    )
    assert set(run.stdout.split()) == {"True"}, run.stderr[-2000:]
    assert (home / "static").is_dir() and (home / "broker" / "in").is_dir()


def _settings_probe(names: list[str], **env: str) -> list[str]:
    """The named settings as a fresh process reads them from this environment."""
    full = {**os.environ, "DJANGO_SETTINGS_MODULE": "datascores.settings", **env}
    probe = "import datascores.settings as s; print(*[getattr(s, n) for n in %r], sep='|')"
    run = subprocess.run(
        [sys.executable, "-c", probe % names], cwd=REPO, env=full, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr[-2000:]
    return run.stdout.strip().split("|")


SEARCH_BUDGET = [
    "SEARCH_SECONDS",
    "SEARCH_EXPORT_SECONDS",
    "SEARCH_EXPENSIVE_SLOTS",
    "SEARCH_SLOT_WAIT",
    "SEARCH_SLOTS_DIR",
]


def test_search_budget_has_its_defaults_beside_the_index(tmp_path):
    """Two seconds a page, two minutes an export, one expensive query at a time, no wait."""
    values = _settings_probe(SEARCH_BUDGET, DATASCORES_HOME=str(tmp_path))
    assert values == ["2.0", "120.0", "1", "0.0", str(tmp_path / "index" / "slots")]


def test_search_budget_is_set_from_the_environment(tmp_path):
    values = _settings_probe(
        SEARCH_BUDGET,
        DATASCORES_HOME=str(tmp_path),
        DATASCORES_SEARCH_SECONDS="5",
        DATASCORES_SEARCH_EXPORT_SECONDS="600",
        DATASCORES_SEARCH_EXPENSIVE_SLOTS="3",
        DATASCORES_SEARCH_SLOT_WAIT="0.5",
        DATASCORES_SEARCH_SLOTS_DIR=str(tmp_path / "locks"),
    )
    assert values == ["5.0", "600.0", "3", "0.5", str(tmp_path / "locks")]


def _manage_check(tmp_path, **env):
    full = {**os.environ, "DATASCORES_HOME": str(tmp_path), **env}
    full.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=REPO, env=full, capture_output=True, text=True
    )


def test_production_server_will_not_start_with_defaults(tmp_path):
    run = _manage_check(tmp_path, DATASCORES_PRODUCTION="1")
    assert run.returncode != 0
    assert "DJANGO_DEBUG must be off" in run.stderr


def test_production_server_starts_when_configured(tmp_path):
    run = _manage_check(
        tmp_path,
        DATASCORES_PRODUCTION="1",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="a-long-private-secret-value-0123456789abcdef-0123456789",
    )
    assert run.returncode == 0, run.stderr


@pytest.mark.django_db
def test_public_pages_carry_a_content_security_policy(client):
    policy = client.get("/").headers.get("Content-Security-Policy", "")
    assert "script-src 'self'" in policy
    assert "object-src 'none'" in policy
    # The admin keeps Django's defaults (its widgets use inline styles).
    assert "Content-Security-Policy" not in client.get("/admin/login/").headers


def test_templates_use_no_inline_styles_or_scripts_the_policy_would_block():
    # style="" attributes and inline <script> are ignored under the site's CSP.
    for path in (REPO / "templates").rglob("*.html"):
        text = path.read_text()
        assert "style=" not in text, path
        assert "<script>" not in text and "onclick=" not in text, path


def test_deploy_checks_pass_with_production_settings(tmp_path):
    """`manage.py check --deploy` finds no error in the production configuration."""
    full = {
        **os.environ,
        "DATASCORES_HOME": str(tmp_path),
        "DATASCORES_PRODUCTION": "1",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "k8#Jf2!qZ9x@Lm4$Vb7^Rt1&Yp6*Hn3(Wc5)Ed0-Sa_Ug+Io=Pl[Ok]Ij",
    }
    full.pop("DJANGO_SETTINGS_MODULE", None)
    run = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=REPO,
        env=full,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr
    assert "ERRORS" not in run.stderr
