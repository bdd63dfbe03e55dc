"""Words people read for the codes the index stores (source types, FOI statuses, file types).

File types are labelled by the extraction registry, where each format declares its facet
value and label once.
"""

from __future__ import annotations

from datascores.documents.extract.registry import file_type_label
from datascores.documents.models import SourceType
from search.backends.base import GONE, LIVE
from search.foi import FOI_STATES

__all__ = [
    "availability_label",
    "facet_label",
    "file_type_label",
    "foi_status_label",
    "source_type_label",
]

SOURCE_TYPES: dict[str, str] = {str(k): str(v) for k, v in SourceType.choices}

# Whether the web addresses a document came from still answer (the index's availability).
AVAILABILITY: dict[str, str] = {LIVE: "Still online", GONE: "Gone from the web"}

BADGE_CLASSES = {"foi": "badge--foi", "web": "badge--web", "media": "badge--media"}


def source_type_label(code: str) -> str:
    return SOURCE_TYPES.get(code, code.replace("_", " ").capitalize() if code else "")


def foi_status_label(code: str) -> str:
    """WhatDoTheyKnow's wording for a request state (search.foi holds the states)."""
    return FOI_STATES.get(code) or (code.replace("_", " ").capitalize() if code else "")


def availability_label(code: str) -> str:
    return AVAILABILITY.get(code, code)


def facet_label(facet: str, value: str) -> str:
    """The label shown for a facet value (facet names as the backend names them)."""
    if facet == "source_type":
        return source_type_label(value)
    if facet == "foi_status":
        return foi_status_label(value)
    if facet == "file_type":
        return file_type_label(value)
    if facet == "availability":
        return availability_label(value)
    return value
