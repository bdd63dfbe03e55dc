"""Reading fetched pages: canonical URLs, links, robots meta, title, dates and main text.

URL normalisation uses courlan (lower-cased scheme and host, default port dropped, query
sorted, tracking parameters such as utm_* dropped) plus the session-ID parameters that
make crawler traps. Main text is the same text the document pipeline indexes
(navigation, headers, cookie banners and footers stripped by the HTML extractor), so the
keyword filter judges exactly what will be searchable. Dates come from htmldate.
"""

from __future__ import annotations

import contextlib
import copy
import re
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

# Query parameters that never change what a page is: tracking and session IDs.
_DROP_PARAM = re.compile(
    r"^(utm_\w+|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|_ga|_hs\w+|"
    r"phpsessid|jsessionid|aspsessionid\w*|sid|sessionid|session_id|s_id|cfid|cftoken)$",
    re.I,
)
FILE_EXTENSIONS = (
    ".pdf", ".doc", ".docx", ".odt", ".rtf", ".xls", ".xlsx", ".ods", ".csv", ".ppt", ".pptx",
    ".odp", ".txt", ".zip", ".eml", ".msg",
)  # fmt: skip
_SKIP_SCHEMES = ("mailto:", "tel:", "javascript:", "data:", "ftp:", "#")


