"""Who may import whom: the import-linter contracts in pyproject.toml hold.

Sources (scrapers, foi) -> core (datascores) -> index (search) -> site (web): a lower
layer never imports a higher one, nothing imports a source or the site, and inside the
core the documents app knows nothing of entities. Imports inside functions count too,
so a cycle cannot hide in one. A failure names the contract and the import chain.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def test_import_contracts_hold(capsys, monkeypatch):
    pytest.importorskip("importlinter", reason="import-linter is in the test extra")
    from importlinter import configuration
    from importlinter.application import use_cases

    configuration.configure()
    monkeypatch.chdir(REPO)
    monkeypatch.setattr(sys, "path", [str(REPO), *sys.path])
    passed = use_cases.lint_imports(
        config_filename=os.fspath(REPO / "pyproject.toml"), cache_dir=None, no_logo=True
    )
    report = capsys.readouterr().out
    assert passed, f"An import breaks the layering:\n{report}"
    assert "0 broken" in report


PACKAGES = ("datascores", "search", "web", "scrapers", "foi")
# Guards still to be removed by their owners (issue 8); a new one fails the test.
KNOWN_GUARDS: set[str] = set()


def _own_import_guards(path: Path) -> bool:
    """Does this module catch ImportError around an import of one of the project's own
    packages (which are always installed, so the guard can only hide a cycle or a bug)?"""
    import ast

    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if not isinstance(node, ast.Try):
            continue
        catches = {
            getattr(h.type, "id", getattr(h.type, "attr", None)) for h in node.handlers if h.type
        }
        if not catches & {"ImportError", "ModuleNotFoundError"}:
            continue
        for inner in (n for stmt in node.body for n in ast.walk(stmt)):
            if isinstance(inner, ast.ImportFrom):
                name = "." * inner.level + (inner.module or "")
            elif isinstance(inner, ast.Import):
                name = inner.names[0].name
            else:
                continue
            if name.startswith(".") or name.split(".")[0] in PACKAGES:
                return True
    return False


def test_no_import_error_guards_around_the_projects_own_packages():
    found = {
        str(path.relative_to(REPO))
        for package in PACKAGES
        for path in (REPO / package).rglob("*.py")
        if "migrations" not in path.parts and _own_import_guards(path)
    }
    assert found <= KNOWN_GUARDS, (
        "These modules catch ImportError around an import of the project's own code; "
        "import it plainly (a registry or a signal where it would make a cycle): "
        f"{sorted(found - KNOWN_GUARDS)}"
    )
