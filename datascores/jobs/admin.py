"""Jobs in the admin: every long run with its status, counts, errors and a live progress bar.

The progress bar is a <progress> element that static/jobs/progress.js keeps up to date by
polling a staff-only JSON view (no inline script: the admin may run under a strict CSP).
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.views.decorators.http import require_POST

from .models import Job
from .progress import request_cancel
from .views import progress_json


def progress_widget(job: Job) -> str:
    """A progress bar that updates itself while the job runs (see jobs/progress.js)."""
    url = reverse("admin:jobs_job_progress", args=[job.pk])
    counts = job.counts or {}
    shown = format_html_join(
        " ", "<span class=\"job-count\" data-count=\"{}\">{}: <b>{}</b></span>",
        ((k, k, counts.get(k, 0)) for k in sorted(counts) if ":" not in k),
    )  # fmt: skip
    value = format_html('value="{}"', job.done) if job.total or job.done else ""
    return format_html(
        '<div class="job-progress" data-job-progress-url="{}" data-active="{}">'
        '<progress max="{}" {}>{}%</progress> '
        '<span class="job-status">{}</span> <span class="job-done">{}</span>/'
        '<span class="job-total">{}</span> <span class="job-message">{}</span>'
        '<div class="job-counts">{}</div></div>',
        url,
        "1" if job.is_active else "0",
        max(job.total, job.done, 1),
        value,
        job.percent or 0,
        job.get_status_display(),
        job.done,
        max(job.total, job.done),
        job.message,
        shown,
    )


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ("id", "kind", "subject", "status", "progress", "created_at", "finished_at")
    list_filter = ("kind", "status")
    search_fields = ("subject", "description")
    readonly_fields = ["live_progress", "error_list", *[f.name for f in Job._meta.fields]]
    exclude = ("errors",)
    actions = ["cancel_jobs"]
    change_form_template = "admin/jobs/job/change_form.html"

    class Media:
        js = ("jobs/progress.js",)

    def has_add_permission(self, request):
        return False

    @admin.display(description="Progress")
    def progress(self, job: Job):
        return progress_widget(job)

    @admin.display(description="Live progress")
    def live_progress(self, job: Job):
        return progress_widget(job)

    @admin.display(description="Errors (URL and reason)")
    def error_list(self, job: Job):
        if not job.errors:
            return "—"
        rows = format_html_join(
            "", "<li><code>{}</code>: {}</li>", ((e.get("url", ""), e.get("reason", ""))
                                                 for e in job.errors)
        )  # fmt: skip
        more = job.error_count - len(job.errors)
        tail = format_html("<li>… and {} more</li>", more) if more > 0 else ""
        return format_html('<ul class="job-errors">{}{}</ul>', rows, tail)

    @admin.action(description="Cancel the selected runs", permissions=["change"])
    def cancel_jobs(self, request, queryset):
        n = request_cancel(queryset.values_list("pk", flat=True))
        self.message_user(request, f"Asked {n} run(s) to stop.", messages.SUCCESS)

    def get_urls(self):
        urls = [
            path(
                "<int:job_id>/progress.json",
                self.admin_site.admin_view(self.progress_view),
                name="jobs_job_progress",
            ),
            path(
                "<int:job_id>/cancel/",
                self.admin_site.admin_view(require_POST(self.cancel_view)),
                name="jobs_job_cancel",
            ),
        ]
        return urls + super().get_urls()

    def progress_view(self, request, job_id: int):
        job = get_object_or_404(Job, pk=job_id)
        if not self.has_view_permission(request, job):
            raise PermissionDenied
        return progress_json(request, job)

    def cancel_view(self, request, job_id: int):
        job = Job.objects.filter(pk=job_id).first()
        if job is None:
            raise Http404
        if not self.has_change_permission(request, job):
            raise PermissionDenied
        if request_cancel([job.pk]):
            self.message_user(request, "Asked the run to stop.", messages.SUCCESS)
        else:
            self.message_user(request, "That run is not running.", messages.WARNING)
        return HttpResponseRedirect(reverse("admin:jobs_job_change", args=[job.pk]))
