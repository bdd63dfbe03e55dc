"""Admin: vocabularies with their aliases, tags with evidence (confirm/reject), re-tag jobs,
WhatDoTheyKnow matches to review."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import url_has_allowed_host_and_scheme, urlencode

from datascores.documents.admin import DocumentAdmin, PageInline

from .candidates import accept as accept_candidate
from .candidates import reject as reject_candidate
from .models import (
    Alias,
    AliasSource,
    AuthorityMatch,
    Candidate,
    CandidateMention,
    CandidateStatus,
    Company,
    DocumentTag,
    Link,
    MatchStatus,
    Mention,
    PublicBody,
    SyncRun,
    System,
    TagJob,
    TagStatus,
)
from .services import set_tag_status
from .sync import accept_match, reject_match


class AliasInline(admin.TabularInline):
    model = Alias
    fk_name = "entity"
    extra = 1
    fields = (
        "text",
        "case_sensitive",
        "ambiguous",
        "context_terms",
        "window",
        "not_before",
        "not_after",
        "source",
    )
    readonly_fields = ("source",)


class VocabularyAdmin(admin.ModelAdmin):
    """Saving marks the entry as edited, so reloading the data files leaves it alone; the
    save signals re-tag the documents the change can affect."""

    inlines = [AliasInline]
    search_fields = ["name", "slug", "aliases__text"]
    readonly_fields = ("entity_type", "created_at", "updated_at")
    prepopulated_fields = {"slug": ("name",)}

    def save_model(self, request, obj, form, change):
        obj.manually_edited = True
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        for f in formset.forms:
            inst = f.instance
            if isinstance(inst, Alias) and not inst.pk:
                inst.source = AliasSource.ADMIN
        super().save_formset(request, form, formset, change)

    @admin.display(description="aliases")
    def alias_count(self, obj):
        return obj.aliases.count()


@admin.register(PublicBody)
class PublicBodyAdmin(VocabularyAdmin):
    list_display = ("name", "kind", "body_type", "nation", "end_date", "wdtk_url_name", "enabled")
    list_filter = ("kind", "nation", "body_type", "enabled", "manually_edited")
    filter_horizontal = ("successors",)


@admin.register(Company)
class CompanyAdmin(VocabularyAdmin):
    list_display = ("name", "parent", "end_date", "alias_count", "enabled")
    list_filter = ("enabled", "manually_edited")
    filter_horizontal = ("successors",)


@admin.register(System)
class SystemAdmin(VocabularyAdmin):
    list_display = ("name", "vendor", "owner", "category", "alias_count", "enabled")
    list_filter = ("category", "enabled", "manually_edited")
    autocomplete_fields = ("vendor", "owner")


def _evidence_html(tag: DocumentTag) -> str:
    mentions = Mention.objects.filter(document_id=tag.document_id, entity_id=tag.entity_id)[:20]
    if not mentions:
        if tag.evidence:
            return format_html("<p>p.{}: {}</p>", tag.evidence_page or "–", tag.evidence)
        return "—"
    return format_html(
        "<ol>{}</ol>",
        format_html_join(
            "",
            "<li>p.{} <small>({})</small>: {}<mark>{}</mark>{}</li>",
            ((m.page, m.rule, *_split_snippet(m)) for m in mentions),
        ),
    )


def _split_snippet(m: Mention) -> tuple[str, str, str]:
    """Snippet around the matched text, so the match can be highlighted (all escaped)."""
    i = m.snippet.find(" ".join(m.text.split()))
    if i < 0:
        return m.snippet, "", ""
    j = i + len(" ".join(m.text.split()))
    return m.snippet[:i], m.snippet[i:j], m.snippet[j:]


@admin.register(DocumentTag)
class DocumentTagAdmin(admin.ModelAdmin):
    list_display = (
        "document",
        "entity",
        "entity_kind",
        "role",
        "status",
        "mention_count",
        "short_evidence",
    )
    list_filter = ("status", "role", "entity__entity_type", "issuer_source")
    search_fields = ("entity__name", "document__title", "evidence")
    list_select_related = ("document", "entity")
    raw_id_fields = ("document",)
    readonly_fields = (
        "document",
        "entity",
        "role",
        "mention_count",
        "issuer_source",
        "all_evidence",
        "reviewed_at",
        "reviewed_by",
        "created_at",
        "updated_at",
    )
    fields = ("document", "entity", "role", "status", *readonly_fields[3:])
    actions = ["confirm", "reject", "reset_to_auto"]

    @admin.display(description="type", ordering="entity__entity_type")
    def entity_kind(self, obj):
        return obj.entity.get_entity_type_display()

    @admin.display(description="evidence")
    def short_evidence(self, obj):
        text = obj.evidence or ""
        return f"p.{obj.evidence_page}: {text[:120]}" if text else "—"

    @admin.display(description="evidence (every mention)")
    def all_evidence(self, obj):
        return _evidence_html(obj)

    def save_model(self, request, obj, form, change):
        if change and "status" in form.changed_data:
            new = obj.status
            obj.status = form.initial.get("status", obj.status)
            set_tag_status(obj, new, request.user)
            return
        super().save_model(request, obj, form, change)

    def get_urls(self):
        review = self.admin_site.admin_view(self.review_view)
        return [
            path("<int:pk>/review/<str:status>/", review, name="entities_documenttag_review"),
            *super().get_urls(),
        ]

    def review_view(self, request, pk: int, status: str):
        """Confirm or reject one tag (from a document's page): asks, then applies the
        decision through set_tag_status, so it is recorded and the index is told."""
        if status not in TagStatus.values:
            raise Http404("unknown status")
        tag = get_object_or_404(DocumentTag.objects.select_related("entity", "document"), pk=pk)
        if not self.has_change_permission(request, tag):
            raise PermissionDenied
        back = request.POST.get("next") or request.GET.get("next") or ""
        if not url_has_allowed_host_and_scheme(back, {request.get_host()}):
            back = ""
        back = back or reverse("admin:entities_documenttag_change", args=[tag.pk])
        if request.method == "POST":
            if set_tag_status(tag, status, request.user):
                self.message_user(
                    request, f"{tag.entity} is now {status} on this document.", messages.SUCCESS
                )
            return HttpResponseRedirect(back)
        context = {
            **self.admin_site.each_context(request),
            "title": f"{TagStatus(status).label} this tag?",
            "tag": tag,
            "status": status,
            "status_label": TagStatus(status).label,
            "evidence": _evidence_html(tag),
            "next": back,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/entities/documenttag/review.html", context)

    def _set(self, request, queryset, status):
        n = sum(set_tag_status(t, status, request.user) for t in queryset)
        self.message_user(request, f"{n} tag(s) now {status}.", messages.SUCCESS)

    @admin.action(description="Confirm selected tags", permissions=["change"])
    def confirm(self, request, queryset):
        self._set(request, queryset, TagStatus.CONFIRMED)

    @admin.action(
        description="Reject selected tags (they stay rejected when re-tagged)",
        permissions=["change"],
    )
    def reject(self, request, queryset):
        self._set(request, queryset, TagStatus.REJECTED)

    @admin.action(description="Reset selected tags to automatic", permissions=["change"])
    def reset_to_auto(self, request, queryset):
        self._set(request, queryset, TagStatus.AUTO)


class DocumentTagInline(admin.TabularInline):
    """For the documents admin: a document's tags and their evidence. The status is shown,
    not edited here: a saved form would bypass the review record, the links and the index;
    the confirm/reject links go through set_tag_status."""

    model = DocumentTag
    extra = 0
    can_delete = False
    fields = ("entity", "role", "status", "mention_count", "evidence_page", "evidence", "review")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description="review")
    def review(self, obj: DocumentTag):
        if obj.pk is None:
            return "—"
        document_page = reverse("admin:documents_document_change", args=[obj.document_id])
        back = urlencode({"next": document_page})
        links = [
            (f"{reverse('admin:entities_documenttag_review', args=[obj.pk, status])}?{back}", label)
            for status, label in (
                (TagStatus.CONFIRMED, "Confirm"),
                (TagStatus.REJECTED, "Reject"),
                (TagStatus.AUTO, "Reset"),
            )
            if status != obj.status
        ]
        return format_html_join(" · ", '<a href="{}">{}</a>', links)


def add_document_inline(inline: type[admin.options.InlineModelAdmin]) -> None:
    """Show ``inline`` on the documents admin, before the pages (the core's admin does
    not import this app: tags are added from here)."""
    inlines = [i for i in DocumentAdmin.inlines if i is not inline]
    at = inlines.index(PageInline) if PageInline in inlines else len(inlines)
    DocumentAdmin.inlines = [*inlines[:at], inline, *inlines[at:]]


add_document_inline(DocumentTagInline)


@admin.register(Mention)
class MentionAdmin(admin.ModelAdmin):
    list_display = ("document", "entity", "page", "text", "rule", "snippet")
    list_filter = ("rule", "entity__entity_type")
    search_fields = ("entity__name", "text", "snippet")
    raw_id_fields = ("document", "entity", "alias")
    list_select_related = ("document", "entity")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Link)
class LinkAdmin(admin.ModelAdmin):
    list_display = ("authority", "entity", "distance", "document")
    search_fields = ("authority__name", "entity__name")
    list_filter = ("entity__entity_type",)
    raw_id_fields = ("document", "authority", "entity")
    list_select_related = ("document", "authority", "entity")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(TagJob)
class TagJobAdmin(admin.ModelAdmin):
    list_display = (
        "description",
        "status",
        "progress",
        "changed",
        "errors",
        "created_at",
        "started_at",
        "finished_at",
    )
    list_filter = ("status",)
    readonly_fields = [f.name for f in TagJob._meta.fields] + ["progress"]

    def has_add_permission(self, request):
        return False


@admin.register(AuthorityMatch)
class AuthorityMatchAdmin(admin.ModelAdmin):
    list_display = ("wdtk_name", "url_name", "public_body", "method", "score", "status")
    list_filter = ("status", "method")
    search_fields = ("wdtk_name", "url_name", "public_body__name")
    autocomplete_fields = ("public_body",)
    actions = ["accept", "reject"]

    @admin.action(description="Accept: this url_name is the public body", permissions=["change"])
    def accept(self, request, queryset):
        n = 0
        for m in queryset.exclude(public_body__isnull=True):
            accept_match(m)
            n += 1
        self.message_user(request, f"{n} match(es) accepted.", messages.SUCCESS)

    @admin.action(
        description="Reject selected matches (they stay rejected on the next sync)",
        permissions=["change"],
    )
    def reject(self, request, queryset):
        n = 0
        for m in queryset.exclude(status=MatchStatus.REJECTED, reviewed_at__isnull=False):
            reject_match(m)
            n += 1
        self.message_user(request, f"{n} match(es) rejected.", messages.SUCCESS)


@admin.register(SyncRun)
class SyncRunAdmin(admin.ModelAdmin):
    list_display = (
        "url",
        "fetched_at",
        "status",
        "not_modified",
        "rows",
        "matched_exact",
        "matched_alias",
        "proposed",
        "unmatched",
    )
    readonly_fields = [f.name for f in SyncRun._meta.fields]

    def has_add_permission(self, request):
        return False


class CandidateMentionInline(admin.TabularInline):
    model = CandidateMention
    extra = 0
    can_delete = False
    fields = ("document", "page", "text", "sentence", "cue")
    readonly_fields = fields
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Candidate)
class CandidateAdmin(admin.ModelAdmin):
    """The review queue of names the vocabulary lacks, most documents first. Edit the name,
    kind, aliases (one a line) and vendor, then accept: the entry is added and the
    documents are re-tagged. Rejected names are never proposed again."""

    list_display = ("name", "kind", "document_count", "score", "vendor", "status", "example")
    list_filter = ("status", "kind")
    search_fields = ("name", "key")
    fields = ("name", "kind", "aliases", "vendor", "status", "document_count", "entity")
    readonly_fields = ("status", "document_count", "entity")
    autocomplete_fields = ("vendor",)
    inlines = [CandidateMentionInline]
    actions = ["accept_candidates", "reject_candidates"]
    ordering = ("-document_count", "-score", "name")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("vendor")

    @admin.display(description="Evidence")
    def example(self, obj):
        m = obj.mentions.first()
        return m.sentence[:160] if m else ""

    @admin.action(description="Accept: add to the vocabulary and re-tag")
    def accept_candidates(self, request, queryset):
        done = 0
        for cand in queryset.filter(status=CandidateStatus.PENDING):
            accept_candidate(cand)
            done += 1
        self.message_user(request, f"{done} accepted; the documents naming them are re-tagged.")

    @admin.action(description="Reject: never propose again")
    def reject_candidates(self, request, queryset):
        done = 0
        for cand in queryset.exclude(status=CandidateStatus.REJECTED):
            reject_candidate(cand)
            done += 1
        self.message_user(request, f"{done} rejected.")
