from django.contrib import admin
from django.urls import reverse

from .models import Invitation, SavedSearch


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ("email", "created_at", "used_at", "link")
    readonly_fields = ("token", "used_at", "user", "link")

    @admin.display(description="Sign-up link (send it to the invitee)")
    def link(self, obj: Invitation) -> str:
        return reverse("signup_invited", args=[obj.token]) if obj.pk else ""


@admin.register(SavedSearch)
class SavedSearchAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "frequency", "last_alert_at")
    list_filter = ("frequency",)
