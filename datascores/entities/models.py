"""Vocabularies (public bodies, companies, systems with aliases) and what the tagger found.

Entities use multi-table inheritance: one ``Entity`` row (type, name, slug) per public
body, company or system, so aliases, mentions and tags point at a single table.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class EntityType(models.TextChoices):
    AUTHORITY = "authority", "Public body"
    COMPANY = "company", "Company"
    SYSTEM = "system", "System"


class Entity(models.Model):
    entity_type = models.CharField(max_length=16, choices=EntityType.choices, db_index=True)
    name = models.CharField(max_length=255, help_text="Official name, as shown in tags and facets.")
    slug = models.SlugField(max_length=255)
    description = models.TextField(blank=True)
    enabled = models.BooleanField(default=True, help_text="Disabled entities are never tagged.")
    manually_edited = models.BooleanField(
        default=False,
        help_text="Edited in the admin: load_vocabularies leaves it alone unless --force.",
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "entities"
        constraints = [
            models.UniqueConstraint(fields=["entity_type", "slug"], name="unique_entity_slug")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def specific(self) -> Entity:
        """The PublicBody, Company or System row behind this entity."""
        for attr in ("publicbody", "company", "system"):
            try:
                return getattr(self, attr)
            except models.ObjectDoesNotExist:
                continue
        return self


class BodyKind(models.TextChoices):
    COUNCIL = "council", "Council"
    POLICE = "police", "Police force"
    NHS = "nhs", "NHS body"
    CENTRAL = "central", "Central government"
    COMBINED = "combined", "Combined authority"
    OTHER = "other", "Other public body"


class Nation(models.TextChoices):
    ENGLAND = "england", "England"
    SCOTLAND = "scotland", "Scotland"
    WALES = "wales", "Wales"
    NORTHERN_IRELAND = "northern_ireland", "Northern Ireland"
    UK = "", "UK-wide / not applicable"


class PublicBody(Entity):
    kind = models.CharField(max_length=16, choices=BodyKind.choices, db_index=True)
    body_type = models.CharField(
        max_length=64, blank=True, help_text="e.g. london_borough, county_council, nhs_trust."
    )
    nation = models.CharField(max_length=32, choices=Nation.choices, blank=True, db_index=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(
        null=True, blank=True, help_text="Set for abolished bodies (older documents name them)."
    )
    successors = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="predecessors"
    )
    domains = models.JSONField(default=list, blank=True, help_text='e.g. ["bristol.gov.uk"]')
    wdtk_url_name = models.CharField(
        "WhatDoTheyKnow url_name", max_length=255, blank=True, db_index=True
    )

    class Meta:
        verbose_name = "public body"
        verbose_name_plural = "public bodies"

    def save(self, *args, **kwargs):
        self.entity_type = EntityType.AUTHORITY
        super().save(*args, **kwargs)


class Company(Entity):
    domains = models.JSONField(default=list, blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="subsidiaries"
    )
    end_date = models.DateField(null=True, blank=True)
    successors = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="predecessors"
    )

    class Meta:
        verbose_name_plural = "companies"

    def save(self, *args, **kwargs):
        self.entity_type = EntityType.COMPANY
        super().save(*args, **kwargs)


class System(Entity):
    vendor = models.ForeignKey(
        Company, null=True, blank=True, on_delete=models.SET_NULL, related_name="systems"
    )
    owner = models.ForeignKey(
        PublicBody,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_systems",
        help_text="For systems a public body built or runs itself.",
    )
    category = models.CharField(max_length=100, blank=True, db_index=True)

    def save(self, *args, **kwargs):
        self.entity_type = EntityType.SYSTEM
        super().save(*args, **kwargs)


class AliasSource(models.TextChoices):
    DATA = "data", "Data file"
    GENERATED = "generated", "Generated from the data file"
    ADMIN = "admin", "Added in the admin"


class Alias(models.Model):
    """A way a document may name an entity; the official name is one too."""

    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="aliases")
    text = models.CharField(max_length=255)
    case_sensitive = models.BooleanField(
        default=False, help_text="Match the case exactly (acronyms, bare place names)."
    )
    ambiguous = models.BooleanField(
        default=False,
        help_text="Counts only with a context term nearby or the entity named unambiguously "
        "elsewhere in the document.",
    )
    context_terms = models.JSONField(
        default=list,
        blank=True,
        help_text="Words that confirm an ambiguous alias; @system, @company, @authority, "
        "@vendor stand for any such entity named nearby.",
    )
    window = models.PositiveIntegerField(
        default=150, help_text="How many characters either side to look for context."
    )
    not_before = models.JSONField(default=list, blank=True, help_text="Reject after these words.")
    not_after = models.JSONField(default=list, blank=True, help_text="Reject before these words.")
    need_before = models.JSONField(
        default=list,
        blank=True,
        help_text='With "need after": count only right after one of these words '
        '(e.g. "borough of"), any case.',
    )
    need_after = models.JSONField(
        default=list,
        blank=True,
        help_text='Count only right before one of these words (e.g. "council"), any case, '
        'or right after one of "need before".',
    )
    not_sentence_start = models.BooleanField(
        default=False,
        help_text="Ignore at the start of a sentence, where an ordinary word has a capital "
        '("Reading the report").',
    )
    source = models.CharField(max_length=16, choices=AliasSource.choices, default=AliasSource.ADMIN)

    class Meta:
        ordering = ["entity", "text"]
        verbose_name_plural = "aliases"
        constraints = [models.UniqueConstraint(fields=["entity", "text"], name="unique_alias")]

    def __str__(self) -> str:
        return self.text


class VocabularyState(models.Model):
    """One row: a version number bumped by every vocabulary change, so every process
    recompiles its tagger when it changes."""

    version = models.PositiveBigIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"vocabulary version {self.version}"

    @classmethod
    def current(cls) -> int:
        row = cls.objects.filter(pk=1).values_list("version", flat=True).first()
        return row or 0

    @classmethod
    def bump(cls) -> None:
        updated = cls.objects.filter(pk=1).update(
            version=models.F("version") + 1, updated_at=timezone.now()
        )
        if not updated:
            cls.objects.get_or_create(pk=1, defaults={"version": 1})


class Mention(models.Model):
    """One place a document names an entity: the evidence for a tag."""

    document = models.ForeignKey(
        "documents.Document", on_delete=models.CASCADE, related_name="entity_mentions"
    )
    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="mentions")
    alias = models.ForeignKey(Alias, null=True, blank=True, on_delete=models.SET_NULL)
    page = models.PositiveIntegerField()
    start = models.PositiveIntegerField(help_text="Offset into the page's text.")
    end = models.PositiveIntegerField()
    text = models.CharField(max_length=255, help_text="The text as it appears in the page.")
    snippet = models.TextField()
    rule = models.CharField(
        max_length=32, help_text="unambiguous, support, context or vendor-in-name."
    )

    class Meta:
        ordering = ["document", "page", "start"]
        indexes = [models.Index(fields=["document", "entity"])]

    def __str__(self) -> str:
        return f"{self.text} (p.{self.page})"


class TagRole(models.TextChoices):
    ISSUER = "issuer", "Issuing authority"
    MENTIONED = "mentioned", "Mentioned"


class TagStatus(models.TextChoices):
    AUTO = "auto", "Automatic"
    CONFIRMED = "confirmed", "Confirmed"
    REJECTED = "rejected", "Rejected"


class DocumentTag(models.Model):
    """A document is about (or names) an entity. Reviewers confirm or reject; a rejected
    tag stays rejected and a confirmed one stays when the document is re-tagged."""

    document = models.ForeignKey(
        "documents.Document", on_delete=models.CASCADE, related_name="entity_tags"
    )
    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="tags")
    role = models.CharField(max_length=16, choices=TagRole.choices, default=TagRole.MENTIONED)
    status = models.CharField(
        max_length=16, choices=TagStatus.choices, default=TagStatus.AUTO, db_index=True
    )
    mention_count = models.PositiveIntegerField(default=0)
    evidence_page = models.PositiveIntegerField(null=True, blank=True)
    evidence = models.TextField(blank=True, help_text="The best snippet, kept after a re-tag.")
    issuer_source = models.CharField(max_length=16, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["document", "role", "entity__name"]
        constraints = [
            models.UniqueConstraint(fields=["document", "entity"], name="unique_document_tag")
        ]

    def __str__(self) -> str:
        return f"{self.document_id}: {self.entity} ({self.status})"


class Link(models.Model):
    """An authority and a company or system named in the same document, ranked by how close
    their nearest mentions are (in characters)."""

    document = models.ForeignKey(
        "documents.Document", on_delete=models.CASCADE, related_name="entity_links"
    )
    authority = models.ForeignKey(PublicBody, on_delete=models.CASCADE, related_name="links")
    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="authority_links")
    distance = models.PositiveIntegerField(
        null=True, blank=True, help_text="Empty when the authority is known only as the issuer."
    )
    issuer = models.BooleanField(
        default=False, help_text="The authority issued the document: its links rank first."
    )

    class Meta:
        ordering = ["document", "-issuer", models.F("distance").asc(nulls_last=True)]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "authority", "entity"], name="unique_document_link"
            )
        ]

    def __str__(self) -> str:
        return f"{self.authority} ↔ {self.entity} ({self.distance})"


class TaggedDocument(models.Model):
    """When a document was last tagged, and with which vocabulary version."""

    document = models.OneToOneField(
        "documents.Document", on_delete=models.CASCADE, related_name="tagging"
    )
    vocabulary_version = models.PositiveBigIntegerField(default=0)
    tagged_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.document_id} tagged with vocabulary {self.vocabulary_version}"


class JobStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class TagJob(models.Model):
    """A re-tagging run (after a vocabulary edit, or from `manage.py retag`)."""

    description = models.CharField(max_length=500)
    entity_ids = models.JSONField(default=list, blank=True)
    document_ids = models.JSONField(default=list, blank=True)
    status = models.CharField(
        max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED, db_index=True
    )
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    changed = models.PositiveIntegerField(default=0, help_text="Documents whose tags changed.")
    errors = models.PositiveIntegerField(default=0)
    error_log = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "re-tagging job"

    def __str__(self) -> str:
        return f"{self.description} ({self.done}/{self.total})"

    @property
    def progress(self) -> str:
        if not self.total:
            return "—"
        return f"{self.done}/{self.total} ({100 * self.done // self.total}%)"


class SyncRun(models.Model):
    """One read of WhatDoTheyKnow's authority list (kept for conditional GET)."""

    url = models.URLField(max_length=500)
    fetched_at = models.DateTimeField(default=timezone.now)
    status = models.PositiveIntegerField(null=True, blank=True)
    not_modified = models.BooleanField(default=False)
    etag = models.CharField(max_length=255, blank=True)
    last_modified = models.CharField(max_length=64, blank=True)
    rows = models.PositiveIntegerField(default=0)
    matched_exact = models.PositiveIntegerField(default=0)
    matched_alias = models.PositiveIntegerField(default=0)
    proposed = models.PositiveIntegerField(default=0)
    unmatched = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-fetched_at", "-id"]

    def __str__(self) -> str:
        return f"{self.url} at {self.fetched_at:%Y-%m-%d %H:%M}"


