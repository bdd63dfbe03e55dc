"""FOI requests in the admin: what was imported, and import runs started from here.

"Import requests" takes links or ids, a CSV upload with a column of request links (like
the 2018 researchers' spreadsheet), an authority or a user; it records an import run
(a Job of kind "import") that a worker runs, and sends you to that run's page, where its
progress, counts and errors show while it runs.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from datascores.jobs.progress import JobAlreadyRunning

from . import runs
from .alaveteli import normalise_site
from .importer import base_url
from .inputs import decode_upload, refs_from_text
from .models import Attachment, AttachmentState, FoiRequest, Message

MAX_UPLOAD = 5 * 1024 * 1024


class ImportForm(forms.Form):
    links = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "cols": 80}),
        help_text="Request links or ids, one a line.",
    )
    csv_file = forms.FileField(
        required=False,
        label="CSV file",
        help_text="A spreadsheet saved as CSV: every cell holding a request link counts.",
    )
    authority = forms.CharField(
        required=False, help_text="An authority's url_name: imports all its requests."
    )
    user = forms.CharField(required=False, help_text="A user's url_name: imports all theirs.")
    base_url = forms.CharField(required=False, help_text="Another Alaveteli site (optional).")
    wait = forms.BooleanField(
        required=False,
        initial=True,
        label="Wait for attachments being prepared",
        help_text="Otherwise they are fetched on the next import.",
    )

    def clean_base_url(self):
        value = self.cleaned_data["base_url"].strip()
        if not value:
            return ""
        try:
            return normalise_site(value)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc

    def clean(self):
        data = super().clean()
        refs, _skipped = refs_from_text(data.get("links") or "")
        upload = data.get("csv_file")
        if upload is not None:
            if upload.size > MAX_UPLOAD:
                raise forms.ValidationError(
                    f"The file is {upload.size:,} bytes; CSV uploads are limited to "
                    f"{MAX_UPLOAD:,} bytes."
                )
            found, _ = refs_from_text(decode_upload(upload.read()))
            if not found:
                raise forms.ValidationError("The CSV file holds no request links.")
            refs += [r for r in found if r not in refs]
        data["refs"] = refs
        if not (refs or data.get("authority") or data.get("user")):
            raise forms.ValidationError("Give request links, a CSV file, an authority or a user.")
        return data


class MessageInline(admin.TabularInline):
    model = Message
    fields = ("position", "direction", "author", "sent_at", "hidden", "excerpt")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description="Text")
    def excerpt(self, obj):
        return (obj.body[:200] + "…") if len(obj.body) > 200 else obj.body


class AttachmentInline(admin.TabularInline):
    model = Attachment
    fields = ("filename", "state", "error", "attempts", "document_link")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description="Document")
    def document_link(self, obj):
        if not obj.document_id:
            return "—"
        url = reverse("admin:documents_document_change", args=[obj.document_id])
        return format_html('<a href="{}">{}</a>', url, obj.document_id)


@admin.register(FoiRequest)
class FoiRequestAdmin(admin.ModelAdmin):
    list_display = (
        "alaveteli_id", "title", "status", "authority_name", "created_at", "last_checked_at",
        "attachment_states",
    )  # fmt: skip
    list_filter = ("status", "site", "law_used")
    search_fields = ("title", "url_title", "authority_name", "authority_url_name", "requester_name")
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in FoiRequest._meta.fields] + ["link"]
    inlines = [MessageInline, AttachmentInline]
    actions = ["reimport"]
    change_list_template = "admin/foi/foirequest/change_list.html"

    def has_add_permission(self, request):
        return False  # requests arrive through "Import requests"

    @admin.display(description="On the site")
    def link(self, obj):
        return format_html('<a href="{}" rel="noopener">{}</a>', obj.url, obj.url)

    @admin.display(description="Attachments")
    def attachment_states(self, obj):
        states = list(obj.attachments.values_list("state", flat=True))
        if not states:
            return "—"
        done = states.count(AttachmentState.DOWNLOADED)
        failed = sum(s in (AttachmentState.FAILED, AttachmentState.PROCESSING) for s in states)
        return f"{done}/{len(states)}" + (f", {failed} to retry" if failed else "")

    def get_urls(self):
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="foi_foirequest_import",
            ),
            *super().get_urls(),
        ]

    def _may_import(self, request) -> bool:
        return request.user.has_perm("foi.change_foirequest") and request.user.has_perm(
            "jobs.view_job"
        )

    def import_view(self, request):
        if not self._may_import(request):
            raise PermissionDenied
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            job = self._start(
                request,
                refs=data["refs"],
                authorities=[data["authority"].strip()] if data.get("authority") else [],
                users=[data["user"].strip()] if data.get("user") else [],
                site=data.get("base_url") or "",
                wait=bool(data.get("wait")),
            )
            if job is not None:
                return HttpResponseRedirect(reverse("admin:jobs_job_change", args=[job.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": "Import requests from WhatDoTheyKnow",
            "form": form,
            "opts": self.model._meta,
            "default_site": base_url(),
        }
        return TemplateResponse(request, "admin/foi/foirequest/import.html", context)

    def _start(self, request, **kwargs):
        try:
            job = runs.start_import(created_by=request.user.get_username(), **kwargs)
        except JobAlreadyRunning as exc:
            self.message_user(request, str(exc), messages.WARNING)
            return None
        self.message_user(
            request,
            f"Import run {job.pk} queued: {job.description}. Its progress shows below.",
            messages.SUCCESS,
        )
        return job

    @admin.action(description="Re-import selected requests now", permissions=["change"])
    def reimport(self, request, queryset):
        by_site: dict[str, list[str]] = {}
        for site, alaveteli_id in queryset.values_list("site", "alaveteli_id"):
            by_site.setdefault(site, []).append(str(alaveteli_id))
        job = None
        for site, refs in by_site.items():
            job = self._start(request, refs=refs, site=site)
        if job is not None and len(by_site) == 1:
            return HttpResponseRedirect(reverse("admin:jobs_job_change", args=[job.pk]))
        return None


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    list_display = ("filename", "request", "state", "attempts", "fetched_at")
    list_filter = ("state",)
    search_fields = ("filename", "request__title")
    readonly_fields = [f.name for f in Attachment._meta.fields]
    list_select_related = ("request",)
    actions = ["retry"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Fetch the selected files again now", permissions=["change"])
    def retry(self, request, queryset):
        todo = queryset.exclude(state=AttachmentState.DOWNLOADED)
        by_site: dict[str, list[str]] = {}
        for site, alaveteli_id in todo.values_list("request__site", "request__alaveteli_id"):
            by_site.setdefault(site, []).append(str(alaveteli_id))
        todo.update(state=AttachmentState.PENDING, attempts=0, error="")
        for site, refs in by_site.items():
            try:
                job = runs.start_import(
                    refs=sorted(set(refs)), site=site, created_by=request.user.get_username()
                )
            except JobAlreadyRunning as exc:
                self.message_user(request, str(exc), messages.WARNING)
                continue
            self.message_user(request, f"Import run {job.pk} queued.", messages.SUCCESS)
