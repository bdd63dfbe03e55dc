"""Helpers the format modules share: text clean-up, limits on pages and characters,
pagination of unpaginated text, and bounded reads from zip containers."""

from __future__ import annotations

import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path
from typing import BinaryIO

from ..isolation import is_out_of_memory
from .base import (
    Context,
    Extracted,
    ExtractionError,
    FailureCode,
    Member,
    Notice,
    NoticeCode,
    PageText,
)

# Formats without pages of their own (DOCX, TXT, RTF, ...) are cut into pages of about
# this many characters, at line boundaries: small enough for a readable page view and
# for snippets, large enough that a typical letter is one page.
PAGE_CHARS = 10_000

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\ufffe\uffff]")
_TRAILING_SPACE = re.compile(r"[ \t\u00a0]+\n")
_BLANK_LINES = re.compile(r"\n{3,}")


def clean_text(text: str) -> str:
    """Normalise line ends, drop control characters, squeeze runs of blank lines."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text)
    text = _TRAILING_SPACE.sub("\n", text)
    text = _BLANK_LINES.sub("\n\n", text)
    return text.strip()


class Budget:
    """What one extraction may still add: it numbers pages, keeps the page and character
    limits of ctx, writes members to files and records the warnings, so that no format
    module counts for itself."""

    def __init__(self, ctx: Context, noun: str = "file"):
        self.ctx = ctx
        self.noun = noun  # how sentences name the format ("Word (DOCX)"), from the registry
        self.max_chars = ctx.max_text_chars
        self.max_pages = ctx.max_pages
        self.chars = 0
        self.pages: list[PageText] = []
        self.warnings: list[Notice] = []
        self.members: list[Member] = []
        self.scratch_dir = ""
        self._files = 0
        self.truncated = False  # the character limit was reached
        self.limited = False  # the page limit was reached

    def corrupt(self, exc: BaseException | None = None) -> ExtractionError | MemoryError:
        """The standard 'damaged file' error, naming the format as the registry does."""
        return corrupt(self.noun, exc)

    def warn(self, code: str, message: str) -> None:
        if not any(w.code == code and w == message for w in self.warnings):
            self.warnings.append(Notice(code, message))

    def take(self, text: str) -> str:
        """Text as much of it fits in the character budget; warns once when cut."""
        room = self.max_chars - self.chars
        if len(text) > room:
            text = text[: max(room, 0)]
            if not self.truncated:
                self.truncated = True
                self.warn(
                    NoticeCode.TRUNCATED,
                    f"Text truncated after {self.max_chars:,} characters; the rest was not read.",
                )
        self.chars += len(text)
        return text

    def page_limit_reached(self, total: int | None = None, unit: str = "pages") -> bool:
        """True (with a warning, once) when no further page may be added."""
        if len(self.pages) < self.max_pages:
            return False
        if not self.limited:
            self.limited = True
            of = f" of {total:,}" if total else ""
            self.warn(
                NoticeCode.PAGE_LIMIT, f"Only the first {self.max_pages:,}{of} {unit} were read."
            )
        return True

    def add_page(
        self,
        text: str,
        *,
        number: int | None = None,
        needs_ocr: bool = False,
        total: int | None = None,
        unit: str = "pages",
    ) -> PageText | None:
        """Clean text, fit it to the budget and keep it as the next page; None when the
        page limit is reached. number defaults to the next in sequence."""
        if self.page_limit_reached(total, unit):
            return None
        page = PageText(
            number=number or len(self.pages) + 1,
            text=self.take(clean_text(text)) if text else "",
            needs_ocr=needs_ocr,
        )
        self.pages.append(page)
        return page

    # --- members -----------------------------------------------------------------------

    def _member_path(self) -> Path:
        if not self.scratch_dir:
            self.scratch_dir = tempfile.mkdtemp(
                prefix="datascores-members-", dir=self.ctx.scratch_dir or None
            )
        self._files += 1
        return Path(self.scratch_dir) / f"{self._files:05d}"

    def add_member(self, name: str, data: bytes) -> Member:
        path = self._member_path()
        path.write_bytes(data)
        member = Member(name=name, path=str(path), size=len(data))
        self.members.append(member)
        return member

    def add_member_from(self, name: str, source: BinaryIO, limit: int) -> Member:
        """Copy a stream to a member file in chunks, refusing one that passes limit bytes."""
        path = self._member_path()
        size = 0
        try:
            with path.open("wb") as out:
                while chunk := source.read(1 << 20):
                    size += len(chunk)
                    if size > limit:
                        raise ExtractionError(
                            FailureCode.ARCHIVE_LIMIT,
                            f"'{name}' inside the file unpacks to more than {mb(limit)}.",
                        )
                    out.write(chunk)
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        member = Member(name=name, path=str(path), size=size)
        self.members.append(member)
        return member

    def drop_member(self, member: Member) -> None:
        self.members.remove(member)
        Path(member.path).unlink(missing_ok=True)

    def discard(self) -> None:
        """Remove the members' files (the extraction failed)."""
        if self.scratch_dir:
            shutil.rmtree(self.scratch_dir, ignore_errors=True)
            self.scratch_dir = ""
        self.members.clear()

    def result(self, *, title: str = "", metadata: dict | None = None) -> Extracted:
        """What was read, as the dispatcher returns it."""
        return Extracted(
            pages=self.pages,
            title=title,
            metadata=metadata or {},
            members=self.members,
            warnings=self.warnings,
            scratch_dir=self.scratch_dir,
        )


