"""Hooks for the stages after extraction.

``document_ready`` is sent (inside a transaction) when a document reaches a final
state (done or failed) after extraction and OCR; kwargs: ``document``. The entity
tagger and the search indexer listen to it. Receivers that enqueue work must do so
with ``transaction.on_commit`` so the work sees committed rows.
"""

from django.dispatch import Signal

document_ready = Signal()
