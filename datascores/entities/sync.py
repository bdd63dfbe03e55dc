"""`sync_authorities`: read WhatDoTheyKnow's authority list through the project's fetcher.

An exact name or an unambiguous alias is accepted at once; a home-page domain or a fuzzy
name is only proposed, for a person to accept in the admin (many WhatDoTheyKnow bodies
share a council's website: its pension fund, an adoption partnership it hosts). A body
may have several accepted url_names, and every one resolves FOI request metadata; the one
kept on the body (``wdtk_url_name``) is the best: exact before alias before a reviewed
proposal, never simply the first seen.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from datascores.documents.models import Document
from datascores.fetch.fetcher import get_fetcher

from .models import Alias, AuthorityMatch, MatchStatus, PublicBody, SyncRun, VocabularyState
from .services import request_retag
from .signals import quiet
from .wdtk import DEFAULT_URL, Matcher, parse_authorities_csv

AUTO_ACCEPT = {"exact", "alias"}
METHOD_RANK = {"exact": 0, "alias": 1, "domain": 2, "fuzzy": 3}


def build_matcher() -> Matcher:
    bodies = dict(PublicBody.objects.values_list("pk", "name"))
    aliases = list(
        Alias.objects.filter(entity_id__in=bodies, ambiguous=False).values_list("entity_id", "text")
    )
    domains = {pk: ds for pk, ds in PublicBody.objects.values_list("pk", "domains") if ds}
    ended = set(PublicBody.objects.filter(end_date__isnull=False).values_list("pk", flat=True))
    # Known url_names: those a person accepted, and any typed on a body by hand. (One the
    # sync accepted by itself is matched afresh each time, so a better match can win.)
    url_names = dict(
        AuthorityMatch.objects.filter(
            status=MatchStatus.ACCEPTED, public_body__isnull=False, reviewed_at__isnull=False
        ).values_list("url_name", "public_body_id")
    )
    managed = set(AuthorityMatch.objects.values_list("url_name", flat=True))
    for pk, u in PublicBody.objects.exclude(wdtk_url_name="").values_list("pk", "wdtk_url_name"):
        if u not in managed:
            url_names[u] = pk
    return Matcher(bodies, aliases, domains, url_names, ended=ended)


# Which run counter a match method adds to.
_COUNTERS = {
    "exact": "matched_exact",
    "alias": "matched_alias",
    "domain": "proposed",
    "fuzzy": "proposed",
    "none": "unmatched",
}


def sync_authorities(url: str = DEFAULT_URL, fetcher=None) -> SyncRun:
    """Fetch (conditionally), match and store; returns the recorded run."""
    fetcher = fetcher or get_fetcher()
    last = SyncRun.objects.filter(url=url, not_modified=False, status=200).first()
    result = fetcher.get(
        url, etag=last.etag if last else "", last_modified=last.last_modified if last else ""
    )
    run = SyncRun(
        url=url,
        status=result.status,
        not_modified=bool(result.not_modified),
        etag=result.etag or "",
        last_modified=result.last_modified or "",
    )
    if result.not_modified:
        if last:
            run.etag = run.etag or last.etag
            run.last_modified = run.last_modified or last.last_modified
        run.save()
        return run
    rows = parse_authorities_csv(result.content)
    matcher = build_matcher()
    with transaction.atomic(), quiet():
        existing = {m.url_name: m for m in AuthorityMatch.objects.all()}
        accepted_before = _accepted(existing)
        touched: set[int] = set()
        for row in rows:
            _store_row(run, row, matcher.match(row), existing, touched)
        run.save()
        changed = False
        for body_id in touched:
            changed |= update_primary_url_name(body_id)
        accepted_now = _accepted(existing)
        if changed or accepted_now != accepted_before:
            VocabularyState.bump()
    newly = sorted(accepted_now ^ accepted_before)
    if newly:
        retag_documents_for_url_names(newly)
    return run


def _accepted(matches: dict[str, AuthorityMatch]) -> set[str]:
    return {u for u, m in matches.items() if m.status == MatchStatus.ACCEPTED and m.public_body_id}


def _store_row(run: SyncRun, row, proposal, existing: dict, touched: set[int]) -> None:
    """Count one row of the list and create or update its match (a reviewer's decision
    stands: only the row's descriptive fields change then)."""
    run.rows += 1
    counter = _COUNTERS[proposal.method]
    setattr(run, counter, getattr(run, counter) + 1)
    m = existing.get(row.url_name)
    reviewed = m is not None and (m.reviewed_at is not None or m.status == MatchStatus.REJECTED)
    fields = {
        "wdtk_name": row.name[:500],
        "short_name": row.short_name[:255],
        "tags": row.tags,
        "home_page": row.home_page[:500],
    }
    if not reviewed:
        fields.update(
            public_body_id=proposal.body_id,
            method=proposal.method,
            score=proposal.score,
            status=MatchStatus.ACCEPTED if proposal.method in AUTO_ACCEPT else MatchStatus.PROPOSED,
        )
    if m is None:
        if proposal.method == "none":
            # Most of WhatDoTheyKnow's 50,000 bodies (schools, parish councils) are not
            # in our vocabulary: count them, don't store them.
            return
        m = AuthorityMatch(url_name=row.url_name, **fields)
        m.save()
        existing[m.url_name] = m
    else:
        if m.public_body_id:
            touched.add(m.public_body_id)  # it may lose this url_name
        for k, v in fields.items():
            setattr(m, k, v)
        m.save()
    if m.public_body_id:
        touched.add(m.public_body_id)


def update_primary_url_name(body_id: int) -> bool:
    """Keep the body's best accepted url_name on it; True when it changed. A url_name
    typed on the body by hand (no match behind it) is left alone."""
    body = PublicBody.objects.filter(pk=body_id).first()
    if body is None:
        return False
    current = body.wdtk_url_name
    if current and not AuthorityMatch.objects.filter(url_name=current).exists():
        return False
    accepted = AuthorityMatch.objects.filter(public_body_id=body_id, status=MatchStatus.ACCEPTED)
    best = min(
        accepted,
        key=lambda m: (METHOD_RANK.get(m.method, 9), m.reviewed_at is None, m.url_name),
        default=None,
    )
    wanted = best.url_name if best else ""
    if wanted == current:
        return False
    PublicBody.objects.filter(pk=body_id).update(wdtk_url_name=wanted)
    return True


def accept_match(match: AuthorityMatch) -> None:
    """A reviewer accepts a match: its url_name resolves to the body, FOI documents re-tag."""
    _review(match, MatchStatus.ACCEPTED)


def reject_match(match: AuthorityMatch) -> None:
    """A reviewer rejects a match: it stays rejected across syncs and no longer resolves."""
    _review(match, MatchStatus.REJECTED)


def _review(match: AuthorityMatch, status: str) -> None:
    was_accepted = match.status == MatchStatus.ACCEPTED
    match.status = status
    match.reviewed_at = timezone.now()
    match.save(update_fields=["status", "reviewed_at", "updated_at"])
    if match.public_body_id:
        update_primary_url_name(match.public_body_id)
    if match.public_body_id and (was_accepted or status == MatchStatus.ACCEPTED):
        VocabularyState.bump()
        retag_documents_for_url_names([match.url_name])


def retag_documents_for_url_names(url_names: list[str]) -> None:
    """FOI documents whose request metadata names these authorities can now get an issuer."""
    named = Q(metadata__authority__in=url_names)
    named |= Q(metadata__foi__authority_url_name__in=url_names)  # as the FOI importer writes
    ids = list(Document.objects.filter(named).values_list("pk", flat=True))
    if ids:
        transaction.on_commit(
            lambda: request_retag(
                document_ids=ids, description="WhatDoTheyKnow authorities matched"
            )
        )
