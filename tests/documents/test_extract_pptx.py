import pytest

from datascores.documents.extract import ExtractionError, FailureCode

from . import fixtures
from .helpers import run


def test_one_page_per_slide_with_notes():
    result = run(fixtures.pptx_file(), "briefing.pptx")
    assert [p.number for p in result.pages] == [1, 2]
    first, second = (p.text for p in result.pages)
    assert "Data sharing briefing" in first
    assert "Partners: police, health, schools" in first
    assert "Speaker mentions the Nettlebridge dashboard" in first
    assert "Procure Xylofinder licence" in second
    assert "Nettlebridge" not in second
    assert result.title == "Data sharing briefing"


def test_truncated_deck_is_corrupt():
    data = fixtures.pptx_file()
    with pytest.raises(ExtractionError) as info:
        run(data[: len(data) // 2], "cut.pptx")
    assert info.value.code == FailureCode.CORRUPT


def test_grouped_shapes_and_tables_are_read():
    import io

    from pptx import Presentation
    from pptx.util import Inches

    deck = Presentation()
    slide = deck.slides.add_slide(deck.slide_layouts[6])
    group = slide.shapes.add_group_shape()
    box = group.shapes.add_textbox(Inches(1), Inches(1), Inches(3), Inches(1))
    box.text_frame.text = "Inside a group"
    table = slide.shapes.add_table(2, 2, Inches(1), Inches(3), Inches(4), Inches(1)).table
    table.cell(1, 0).text = "Quillmarsh"
    table.cell(1, 1).text = "£48,000"
    buf = io.BytesIO()
    deck.save(buf)
    text = run(buf.getvalue(), "grouped.pptx").pages[0].text
    assert "Inside a group" in text
    assert "Quillmarsh\t£48,000" in text
