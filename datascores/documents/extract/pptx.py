"""PPTX: one page per slide with its text (shapes, groups, tables) and speaker notes."""

from __future__ import annotations

import io
import zipfile

from pptx import Presentation
from pptx.exc import PackageNotFoundError
from pptx.shapes.group import GroupShape

from ._common import Budget, iso, plausible_title
from .base import Context, Extracted


def extract(data: bytes, ctx: Context, budget: Budget) -> Extracted:
    try:
        deck = Presentation(io.BytesIO(data))
        slides = list(deck.slides)
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise budget.corrupt(exc) from None
    except Exception as exc:  # malformed XML inside the package
        raise budget.corrupt(exc) from None
    first_title = ""
    for slide in slides:
        if budget.page_limit_reached(len(slides), unit="slides"):
            break
        lines = [t for shape in slide.shapes for t in _shape_texts(shape)]
        if not first_title and slide.shapes.title is not None:
            first_title = " ".join(slide.shapes.title.text_frame.text.split())
        if slide.has_notes_slide:
            notes = slide.notes_slide.notes_text_frame
            if notes is not None and notes.text.strip():
                lines += ["", "Notes:", notes.text]
        budget.add_page("\n".join(lines))
        if budget.truncated:
            break
    props = deck.core_properties
    title = (props.title or "").strip()
    if not plausible_title(title) or title.lower() == "powerpoint presentation":
        title = first_title[:200]
    metadata = {
        k: v
        for k, v in {
            "author": props.author or "",
            "last_modified_by": props.last_modified_by or "",
            "created": iso(props.created),
            "modified": iso(props.modified),
        }.items()
        if v
    }
    return budget.result(title=title, metadata=metadata)


def _shape_texts(shape, depth: int = 0):
    """Text of a shape, descending into groups and tables."""
    if depth > 20:
        return
    if isinstance(shape, GroupShape):
        for child in shape.shapes:
            yield from _shape_texts(child, depth + 1)
        return
    if getattr(shape, "has_table", False):
        for row in shape.table.rows:
            cells = [" ".join(cell.text.split()) for cell in row.cells]
            if any(cells):
                yield "\t".join(cells)
        return
    if getattr(shape, "has_text_frame", False) and shape.text_frame.text.strip():
        yield shape.text_frame.text
