"""manage.py search "QUERY" — search from the command line (total, facets, hits, snippets)."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import sys

from django.core.management.base import BaseCommand, CommandError

from search.backends import FACETS, SearchRequest, SearchResult, get_backend
from search.backends.base import (
    DEFAULT_SNIPPETS,
    GONE,
    MAX_PAGE_SIZE,
    SORTS,
    search_with_fallback,
)
from search.foi import foi_label
from search.query import QueryError


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"Not a date (YYYY-MM-DD): {value}") from None


class Command(BaseCommand):
    help = 'Search the index: manage.py search "experian mosaic" --council "Bristol City Council"'

    def add_arguments(self, parser):
        parser.add_argument("query", nargs="?", default="")
        for facet in FACETS.values():
            # --source / --type as on the site's URLs; --source-type / --file-type also work.
            names = dict.fromkeys([f"--{facet.param}", "--" + facet.name.replace("_", "-")])
            parser.add_argument(
                *names,
                dest=f"facet_{facet.name}",
                action="append",
                default=[],
                metavar="VALUE",
                help=facet.label,
            )
        parser.add_argument("--from", dest="date_from", type=_date, metavar="YYYY-MM-DD")
        parser.add_argument("--to", dest="date_to", type=_date, metavar="YYYY-MM-DD")
        parser.add_argument("--sort", choices=list(SORTS), default="relevance")
        parser.add_argument("--limit", type=int, default=10, help=f"Hits (1-{MAX_PAGE_SIZE}).")
        parser.add_argument("--page", type=int, default=1)
        parser.add_argument(
            "--snippets", type=int, default=DEFAULT_SNIPPETS, help="Snippets per hit."
        )
        parser.add_argument("--json", action="store_true", help="Print one JSON object.")

    def handle(self, *args, **opts):
        filters = {f: opts[f"facet_{f}"] for f in FACETS if opts[f"facet_{f}"]}
        try:
            request = SearchRequest(
                query=opts["query"],
                filters=filters,
                date_from=opts["date_from"],
                date_to=opts["date_to"],
                sort=opts["sort"],
                page=opts["page"],
                size=opts["limit"],
                snippets=opts["snippets"],
            )
            result = search_with_fallback(get_backend(), request)
        except QueryError as exc:
            raise CommandError(str(exc)) from None
        if opts["json"]:
            self.stdout.write(json.dumps(result.as_json(), ensure_ascii=False))
        else:
            self.show(result, request)

    def show(self, result: SearchResult, request: SearchRequest) -> None:
        out = self.stdout.write
        bold = sys.stdout.isatty()
        for note in result.notes:
            out(f"Note: {note}")
        if result.suggestion:
            out(f"Did you mean: {result.suggestion}")
        noun = f"document{'s' if result.total != 1 else ''}"
        if result.relaxed:
            out(f"{result.total:,} {noun} match most of the words (none has them all).")
        else:
            out(f"{result.total:,} {noun} match.")
        for facet, definition in FACETS.items():
            values = result.facets.get(facet) or []
            if values:
                shown = ", ".join(
                    f"{'[x] ' if v.selected else ''}{v.value} ({v.count:,})" for v in values[:8]
                )
                out(f"  {definition.label}: {shown}")
        for n, hit in enumerate(result.hits, start=request.offset + 1):
            f = hit.fields
            meta = [f.get("date") or "undated", f.get("source_type") or ""]
            if f.get("request_id") is not None:
                meta.append(f"FOI request {f['request_id']}: {foi_label(f.get('foi_status', ''))}")
            if f.get("availability") == GONE:
                meta.append("gone from the web")
            out(f"\n{n}. {hit.title}  [#{hit.id}; {', '.join(m for m in meta if m)}]")
            for s in hit.snippets:
                out(f"   p. {s.page}: {_terminal(s.html, bold)}")


def _terminal(fragment: str, bold: bool) -> str:
    """Snippet HTML -> terminal text, marks shown in bold (or *stars* when piped)."""
    on, off = ("\033[1m", "\033[0m") if bold else ("*", "*")
    text = re.sub(r"<mark>(.*?)</mark>", lambda m: f"{on}{m.group(1)}{off}", fragment)
    return html.unescape(text)
