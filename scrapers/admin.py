"""Web sources in the admin: edit, "Re-scrape now" (one or many), watch runs, see history."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.views.decorators.http import require_POST

from datascores.jobs.admin import progress_widget

from .models import Source
from .runs import runs_of, start_scrape

RUNS_SHOWN = 10
COUNTS = ("fetched", "new", "changed", "unchanged", "gone", "skipped", "failed")


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "enabled", "schedule", "authority", "last_run")
    list_filter = ("kind", "enabled")
    search_fields = ("name", "urls", "search_url")
    autocomplete_fields = ()
    raw_id_fields = ("authority",)
    readonly_fields = ("runs",)
    actions = ["rescrape_now"]
    change_form_template = "admin/scrapers/source/change_form.html"
    fieldsets = (
        (None, {"fields": ("name", "kind", "enabled", "authority")}),
        ("Where", {"fields": ("urls", "search_url", "terms", "allowed_domains")}),
        ("What", {"fields": ("include", "exclude", "keyword_filter", "max_pages", "max_depth")}),
        ("When", {"fields": ("schedule",)}),
        ("Runs", {"fields": ("runs",)}),
    )

    class Media:
        js = ("jobs/progress.js",)

    @admin.display(description="Last run")
    def last_run(self, source: Source):
        job = runs_of(source).first()
        if job is None:
            return "—"
        return progress_widget(job)

    @admin.display(description="Runs (latest first)")
    def runs(self, source: Source):
        if source.pk is None:
            return "—"
        jobs = list(runs_of(source)[:RUNS_SHOWN])
        if not jobs:
            return "No runs yet."
        rows = format_html_join(
            "",
            '<tr><td><a href="{}">#{}</a></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>',
            (
                (
                    reverse("admin:jobs_job_change", args=[j.pk]),
                    j.pk,
                    j.created_at.strftime("%Y-%m-%d %H:%M"),
                    progress_widget(j),
                    ", ".join(f"{(j.counts or {}).get(k, 0)} {k}" for k in COUNTS),
                    j.error_count,
                )
                for j in jobs
            ),
        )
        return format_html(
            '<table class="scrape-runs"><thead><tr><th>Run</th><th>Started</th>'
            "<th>Progress</th><th>Counts</th><th>Errors</th></tr></thead><tbody>{}</tbody>"
            "</table>",
            rows,
        )

    @admin.action(description="Re-scrape now", permissions=["change"])
    def rescrape_now(self, request, queryset):
        started, running = [], []
        for source in queryset:
            job, created = start_scrape(source, created_by=request.user.get_username())
            (started if created else running).append((source, job))
        for source, job in started + running:
            link = reverse("admin:jobs_job_change", args=[job.pk])
            verb = "started" if (source, job) in started else f"already {job.status}"
            self.message_user(
                request,
                format_html('{}: run <a href="{}">#{}</a> {}.', source.name, link, job.pk, verb),
                messages.SUCCESS if verb == "started" else messages.WARNING,
            )

    def get_urls(self):
        return [
            path(
                "<int:source_id>/rescrape/",
                self.admin_site.admin_view(require_POST(self.rescrape_view)),
                name="scrapers_source_rescrape",
            ),
            *super().get_urls(),
        ]

    def rescrape_view(self, request, source_id: int):
        source = Source.objects.filter(pk=source_id).first()
        if source is None:
            raise Http404
        if not self.has_change_permission(request, source):
            raise PermissionDenied
        self.rescrape_now(request, Source.objects.filter(pk=source.pk))
        return HttpResponseRedirect(reverse("admin:scrapers_source_change", args=[source.pk]))
