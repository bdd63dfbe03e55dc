"""manage.py show_document: sources with their live/gone state, versions, tags."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import call_command

from datascores.documents.models import SourceKind, SourceStatus, Version
from tests.factories import BlobFactory, DocumentFactory, SourceFactory

pytestmark = pytest.mark.django_db


def _show(*args) -> str:
    out = StringIO()
    call_command("show_document", *args, stdout=out)
    return out.getvalue()


def test_sources_say_whether_they_are_gone_and_versions_are_listed():
    doc = DocumentFactory(pages=["Kent County Council uses SPSS."], title="Risk note")
    gone_at = dt.datetime(2024, 5, 1, 12, tzinfo=dt.UTC)
    SourceFactory(
        document=doc,
        location="https://council.example/risk.pdf",
        status=SourceStatus.GONE,
        gone_since=gone_at,
    )
    SourceFactory(document=doc, kind=SourceKind.UPLOAD, location="/in/risk.pdf")
    old = BlobFactory()
    Version.objects.create(document=doc, number=1, blob=old, url="https://council.example/risk.pdf")
    Version.objects.create(
        document=doc, number=2, blob=doc.blob, url="https://council.example/risk.pdf"
    )

    info = json.loads(_show(str(doc.pk), "--json"))
    web, upload = info["sources"]
    assert (web["url"], web["status"], web["gone_since"]) == (
        "https://council.example/risk.pdf",
        "gone",
        gone_at.isoformat(),
    )
    assert (upload["url"], upload["status"], upload["gone_since"]) == (None, "live", None)
    assert [(v["number"], v["sha256"]) for v in info["versions"]] == [
        (1, old.sha256),
        (2, doc.blob.sha256),
    ]
    # Tags come from the provider the entities app registers (not tagged yet: empty).
    assert info["tags"]["systems"] == [] and "issuing_authority" in info["tags"]

    text = _show(str(doc.pk))
    assert f"https://council.example/risk.pdf (gone since {gone_at.isoformat()})" in text
    assert "version 2: fetched" in text
