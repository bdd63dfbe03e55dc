"""The shapes the sample documents are written in, independent of the file format.

Body text is a sequence of blocks, each a tuple whose first item names its kind:
``("h", text)`` heading, ``("p", text)`` paragraph, ``("request", text)`` the
requester's words, ``("ul", items)`` / ``("ol", items)`` lists, ``("table", rows)``
with the header as the first row, ``("kv", pairs)`` a label/value box,
``("small", text)`` small print, ``("break",)`` a page break.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

Block = tuple[Any, ...]


@dataclass(frozen=True)
class Org:
    """Who a letter comes from, and how its letterhead looks."""

    name: str
    unit: str
    address: tuple[str, ...]
    contact: str
    colour: str = "#1d3b6f"
    # banner | rule | centre | stripe | nhs: one letterhead drawing per kind of body
    style: str = "rule"


@dataclass(frozen=True)
class Letter:
    """A letter, response form or committee report (rendered as PDF, DOCX or a scan)."""

    org: Org
    title: str
    date: date
    ref: str
    blocks: tuple[Block, ...]
    layout: str = "letter"  # letter | form | report
    to: tuple[str, ...] = ()
    salutation: str = ""
    subject: str = ""
    closing: str = "Yours sincerely"
    signer: str = ""
    signer_role: tuple[str, ...] = ()


@dataclass(frozen=True)
class Sheet:
    name: str
    title: str
    header: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]
    widths: tuple[int, ...] = ()
    money_columns: tuple[int, ...] = ()  # 0-based columns formatted as pounds
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Workbook:
    title: str
    author: str
    created: date
    sheets: tuple[Sheet, ...]


@dataclass(frozen=True)
class WebPage:
    """A council web page or a news article, with the boilerplate real pages carry."""

    style: str  # council | news
    site: str
    title: str
    date: date
    blocks: tuple[Block, ...]
    nav: tuple[str, ...] = ()
    breadcrumbs: tuple[str, ...] = ()
    byline: str = ""
    standfirst: str = ""
    related: tuple[str, ...] = ()
    footer_links: tuple[str, ...] = ()
    colour: str = "#333333"


@dataclass(frozen=True)
class Attachment:
    filename: str
    kind: str  # pdf | docx | xlsx
    spec: Any


@dataclass(frozen=True)
class Email:
    sender: str
    to: str
    subject: str
    sent: datetime
    message_id: str
    body: str
    attachments: tuple[Attachment, ...] = ()
    html_alternative: bool = False
    in_reply_to: str = ""


@dataclass(frozen=True)
class Bundle:
    """A ZIP of several files, as FOI teams send large responses."""

    members: tuple[Attachment, ...]


@dataclass(frozen=True)
class Sample:
    """One file of the corpus and the metadata the demo passes to ingest."""

    file: str
    kind: str  # pdf | scan | docx | xlsx | html | eml | zip
    title: str
    source_type: str  # foi | web | media
    authority: str
    spec: Any
    published: date | None = None
    received: date | None = None
    reference: str = ""
    tags: tuple[str, ...] = field(default_factory=tuple)
