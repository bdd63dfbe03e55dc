"""Reading Alaveteli's formats: request references, the request JSON, the request page's
correspondence and attachments, and the authority/user request listings.

Written against mySociety's Alaveteli source: ``InfoRequest#json_for_api`` and
``InfoRequestEvent#json_for_api`` for the JSON; ``request/show.html.erb`` with the
``_incoming_correspondence``, ``_outgoing_correspondence`` and ``_attachments`` partials for
the page; ``_request_listing_via_event`` and will_paginate for ``/body/<url_name>`` and
``/user/<url_name>``. Pure functions, no network.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import unquote, urljoin, urlsplit

from bs4 import BeautifulSoup, Tag

# Event types whose arrival changes what the request page shows (messages, attachments).
# Status updates, overdue markers and comments change only what the JSON already says.
MESSAGE_EVENTS = frozenset(
    {
        "sent",
        "resent",
        "followup_sent",
        "followup_resent",
        "response",
        "edit_outgoing",
        "edit_incoming",
        "edit_attachment",
        "destroy_incoming",
        "destroy_outgoing",
        "redeliver_incoming",
        "hide",
    }
)
_ATTACH_PATH = re.compile(
    r"/request/(?P<url_title>[^/]+)/response/(?P<im>\d+)/attach/(?P<part>\d+)/(?P<name>[^?#]+)$"
)
# An optional locale prefix (/en/request/…, as on AskTheEU) redirects to the same request.
_REQUEST_PATH = re.compile(r"^(?:/[a-z]{2}(?:[_-][A-Za-z]{2})?)?/request/(?P<ref>[^/.?#]+)")


class FormatError(ValueError):
    """The site answered with something that is not Alaveteli's format."""


@dataclass(frozen=True)
class RequestRef:
    """What a user gave: an Alaveteli id or a url_title, on a site."""

    site: str
    alaveteli_id: int | None = None
    url_title: str = ""

    def __str__(self) -> str:
        return f"{self.site}/request/{self.alaveteli_id or self.url_title}"


def normalise_site(base_url: str) -> str:
    parts = urlsplit(base_url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"Not a site address: {base_url!r} (expected https://host).")
    return f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}"


def parse_ref(text: str, base_url: str) -> RequestRef:
    """A request id, a url_title or a request URL (any page of it) -> RequestRef."""
    value = text.strip().strip('"').strip()
    if not value:
        raise ValueError("Empty request reference.")
    site = normalise_site(base_url)
    if value.isdigit():
        return RequestRef(site, alaveteli_id=int(value))
    if "/" in value or value.startswith("http"):
        if value.startswith(("http://", "https://")):
            parts = urlsplit(value)
            site = f"{parts.scheme}://{parts.netloc}"
            path = parts.path
        else:
            path = "/" + value.lstrip("/")
        match = _REQUEST_PATH.search(path)
        if not match:
            raise ValueError(
                f"Not a request address: {text.strip()!r} (expected …/request/<name>)."
            )
        ref = unquote(match.group("ref"))
        if ref.isdigit():
            return RequestRef(site, alaveteli_id=int(ref))
        return RequestRef(site, url_title=ref)
    if re.fullmatch(r"[\w-]+", value):
        return RequestRef(site, url_title=value)
    raise ValueError(f"Not a request id, name or address: {text.strip()!r}.")


# --- the request JSON ----------------------------------------------------------------


@dataclass
class Event:
    id: int
    event_type: str
    created_at: datetime | None
    described_state: str
    calculated_state: str
    incoming_message_id: int | None
    outgoing_message_id: int | None

    def as_json(self) -> dict:
        return {
            "id": self.id,
            "event_type": self.event_type,
            "created_at": self.created_at.isoformat() if self.created_at else None,
            "described_state": self.described_state,
            "calculated_state": self.calculated_state,
            "incoming_message_id": self.incoming_message_id,
            "outgoing_message_id": self.outgoing_message_id,
        }


