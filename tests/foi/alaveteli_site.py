"""A local Alaveteli site on 127.0.0.1: WhatDoTheyKnow's JSON, markup, redirects and robots.txt.

Built from mySociety's Alaveteli source (read, not copied): ``InfoRequest#json_for_api``
and ``InfoRequestEvent#json_for_api`` for ``/request/<url_title>.json``; the request page
from ``request/show.html.erb`` and its ``_incoming_correspondence``,
``_outgoing_correspondence``, ``_attachments`` and ``_prominence`` partials (DOM ids from
``dom_id``, dates from ``time_tag``); ``/request/<id>`` redirecting to the current
url_title (``config/routes/redirects.rb``); attachments being masked redirecting to
``/attachments/<id>/wait`` (``AttachmentsController#ensure_masked``); a hidden attachment
answering 403 with an HTML notice (``render_hidden``); ``/body/<url_name>`` and
``/user/<url_name>`` listings (``_request_listing_via_event`` and will_paginate); and
``public/robots.txt`` exactly as Alaveteli ships it.

The site counts every HTTP request it serves (``hits``), so tests can assert how many an
import made.
"""

from __future__ import annotations

import hashlib
import html
import json
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, quote, unquote, urlsplit

# Alaveteli's public/robots.txt, as shipped.
ALAVETELI_ROBOTS = (
    b"# See https://www.robotstxt.org/robotstxt.html for documentation on how to use the "
    b"robots.txt file\n"
    b"""
User-agent: *
Disallow: */annotate/*
Disallow: */new/*
Disallow: */search/*
Disallow: */similar/*
Disallow: */track/*
Disallow: */upload/*
Disallow: */user/contact/*
Disallow: */feed/*
Disallow: */profile/*
Disallow: */signin*
Disallow: */tor*
Allow: */request/*/response/*/attach/*
Disallow: */request/*/response/*
Disallow: */request/*/download*
Disallow: */change_request/*
Disallow: */outgoing_messages/*/mail_server_logs*
Disallow: */outgoing_messages/*/delivery_status*
Disallow: *?*update_status=1*
Disallow: */request/*/annotate
Disallow: */request/*/feed
Disallow: */request/*/followups/new
Disallow: */request/*/similar
Disallow: */request/*/track
Disallow: */request/*/upload
"""
)

MIME = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "txt": "text/plain",
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
DISPLAY_STATUS = {
    "waiting_response": "Awaiting response",
    "waiting_clarification": "Awaiting clarification",
    "successful": "Successful",
    "partially_successful": "Partially successful",
    "rejected": "Refused",
    "not_held": "Information not held",
}
LONG_MONTHS = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
]  # fmt: skip


def rails_time(when: datetime) -> str:
    """ActiveSupport's JSON time: milliseconds and a UTC offset."""
    return when.isoformat(timespec="milliseconds")


@dataclass
class FakeAttachment:
    id: int
    part: int
    filename: str
    data: bytes
    hidden: bool = False
    wait_times: int = 0  # requests answered with the wait page before the file is ready
    fail_times: int = 0  # requests answered with a 500 before the file is served

    @property
    def content_type(self) -> str:
        return MIME.get(self.filename.rsplit(".", 1)[-1].lower(), "application/octet-stream")


@dataclass
class FakeMessage:
    direction: str  # incoming | outgoing
    id: int
    sent_at: datetime
    body_html: str
    author: str = ""
    body_part_id: int = 0  # the main body's FoiAttachment id (incoming only)
    attachments: list[FakeAttachment] = field(default_factory=list)
    hidden: bool = False


