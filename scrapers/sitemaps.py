"""Sitemaps through ultimate-sitemap-parser, with the project's fetcher as its web client.

usp understands sitemap indexes, child sitemaps, gzip, plain-text and RSS sitemaps and
robots.txt `Sitemap:` lines; every request it makes goes through our fetcher (guard,
robots.txt, politeness, size caps).
"""

from __future__ import annotations

from collections.abc import Iterator

from usp.web_client.abstract_client import (
    AbstractWebClient,
    AbstractWebClientResponse,
    AbstractWebClientSuccessResponse,
    WebClientErrorResponse,
)

from datascores.fetch.fetcher import Fetcher, FetchError, FetchResult

MAX_SITEMAP_BYTES = 50 * 1024 * 1024  # the sitemaps.org limit for one uncompressed sitemap


class _Success(AbstractWebClientSuccessResponse):
    def __init__(self, result: FetchResult) -> None:
        self._result = result

    def status_code(self) -> int:
        return self._result.status

    def status_message(self) -> str:
        return "OK"

    def header(self, case_insensitive_name: str) -> str | None:
        name = case_insensitive_name.lower()
        if name == "content-type":
            return self._result.content_type
        return None

    def raw_data(self) -> bytes:
        return self._result.content

    def url(self) -> str:
        return self._result.url


class _Error(WebClientErrorResponse):
    pass


class FetcherWebClient(AbstractWebClient):
    """usp's web client interface over the project's fetcher; remembers what failed."""

    def __init__(self, fetcher: Fetcher) -> None:
        self.fetcher = fetcher
        self.max_bytes = MAX_SITEMAP_BYTES
        self.errors: list[tuple[str, str]] = []
        self.fetched: list[str] = []

    def set_max_response_data_length(self, max_response_data_length: int | None) -> None:
        if max_response_data_length:
            self.max_bytes = max_response_data_length

    def get(self, url: str) -> AbstractWebClientResponse:
        try:
            result = self.fetcher.get(url)
        except FetchError as exc:
            if exc.status != 404:
                self.errors.append((url, str(exc)))
            retryable = exc.status is not None and exc.status >= 500
            return _Error(str(exc), retryable=retryable)
        self.fetched.append(url)
        return _Success(result)


def sitemap_pages(url: str, fetcher: Fetcher, client: FetcherWebClient) -> Iterator[str]:
    """Page URLs listed by a sitemap URL, or by a site's sitemaps when given its home page."""
    from usp.fetch_parse import SitemapFetcher
    from usp.tree import sitemap_tree_for_homepage

    path = url.split("?", 1)[0].lower()
    if path.endswith((".xml", ".xml.gz", ".gz", ".txt")) or "sitemap" in path:
        tree = SitemapFetcher(url=url, recursion_level=0, web_client=client).sitemap()
    else:
        tree = sitemap_tree_for_homepage(url, web_client=client)
    for page in tree.all_pages():
        yield page.url