@dataclass
class RequestData:
    id: int
    url_title: str
    title: str
    created_at: datetime | None
    updated_at: datetime | None
    described_state: str
    display_status: str
    awaiting_description: bool
    prominence: str
    law_used: str
    tags: list
    requester_name: str
    requester_url_name: str
    authority_name: str
    authority_url_name: str
    events: list[Event]

    def message_signature(self) -> list:
        """What the request page depends on: the message-bearing events."""
        return [
            [e.id, e.event_type, e.incoming_message_id, e.outgoing_message_id]
            for e in self.events
            if e.event_type in MESSAGE_EVENTS
        ]

    @property
    def first_response_at(self) -> datetime | None:
        times = [e.created_at for e in self.events if e.event_type == "response" and e.created_at]
        return min(times) if times else None

    @property
    def last_event(self) -> Event | None:
        return max(self.events, key=lambda e: e.id) if self.events else None


def parse_time(value) -> datetime | None:
    """Alaveteli's JSON times: ISO 8601 with milliseconds and a UTC offset."""
    if not value or not isinstance(value, str):
        return None
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo else None


def _int(value) -> int | None:
    try:
        return int(value) if value is not None and value != "" else None
    except (TypeError, ValueError):
        return None


def parse_request_json(data: bytes | str) -> RequestData:
    """``/request/<url_title>.json`` -> RequestData (raises FormatError on anything else)."""
    try:
        doc = json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise FormatError(f"the request JSON could not be read ({exc})") from exc
    if not isinstance(doc, dict) or not isinstance(doc.get("id"), int) or not doc.get("url_title"):
        raise FormatError("the answer is not an Alaveteli request (no id or url_title)")
    user = doc.get("user") if isinstance(doc.get("user"), dict) else {}
    body = doc.get("public_body") if isinstance(doc.get("public_body"), dict) else {}
    events = []
    for e in doc.get("info_request_events") or []:
        if not isinstance(e, dict) or _int(e.get("id")) is None:
            continue
        events.append(
            Event(
                id=int(e["id"]),
                event_type=str(e.get("event_type") or ""),
                created_at=parse_time(e.get("created_at")),
                described_state=str(e.get("described_state") or ""),
                calculated_state=str(e.get("calculated_state") or ""),
                incoming_message_id=_int(e.get("incoming_message_id")),
                outgoing_message_id=_int(e.get("outgoing_message_id")),
            )
        )
    tags = [list(t) for t in doc.get("tags") or [] if isinstance(t, list | tuple)]
    return RequestData(
        id=doc["id"],
        url_title=str(doc["url_title"]),
        title=str(doc.get("title") or ""),
        created_at=parse_time(doc.get("created_at")),
        updated_at=parse_time(doc.get("updated_at")),
        described_state=str(doc.get("described_state") or ""),
        display_status=str(doc.get("display_status") or ""),
        awaiting_description=bool(doc.get("awaiting_description")),
        prominence=str(doc.get("prominence") or ""),
        law_used=str(doc.get("law_used") or ""),
        tags=tags,
        requester_name=str(user.get("name") or doc.get("user_name") or ""),
        requester_url_name=str(user.get("url_name") or ""),
        authority_name=str(body.get("name") or ""),
        authority_url_name=str(body.get("url_name") or ""),
        events=events,
    )


# --- the request page ----------------------------------------------------------------


@dataclass
class PageAttachment:
    alaveteli_id: int
    incoming_message_id: int
    hidden: bool
    part: int | None = None
    filename: str = ""
    url: str = ""
    size_text: str = ""


@dataclass
class PageMessage:
    direction: str  # incoming | outgoing
    alaveteli_id: int
    author: str
    sent_at: datetime | None
    body: str
    hidden: bool
    attachments: list[PageAttachment] = field(default_factory=list)


