"""Snippets: the best few windows of page text around the engine's matches.

Both backends reduce their highlighting to the same thing — for each page, the
character spans the engine matched — and this module turns those into short
fragments. Text is always HTML-escaped here; the only markup in a snippet is the
``<mark>`` around a span the engine reported.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from search.backends.base import Snippet

FRAGMENT_CHARS = 200
_MARK = re.compile(r"(<mark>|</mark>)")
_SPACE_AT = re.compile(r"\s")


@dataclass
class PageMatches:
    """The matches the engine found on one page, and how well the page matched."""

    page: int
    text: str
    spans: list[tuple[int, int]]
    score: float = 0.0


def merge_spans(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted, with overlapping or touching spans joined."""
    out: list[list[int]] = []
    for start, end in sorted(spans):
        if end <= start:
            continue
        if out and start <= out[-1][1]:
            out[-1][1] = max(out[-1][1], end)
        else:
            out.append([start, end])
    return [(s, e) for s, e in out]


def page_score(text: str, spans: list[tuple[int, int]]) -> float:
    """Distinct matched words weigh most, then the number of matches."""
    distinct = {text[s:e].lower() for s, e in spans}
    return len(distinct) * 100 + len(spans)


def windows(text: str, spans: list[tuple[int, int]], size: int = FRAGMENT_CHARS):
    """Candidate fragments as (score, first_span_index, last_span_index), best first."""
    out = []
    i = 0
    while i < len(spans):
        j = i
        while j + 1 < len(spans) and spans[j + 1][1] - spans[i][0] <= size * 0.8:
            j += 1
        group = spans[i : j + 1]
        distinct = {text[s:e].lower() for s, e in group}
        out.append((len(distinct) * 10 + len(group), i, j))
        i = j + 1
    out.sort(key=lambda w: (-w[0], w[1]))
    return out


def render(text: str, spans: list[tuple[int, int]], size: int = FRAGMENT_CHARS) -> str:
    """One fragment around ``spans`` (which must fit in ``size``), escaped and marked."""
    first, last = spans[0][0], spans[-1][1]
    slack = max(0, size - (last - first))
    start = max(0, first - slack // 2)
    end = min(len(text), last + (slack - (first - start)))
    start = max(0, min(start, end - size))
    # Snap outwards-facing edges to word boundaries so no word is cut in half.
    if start > 0 and not text[start - 1].isspace():
        m = _SPACE_AT.search(text, start, first)
        start = m.end() if m else first
    if end < len(text) and not text[end].isspace():
        cut = max(text.rfind(c, last, end) for c in " \n\t")
        end = cut if cut != -1 else last
    pieces = []
    pos = start
    escape = html.escape
    for s, e in spans:
        pieces.append(escape(text[pos:s], quote=False))
        pieces.append(f"<mark>{escape(text[s:e], quote=False)}</mark>")
        pos = e
    pieces.append(escape(text[pos:end], quote=False))
    body = " ".join("".join(pieces).split())  # whitespace collapsed once, tags hold none
    return ("… " if start > 0 else "") + body + (" …" if end < len(text) else "")


def select(pages: list[PageMatches], limit: int, size: int = FRAGMENT_CHARS) -> list[Snippet]:
    """Up to ``limit`` snippets: the best fragment of each of the best pages first,
    then second fragments; returned in page order. A page's fragments are worked out
    only when it is reached (a scan asking for one snippet reads one page's)."""
    if limit <= 0:
        return []
    ranked = sorted((p for p in pages if p.spans), key=lambda p: (-p.score, p.page))
    prepared: list[tuple | None] = [None] * len(ranked)
    chosen: list[tuple[int, int, str]] = []
    depth = 0
    while len(chosen) < limit:
        found = False
        for k, p in enumerate(ranked):
            if len(chosen) >= limit:
                break
            if prepared[k] is None:
                spans = merge_spans(p.spans)
                prepared[k] = (spans, windows(p.text, spans, size))
            spans, wins = prepared[k]
            if depth < len(wins):
                found = True
                _, i, j = wins[depth]
                chosen.append((p.page, spans[i][0], render(p.text, spans[i : j + 1], size)))
        if not found:
            break
        depth += 1
    chosen.sort()
    return [Snippet(page=page, html=frag) for page, _, frag in chosen]


def parse_highlighted(marked: str) -> tuple[str, list[tuple[int, int]]]:
    """Text and match spans from an engine's HTML-encoded, <mark>-tagged highlight."""
    text_parts: list[str] = []
    spans: list[tuple[int, int]] = []
    pos = 0
    inside = False
    start = 0
    for piece in _MARK.split(marked):
        if piece == "<mark>":
            inside, start = True, pos
        elif piece == "</mark>":
            if inside:
                spans.append((start, pos))
            inside = False
        elif piece:
            raw = html.unescape(piece)
            text_parts.append(raw)
            pos += len(raw)
    return "".join(text_parts), spans
