"""Words people read for the codes the index stores (source types, FOI statuses, file types).

File types are labelled by the extraction registry, where each format declares its facet
value and label once.
"""

from __future__ import annotations

from datascores.documents.extract.registry import file_type_label
from datascores.documents.models import SourceType

__all__ = ["facet_label", "file_type_label", "foi_status_label", "source_type_label"]

SOURCE_TYPES: dict[str, str] = {str(k): str(v) for k, v in SourceType.choices}

# WhatDoTheyKnow (Alaveteli) request states, as its pages word them.
FOI_STATUSES: dict[str, str] = {
    "successful": "Successful",
    "partially_successful": "Partially successful",
    "rejected": "Refused",
    "not_held": "Information not held",
    "waiting_response": "Awaiting response",
    "waiting_response_overdue": "Response overdue",
    "waiting_response_very_overdue": "Response long overdue",
    "waiting_clarification": "Awaiting clarification",
    "gone_postal": "Handled by post",
    "internal_review": "Awaiting internal review",
    "error_message": "Delivery error",
    "requires_admin": "Unusual response",
    "user_withdrawn": "Withdrawn by the requester",
    "attention_requested": "Reported",
    "vexatious": "Vexatious",
    "not_foi": "Not an FOI request",
    "awaiting_description": "Awaiting classification",
}

BADGE_CLASSES = {"foi": "badge--foi", "web": "badge--web", "media": "badge--media"}


def source_type_label(code: str) -> str:
    return SOURCE_TYPES.get(code, code.replace("_", " ").capitalize() if code else "")


def foi_status_label(code: str) -> str:
    return FOI_STATUSES.get(code, code.replace("_", " ").capitalize() if code else "")


def facet_label(facet: str, value: str) -> str:
    """The label shown for a facet value (facet names as the backend names them)."""
    if facet == "source_type":
        return source_type_label(value)
    if facet == "foi_status":
        return foi_status_label(value)
    if facet == "file_type":
        return file_type_label(value)
    return value
