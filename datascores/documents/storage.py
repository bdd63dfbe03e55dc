"""The blob store: Django's storage API over BLOB_ROOT."""

from functools import cache

from django.conf import settings
from django.core.files.storage import FileSystemStorage


@cache
def _storage_at(location: str) -> FileSystemStorage:
    return FileSystemStorage(location=location, base_url=None)


def blob_storage() -> FileSystemStorage:
    """Callable storage so migrations do not freeze a path and tests can move BLOB_ROOT."""
    return _storage_at(str(settings.BLOB_ROOT))
