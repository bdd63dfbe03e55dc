"""Blobs (the bytes, stored once), documents (what was read from them), pages, sources."""

# FailureCode lives in outcomes.py so extraction code can use it without Django models.

from __future__ import annotations

import hashlib

from django.db import models
from django.urls import reverse
from django.utils import timezone

from .outcomes import FailureCode
from .storage import blob_storage


def blob_path(instance: Blob, filename: str) -> str:
    """Content-addressed location: ab/cd/abcdef…"""
    h = instance.sha256
    return f"{h[:2]}/{h[2:4]}/{h}"


class Blob(models.Model):
    """Original bytes as received, addressed by sha256; never deleted by processing."""

    sha256 = models.CharField(max_length=64, unique=True)
    size = models.BigIntegerField()
    mime_type = models.CharField(max_length=127, help_text="Sniffed from the bytes.")
    file = models.FileField(upload_to=blob_path, storage=blob_storage, max_length=255)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.sha256[:12]} ({self.mime_type}, {self.size} bytes)"


class SourceType(models.TextChoices):
    UPLOAD = "upload", "Upload"
    FOI = "foi", "FOI response"
    WEB = "web", "Web page"
    MEDIA = "media", "Media report"
    ARCHIVE = "archive", "Archive or e-mail member"
    OTHER = "other", "Other"


class Status(models.TextChoices):
    PENDING = "pending", "Pending"
    PROCESSING = "processing", "Processing"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class Document(models.Model):
    """One document: the text read from one blob, page by page, and its outcome."""

    blob = models.OneToOneField(Blob, on_delete=models.PROTECT, related_name="document")
    title = models.CharField(max_length=500, blank=True)
    source_type = models.CharField(
        max_length=16, choices=SourceType.choices, default=SourceType.UPLOAD, db_index=True
    )
    file_type = models.CharField(max_length=16, blank=True, db_index=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )
    published_at = models.DateField(null=True, blank=True)
    received_at = models.DateField(null=True, blank=True)
    fetched_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    failure_code = models.CharField(max_length=32, choices=FailureCode.choices, blank=True)
    failure_reason = models.TextField(blank=True)
    page_count = models.PositiveIntegerField(default=0)
    ocr = models.BooleanField(default=False, help_text="At least one page was OCR'd.")
    ocr_confidence = models.FloatField(
        null=True, blank=True, help_text="Mean Tesseract confidence (0-100) of OCR'd pages."
    )
    metadata = models.JSONField(default=dict, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    # The search index is derived: a document whose index entry is stale is marked
    # dirty, and a periodic sweep re-indexes every dirty document.
    index_dirty = models.BooleanField(default=True, db_index=True)
    indexed_at = models.DateTimeField(null=True, blank=True)
    # A worker that claims a document holds it until `lease_until`; a lease that ran out
    # means the worker died, and the sweep hands the document to another worker.
    lease_until = models.DateTimeField(null=True, blank=True, db_index=True)
    lease_owner = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title or f"Document {self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("document", args=[self.pk])

    @property
    def date(self):
        """The best date a reader would cite: published, else received, else fetched."""
        if self.published_at:
            return self.published_at
        if self.received_at:
            return self.received_at
        return self.fetched_at.date() if self.fetched_at else None

    @property
    def text(self) -> str:
        return "\n\n".join(p.text for p in self.pages.all())


class PageMethod(models.TextChoices):
    TEXT = "text", "Text layer"
    OCR = "ocr", "OCR"


class Page(models.Model):
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="pages")
    number = models.PositiveIntegerField()
    text = models.TextField(blank=True)
    method = models.CharField(max_length=8, choices=PageMethod.choices, default=PageMethod.TEXT)
    ocr_confidence = models.FloatField(null=True, blank=True)
    needs_ocr = models.BooleanField(
        default=False, help_text="No usable text layer: waiting for (or failed) OCR."
    )
    # The page's size and its words' boxes (see extract/layout.py); {} when unknown.
    layout = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["document", "number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="unique_page_number")
        ]

    def __str__(self) -> str:
        return f"{self.document_id} p.{self.number}"


class Version(models.Model):
    """One state of a document whose source changes over time (a re-fetched web page).

    The document's `blob` is always its latest version; earlier versions keep their blobs.
    """

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    blob = models.ForeignKey(Blob, on_delete=models.PROTECT, related_name="versions")
    fetched_at = models.DateTimeField(default=timezone.now)
    title = models.CharField(max_length=500, blank=True)
    text = models.TextField(blank=True, help_text="The text as extracted then, for diffs.")
    url = models.TextField(blank=True)

    class Meta:
        ordering = ["document", "number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="unique_version_number")
        ]

    def __str__(self) -> str:
        return f"{self.document_id} v{self.number}"


class SourceKind(models.TextChoices):
    UPLOAD = "upload", "Uploaded or ingested file"
    URL = "url", "Fetched URL"
    FOI = "foi", "WhatDoTheyKnow request"
    MEMBER = "member", "Member of an archive or e-mail"


class SourceStatus(models.TextChoices):
    LIVE = "live", "Live"
    GONE = "gone", "Gone"


def location_hash(location: str) -> str:
    """The sha256 of a location: what the index for finding a source by its location holds
    (a location is long text, which an index cannot always hold whole)."""
    return hashlib.sha256(location.encode("utf-8", "surrogatepass")).hexdigest()


class SourceQuerySet(models.QuerySet):
    def at(self, location: str) -> SourceQuerySet:
        """Sources at this location, found through the location's hash (indexed)."""
        return self.filter(location_hash=location_hash(location), location=location)


class Source(models.Model):
    """Where a document's bytes came from; one document can have many."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="sources")
    kind = models.CharField(max_length=16, choices=SourceKind.choices)
    location = models.TextField(help_text="File path, URL, or member name inside its container.")
    # sha256 of location, set on every save (see at()); a bulk update of locations must
    # set it too.
    location_hash = models.CharField(max_length=64, blank=True, editable=False)
    filename = models.CharField(max_length=500, blank=True)
    container = models.ForeignKey(
        Document, null=True, blank=True, on_delete=models.CASCADE, related_name="member_sources"
    )
    fetched_at = models.DateTimeField(null=True, blank=True)
    etag = models.CharField(max_length=255, blank=True)
    last_modified = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # A URL that now answers 404/410 is marked gone; the document stays searchable.
    status = models.CharField(
        max_length=8, choices=SourceStatus.choices, default=SourceStatus.LIVE, db_index=True
    )
    gone_since = models.DateTimeField(null=True, blank=True)
    last_checked_at = models.DateTimeField(null=True, blank=True)
    referrer = models.TextField(blank=True, help_text="The page that linked to this URL.")

    objects = SourceQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "kind", "location"], name="unique_source_location"
            )
        ]
        indexes = [models.Index(fields=["location_hash"], name="source_location_hash")]

    def __str__(self) -> str:
        return f"{self.kind}: {self.location}"

    def save(self, *args, **kwargs) -> None:
        """Save, with the location's hash brought up to date."""
        self.location_hash = location_hash(self.location)
        fields = kwargs.get("update_fields")
        if fields is not None and "location" in fields:
            kwargs["update_fields"] = {*fields, "location_hash"}
        super().save(*args, **kwargs)

    @property
    def is_url(self) -> bool:
        return self.location.startswith(("http://", "https://"))
