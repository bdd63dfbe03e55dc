from . import fixtures
from .helpers import all_text, run


def test_rtf_text_title_and_date():
    result = run(fixtures.RTF, "memo.rtf")
    text = all_text(result)
    assert "The Nettlebridge model flags households." in text
    assert "café" in text
    assert "bold text" in text
    assert "\\par" not in text and "fonttbl" not in text
    assert result.title == "Quarterly data report"
    assert result.metadata == {"author": "Records Office", "created": "2022-06-14"}


def test_odt_text_and_title():
    result = run(fixtures.odt_file(), "briefing.odt")
    text = all_text(result)
    assert "Briefing on Brambleworth" in text
    assert "The Brambleworth tool is used by three councils." in text
    assert result.title == "Open format briefing"


def test_ods_cells_are_tab_separated():
    import io

    from odf import table, text
    from odf.opendocument import OpenDocumentSpreadsheet

    sheet_doc = OpenDocumentSpreadsheet()
    sheet = table.Table(name="Costs")
    row = table.TableRow()
    for value in ("Xylofinder", "Licence"):
        cell = table.TableCell()
        cell.addElement(text.P(text=value))
        row.addElement(cell)
    sheet.addElement(row)
    sheet_doc.spreadsheet.addElement(sheet)
    buf = io.BytesIO()
    sheet_doc.write(buf)
    assert "Xylofinder\tLicence" in all_text(run(buf.getvalue(), "costs.ods"))
