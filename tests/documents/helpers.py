"""Small helpers shared by the extraction tests."""

from __future__ import annotations

from datascores.documents.extract import Context, extract
from datascores.documents.sniff import sniff_mime


def run(data: bytes, filename: str = "", **limits):
    """Sniff and extract, as the pipeline does."""
    ctx = Context(filename=filename, mime_type=sniff_mime(data, filename), **limits)
    return extract(data, ctx)


def all_text(result) -> str:
    return "\n".join(p.text for p in result.pages)
