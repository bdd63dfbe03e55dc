"""Saved searches with e-mail alerts, and invitations to sign up (site layer: they need
the search layer, which the core may not import)."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone


class Frequency(models.TextChoices):
    NEVER = "never", "No e-mail"
    DAILY = "daily", "Daily digest"
    WEEKLY = "weekly", "Weekly digest"


class SavedSearch(models.Model):
    """A search a signed-in user follows: its URL parameters, and when they last heard."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_searches"
    )
    name = models.CharField(max_length=200)
    # The search's URL query string (web.forms.SearchState.query_string(page=False)).
    query = models.TextField(blank=True)
    frequency = models.CharField(
        max_length=8, choices=Frequency.choices, default=Frequency.NEVER, db_index=True
    )
    created_at = models.DateTimeField(default=timezone.now)
    # Documents added after this go into the next digest.
    last_alert_at = models.DateTimeField(default=timezone.now)
    # Documents added after this are marked "new since your last visit".
    last_visit_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "query"], name="unique_saved_search")
        ]

    def __str__(self) -> str:
        return self.name


def _token() -> str:
    return secrets.token_urlsafe(24)


class Invitation(models.Model):
    """An admin's invitation to sign up (when sign-up is not open to everyone)."""

    email = models.EmailField()
    token = models.CharField(max_length=64, unique=True, default=_token, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    used_at = models.DateTimeField(null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )

    def __str__(self) -> str:
        return f"Invitation for {self.email}"