class MatchMethod(models.TextChoices):
    EXACT = "exact", "Exact name"
    ALIAS = "alias", "Alias"
    DOMAIN = "domain", "Home page domain"
    FUZZY = "fuzzy", "Fuzzy (needs review)"
    NONE = "none", "No match"


class MatchStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    ACCEPTED = "accepted", "Accepted"
    REJECTED = "rejected", "Rejected"


class AuthorityMatch(models.Model):
    """A WhatDoTheyKnow authority and the public body we think it is."""

    url_name = models.CharField(max_length=255, unique=True)
    wdtk_name = models.CharField(max_length=500)
    short_name = models.CharField(max_length=255, blank=True)
    tags = models.TextField(blank=True)
    home_page = models.CharField(max_length=500, blank=True)
    public_body = models.ForeignKey(
        PublicBody, null=True, blank=True, on_delete=models.SET_NULL, related_name="wdtk_matches"
    )
    method = models.CharField(max_length=16, choices=MatchMethod.choices)
    score = models.FloatField(default=0)
    status = models.CharField(
        max_length=16, choices=MatchStatus.choices, default=MatchStatus.PROPOSED, db_index=True
    )
    reviewed_at = models.DateTimeField(
        null=True, blank=True, help_text="Set when a person accepted or rejected the match."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["status", "-score", "wdtk_name"]
        verbose_name = "WhatDoTheyKnow authority match"

    def __str__(self) -> str:
        return f"{self.wdtk_name} → {self.public_body or '?'} ({self.method}, {self.status})"


class CandidateStatus(models.TextChoices):
    PENDING = "pending", "To review"
    ACCEPTED = "accepted", "Accepted"
    REJECTED = "rejected", "Rejected"


class Candidate(models.Model):
    """A name documents give that the vocabulary lacks (found while tagging), for review.

    Accepting one adds it to the vocabulary (which re-tags the documents); a rejected one
    is hidden for good: it is never proposed again."""

    kind = models.CharField(max_length=16, choices=EntityType.choices, db_index=True)
    key = models.CharField(max_length=255, unique=True, help_text="The name folded.")
    name = models.CharField(max_length=255, help_text="The name to give the new entry.")
    aliases = models.TextField(blank=True, help_text="Other names, one a line.")
    vendor = models.ForeignKey(
        Company,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="For a system: its vendor.",
    )
    status = models.CharField(
        max_length=16,
        choices=CandidateStatus.choices,
        default=CandidateStatus.PENDING,
        db_index=True,
    )
    entity = models.ForeignKey(
        Entity, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    document_count = models.PositiveIntegerField(default=0, db_index=True)
    score = models.FloatField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-document_count", "-score", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"


class CandidateMention(models.Model):
    """Where a document names a candidate: the evidence a reviewer reads."""

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="mentions")
    document = models.ForeignKey(
        "documents.Document", on_delete=models.CASCADE, related_name="candidate_mentions"
    )
    page = models.PositiveIntegerField()
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    text = models.CharField(max_length=255)
    sentence = models.TextField()
    cue = models.CharField(max_length=16)
    score = models.FloatField(default=0)

    class Meta:
        ordering = ["document", "page", "start"]
        indexes = [models.Index(fields=["document"])]

    def __str__(self) -> str:
        return f"{self.text} (document {self.document_id}, p.{self.page})"
