"""Admin: documents with their outcome, sources and pages; re-run and upload."""

from __future__ import annotations

from pathlib import Path

from django import forms
from django.contrib import admin, messages
from django.db.models import Count
from django.http import FileResponse, HttpRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.html import format_html

from . import pipeline
from .models import Blob, Document, Page, Source, SourceKind, SourceType, Status


class SourceInline(admin.TabularInline):
    model = Source
    fk_name = "document"
    extra = 0
    fields = ("kind", "location", "filename", "container", "fetched_at", "etag", "last_modified")
    readonly_fields = fields
    can_delete = False


class PageInline(admin.StackedInline):
    model = Page
    extra = 0
    fields = ("number", "method", "ocr_confidence", "needs_ocr", "text")
    readonly_fields = fields
    can_delete = False
    classes = ("collapse",)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)]


class UploadForm(forms.Form):
    files = MultipleFileField(
        help_text="One or more files: PDF, Word, Excel, PowerPoint, e-mail, ZIP, HTML, images…"
    )
    source_type = forms.ChoiceField(choices=SourceType.choices, initial=SourceType.FOI)


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "title",
        "status",
        "failure_code",
        "file_type",
        "source_type",
        "page_count",
        "ocr",
        "created_at",
    )
    list_filter = ("status", "failure_code", "file_type", "source_type", "ocr", "index_dirty")
    search_fields = ("title", "blob__sha256", "sources__location")
    readonly_fields = (
        "blob_link",
        "status",
        "failure_code",
        "failure_reason",
        "page_count",
        "ocr",
        "ocr_confidence",
        "parent",
        "attempts",
        "metadata",
        "created_at",
        "processed_at",
        "index_dirty",
        "indexed_at",
    )
    fields = (
        "title",
        "source_type",
        "published_at",
        "received_at",
        "fetched_at",
        *readonly_fields,
    )
    # Apps above the core add their own inlines (entities adds the document's tags
    # before the pages); the core names none of them.
    inlines = [SourceInline, PageInline]
    actions = ["rerun"]
    change_list_template = "admin/documents/document/change_list.html"

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Documents are made from files: the upload view below, not an empty form.
        return False

    @admin.display(description="Original")
    def blob_link(self, obj: Document) -> str:
        url = reverse("admin:documents_document_original", args=[obj.pk])
        return format_html(
            '<a href="{}">download</a> ({}, {} bytes)', url, obj.blob.mime_type, obj.blob.size
        )

    @admin.action(description="Re-run processing from the stored original", permissions=["change"])
    def rerun(self, request, queryset):
        n = pipeline.reprocess(queryset.values_list("pk", flat=True))
        self.message_user(request, f"{n} document(s) queued for processing.", messages.SUCCESS)

    def get_urls(self):
        extra = [
            path(
                "upload/",
                self.admin_site.admin_view(self.upload_view),
                name="documents_document_upload",
            ),
            path(
                "<int:pk>/original/",
                self.admin_site.admin_view(self.original_view),
                name="documents_document_original",
            ),
        ]
        return extra + super().get_urls()

    def changelist_view(self, request, extra_context=None):
        counts = dict(Document.objects.values_list("status").annotate(n=Count("id")).order_by())
        extra_context = {
            **(extra_context or {}),
            "status_counts": [
                (label, counts.get(value, 0), value) for value, label in Status.choices
            ],
        }
        return super().changelist_view(request, extra_context)

    def upload_view(self, request):
        if not request.user.has_perm("documents.change_document"):
            return redirect("admin:index")
        form = UploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            created = dups = 0
            for f in form.cleaned_data["files"]:
                kwargs = {
                    "filename": f.name,
                    "location": f"upload:{f.name}",
                    "source_kind": SourceKind.UPLOAD,
                    "source_type": form.cleaned_data["source_type"],
                }
                # Large uploads are already on disk: stream them, never hold them in memory.
                if hasattr(f, "temporary_file_path"):
                    outcome = pipeline.ingest_path(Path(f.temporary_file_path()), **kwargs)
                else:
                    outcome = pipeline.ingest_bytes(f.read(), **kwargs)
                created += outcome.created
                dups += not outcome.created
            self.message_user(
                request,
                f"{created} new document(s) queued; {dups} already known (a source was added).",
                messages.SUCCESS,
            )
            return redirect("admin:documents_document_changelist")
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "title": "Upload documents",
            "opts": self.model._meta,
        }
        return render(request, "admin/documents/document/upload.html", context)

    def original_view(self, request, pk: int):
        doc = get_object_or_404(Document.objects.select_related("blob"), pk=pk)
        source = doc.sources.first()
        name = (source.filename if source else "") or doc.blob.sha256
        return FileResponse(
            doc.blob.file.open("rb"),
            as_attachment=True,
            filename=name,
            content_type="application/octet-stream",
        )


@admin.register(Blob)
class BlobAdmin(admin.ModelAdmin):
    list_display = ("sha256", "mime_type", "size", "created_at")
    search_fields = ("sha256",)
    readonly_fields = ("sha256", "size", "mime_type", "file", "created_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        # Originals are never lost through the admin.
        return False
