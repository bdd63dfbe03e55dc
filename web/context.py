"""Template context every page gets (settings.TEMPLATES' context processors)."""

from __future__ import annotations

from search.query import MAX_QUERY_CHARS


def limits(request) -> dict:
    """Limits the templates repeat (the search boxes' maxlength), from their one definition."""
    return {"MAX_QUERY_CHARS": MAX_QUERY_CHARS}
