"""Search backends behind one interface; ``get_backend()`` picks one from settings."""

from __future__ import annotations

import threading

from search.backends.base import (
    FACETS,
    FacetValue,
    Hit,
    IndexDoc,
    SearchBackend,
    SearchRequest,
    SearchResult,
    SearchUnavailable,
    Snippet,
)

__all__ = [
    "FACETS",
    "FacetValue",
    "Hit",
    "IndexDoc",
    "SearchBackend",
    "SearchRequest",
    "SearchResult",
    "SearchUnavailable",
    "Snippet",
    "get_backend",
    "reset_backends",
]

_cache: dict[tuple, SearchBackend] = {}
_lock = threading.Lock()


def get_backend() -> SearchBackend:
    """The configured backend (settings read at call time; one object per configuration)."""
    from django.conf import settings

    kind = settings.SEARCH_BACKEND
    if kind == "embedded":
        key: tuple = (kind, str(settings.SEARCH_INDEX_DIR))
    elif kind == "elasticsearch":
        if not settings.ELASTICSEARCH_URL:
            raise RuntimeError("SEARCH_BACKEND is elasticsearch but ELASTICSEARCH_URL is not set.")
        key = (kind, settings.ELASTICSEARCH_URL, settings.ELASTICSEARCH_INDEX)
    else:
        raise RuntimeError(f"Unknown SEARCH_BACKEND {kind!r}: use embedded or elasticsearch.")
    with _lock:
        backend = _cache.get(key)
        if backend is None:
            if kind == "embedded":
                from search.backends.embedded import EmbeddedBackend

                backend = EmbeddedBackend(settings.SEARCH_INDEX_DIR)
            else:
                from search.backends.elasticsearch import ElasticsearchBackend

                backend = ElasticsearchBackend(
                    settings.ELASTICSEARCH_URL,
                    settings.ELASTICSEARCH_INDEX,
                    shards=settings.ELASTICSEARCH_SHARDS,
                    replicas=settings.ELASTICSEARCH_REPLICAS,
                )
            _cache[key] = backend
        return backend


def reset_backends() -> None:
    """Forget cached backend objects (tests that change settings call this)."""
    with _lock:
        for backend in _cache.values():
            backend.close()
        _cache.clear()