def paginate(blocks: Iterable[str], budget: Budget, page_chars: int = PAGE_CHARS) -> None:
    """Cut a stream of text blocks (paragraphs, lines) into pages of about page_chars."""
    current: list[str] = []
    size = 0

    def flush() -> None:
        nonlocal current, size
        text = clean_text("\n".join(current))
        current, size = [], 0
        if text:
            budget.pages.append(PageText(number=len(budget.pages) + 1, text=text))

    for block in blocks:
        for piece in _pieces(block, page_chars):
            if size and size + len(piece) > page_chars:
                flush()
            if not current and budget.page_limit_reached():
                return
            current.append(budget.take(piece))
            size += len(piece) + 1
            if budget.truncated:
                flush()
                return
    flush()


def _pieces(block: str, page_chars: int) -> Iterable[str]:
    """A block no longer than a page, or an enormous one cut at spaces."""
    while len(block) > page_chars:
        cut = block.rfind(" ", page_chars // 2, page_chars)
        cut = cut if cut > 0 else page_chars
        yield block[:cut]
        block = block[cut:]
    yield block


def read_member(zf: zipfile.ZipFile, name: str | zipfile.ZipInfo, limit: int) -> bytes:
    """Read one zip member, counting the bytes actually decompressed against limit.

    The sizes in a zip's headers are claims; a zip bomb lies about them.
    """
    info = name if isinstance(name, zipfile.ZipInfo) else zf.getinfo(name)
    if info.file_size > limit:
        raise ExtractionError(
            FailureCode.ARCHIVE_LIMIT,
            f"'{info.filename}' inside the file would unpack to {mb(info.file_size)}; "
            f"the limit is {mb(limit)}.",
        )
    out = bytearray()
    with zf.open(info) as fh:
        while chunk := fh.read(1 << 20):
            out += chunk
            if len(out) > limit:
                raise ExtractionError(
                    FailureCode.ARCHIVE_LIMIT,
                    f"'{info.filename}' inside the file unpacks to more than {mb(limit)} "
                    "(more than its header claims); it looks like a zip bomb.",
                )
    return bytes(out)


def mb(n: int) -> str:
    return f"{n / (1024 * 1024):,.0f} MB" if n >= 1024 * 1024 else f"{n:,} bytes"


def iso(value: object) -> str | None:
    """A date or datetime as an ISO 8601 string, for JSON metadata."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    return None


_NOT_A_TITLE = re.compile(
    r"^(?:page\s+\d+(?:\s+of\s+\d+)?|dear\b|good (?:morning|afternoon|evening)\b|hello\b|"
    r"\d+\s*\|?\s*p\s?a\s?g\s?e)",
    re.I,
)
_WORD = re.compile(r"[^\W\d_]{2,}")


def plausible_title(title: str) -> bool:
    """Not empty, not a salutation or page number, has a word in it."""
    return bool(re.search(r"[^\W\d_]{3}", title)) and not _NOT_A_TITLE.match(title)


def first_line_title(text: str, limit: int = 200) -> str:
    """The first line that reads like a heading (two words or more), as a fallback title."""
    for line in text.splitlines()[:40]:
        line = " ".join(line.split())
        if len(_WORD.findall(line)) >= 2 and not _NOT_A_TITLE.match(line):
            return line[:limit]
    return ""


def corrupt(kind: str, exc: BaseException | None = None) -> ExtractionError | MemoryError:
    """The standard 'damaged file' error for a format: readers catch broadly around their
    libraries, so an allocation that failed inside one comes back here, and stays a
    MemoryError (the isolation records it as memory, not as a damaged file)."""
    if exc is not None and is_out_of_memory(exc):
        return MemoryError(str(exc))
    detail = f" ({type(exc).__name__}: {exc})" if exc is not None and str(exc) else ""
    detail = detail[:300]
    return ExtractionError(
        FailureCode.CORRUPT,
        f"This {kind} file is damaged or incomplete and could not be read{detail}.",
    )
