from django.contrib import admin, messages
from django.core.mail import send_mail
from django.urls import reverse

from .alerts import absolute
from .models import Invitation, SavedSearch


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ("email", "created_at", "used_at", "link")
    readonly_fields = ("token", "used_at", "user", "link")
    actions = ["send_invitations"]

    @admin.display(description="Sign-up link (send it to the invitee)")
    def link(self, obj: Invitation) -> str:
        return absolute(reverse("signup_invited", args=[obj.token])) if obj.pk else ""

    @admin.action(description="E-mail the sign-up link to the selected (unused) invitations")
    def send_invitations(self, request, queryset) -> None:
        sent = 0
        for invitation in queryset.filter(used_at__isnull=True):
            send_mail(
                "Your invitation to Data Scores",
                "You are invited to sign up to Data Scores, to save searches and get "
                f"e-mail alerts of new documents:\n\n{self.link(invitation)}\n",
                None,
                [invitation.email],
            )
            sent += 1
        self.message_user(request, f"{sent} invitation(s) sent.", messages.SUCCESS)


@admin.register(SavedSearch)
class SavedSearchAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "frequency", "last_alert_at")
    list_filter = ("frequency",)
