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
