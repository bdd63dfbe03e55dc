import io

import pytest

from datascores.documents.extract import ExtractionError, FailureCode

from . import fixtures
from .helpers import run


def test_one_page_per_sheet_with_tab_separated_rows():
    result = run(fixtures.xlsx_file(), "register.xlsx")
    assert len(result.pages) == 2
    first, second = (p.text.splitlines() for p in result.pages)
    assert first[0] == "Sheet: Contracts"
    assert "Quillmarsh Analytics\t48000\t2023-04-01" in first
    assert "Brambleworth Ltd\t12500.5\t2024-01-15" in first
    assert second[0] == "Sheet: Systems"
    assert "Xylofinder\tRisk scoring of households" in second
    assert result.title == "Contracts register"
    assert result.metadata["sheets"] == ["Contracts", "Systems"]


def test_sheet_limit_warns():
    result = run(fixtures.xlsx_file(), "register.xlsx", max_pages=1)
    assert len(result.pages) == 1
    assert any("first 1 of 2 sheets" in w for w in result.warnings)


def test_cell_cap(monkeypatch):
    from openpyxl import Workbook

    from datascores.documents.extract import xlsx

    monkeypatch.setattr(xlsx, "MAX_CELLS", 50)
    book = Workbook()
    for row in range(100):
        book.active.append([f"r{row}c{col}" for col in range(5)])
    buf = io.BytesIO()
    book.save(buf)
    result = run(buf.getvalue(), "big.xlsx")
    assert "r5c0" in result.pages[0].text
    assert "r90c0" not in result.pages[0].text
    assert any("cells" in w for w in result.warnings)


def test_truncated_workbook_is_corrupt():
    data = fixtures.xlsx_file()
    with pytest.raises(ExtractionError) as info:
        run(data[: len(data) // 2], "cut.xlsx")
    assert info.value.code == FailureCode.CORRUPT
