"""A document's versions (a web page re-fetched over time) and the diff between two of them.

Shown on the document page (templates/site/_versions.html): every version with its date,
and for the chosen one (the latest unless ?version=N) what changed since the one before.
Texts are passed to the template as plain strings, so autoescaping keeps them inert.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from django.http import HttpRequest

from datascores.documents.models import Document, Version

CONTEXT_LINES = 2
MAX_DIFF_LINES = 400


@dataclass
class DiffLine:
    op: str  # "equal", "insert", "delete", "skip"
    text: str


def _text(version: Version, doc: Document, latest: Version) -> str:
    if version.text:
        return version.text
    return doc.text if version.pk == latest.pk else ""


def diff_lines(old: str, new: str, *, context: int = CONTEXT_LINES) -> list[DiffLine]:
    """Line diff, unchanged runs cut to `context` lines around each change."""
    a, b = old.splitlines(), new.splitlines()
    out: list[DiffLine] = []
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for group in matcher.get_grouped_opcodes(context):
        if out:
            out.append(DiffLine("skip", "…"))
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                out += [DiffLine("equal", line) for line in a[i1:i2]]
                continue
            if tag in ("replace", "delete"):
                out += [DiffLine("delete", line) for line in a[i1:i2]]
            if tag in ("replace", "insert"):
                out += [DiffLine("insert", line) for line in b[j1:j2]]
        if len(out) > MAX_DIFF_LINES:
            return [*out[:MAX_DIFF_LINES], DiffLine("skip", "… (the rest of the changes)")]
    return out


def versions_context(request: HttpRequest, doc: Document) -> dict:
    """{"versions": {...}} for the template, or {} when the document has one state only."""
    versions = list(doc.versions.order_by("number"))
    if len(versions) < 2:
        return {}
    latest = versions[-1]
    try:
        wanted = int(request.GET.get("version", latest.number))
    except (TypeError, ValueError):
        wanted = latest.number
    chosen = next((v for v in versions if v.number == wanted), latest)
    previous = next((v for v in reversed(versions) if v.number < chosen.number), None)
    chosen_text = _text(chosen, doc, latest)
    diff = None
    if previous is not None:
        previous_text = _text(previous, doc, latest)
        diff = {
            "against": previous,
            "lines": diff_lines(previous_text, chosen_text),
            "recorded": bool(previous_text and chosen_text),
        }
    return {
        "versions": {
            "list": [
                {
                    "number": v.number,
                    "fetched_at": v.fetched_at,
                    "title": v.title,
                    "url": v.url,
                    "sha256": v.blob.sha256,
                    "current": v.number == chosen.number,
                    "latest": v.number == latest.number,
                }
                for v in versions
            ],
            "chosen": chosen,
            "chosen_text": chosen_text,
            "is_latest": chosen.number == latest.number,
            "diff": diff,
        }
    }