@dataclass
class FakeRequest:
    id: int
    url_title: str
    title: str
    created_at: datetime
    described_state: str
    public_body: dict
    user: dict
    law_used: str = "foi"
    tags: list = field(default_factory=list)
    events: list[dict] = field(default_factory=list)
    messages: list[FakeMessage] = field(default_factory=list)
    updated_at: datetime | None = None

    def as_json(self) -> dict:
        """InfoRequest#json_for_api(true)."""
        return {
            "id": self.id,
            "url_title": self.url_title,
            "title": self.title,
            "created_at": rails_time(self.created_at),
            "updated_at": rails_time(self.updated_at or self.created_at),
            "described_state": self.described_state,
            "display_status": DISPLAY_STATUS.get(self.described_state, self.described_state),
            "awaiting_description": False,
            "prominence": "normal",
            "law_used": self.law_used,
            "tags": self.tags,
            "user": {
                "id": self.user["id"],
                "url_name": self.user["url_name"],
                "name": self.user["name"],
                "ban_text": "",
                "about_me": "",
            },
            "public_body": {
                "id": self.public_body["id"],
                "url_name": self.public_body["url_name"],
                "name": self.public_body["name"],
                "short_name": "",
                "created_at": "2008-01-01T00:00:00.000+00:00",
                "updated_at": "2024-01-01T00:00:00.000+00:00",
                "home_page": self.public_body.get("home_page", ""),
                "notes": "",
                "publication_scheme": "",
                "disclosure_log": "",
                "tags": [["local_council", None]],
                "info": {
                    "requests_count": 1,
                    "requests_successful_count": 0,
                    "requests_not_held_count": 0,
                    "requests_overdue_count": 0,
                    "requests_visible_classified_count": 0,
                },
            },
            "info_request_events": self.events,
        }


