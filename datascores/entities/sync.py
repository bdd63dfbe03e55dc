"""`sync_authorities`: read WhatDoTheyKnow's authority list through the project's fetcher."""

from __future__ import annotations

from django.db import transaction

from .models import AuthorityMatch, MatchStatus, PublicBody, SyncRun, VocabularyState
from .wdtk import DEFAULT_URL, Matcher, parse_authorities_csv

AUTO_ACCEPT = {"exact", "alias", "domain"}


def build_matcher() -> Matcher:
    from .models import Alias

    bodies = dict(PublicBody.objects.values_list("pk", "name"))
    aliases = list(
        Alias.objects.filter(entity_id__in=bodies, ambiguous=False).values_list("entity_id", "text")
    )
    domains = {pk: ds for pk, ds in PublicBody.objects.values_list("pk", "domains") if ds}
    url_names = dict(
        AuthorityMatch.objects.filter(
            status=MatchStatus.ACCEPTED, public_body__isnull=False
        ).values_list("url_name", "public_body_id")
    )
    url_names.update(
        {
            u: pk
            for pk, u in PublicBody.objects.exclude(wdtk_url_name="").values_list(
                "pk", "wdtk_url_name"
            )
        }
    )
    return Matcher(bodies, aliases, domains, url_names)


def sync_authorities(url: str = DEFAULT_URL, fetcher=None) -> SyncRun:
    """Fetch (conditionally), match and store; returns the recorded run."""
    if fetcher is None:
        from scrapers.fetcher import get_fetcher

        fetcher = get_fetcher()
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
    newly_matched: list[str] = []
    from .signals import quiet

    with transaction.atomic(), quiet():
        existing = {m.url_name: m for m in AuthorityMatch.objects.all()}
        for row in rows:
            p = matcher.match(row)
            run.rows += 1
            counter = {
                "exact": "matched_exact", "alias": "matched_alias", "domain": "matched_alias",
                "fuzzy": "proposed", "none": "unmatched",
            }[p.method]  # fmt: skip
            setattr(run, counter, getattr(run, counter) + 1)
            m = existing.get(row.url_name)
            reviewed = m is not None and m.status != MatchStatus.PROPOSED
            fields = {
                "wdtk_name": row.name[:500],
                "short_name": row.short_name[:255],
                "tags": row.tags,
                "home_page": row.home_page[:500],
            }
            if not reviewed:
                fields.update(
                    public_body_id=p.body_id,
                    method=p.method,
                    score=p.score,
                    status=MatchStatus.ACCEPTED
                    if p.method in AUTO_ACCEPT
                    else MatchStatus.PROPOSED,
                )
            if m is None:
                if p.method == "none":
                    # Most of WhatDoTheyKnow's 50,000 bodies (schools, parish councils) are not
                    # in our vocabulary: count them, don't store them.
                    continue
                m = AuthorityMatch(url_name=row.url_name, **fields)
                m.save()
            else:
                for k, v in fields.items():
                    setattr(m, k, v)
                m.save()
            accepted = m.status == MatchStatus.ACCEPTED and m.public_body_id
            if accepted and _set_url_name(m.public_body_id, row.url_name):
                newly_matched.append(row.url_name)
        run.save()
        if newly_matched:
            VocabularyState.bump()
    if newly_matched:
        retag_documents_for_url_names(newly_matched)
    return run


def _set_url_name(body_id: int, url_name: str) -> bool:
    return bool(
        PublicBody.objects.filter(pk=body_id, wdtk_url_name="").update(wdtk_url_name=url_name)
    )


def accept_match(match: AuthorityMatch) -> None:
    """A reviewer accepts a proposal: the body gets the url_name, its FOI documents re-tag."""
    match.status = MatchStatus.ACCEPTED
    match.save(update_fields=["status", "updated_at"])
    if match.public_body_id:
        PublicBody.objects.filter(pk=match.public_body_id).update(wdtk_url_name=match.url_name)
        VocabularyState.bump()
        retag_documents_for_url_names([match.url_name])


def retag_documents_for_url_names(url_names: list[str]) -> None:
    """FOI documents whose request metadata names these authorities can now get an issuer."""
    from datascores.documents.models import Document

    from .services import request_retag

    ids = list(
        Document.objects.filter(metadata__authority__in=url_names).values_list("pk", flat=True)
    )
    if ids:
        transaction.on_commit(
            lambda: request_retag(
                document_ids=ids, description="WhatDoTheyKnow authorities matched"
            )
        )
