"""Why a document failed: shared by the models and the (model-free) extraction code."""

from django.db.models import TextChoices


class FailureCode(TextChoices):
    """Machine-readable reason; failure_reason holds the human sentence."""

    EMPTY = "empty", "Empty file"
    TOO_LARGE = "too_large", "Too large"
    UNSUPPORTED = "unsupported_format", "Unsupported format"
    ENCRYPTED = "encrypted", "Encrypted"
    CORRUPT = "corrupt", "Corrupt or truncated"
    NEEDS_OCR = "needs_ocr", "Needs OCR"
    NEEDS_TOOL = "needs_tool", "Needs a missing tool"
    ARCHIVE_LIMIT = "archive_limit", "Archive limit exceeded"
    TIMEOUT = "timeout", "Took too long"
    MEMORY = "memory", "Used too much memory"
    NO_TEXT = "no_text", "No text found"
    ERROR = "error", "Unexpected error"
