"""Jobs in the admin: every long run with its status, counts and errors."""

from django.contrib import admin

from .models import Job


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ("id", "kind", "subject", "status", "done", "total", "created_at", "finished_at")
    list_filter = ("kind", "status")
    search_fields = ("subject", "description")
    readonly_fields = [f.name for f in Job._meta.fields]

    def has_add_permission(self, request):
        return False
