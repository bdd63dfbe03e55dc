"""The document pipeline's public face: what sources, commands and the admin call.

The work lives in modules named for what they do:

- ``ingest``   store bytes once and create or extend their document
- ``dispatch`` hand a task to a worker after commit, or run it here (``inline_processing``)
- ``stages``   extract a document's text, OCR the pages that need it
- ``leases``   who is working on a document until when; attempts and their cap
- ``finish``   record the final state (done, or failed with a reason) and announce it
- ``sweep``    hand documents whose processing was lost to a worker again
"""

from .dispatch import enqueue, inline_processing
from .finish import fail_document, finish
from .ingest import IngestOutcome, ingest_bytes, ingest_path
from .stages import context_for, ocr_document, process_document, read_blob
from .sweep import recover, reprocess, sweep_stalled

__all__ = [
    "IngestOutcome",
    "context_for",
    "enqueue",
    "fail_document",
    "finish",
    "ingest_bytes",
    "ingest_path",
    "inline_processing",
    "ocr_document",
    "process_document",
    "read_blob",
    "recover",
    "reprocess",
    "sweep_stalled",
]