class AlaveteliSite:
    """The fake site's state; tests change it between imports (retitle, respond)."""

    def __init__(self) -> None:
        self.requests: dict[int, FakeRequest] = {}
        self.robots: bytes = ALAVETELI_ROBOTS
        self.hits: list[str] = []  # every path (with query) served, in order
        self.user_agents: list[str] = []
        self.conditional = True  # answer If-None-Match with 304
        self.per_page = 2
        self.page_failures: dict[int, int] = {}  # request id -> page requests answered 500
        self._next_event = 9000
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- state -------------------------------------------------------------------------

    def add(self, req: FakeRequest) -> FakeRequest:
        self.requests[req.id] = req
        return req

    def event(self, req: FakeRequest, event_type: str, when: datetime, **ids) -> dict:
        self._next_event += 1
        e = {
            "id": self._next_event,
            "event_type": event_type,
            "created_at": rails_time(when),
            "described_state": ids.pop("described_state", None),
            "calculated_state": ids.pop("calculated_state", None),
            "last_described_at": None,
            "incoming_message_id": ids.get("incoming_message_id"),
            "outgoing_message_id": ids.get("outgoing_message_id"),
            "comment_id": None,
        }
        if e["incoming_message_id"] or e["outgoing_message_id"]:
            e["display_status"] = DISPLAY_STATUS.get(req.described_state, req.described_state)
        req.events.append(e)
        req.updated_at = when
        return e

    def send(self, req: FakeRequest, msg: FakeMessage, *, followup: bool = False) -> None:
        req.messages.append(msg)
        kind = "followup_sent" if followup else "sent"
        self.event(req, kind, msg.sent_at, outgoing_message_id=msg.id)

    def respond(self, req: FakeRequest, msg: FakeMessage, *, new_state: str | None = None) -> None:
        req.messages.append(msg)
        self.event(req, "response", msg.sent_at, incoming_message_id=msg.id)
        if new_state:
            req.described_state = new_state
            self.event(
                req,
                "status_update",
                msg.sent_at + timedelta(hours=2),
                described_state=new_state,
                calculated_state=new_state,
            )

    def retitle(self, req: FakeRequest, title: str, url_title: str) -> None:
        req.title = title
        req.url_title = url_title
        self.event(req, "edit", (req.updated_at or req.created_at) + timedelta(days=1))

    def by_url_title(self, url_title: str) -> FakeRequest | None:
        return next((r for r in self.requests.values() if r.url_title == url_title), None)

    def count(self, prefix: str = "") -> int:
        return sum(1 for h in self.hits if h.startswith(prefix))

    # --- server ------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> AlaveteliSite:
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):
                with site._lock:
                    site.hits.append(self.path)
                    site.user_agents.append(self.headers.get("User-Agent", ""))
                status, headers, body = site.route(self.path, self.headers)
                etag = headers.get("ETag")
                if (
                    status == 200
                    and etag
                    and site.conditional
                    and self.headers.get("If-None-Match") == etag
                ):
                    status, body = 304, b""
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    # --- routes ------------------------------------------------------------------------

    def route(self, raw_path: str, headers) -> tuple[int, dict, bytes]:
        parts = urlsplit(raw_path)
        path = unquote(parts.path)
        query = parse_qs(parts.query)
        segs = [s for s in path.split("/") if s]
        if path == "/robots.txt":
            return 200, {"Content-Type": "text/plain"}, self.robots
        if path == "/body/all-authorities.csv":
            return 200, {"Content-Type": "text/csv"}, self.authorities_csv()
        if len(segs) == 2 and segs[0] == "attachments":
            return self.not_found()
        if len(segs) == 3 and segs[0] == "attachments" and segs[2] == "wait":
            return 200, _html_type(), self.wait_page()
        if len(segs) == 2 and segs[0] in ("body", "user"):
            page = int((query.get("page") or ["1"])[0])
            return self.listing(segs[0], segs[1], page)
        if len(segs) >= 2 and segs[0] == "request":
            ref = segs[1]
            fmt = ""
            if ref.endswith(".json"):
                ref, fmt = ref[:-5], ".json"
            if ref.isdigit():
                req = self.requests.get(int(ref))
                if req is None:
                    return self.not_found()
                rest = "/".join(quote(s) for s in segs[2:])
                location = f"/request/{req.url_title}{fmt}" + (f"/{rest}" if rest else "")
                return 301, {"Location": location, **_html_type()}, b"<html>redirect</html>"
            req = self.by_url_title(ref)
            if req is None:
                return self.not_found()
            if len(segs) == 2:
                if fmt == ".json":
                    body = json.dumps(req.as_json()).encode()
                    return 200, _etagged("application/json; charset=utf-8", body), body
                if self.page_failures.get(req.id, 0) > 0:
                    self.page_failures[req.id] -= 1
                    return 500, _html_type(), b"<html><body>Something went wrong.</body></html>"
                body = self.request_page(req).encode()
                return 200, _etagged("text/html; charset=utf-8", body), body
            if len(segs) >= 7 and segs[2] == "response" and segs[4] == "attach":
                return self.attachment(req, int(segs[3]), segs[5], "/".join(segs[6:]), raw_path)
        return self.not_found()

    def not_found(self) -> tuple[int, dict, bytes]:
        body = b"<html><body><h1>Sorry, we couldn't find that page</h1></body></html>"
        return 404, _html_type(), body

    def attachment(self, req, message_id, part, filename, raw_path):
        msg = next(
            (m for m in req.messages if m.direction == "incoming" and m.id == message_id), None
        )
        if msg is None or not part.isdigit():
            return self.not_found()
        att = next((a for a in msg.attachments if a.part == int(part)), None)
        if att is None or att.filename != filename:
            # AttachmentsController: an unknown file name redirects to the message.
            location = f"/request/{req.url_title}#incoming_message_{msg.id}"
            return 303, {"Location": location, **_html_type()}, b""
        if att.hidden:
            body = (
                b'<html><body><h1>Attachment has been removed</h1><p id="hidden_message" '
                b'class="hidden_message">This attachment has been hidden. There are various '
                b"reasons why we might have done this, sorry.</p></body></html>"
            )
            return 403, _html_type(), body
        if att.fail_times > 0:
            att.fail_times -= 1
            return (
                500,
                _html_type(),
                b"<html><body>We're sorry, but something went wrong.</body></html>",
            )
        if att.wait_times > 0:
            att.wait_times -= 1
            sgid = f"BAh7CEkiCGdpZAY6BkVUSSI{att.id}"
            referer = quote(raw_path, safe="")
            return 302, {"Location": f"/attachments/{sgid}/wait?referer={referer}"}, b""
        headers = {
            "Content-Type": att.content_type,
            "Content-Disposition": f'attachment; filename="{att.filename}"',
        }
        return 200, headers, att.data

    # --- markup ------------------------------------------------------------------------

    def wait_page(self) -> bytes:
        return _layout(
            "Attachment processing...",
            '<meta http-equiv="refresh" content="2">',
            "<h1>Attachment processing...</h1>\n<p>We're still preparing this attachment. "
            "The page will reload automatically once it's ready.</p>",
        ).encode()

    def request_page(self, req: FakeRequest) -> str:
        user = req.user
        body = req.public_body
        parts = [
            '<div class="request-header">\n  <div class="row">\n'
            f"    <h1>{html.escape(req.title)}</h1>\n"
            '    <p class="request-header__subtitle">\n'
            f'      <a href="/user/{user["url_name"]}">{html.escape(user["name"])}</a> made this '
            '<a href="/help/requesting#foi">Freedom of Information request</a> to '
            f'<a href="/body/{body["url_name"]}">{html.escape(body["name"])}</a>\n'
            "    </p>\n"
            '    <div class="request-status"><div id="request_status" '
            f'class="request-status-message request-status-message--{req.described_state}">'
            f"<p>{DISPLAY_STATUS.get(req.described_state, '')}.</p></div></div>\n"
            "  </div>\n</div>\n",
            '<div id="left_column" class="left_column">',
        ]
        messages = {(m.direction, m.id): m for m in req.messages}
        for e in req.events:
            msg = None
            if e["event_type"] == "response":
                msg = messages.get(("incoming", e["incoming_message_id"]))
            elif e["event_type"] in ("sent", "followup_sent"):
                msg = messages.get(("outgoing", e["outgoing_message_id"]))
            if msg is None:
                continue
            parts.append('<div class="ff-print-fix"></div>')
            if msg.direction == "incoming":
                parts.append(self.incoming(req, msg))
            else:
                parts.append(self.outgoing(msg, e))
        parts.append("</div>")
        title = f"{html.escape(req.title)} - a Freedom of Information request to {body['name']}"
        return _layout(title, "", "\n".join(parts))

    def incoming(self, req: FakeRequest, msg: FakeMessage) -> str:
        klass = "hidden" if msg.hidden else "normal"
        out = [
            f'<div class="incoming correspondence {klass} js-collapsible" '
            f'id="incoming_message_{msg.id}">',
            '  <div class="correspondence__header">',
            '    <span class="correspondence__header__author js-collapsible-trigger">',
        ]
        if msg.author:
            out.append(f"        {html.escape(msg.author)},")
        out += [
            f"        {html.escape(req.public_body['name'])}",
            "    </span>",
            f'    <a class="correspondence__header__date" href="#incoming_message_{msg.id}">'
            f"{_time_tag(msg.sent_at)}</a>",
            "  </div>",
        ]
        if msg.hidden:
            out.append(
                '  <p id="hidden_message" class="hidden_message">This message has been hidden. '
                "There are various reasons why we might have done this, sorry.</p>"
            )
            out.append("</div>")
            return "\n".join(out)
        out.append('  <div class="correspondence_text">')
        if msg.attachments:
            n = len(msg.attachments)
            out += [
                '  <div class="attachments">',
                '    <div class="attachments__header">',
                f"      <h3>{n} Attachment{'s' if n != 1 else ''}</h3>",
                "    </div>",
                '    <ul class="list-of-attachments">',
            ]
            for a in msg.attachments:
                out.append(self.attachment_li(req, msg, a))
            out += [
                "    </ul>",
                '    <a href="#" class="attachments__show-more" style="display: none;" '
                'data-show-all="Show all attachments" '
                'data-show-fewer="Show fewer attachments"></a>',
                "  </div>",
            ]
        out += [
            f'  <div id="foi_attachment_{msg.body_part_id}">',
            f"    {msg.body_html}",
            "  </div>",
            "  </div>",
            '  <p class="event_actions">\n  </p>',
            '  <div class="correspondence__footer">',
            '    <div class="correspondence__footer__cplink">',
            f'      <input type="text" class="correspondence__footer__cplink__field" '
            f'value="/request/{req.url_title}#incoming_message_{msg.id}" readonly>',
            "    </div>",
            "  </div>",
            "</div>",
        ]
        return "\n".join(out)

    def attachment_li(self, req: FakeRequest, msg: FakeMessage, a: FakeAttachment) -> str:
        if a.hidden:
            return (
                f'      <li class="attachment" id="foi_attachment_{a.id}">\n'
                '        <img class="attachment__image" '
                'src="/assets/content_type/icon_unknown.png" />\n'
                '        <span class="hidden_attachment">This attachment has been hidden. '
                "There are various reasons why we might have done this, sorry.</span>\n"
                "      </li>"
            )
        path = f"/request/{req.url_title}/response/{msg.id}/attach/{a.part}/{quote(a.filename)}"
        icon = f"icon_{a.content_type.replace('/', '_')}_large.png"
        size = f"{max(1, len(a.data) // 1024)}K"
        view = ""
        if a.filename.endswith((".pdf", ".docx")):
            html_path = (
                f"/request/{req.url_title}/response/{msg.id}/attach/html/{a.part}/"
                f"{quote(a.filename)}.html"
            )
            view = f'<a href="{html_path}">View</a>\n'
        return (
            f'      <li class="attachment" id="foi_attachment_{a.id}">\n'
            f'        <a href="{path}"><img class="attachment__image" alt="Attachment" '
            f'src="/assets/content_type/{icon}" /></a>\n'
            f'        <p class="attachment__name">\n          {html.escape(a.filename)}\n'
            "        </p>\n"
            f'        <p class="attachment__meta">\n          {size}\n          {view}'
            f'          <a href="{path}">Download</a>\n        </p>\n'
            "      </li>"
        )

    def outgoing(self, msg: FakeMessage, event: dict) -> str:
        when = datetime.fromisoformat(event["created_at"])
        return "\n".join(
            [
                '<div class="outgoing correspondence js-collapsible" '
                f'id="outgoing_message_{msg.id}">',
                '  <div class="correspondence__header ">',
                '    <span class="correspondence__header__author js-collapsible-trigger">',
                f"      {html.escape(msg.author) or 'Anonymous user'}",
                "    </span>",
                f'    <a class="correspondence__header__date" href="#outgoing_message_{msg.id}">'
                f"{_time_tag(when)}</a>",
                "  </div>",
                '  <div class="js-delivery-log-ajax-error" hidden aria-hidden="true" '
                'style="display: none; visibility: hidden;">',
                "    <p>We couldn’t load the mail server logs for this message.</p>",
                "  </div>",
                '  <div class="correspondence_text">',
                f"    <div>{msg.body_html}</div>",
                "  </div>",
                '  <p class="event_actions">\n  </p>',
                "</div>",
            ]
        )

    def listing(self, kind: str, url_name: str, page: int) -> tuple[int, dict, bytes]:
        if kind == "body":
            reqs = [r for r in self.requests.values() if r.public_body["url_name"] == url_name]
        else:
            reqs = [r for r in self.requests.values() if r.user["url_name"] == url_name]
        if not reqs:
            return self.not_found()
        reqs.sort(key=lambda r: r.created_at, reverse=True)
        start = (page - 1) * self.per_page
        shown = reqs[start : start + self.per_page]
        items = []
        for r in shown:
            last = r.events[-1]
            anchor = ""
            if last.get("incoming_message_id"):
                anchor = f"#incoming_message_{last['incoming_message_id']}"
            items.append(
                '<div class="request_listing">\n  <div class="request_left">\n'
                f'    <span class="head">\n      <a href="/request/{r.url_title}{anchor}">'
                f"{html.escape(r.title)}</a>\n    </span>\n"
                f'    <div class="requester">Request sent to <a href="/body/'
                f'{r.public_body["url_name"]}">{html.escape(r.public_body["name"])}</a> by '
                f'<a href="/user/{r.user["url_name"]}">{html.escape(r.user["name"])}</a> on '
                f"{_time_tag(r.created_at)}.</div>\n"
                f'    <p>\n      <i class="icon-standalone icon_{r.described_state}"></i>\n'
                f"      <strong>\n        {DISPLAY_STATUS.get(r.described_state, '')}\n"
                "      </strong>\n    </p>\n  </div>\n"
                '  <div class="request_right"><span class="desc">…</span></div>\n</div>'
            )
        pages = (len(reqs) + self.per_page - 1) // self.per_page
        pagination = ""
        if pages > 1:
            base = f"/{kind}/{url_name}"
            links = []
            if page > 1:
                links.append(
                    f'<a class="previous_page" rel="prev" href="{base}?page={page - 1}">'
                    "&#8592; Previous</a>"
                )
            else:
                links.append('<span class="previous_page disabled">&#8592; Previous</span>')
            for n in range(1, pages + 1):
                if n == page:
                    links.append(f'<em class="current">{n}</em>')
                else:
                    links.append(
                        f'<a rel="{"next" if n == page + 1 else ""}" href="{base}?page={n}">{n}</a>'
                    )
            if page < pages:
                links.append(
                    f'<a class="next_page" rel="next" href="{base}?page={page + 1}">'
                    "Next &#8594;</a>"
                )
            else:
                links.append('<span class="next_page disabled">Next &#8594;</span>')
            pagination = f'<div class="pagination">{" ".join(links)}</div>'
        if kind == "body":
            main = (
                '<div class="authority__body"><div class="authority__body__foi-results">'
                f'<h2 class="foi_results">{len(reqs)} requests</h2><a name="results"></a>'
                + "\n".join(items)
                + pagination
                + "</div></div>"
            )
        else:
            # A user's page lists their requests, then their annotations (which link to
            # other people's requests).
            other = next(
                (r for r in self.requests.values() if r.user["url_name"] != url_name), None
            )
            annotations = ""
            if other is not None:
                annotations = (
                    '<h2 id="annotations">This person\'s 1 annotation</h2>'
                    '<div class="request_listing"><div class="request_left"><span class="head">'
                    f'<a href="/request/{other.url_title}#comment-77">{html.escape(other.title)}'
                    "</a></span></div></div>"
                )
            main = (
                '<div id="user_profile_search" class="user_profile_search">'
                '<h2 class="foi_results foi_requests" id="foi_requests">'
                "This person's Freedom of Information requests</h2>"
                + "\n".join(items)
                + pagination
                + annotations
                + "</div>"
            )
        return 200, _html_type(), _layout(url_name, "", main).encode()

    def authorities_csv(self) -> bytes:
        rows = [
            "Name,Short name,URL name,Tags,Home page,Publication scheme,Disclosure log,Notes,"
            "Created at,Updated at,Version"
        ]
        seen = set()
        for r in self.requests.values():
            b = r.public_body
            if b["url_name"] in seen:
                continue
            seen.add(b["url_name"])
            rows.append(
                f"{b['name']},,{b['url_name']},local_council,{b.get('home_page', '')},,,,"
                "2008-01-01 00:00:00 +0000,2024-01-01 00:00:00 +0000,1"
            )
        return ("\n".join(rows) + "\n").encode()