def normalize_url(url: str) -> str:
    """The one spelling of a URL: fragment and tracking/session parameters dropped."""
    from courlan import normalize_url as courlan_normalize

    url = url.strip()
    parts = urlsplit(url)
    # ";jsessionid=..." path parameters (Java servers) are session IDs too.
    path = re.sub(r";(jsessionid|sid|phpsessid)=[^/?#]*", "", parts.path, flags=re.I)
    query = urlencode(
        sorted(
            ((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if not _DROP_PARAM.match(k)),
            key=lambda kv: kv[0],
        )
    )  # fmt: skip
    cleaned = urlunsplit((parts.scheme, parts.netloc, path or "/", "", ""))
    # courlan normalises scheme, host, port and path; the query stays ours: its tracker
    # pattern also drops parameters that name the page ('keywords' on GOV.UK search,
    # 'CId' on ModernGov, 'ref', 'source', 'session', 'uid').
    with contextlib.suppress(ValueError, TypeError):
        cleaned = courlan_normalize(cleaned)
    cleaned = cleaned.split("#", 1)[0].split("?", 1)[0]
    return f"{cleaned}?{query}" if query else cleaned


# Query parameters that number a result page (?page=2, ?start=20) when their value is a number.
_PAGE_PARAM = re.compile(r"^(page|p|pg|paged|pagenumber|page_number|start|offset)$", re.I)


def later_page(link: str, current: str, keep: set[str] | None = None) -> bool:
    """Whether `link` is a later page of the search results `current` is a page of.

    Same path, the same values for the `keep` parameters (the search term's; every other
    parameter of `current` when not given) and a larger page number (none counts as 0).
    So a pager's "previous", "first" and current-page links (Drupal's first page is also
    ?page=0; GOV.UK's page 2 links back to ?page=1), another search (a spelling
    suggestion, "Reset search") and a re-sorted listing are not later pages.
    """

    def split(url: str) -> tuple[str, int | None, dict[str, list[str]]]:
        parts = urlsplit(url)
        number, rest = None, {}
        for key, value in parse_qsl(parts.query, keep_blank_values=True):
            if _PAGE_PARAM.match(key) and value.isdigit():
                number = max(number or 0, int(value))
            else:
                rest.setdefault(key, []).append(value)
        return parts.path, number, rest

    path, number, params = split(link)
    here_path, here_number, here_params = split(current)
    if path != here_path or number is None or number <= (here_number or 0):
        return False
    names = here_params.keys() if keep is None else keep
    return all(params.get(name) == here_params.get(name) for name in names)


def looks_like_file(url: str) -> bool:
    return urlsplit(url).path.lower().endswith(FILE_EXTENSIONS)


def is_html(content_type: str, content: bytes) -> bool:
    ctype = content_type.split(";", 1)[0].strip().lower()
    if ctype in ("text/html", "application/xhtml+xml"):
        return True
    if ctype and ctype not in ("application/octet-stream", "text/plain"):
        return False
    head = content[:512].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html")) or b"<body" in head


@dataclass
class PageInfo:
    title: str = ""
    canonical: str = ""
    noindex: bool = False
    nofollow: bool = False
    links: list[str] = field(default_factory=list)
    main_links: list[str] = field(default_factory=list)  # links inside <main> only
    main_text: str = ""
    published: date | None = None
    updated: date | None = None
    description: str = ""


def read_page(content: bytes, url: str, *, with_text: bool = True) -> PageInfo:
    """Everything the scraper needs from one HTML page (malformed markup is tolerated)."""
    import lxml.html

    info = PageInfo()
    try:
        tree = lxml.html.document_fromstring(content)
    except (ValueError, lxml.etree.ParserError):
        return info
    base = url
    for href in tree.xpath("//base/@href")[:1]:
        base = urljoin(url, href.strip())
    for value in tree.xpath("//meta[@name]"):
        name = (value.get("name") or "").lower()
        if name in ("robots", "datascoresbot"):
            words = {w.strip().lower() for w in (value.get("content") or "").split(",")}
            info.noindex |= bool(words & {"noindex", "none"})
            info.nofollow |= bool(words & {"nofollow", "none"})
        elif name == "description" and not info.description:
            info.description = " ".join((value.get("content") or "").split())[:500]
    for link in tree.xpath("//link[@rel][@href]"):
        if "canonical" in (link.get("rel") or "").lower().split():
            info.canonical = normalize_url(urljoin(base, link.get("href").strip()))
            break
    # The document's <title>, not an inline SVG's (GOV.UK's logo has <title>GOV.UK</title>).
    titles = tree.xpath("(//title[not(ancestor::svg)])[1]//text()")
    if titles:
        info.title = " ".join(" ".join(titles).split())[:500]
    if not info.title:
        heading = tree.xpath("//h1")
        if heading:
            info.title = " ".join(heading[0].text_content().split())[:500]
    info.links = _links(tree.xpath("//a[@href]|//area[@href]"), base)
    mains = tree.xpath("//main|//*[@role='main']")
    info.main_links = _links(mains[0].xpath(".//a[@href]"), base) if mains else info.links
    if with_text:
        from datascores.documents.extract.html import html_to_text

        _title, info.main_text, _meta = html_to_text(content)
        info.published, info.updated = page_dates(tree, url)
    return info


def _links(anchors, base: str) -> list[str]:
    seen: dict[str, None] = {}
    for a in anchors:
        href = (a.get("href") or "").strip()
        if not href or href.lower().startswith(_SKIP_SCHEMES):
            continue
        try:
            absolute = urljoin(base, href)
        except ValueError:
            continue
        if absolute.startswith(("http://", "https://")):
            seen.setdefault(normalize_url(absolute), None)
    return list(seen)


_LISTED_TIME = (
    "//body//li//time | //body//*[contains(@class, 'teaser') or contains(@class, 'search-result')]"
    "//time"
)


def page_dates(tree, url: str) -> tuple[date | None, date | None]:
    """(published, updated) when the page states them; htmldate reads meta tags, <time>,
    structured data and the text, without guessing from the URL alone."""
    import logging

    from htmldate import find_date

    logging.getLogger("htmldate").setLevel(logging.ERROR)
    # A <time> in a list item or a teaser dates a listed item (a search result, a report
    # in a listing, a related news story), not the page: htmldate does not see those.
    if tree.xpath(_LISTED_TIME):
        tree = copy.deepcopy(tree)
        for element in tree.xpath(_LISTED_TIME):
            element.drop_tree()
    found = []
    for original in (True, False):
        try:
            value = find_date(
                tree,
                url=url,
                original_date=original,
                extensive_search=False,
                outputformat="%Y-%m-%d",
            )
        except Exception:  # a date library must never stop a run
            value = None
        found.append(date.fromisoformat(value) if value else None)
    published, updated = found
    if updated == published:
        updated = None
    return published, updated


def mentions(text: str, keywords: list[str]) -> bool:
    """Whether the text mentions any keyword (whole words, case-insensitive)."""
    if not keywords:
        return True
    pattern = re.compile(r"(?<!\w)(" + "|".join(re.escape(k) for k in keywords) + r")(?!\w)", re.I)
    return bool(pattern.search(text))
