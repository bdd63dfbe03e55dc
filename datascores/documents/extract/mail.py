"""E-mail: .eml through the standard library, .msg (Outlook) through extract-msg.

The headers and body make the document's text; attachments (and inline parts that are
not the body) become members, so each is read as a document of its own.
"""

from __future__ import annotations

import mimetypes
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import parsedate_to_datetime

import extract_msg

from ._common import Budget, clean_text, paginate
from .base import Context, Extracted, ExtractionError, FailureCode, NoticeCode
from .html import html_to_text

_HEADERS = ("From", "To", "Cc", "Date", "Subject")
# More parts than this in one message is not correspondence but a hostile file.
MAX_PARTS = 2000


def extract(data: bytes, ctx: Context, budget: Budget) -> Extracted:
    if ctx.mime_type == "application/vnd.ms-outlook":
        return _extract_msg(data, ctx, budget)
    return _extract_eml(data, ctx, budget)


def _extract_eml(data: bytes, ctx: Context, budget: Budget) -> Extracted:
    try:
        message = BytesParser(policy=policy.default).parsebytes(data)
        headers = {name: _header(message, name) for name in _HEADERS}
        body_part = message.get_body(preferencelist=("plain", "html"))
        body = _part_text(body_part) if body_part is not None else ""
        _attachments(message, body_part, ctx, budget)
    except Exception as exc:  # the parser is lenient; what still fails is badly broken
        raise budget.corrupt(exc) from None
    metadata = {k.lower(): v for k, v in headers.items() if v and k not in ("Subject", "Date")}
    date = _parse_date(headers["Date"])
    if date:
        metadata["date"] = date
    return _result(headers, body, metadata, budget)


def _result(headers, body, metadata, budget: Budget) -> Extracted:
    head = "\n".join(f"{name}: {value}" for name, value in headers.items() if value)
    paginate([head, "", *body.split("\n")], budget)
    if not budget.pages:
        raise ExtractionError(FailureCode.NO_TEXT, "This e-mail has no headers and no text.")
    return budget.result(title=headers.get("Subject", "")[:500], metadata=metadata)


def _header(message: EmailMessage, name: str) -> str:
    try:
        value = message.get(name)
    except Exception:  # a malformed header must not lose the whole message: use it raw
        value = next((v for k, v in message.raw_items() if k.lower() == name.lower()), "")
    return " ".join(str(value or "").split())


def _parse_date(value: str) -> str | None:
    try:
        return parsedate_to_datetime(value).isoformat() if value else None
    except (TypeError, ValueError, IndexError):
        return None


def _part_text(part: EmailMessage) -> str:
    """A text part decoded (badly declared charsets included); HTML reduced to its text."""
    try:
        content = part.get_content()
    except (LookupError, UnicodeError, AssertionError, KeyError):
        payload = part.get_payload(decode=True) or b""
        content = payload.decode("cp1252", "replace")
    if isinstance(content, bytes):
        content = content.decode("utf-8", "replace")
    if part.get_content_subtype() == "html":
        return html_to_text(content)[1]
    return clean_text(str(content))


def _attachments(message, body_part, ctx: Context, budget: Budget) -> None:
    """Every leaf part but the body and its alternative renderings, as members."""
    skip = {id(body_part)}
    if body_part is not None:
        # The other renderings of the body (the HTML twin of a plain text body, however
        # deeply wrapped) are not attachments; images inside them are.
        for part in message.walk():
            if part.get_content_type() != "multipart/alternative":
                continue
            leaves = list(_walk_leaves(part))
            if any(leaf is body_part for leaf in leaves):
                skip.update(id(leaf) for leaf in leaves if leaf.get_content_maintype() == "text")
    names: set[str] = set()
    for count, part in enumerate(_walk_leaves(message)):
        if count > MAX_PARTS:
            budget.warn(
                NoticeCode.PARTIAL, f"Only the first {MAX_PARTS} parts of this message were read."
            )
            break
        if id(part) in skip:
            continue
        data = _part_bytes(part)
        if not data:
            continue
        name = _unique(_filename(part, len(budget.members) + 1), names)
        budget.add_member(name, data)
        if len(budget.members) >= ctx.zip_max_members:
            budget.warn(
                NoticeCode.PARTIAL,
                f"Only the first {ctx.zip_max_members} attachments were kept.",
            )
            break


def _walk_leaves(message, depth: int = 0):
    """Leaf parts; an attached message (message/rfc822) is one leaf, not opened here."""
    if message.get_content_maintype() == "multipart":
        if depth < 50:  # deeper nesting is an attack, not a message
            for sub in message.iter_parts():
                yield from _walk_leaves(sub, depth + 1)
    else:
        yield message


def _part_bytes(part) -> bytes:
    if part.get_content_type() == "message/rfc822":
        inner = part.get_payload()
        inner = inner[0] if isinstance(inner, list) and inner else inner
        try:
            return inner.as_bytes(policy=policy.default) if inner is not None else b""
        except Exception:
            return b""
    payload = part.get_payload(decode=True)
    return payload or b""


def _filename(part, number: int) -> str:
    try:
        name = part.get_filename() or ""
    except Exception:
        name = ""
    name = name.replace("\\", "/").split("/")[-1].strip().strip(".")
    if name:
        return name[:255]
    kind = part.get_content_type()
    extension = ".eml" if kind == "message/rfc822" else mimetypes.guess_extension(kind) or ".bin"
    return f"attachment-{number}{extension}"


def _unique(name: str, seen: set[str]) -> str:
    candidate, n = name, 1
    while candidate.lower() in seen:
        n += 1
        stem, dot, ext = name.rpartition(".")
        candidate = f"{stem} ({n}).{ext}" if dot else f"{name} ({n})"
    seen.add(candidate.lower())
    return candidate


def _extract_msg(data: bytes, ctx: Context, budget: Budget) -> Extracted:
    try:
        message = extract_msg.openMsg(data, delayAttachments=False)
    except Exception as exc:
        raise budget.corrupt(exc) from None
    try:
        headers = {
            "From": " ".join(str(message.sender or "").split()),
            "To": " ".join(str(message.to or "").split()),
            "Cc": " ".join(str(message.cc or "").split()),
            "Date": str(message.date or ""),
            "Subject": " ".join(str(message.subject or "").split()),
        }
        body = message.body or ""
        if not body.strip() and getattr(message, "htmlBody", None):
            body = html_to_text(message.htmlBody)[1]
        names: set[str] = set()
        for number, attachment in enumerate(message.attachments, start=1):
            payload = getattr(attachment, "data", None)
            name = (
                getattr(attachment, "longFilename", None)
                or getattr(attachment, "shortFilename", None)
                or f"attachment-{number}"
            )
            if isinstance(payload, bytes) and payload:
                budget.add_member(_unique(name, names), payload)
            elif payload is not None:
                budget.warn(
                    NoticeCode.PART_SKIPPED,
                    f"The embedded item '{name}' could not be read as a file.",
                )
        metadata = {k.lower(): v for k, v in headers.items() if v and k not in ("Subject", "Date")}
        date = message.date
        if date is not None and hasattr(date, "isoformat"):
            metadata["date"] = date.isoformat()
        return _result(headers, clean_text(body), metadata, budget)
    except ExtractionError:
        raise
    except Exception as exc:
        raise budget.corrupt(exc) from None
    finally:
        message.close()
