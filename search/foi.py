"""FOI request states as the index holds them: Alaveteli's ``described_state`` names.

WhatDoTheyKnow (Alaveteli) records how a request ended as a state such as
``partially_successful`` or ``rejected``; its pages show a label ("Partially
successful", "Refused"). The index stores the state name; people may type either, so
``status:refused``, ``status:"partially successful"`` and ``--status rejected`` all find
the same documents. :func:`foi_state` is the one place that reading happens.
"""

from __future__ import annotations

import re

# Alaveteli state -> the label WhatDoTheyKnow shows, in a reading order.
FOI_STATES: dict[str, str] = {
    "successful": "Successful",
    "partially_successful": "Partially successful",
    "rejected": "Refused",
    "not_held": "Information not held",
    "waiting_response": "Awaiting response",
    "waiting_response_overdue": "Delayed",
    "waiting_response_very_overdue": "Long overdue",
    "waiting_clarification": "Awaiting clarification",
    "internal_review": "Awaiting internal review",
    "gone_postal": "Handled by post",
    "error_message": "Delivery error",
    "requires_admin": "Unusual response",
    "user_withdrawn": "Withdrawn by the requester",
    "attention_requested": "Reported",
    "vexatious": "Vexatious",
    "not_foi": "Not an FOI request",
    "awaiting_description": "Awaiting classification",
}
# Other words people use for a state.
_SYNONYMS = {
    "refused": "rejected",
    "refusal": "rejected",
    "partial": "partially_successful",
    "partially": "partially_successful",
    "withdrawn": "user_withdrawn",
    "awaiting_response": "waiting_response",
    "waiting": "waiting_response",
    "overdue": "waiting_response_overdue",
    "long_overdue": "waiting_response_very_overdue",
    "awaiting_clarification": "waiting_clarification",
    "awaiting_internal_review": "internal_review",
    "handled_by_post": "gone_postal",
    "information_not_held": "not_held",
    "unusual_response": "requires_admin",
}


def _key(value: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", value.strip().lower()).strip("_")


_BY_KEY = {
    **_SYNONYMS,
    **{_key(label): state for state, label in FOI_STATES.items()},
    **{state: state for state in FOI_STATES},
}


def foi_state(value: str | None) -> str:
    """An Alaveteli state name for a state name or label in any case ("" stays "");
    an unknown value comes back in the same key form (lower case, underscores)."""
    if not value or not value.strip():
        return ""
    key = _key(value)
    return _BY_KEY.get(key, key)


def foi_label(state: str) -> str:
    """What people read for a state ("rejected" -> "Refused"); unknown: the value."""
    return FOI_STATES.get(state, state)
