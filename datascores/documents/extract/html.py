"""HTML: the title and the main text, without navigation, headers, footers and scripts."""

from __future__ import annotations

import re

from bs4 import BeautifulSoup, NavigableString, Tag
from bs4.element import Comment, Declaration, Doctype, ProcessingInstruction

from ._common import Budget, clean_text, mb, paginate
from .base import Context, Extracted, NoticeCode

# Parsing cost grows with the input; a page bigger than this is cut before parsing.
MAX_HTML_BYTES = 20 * 1024 * 1024

_DROP = {
    "script", "style", "noscript", "template", "svg", "canvas", "iframe", "object", "embed",
    "nav", "header", "footer", "aside", "form", "button", "select", "input", "textarea",
    "menu", "dialog", "head",
}  # fmt: skip
_CONTENT = {"main", "article"}
_SECTION_PARTS = {"header", "footer"}
_BOILERPLATE_ROLES = {"navigation", "banner", "contentinfo", "search", "menu", "menubar", "dialog"}
_BOILERPLATE_HINT = re.compile(
    r"(?:^|[\s_-])(?:nav|navbar|navigation|menu|breadcrumbs?|cookie[s-]?(?:banner|notice)?|"
    r"skip-link|site-header|site-footer|masthead|sidebar|social|share|back-to-top|"
    r"print-metadata|print-only)(?:$|[\s_-])",
    re.I,
)
_BLOCKS = {
    "p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article",
    "table", "ul", "ol", "dl", "dt", "dd", "blockquote", "pre", "address", "figcaption", "hr",
    "main", "td", "th",
}  # fmt: skip
_DATE_META = (
    "article:published_time",
    "datepublished",
    "dc.date",
    "dc.date.issued",
    "dcterms.created",
    "dcterms.issued",
    "date",
    "publication_date",
)


def extract(data: bytes, ctx: Context, budget: Budget) -> Extracted:
    if len(data) > MAX_HTML_BYTES:
        budget.warn(
            NoticeCode.PARTIAL,
            f"Only the first {mb(MAX_HTML_BYTES)} of this {mb(len(data))} page were read.",
        )
        data = data[:MAX_HTML_BYTES]
    title, text, metadata = html_to_text(data)
    paginate(text.split("\n"), budget)
    return budget.result(title=title, metadata=metadata)


def html_to_text(markup: bytes | str) -> tuple[str, str, dict]:
    """(title, main text, metadata) of an HTML document."""
    soup = BeautifulSoup(markup, "lxml")
    metadata = _meta(soup)
    title = ""
    if soup.title and soup.title.string:
        title = " ".join(soup.title.string.split())
    if not title and metadata.get("og_title"):
        title = metadata["og_title"]
    _strip_boilerplate(soup)
    main = soup.find("main") or soup.find(attrs={"role": "main"})
    if main is None:
        articles = soup.find_all("article")
        main = articles[0] if len(articles) == 1 else (soup.body or soup)
    if not title:
        heading = main.find("h1")
        title = " ".join(heading.get_text(" ").split()) if heading else ""
    return title[:500], _text(main), metadata


def _strip_boilerplate(root) -> None:
    """Remove scripts, navigation, headers, footers and the like, in one pass.

    A <header> or <footer> inside <main> or an <article> is that content's own (its
    title and date: GOV.UK's HTML publications put the h1 in one), not the site's banner.
    """
    doomed = []
    stack = [(root, False)]
    while stack:
        node, inside = stack.pop()
        for child in node.contents:
            if not isinstance(child, Tag):
                continue
            own = inside and child.name in _SECTION_PARTS
            if (child.name in _DROP and not own) or _is_boilerplate(child.attrs or {}):
                doomed.append(child)
            else:
                stack.append((child, inside or child.name in _CONTENT))
    for tag in doomed:
        tag.decompose()


def _is_boilerplate(attrs: dict) -> bool:
    if attrs.get("aria-hidden") == "true" or "hidden" in attrs:
        return True
    if str(attrs.get("role", "")).lower() in _BOILERPLATE_ROLES:
        return True
    classes = attrs.get("class") or []
    hint = " ".join(
        [str(attrs.get("id", "")), *(classes if isinstance(classes, list) else [classes])]
    )
    return bool(hint.strip()) and bool(_BOILERPLATE_HINT.search(hint))


def _text(root) -> str:
    """Text with a line break at each block element, runs of spaces collapsed."""
    skip = (Comment, Declaration, Doctype, ProcessingInstruction)
    parts: list[str] = []
    for node in root.descendants:
        if isinstance(node, NavigableString):
            if not isinstance(node, skip):
                parts.append(str(node))
        elif node.name in _BLOCKS:
            parts.append("\n")
    lines = (" ".join(line.split()) for line in "".join(parts).split("\n"))
    return clean_text("\n".join(line for line in lines if line))


def _meta(soup) -> dict:
    found: dict = {}
    for tag in soup.find_all("meta"):
        key = str(tag.get("name") or tag.get("property") or tag.get("itemprop") or "").lower()
        value = " ".join(str(tag.get("content") or "").split())[:500]
        if not key or not value:
            continue
        if key in ("description", "og:description") and "description" not in found:
            found["description"] = value
        elif key in ("author", "dc.creator") and "author" not in found:
            found["author"] = value
        elif key == "og:title":
            found["og_title"] = value
        elif key in _DATE_META and "published" not in found:
            found["published"] = value
    return found
