"""Web sources: what to scrape and how, what each source has seen, and a run's crawl frontier.

A run itself is a `datascores.jobs.Job` (kind "scrape", subject the source's name): one
run/progress model for every long job. Its frontier (`FrontierItem`) is stored here, so a
run whose worker died resumes where it stopped.
"""

from __future__ import annotations

import hashlib
import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone


class Kind(models.TextChoices):
    CRAWL = "crawl", "Crawl from seed URLs"
    SITEMAP = "sitemap", "Sitemap (index, child sitemaps, robots.txt Sitemap: lines)"
    SEARCH = "search", "Site search, run for each term"
    URLS = "urls", "A plain list of URLs"
    FEED = "feed", "RSS or Atom feed"


def lines(value: str) -> list[str]:
    """The non-empty lines of a multi-line field, stripped."""
    return [line.strip() for line in (value or "").splitlines() if line.strip()]


CRON_FIELDS = 5


class Source(models.Model):
    """A web source an admin points the scrapers at."""

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.CRAWL)
    urls = models.TextField(
        blank=True,
        help_text="One URL a line: seed pages (crawl), sitemaps or home pages (sitemap), "
        "pages (urls), feeds (feed).",
    )
    search_url = models.CharField(
        max_length=1000,
        blank=True,
        help_text="Site search URL with {term}, e.g. https://www.example.gov.uk/search?q={term}",
    )
    terms = models.TextField(blank=True, help_text="Search terms, one a line.")
    keyword_filter = models.TextField(
        blank=True,
        help_text="Keep a page only if its main text mentions one of these words (one a "
        "line); files linked from a kept page are kept. Empty: keep every page.",
    )
    allowed_domains = models.TextField(
        blank=True,
        help_text="Host names that may be fetched, one a line (subdomains included). "
        "Empty: the hosts of the URLs above.",
    )
    include = models.TextField(
        blank=True, help_text="Regular expressions, one a line: only URLs matching one are fetched."
    )
    exclude = models.TextField(
        blank=True,
        help_text="Regular expressions, one a line: URLs matching one are never fetched.",
    )
    max_pages = models.PositiveIntegerField(default=500, help_text="Pages and files per run.")
    max_depth = models.PositiveIntegerField(
        default=2, help_text="Links followed from a seed page (0: the seeds only)."
    )
    authority = models.ForeignKey(
        "entities.PublicBody",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="web_sources",
        help_text="The public body that issues this site's pages (a council's own site); "
        "documents from it that name no issuer are its.",
    )
    schedule = models.CharField(
        max_length=100,
        blank=True,
        help_text="When to re-scrape, as cron: minute hour day-of-month month day-of-week "
        "(e.g. '0 3 * * 1' is Mondays 03:00). Empty: only by hand.",
    )
    periodic_task = models.OneToOneField(
        "django_celery_beat.PeriodicTask",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    enabled = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "web source"

    def __str__(self) -> str:
        return self.name

    # --- parsed fields -------------------------------------------------------------------
    @property
    def url_list(self) -> list[str]:
        return lines(self.urls)

    @property
    def term_list(self) -> list[str]:
        return lines(self.terms)

    @property
    def keywords(self) -> list[str]:
        return lines(self.keyword_filter)

    @property
    def domains(self) -> list[str]:
        from urllib.parse import urlsplit

        given = [d.lower().lstrip(".") for d in lines(self.allowed_domains)]
        if given:
            return given
        urls = [*self.url_list, self.search_url] if self.search_url else self.url_list
        return sorted({(urlsplit(u).hostname or "").lower() for u in urls} - {""})

    @property
    def include_patterns(self) -> list[re.Pattern]:
        return [re.compile(p) for p in lines(self.include)]

    @property
    def exclude_patterns(self) -> list[re.Pattern]:
        return [re.compile(p) for p in lines(self.exclude)]

    def clean(self) -> None:
        errors: dict[str, str] = {}
        for field in ("include", "exclude"):
            for pattern in lines(getattr(self, field)):
                try:
                    re.compile(pattern)
                except re.error as exc:
                    errors[field] = f"{pattern!r} is not a regular expression: {exc}."
        if self.schedule and len(self.schedule.split()) != CRON_FIELDS:
            errors["schedule"] = "Five cron fields: minute hour day-of-month month day-of-week."
        if self.kind == Kind.SEARCH:
            if "{term}" not in self.search_url:
                errors["search_url"] = "A search source needs a URL with {term} in it."
            if not self.term_list:
                errors["terms"] = "A search source needs at least one term."
        elif not self.url_list:
            errors["urls"] = f"A {self.kind} source needs at least one URL."
        for url in [*self.url_list, self.search_url.replace("{term}", "x")]:
            if url and not url.startswith(("http://", "https://")):
                errors["urls"] = f"{url!r} is not an http(s) URL."
        if errors:
            raise ValidationError(errors)


def url_key(url: str) -> str:
    """A fixed-length key for a URL (URLs can be longer than an index entry may be)."""
    return hashlib.sha256(url.encode("utf-8", "surrogatepass")).hexdigest()


class KnownURL(models.Model):
    """A URL a source has found before: re-checked on every run (changed, unchanged, gone)."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="known_urls")
    url = models.TextField()
    key = models.CharField(max_length=64)
    depth = models.PositiveIntegerField(default=0)
    document = models.ForeignKey(
        "documents.Document", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    location = models.TextField(blank=True, help_text="Where it was stored (after redirects).")
    etag = models.CharField(max_length=255, blank=True)
    last_modified = models.CharField(max_length=64, blank=True)
    first_seen_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now)
    outcome = models.CharField(max_length=32, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["source", "key"], name="unique_known_url")]

    def __str__(self) -> str:
        return self.url


class Role(models.TextChoices):
    PAGE = "page", "Page or file"
    FEED = "feed", "Feed"
    SEARCH = "search", "Search results page"


class FrontierItem(models.Model):
    """One URL a run has to visit (pending) or has visited (done, with its outcome)."""

    job = models.ForeignKey("jobs.Job", on_delete=models.CASCADE, related_name="frontier")
    url = models.TextField()
    key = models.CharField(max_length=64)
    role = models.CharField(max_length=8, choices=Role.choices, default=Role.PAGE)
    depth = models.PositiveIntegerField(default=0)
    referrer = models.TextField(blank=True)
    keep = models.BooleanField(
        default=True, help_text="False: found on a page the keyword filter dropped."
    )
    pending = models.BooleanField(default=True)
    fetched = models.BooleanField(default=False, help_text="The server answered 200 or 304.")
    attempts = models.PositiveSmallIntegerField(default=0)
    outcome = models.CharField(max_length=32, blank=True)
    reason = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["job", "key"], name="unique_frontier_url")]
        indexes = [models.Index(fields=["job", "pending", "id"], name="frontier_pending")]

    def __str__(self) -> str:
        return self.url