def _text(node: Tag | None) -> str:
    """Readable text of a message body: paragraphs and line breaks kept, spaces folded."""
    if node is None:
        return ""
    for br in node.find_all("br"):
        br.replace_with("\n")
    for block in node.find_all(["p", "div", "pre", "blockquote", "li", "tr"]):
        block.insert_after("\n\n")
    lines = [re.sub(r"[ \t\xa0]+", " ", line).strip() for line in node.get_text("").splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _author(header: Tag | None) -> str:
    span = header.select_one(".correspondence__header__author") if header else None
    if span is None:
        return ""
    parts = [p.strip().rstrip(",").strip() for p in span.get_text("\n").split("\n")]
    return ", ".join(p for p in parts if p)


def _date(header: Tag | None) -> datetime | None:
    time_tag = header.select_one(".correspondence__header__date time") if header else None
    if time_tag is None:
        return None
    return parse_time(time_tag.get("datetime"))


def parse_request_page(html: bytes | str, page_url: str) -> list[PageMessage]:
    """The correspondence on a request page, in page order."""
    soup = BeautifulSoup(html, "lxml")
    messages = []
    for div in soup.select("div.correspondence[id]"):
        m = re.fullmatch(r"(incoming|outgoing)_message_(\d+)", div["id"])
        if not m:
            continue
        direction, msg_id = m.group(1), int(m.group(2))
        header = div.select_one(".correspondence__header")
        hidden = "hidden" in (div.get("class") or []) or bool(div.select_one(".hidden_message"))
        text_div = div.select_one(".correspondence_text")
        attachments: list[PageAttachment] = []
        body = ""
        if direction == "incoming" and text_div is not None:
            for li in text_div.select("ul.list-of-attachments li.attachment[id]"):
                am = re.fullmatch(r"foi_attachment_(\d+)", li["id"])
                if not am:
                    continue
                attachments.append(_page_attachment(li, int(am.group(1)), msg_id, page_url))
            body_div = next(
                (
                    d
                    for d in text_div.find_all("div", id=re.compile(r"^foi_attachment_\d+$"))
                    if d.name == "div"
                ),
                None,
            )
            body = _text(body_div)
        elif text_div is not None:
            body = _text(text_div)
        messages.append(
            PageMessage(
                direction=direction,
                alaveteli_id=msg_id,
                author=_author(header),
                sent_at=_date(header),
                body=body,
                hidden=hidden and not body,
                attachments=attachments,
            )
        )
    return messages


def _page_attachment(li: Tag, att_id: int, msg_id: int, page_url: str) -> PageAttachment:
    link = None
    for a in li.find_all("a", href=True):
        path = urlsplit(urljoin(page_url, a["href"])).path
        if "/attach/html/" not in path and _ATTACH_PATH.search(path):
            link = urljoin(page_url, a["href"])
            break
    name_p = li.select_one(".attachment__name")
    meta_p = li.select_one(".attachment__meta")
    size = ""
    if meta_p is not None:
        first = meta_p.find(string=True, recursive=False)
        size = (first or "").strip()
    if link is None:
        return PageAttachment(
            alaveteli_id=att_id,
            incoming_message_id=msg_id,
            hidden=True,  # not linked: hidden, erased or not readable by the public
            filename=name_p.get_text(strip=True) if name_p else "",
        )
    m = _ATTACH_PATH.search(urlsplit(link).path)
    filename = unquote(m.group("name")) if m else ""
    if name_p is not None and name_p.get_text(strip=True):
        filename = name_p.get_text(strip=True)
    return PageAttachment(
        alaveteli_id=att_id,
        incoming_message_id=int(m.group("im")) if m else msg_id,
        hidden=False,
        part=int(m.group("part")) if m else None,
        filename=filename,
        url=link,
        size_text=size,
    )


def is_attachment_url(url: str) -> bool:
    return bool(_ATTACH_PATH.search(urlsplit(url).path))


# --- listings ------------------------------------------------------------------------


def parse_listing(html: bytes | str, page_url: str) -> tuple[list[str], str]:
    """Request url_titles on a /body/<url_name> or /user/<url_name> page, and the next page.

    On a user's page only the requests section counts (annotations follow under their own
    heading and link to other people's requests).
    """
    soup = BeautifulSoup(html, "lxml")
    stop = soup.select_one("h2#annotations")
    after_stop = {id(el) for el in stop.find_all_next()} if stop is not None else set()
    titles: list[str] = []
    for a in soup.select("div.request_listing span.head a[href]"):
        if id(a) in after_stop:
            continue
        path = urlsplit(urljoin(page_url, a["href"])).path
        m = _REQUEST_PATH.match(path)
        if m:
            slug = unquote(m.group("ref"))
            if slug not in titles:
                titles.append(slug)
    next_link = None
    for candidate in soup.select("div.pagination a.next_page[href], a[rel~=next][href]"):
        if id(candidate) in after_stop:
            continue
        next_link = candidate
        break
    return titles, urljoin(page_url, next_link["href"]) if next_link is not None else ""
