"""ZIP archives: the members become documents of their own, within limits on count,
unpacked size (the bytes actually inflated, not the sizes the headers claim) and depth.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
import zlib

from ._common import Budget, mb
from .base import Context, Extracted, ExtractionError, FailureCode, Member, NoticeCode

_JUNK_DIRS = ("__MACOSX/", ".git/", ".svn/")
SKIPPED = NoticeCode.PART_SKIPPED
_JUNK_NAMES = {".ds_store", "thumbs.db", "desktop.ini", ".localized"}


def extract(data: bytes, ctx: Context, budget: Budget) -> Extracted:
    if ctx.depth >= ctx.max_nesting_depth:
        raise ExtractionError(
            FailureCode.ARCHIVE_LIMIT,
            f"This archive is nested {ctx.depth} levels deep inside other files; "
            f"the limit is {ctx.max_nesting_depth}.",
        )
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise ExtractionError(
            FailureCode.CORRUPT, f"This ZIP archive is damaged or incomplete ({exc})."
        ) from None
    with zf:
        return _extract(zf, infos, ctx, budget)


def _extract(
    zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo], ctx: Context, budget: Budget
) -> Extracted:
    wanted = _wanted(infos, budget)
    if len(wanted) > ctx.zip_max_members:
        raise ExtractionError(
            FailureCode.ARCHIVE_LIMIT,
            f"This archive holds {len(wanted):,} files; the limit is {ctx.zip_max_members:,}.",
        )
    declared = sum(info.file_size for info, _ in wanted)
    if declared > ctx.zip_max_total_bytes:
        raise ExtractionError(
            FailureCode.ARCHIVE_LIMIT,
            f"This archive would unpack to {mb(declared)}; "
            f"the limit is {mb(ctx.zip_max_total_bytes)}.",
        )
    listing: list[str] = []
    remaining = ctx.zip_max_total_bytes
    for info, safe in wanted:
        member, note = _unpack(zf, info, safe, remaining, ctx, budget)
        if member is not None:
            remaining -= member.size
            if not member.size:
                budget.drop_member(member)
                note = "empty"
        listing.append(f"{safe} ({note})")
    members = budget.members
    heading = f"Archive with {len(members)} file{'s' if len(members) != 1 else ''}:"
    budget.add_page("\n".join([heading, *listing]))
    return budget.result(
        metadata={"members": len(members), "unpacked_bytes": sum(m.size for m in members)}
    )


def _wanted(infos: list[zipfile.ZipInfo], budget: Budget) -> list[tuple[zipfile.ZipInfo, str]]:
    """The members worth reading, under safe names: no folders, junk, escapes or copies."""
    wanted: list[tuple[zipfile.ZipInfo, str]] = []
    seen: set[str] = set()
    for info in infos:
        name = info.filename
        if info.is_dir() or _is_junk(name):
            continue
        safe = safe_name(name)
        if safe is None:
            budget.warn(SKIPPED, f"Skipped '{name}': its name points outside the archive.")
        elif safe.lower() in seen:
            budget.warn(SKIPPED, f"Skipped a second copy of '{safe}'.")
        else:
            seen.add(safe.lower())
            wanted.append((info, safe))
    return wanted


def _unpack(
    zf: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    safe: str,
    remaining: int,
    ctx: Context,
    budget: Budget,
) -> tuple[Member | None, str]:
    """One member written to its file, with its note for the listing; (None, why not)
    when it is skipped."""
    if info.flag_bits & 0x1:
        budget.warn(SKIPPED, f"Skipped '{safe}': it is encrypted (password-protected).")
        return None, "encrypted, not read"
    try:
        # Straight to a file: a large member never sits in memory, here or in the
        # worker that stores it.
        with zf.open(info) as fh:
            member = budget.add_member_from(safe, fh, remaining)
    except ExtractionError as exc:
        # The whole archive, not one member, is over the limit: a bomb or a lie.
        raise ExtractionError(
            FailureCode.ARCHIVE_LIMIT,
            f"This archive unpacks to more than {mb(ctx.zip_max_total_bytes)} "
            f"(stopped at '{safe}'); it looks like a zip bomb. {exc.reason}",
        ) from None
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError) as err:
        why = str(err) or type(err).__name__
        if info.compress_size > info.file_size + 1024:
            # zipfile stops at the declared size, so the checksum fails: a size lie.
            why = f"its header claims {info.file_size:,} bytes, far less than it holds"
        budget.warn(SKIPPED, f"Skipped '{safe}': it is damaged ({why}).")
        return None, "damaged, not read"
    except NotImplementedError as exc:
        budget.warn(SKIPPED, f"Skipped '{safe}': {exc}.")
        return None, "unsupported compression, not read"
    return member, _size(member.size)


def _is_junk(name: str) -> bool:
    base = posixpath.basename(name.rstrip("/")).lower()
    return (
        name.startswith(_JUNK_DIRS)
        or any(f"/{d}" in name for d in _JUNK_DIRS)
        or base in _JUNK_NAMES
        or base.startswith("._")
        or base.startswith("~$")
    )


def safe_name(name: str) -> str | None:
    """The member name as a relative path, or None if it tries to leave the archive."""
    name = name.replace("\\", "/")
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        return None
    parts = [p for p in name.split("/") if p not in ("", ".")]
    if not parts or ".." in parts or any("\x00" in p for p in parts):
        return None
    return "/".join(parts)


def _size(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.1f} MB"
    if n >= 1024:
        return f"{n / 1024:.0f} KB"
    return f"{n} bytes"
