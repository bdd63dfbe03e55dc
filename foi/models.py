"""FOI requests imported from an Alaveteli site (WhatDoTheyKnow), their messages and attachments.

A request is keyed on its Alaveteli id (per site): its url_title changes when the title
is edited, its id never does. Each released attachment becomes a Document (source type
"foi"); the request's correspondence is a Document of its own.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from datascores.documents.models import Document
from datascores.entities.models import PublicBody

# Alaveteli's described_state values, with the words WhatDoTheyKnow shows for them.
STATUS_LABELS = {
    "waiting_response": "Awaiting response",
    "waiting_clarification": "Awaiting clarification",
    "gone_postal": "Handled by post",
    "not_held": "Information not held",
    "rejected": "Refused",
    "successful": "Successful",
    "partially_successful": "Partially successful",
    "internal_review": "Awaiting internal review",
    "error_message": "Delivery error",
    "requires_admin": "Unusual response",
    "user_withdrawn": "Withdrawn by the requester",
    "attention_requested": "Reported for administrator attention",
    "vexatious": "Considered vexatious",
    "not_foi": "Not a valid FOI request",
}
# Requests whose story is not over: the periodic re-import looks at these again.
OPEN_STATES = ("waiting_response", "waiting_clarification", "internal_review")


class FoiRequest(models.Model):
    """One request on an Alaveteli site, as last imported."""

    site = models.CharField(
        max_length=255,
        help_text="The Alaveteli site's base URL, e.g. https://www.whatdotheyknow.com",
    )
    alaveteli_id = models.PositiveIntegerField("Alaveteli id")
    url_title = models.CharField(max_length=255, db_index=True)
    title = models.CharField(max_length=500)
    status = models.CharField(
        max_length=32, blank=True, db_index=True, help_text="Alaveteli's described_state."
    )
    display_status = models.CharField(max_length=100, blank=True)
    awaiting_description = models.BooleanField(default=False)
    prominence = models.CharField(max_length=32, blank=True)
    law_used = models.CharField(max_length=16, blank=True)
    tags = models.JSONField(default=list, blank=True, help_text="[[name, value], ...]")
    requester_name = models.CharField(max_length=255, blank=True)
    requester_url_name = models.CharField(max_length=255, blank=True, db_index=True)
    authority_name = models.CharField(max_length=500, blank=True)
    authority_url_name = models.CharField(max_length=255, blank=True, db_index=True)
    public_body = models.ForeignKey(
        PublicBody,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="foi_requests",
        help_text="Our public body, found through the authority's url_name.",
    )
    created_at = models.DateTimeField(null=True, blank=True, help_text="When it was made.")
    updated_at = models.DateTimeField(null=True, blank=True, help_text="Alaveteli's updated_at.")
    first_response_at = models.DateTimeField(null=True, blank=True)
    last_event_at = models.DateTimeField(null=True, blank=True)
    last_event_id = models.PositiveIntegerField(null=True, blank=True)
    events = models.JSONField(default=list, blank=True, help_text="The events as last seen.")
    json_etag = models.CharField(max_length=255, blank=True)
    json_last_modified = models.CharField(max_length=64, blank=True)
    html_etag = models.CharField(max_length=255, blank=True)
    html_last_modified = models.CharField(max_length=64, blank=True)
    correspondence = models.OneToOneField(
        Document,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="foi_correspondence_of",
    )
    first_imported_at = models.DateTimeField(default=timezone.now)
    last_imported_at = models.DateTimeField(null=True, blank=True)
    last_checked_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "FOI request"
        constraints = [
            models.UniqueConstraint(fields=["site", "alaveteli_id"], name="unique_foi_request")
        ]

    def __str__(self) -> str:
        return self.title or f"Request {self.alaveteli_id}"

    @property
    def url(self) -> str:
        return f"{self.site}/request/{self.url_title}"

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.display_status or self.status)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATES


class Direction(models.TextChoices):
    OUTGOING = "outgoing", "From the requester"
    INCOMING = "incoming", "From the authority"


class Message(models.Model):
    """One message of a request's correspondence, in the order the request page shows it."""

    request = models.ForeignKey(FoiRequest, on_delete=models.CASCADE, related_name="messages")
    direction = models.CharField(max_length=8, choices=Direction.choices)
    alaveteli_id = models.PositiveIntegerField(help_text="incoming/outgoing_message_id.")
    event_id = models.PositiveIntegerField(null=True, blank=True)
    position = models.PositiveIntegerField(default=0)
    author = models.CharField(max_length=500, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    body = models.TextField(blank=True)
    hidden = models.BooleanField(default=False, help_text="Hidden on the site (no body shown).")

    class Meta:
        ordering = ["request", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "direction", "alaveteli_id"], name="unique_foi_message"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_direction_display()} {self.alaveteli_id} ({self.author})"


class AttachmentState(models.TextChoices):
    PENDING = "pending", "Not fetched yet"
    DOWNLOADED = "downloaded", "Downloaded"
    HIDDEN = "hidden", "Hidden on the site"
    PROCESSING = "processing", "Being prepared by the site"
    FAILED = "failed", "Failed (retried on the next import)"


class Attachment(models.Model):
    """A file attached to an incoming message; downloaded into a Document."""

    request = models.ForeignKey(FoiRequest, on_delete=models.CASCADE, related_name="attachments")
    message = models.ForeignKey(
        Message, null=True, blank=True, on_delete=models.SET_NULL, related_name="attachments"
    )
    alaveteli_id = models.PositiveIntegerField(help_text="From the page's foi_attachment_<id>.")
    incoming_message_id = models.PositiveIntegerField()
    part = models.PositiveIntegerField(null=True, blank=True)
    filename = models.CharField(max_length=500, blank=True)
    size_text = models.CharField(max_length=64, blank=True, help_text="As the site shows it.")
    state = models.CharField(
        max_length=16, choices=AttachmentState.choices, default=AttachmentState.PENDING
    )
    error = models.TextField(blank=True)
    attempts = models.PositiveIntegerField(default=0)
    document = models.ForeignKey(
        Document, null=True, blank=True, on_delete=models.SET_NULL, related_name="foi_attachments"
    )
    etag = models.CharField(max_length=255, blank=True)
    last_modified = models.CharField(max_length=64, blank=True)
    fetched_at = models.DateTimeField(null=True, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["request", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "alaveteli_id"], name="unique_foi_attachment"
            )
        ]

    def __str__(self) -> str:
        return self.filename or f"Attachment {self.alaveteli_id}"

    @property
    def url(self) -> str:
        """Where the file is now (the request's current url_title is part of the path)."""
        if self.part is None or not self.filename:
            return ""
        from urllib.parse import quote

        return (
            f"{self.request.site}/request/{self.request.url_title}/response/"
            f"{self.incoming_message_id}/attach/{self.part}/{quote(self.filename)}"
        )
