"""Safe highlighting: backend snippets checked tag by tag, and page text marked by us.

The rule on every public page: text from documents is escaped first, and the only
markup we add is ``<mark>``. Snippets from a backend are supposed to arrive that
way already; ``safe_snippet`` does not trust that and rebuilds them.

The document page marks every hit on every page, which the engines' snippets do not
give us; ``search.highlight.query_spans`` finds them by the engines' rules and
``mark_spans`` marks them here.
"""

from __future__ import annotations

import html
import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

_MARK_TAG = re.compile(r"(<mark>|</mark>)", re.IGNORECASE)


def safe_snippet(snippet_html: str) -> SafeString:
    """Rebuild a snippet so that it holds escaped text and balanced <mark> tags only.

    Every stretch between mark tags is unescaped and escaped again: properly escaped
    text comes out the same, and anything else (a raw ``<script>``, a stray quote) comes
    out inert.
    """
    out: list[str] = []
    open_ = False
    for part in _MARK_TAG.split(snippet_html or ""):
        low = part.lower()
        if low == "<mark>":
            if not open_:
                out.append("<mark>")
                open_ = True
        elif low == "</mark>":
            if open_:
                out.append("</mark>")
                open_ = False
        elif part:
            out.append(escape(html.unescape(part)))
    if open_:
        out.append("</mark>")
    return mark_safe("".join(out))  # noqa: S308 - built above from escaped parts and <mark>


def plain_snippet(snippet_html: str) -> str:
    """A snippet as plain text (for CSV and JSON consumers that want no markup)."""
    text = (snippet_html or "").replace("<mark>", "").replace("</mark>", "")
    if "<" in text or "&" in text:  # other markup or escapes (every export row comes here)
        text = html.unescape(_MARK_TAG.sub("", text))
    return " ".join(text.split())


# --- marking hits in page text ------------------------------------------------------------


def mark_spans(
    text: str, spans: list[tuple[int, int]], first_hit: int = 1, current: int = 0
) -> SafeString:
    """Escape the text, then wrap each span in <mark id="hit-N">, numbering from first_hit."""
    out: list[str] = []
    pos = 0
    n = first_hit
    for s, e in spans:
        out.append(escape(text[pos:s]))
        cls = ' class="current"' if n == current else ""
        out.append(f'<mark id="hit-{n}"{cls}>{escape(text[s:e])}</mark>')
        pos = e
        n += 1
    out.append(escape(text[pos:]))
    return mark_safe("".join(out))  # noqa: S308 - every piece of document text is escaped