def _time_tag(when: datetime) -> str:
    """Rails' time_tag as Alaveteli's simple_date renders it."""
    text = f"{when.day} {LONG_MONTHS[when.month - 1]} {when.year}"
    return (
        f'<time datetime="{when.isoformat()}" title="{when.strftime("%Y-%m-%d %H:%M:%S %z")}">'
        f"{text}</time>"
    )


def _layout(title: str, head: str, body: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en-GB">\n<head>\n<meta charset="utf-8">\n'
        f'<title>{title} - WhatDoTheyKnow</title>\n{head}\n</head>\n<body class="front">\n'
        '<div id="wrapper"><div id="content">\n'
        f"{body}\n</div></div>\n</body>\n</html>\n"
    )


def _html_type() -> dict:
    return {"Content-Type": "text/html; charset=utf-8"}


def _etagged(content_type: str, body: bytes) -> dict:
    return {
        "Content-Type": content_type,
        "ETag": 'W/"' + hashlib.md5(body).hexdigest() + '"',  # noqa: S324 (Rack::ETag)
        "Cache-Control": "max-age=0, private, must-revalidate",
    }


# --- the standard fixture: requests covering every case the importer must handle -------

T0 = datetime(2024, 1, 15, 10, 20, 30, 123000, tzinfo=UTC)
COUNCIL = {
    "id": 501,
    "url_name": "harrowgate_borough_council",
    "name": "Harrowgate Borough Council",
    "home_page": "https://www.harrowgate.gov.uk",
}
POLICE = {"id": 502, "url_name": "nettlebridge_police", "name": "Nettlebridge Police"}
JANE = {"id": 71, "url_name": "jane_researcher", "name": "Jane Researcher"}
SAM = {"id": 72, "url_name": "sam_citizen", "name": "Sam Citizen"}
TEXT_PDF_WORDS = "Xylofinder risk model evaluation"
SCAN_WORDS = ["Nettlebridge scoring model", "Data protection impact assessment"]


def standard_site(*, scanned: bool = True) -> AlaveteliSite:
    """Four requests: a successful one with text and scanned PDFs, a DOCX and a hidden file;
    one awaiting response; one that will be retitled; one with a file behind the wait page
    and a file that fails once."""
    from tests.documents.fixtures import docx_file, scanned_pdf, text_pdf

    site = AlaveteliSite()
    ask = "<p>Dear Harrowgate Borough Council,</p><p>Please send me any evaluation of the "
    ask += "risk scoring tools you use in children's services.</p><p>Yours faithfully,</p>"
    ask += "<p>Jane Researcher</p>"

    r1 = site.add(
        FakeRequest(
            101,
            "risk_scoring_in_childrens_services",
            "Risk scoring in children's services",
            T0,
            "waiting_response",
            COUNCIL,
            JANE,
            tags=[["algorithm", None], ["year", "2024"]],
        )
    )
    site.send(r1, FakeMessage("outgoing", 2001, T0, ask, author="Jane Researcher"))
    attachments = [
        FakeAttachment(7001, 2, "Evaluation report.pdf", text_pdf([f"{TEXT_PDF_WORDS}\nPage one"])),
        FakeAttachment(7003, 4, "Supplier contract.docx", docx_file()),
        FakeAttachment(7004, 5, "Personal data.pdf", text_pdf(["Withheld"]), hidden=True),
    ]
    if scanned:
        attachments.insert(
            1, FakeAttachment(7002, 3, "Scanned letter.pdf", scanned_pdf(SCAN_WORDS))
        )
    site.respond(
        r1,
        FakeMessage(
            "incoming",
            3001,
            T0 + timedelta(days=18, hours=3),
            "<p>Dear Ms Researcher,</p><p>Please find attached our evaluation of the "
            "Xylofinder predictive model and the supplier contract.</p>"
            "<p>Information Governance Team</p>",
            author="Information Governance",
            body_part_id=7000,
            attachments=attachments,
        ),
        new_state="successful",
    )

    r2 = site.add(
        FakeRequest(
            102,
            "automated_decisions_in_housing_benefit",
            "Automated decisions in housing benefit",
            T0 + timedelta(days=30),
            "waiting_response",
            COUNCIL,
            SAM,
        )
    )
    site.send(
        r2,
        FakeMessage(
            "outgoing",
            2002,
            T0 + timedelta(days=30),
            "<p>Do you use automated decision making in housing benefit fraud checks?</p>",
            author="Sam Citizen",
        ),
    )

    r3 = site.add(
        FakeRequest(
            103,
            "police_facial_recognition",
            "Police facial recognition",
            T0 + timedelta(days=40),
            "rejected",
            POLICE,
            JANE,
        )
    )
    site.send(
        r3,
        FakeMessage(
            "outgoing",
            2003,
            T0 + timedelta(days=40),
            "<p>Please send the equality impact assessment for live facial recognition.</p>",
            author="Jane Researcher",
        ),
    )
    site.respond(
        r3,
        FakeMessage(
            "incoming",
            3003,
            T0 + timedelta(days=60),
            "<p>We refuse this request under section 31 (law enforcement).</p>",
            author="Disclosure Unit",
            body_part_id=7100,
        ),
        new_state="rejected",
    )

    r4 = site.add(
        FakeRequest(
            104,
            "predictive_policing_contract",
            "Predictive policing contract",
            T0 + timedelta(days=50),
            "waiting_response",
            POLICE,
            SAM,
        )
    )
    site.send(
        r4,
        FakeMessage(
            "outgoing",
            2004,
            T0 + timedelta(days=50),
            "<p>Please send the contract for the predictive policing pilot.</p>",
            author="Sam Citizen",
        ),
    )
    site.respond(
        r4,
        FakeMessage(
            "incoming",
            3004,
            T0 + timedelta(days=70),
            "<p>Attached are the contract and the pilot's data flow diagram.</p>",
            author="",
            body_part_id=7200,
            attachments=[
                FakeAttachment(
                    7201, 2, "Contract.pdf", text_pdf(["Quillmarsh contract terms"]), wait_times=1
                ),
                FakeAttachment(
                    7202, 3, "Data flows.pdf", text_pdf(["Data flow diagram"]), fail_times=1
                ),
            ],
        ),
        new_state="partially_successful",
    )
    return site
