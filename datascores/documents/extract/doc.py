"""Legacy Word (.doc, Word 97-2003) through the antiword program."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import tempfile

import olefile

from ._common import Budget, corrupt, iso, paginate
from .base import Context, Extracted, ExtractionError, FailureCode

NEEDS_ANTIWORD = "legacy .doc needs antiword"
TIMEOUT = 120  # seconds; the isolation deadline usually ends things sooner
_TABLE_EDGE = re.compile(r"^\||\|\s*$")
_TABLE_INNER = re.compile(r"\s*\|\s*")


def extract(data: bytes, ctx: Context, budget: Budget) -> Extracted:
    program = shutil.which(ctx.antiword or "antiword")
    if not program:
        raise ExtractionError(FailureCode.NEEDS_TOOL, NEEDS_ANTIWORD)
    output = _run_antiword(program, data)
    # antiword separates pages with form feeds where Word had hard page breaks; the
    # pagination below works on lines, so those become ordinary line breaks.
    paginate((_clean_line(line) for line in output.splitlines()), budget)
    props = _summary(data)
    return budget.result(title=props.pop("title", ""), metadata=props)


def _run_antiword(program: str, data: bytes) -> str:
    with tempfile.TemporaryDirectory(prefix="datascores-doc-") as tmp:
        path = os.path.join(tmp, "document.doc")
        with open(path, "wb") as fh:
            fh.write(data)
        # antiword looks for its mapping files under $HOME and complains without one.
        env = {"HOME": tmp, "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C.UTF-8"}
        try:
            done = subprocess.run(
                [program, "-w", "0", "-m", "UTF-8.txt", path],
                capture_output=True,
                timeout=TIMEOUT,
                env=env,
                cwd=tmp,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise ExtractionError(
                FailureCode.TIMEOUT, f"antiword took longer than {TIMEOUT} s on this document."
            ) from None
        except OSError as exc:
            raise ExtractionError(FailureCode.NEEDS_TOOL, f"{NEEDS_ANTIWORD} ({exc})") from None
    stderr = done.stderr.decode("utf-8", "replace").replace(path, "the file").strip()
    if done.returncode != 0 or not done.stdout.strip():
        lowered = stderr.lower()
        if "encrypt" in lowered or "password" in lowered:
            raise ExtractionError(
                FailureCode.ENCRYPTED, "This Word document is protected by a password."
            )
        if done.returncode < 0:
            raise corrupt(
                "Word (.doc)", RuntimeError(f"antiword crashed (signal {-done.returncode})")
            )
        raise corrupt("Word (.doc)", RuntimeError(stderr.splitlines()[0] if stderr else "no text"))
    return done.stdout.decode("utf-8", "replace")


def _clean_line(line: str) -> str:
    """antiword draws tables with '|' and pads cells with spaces; keep only the words."""
    if line.startswith("|"):
        line = _TABLE_INNER.sub("\t", _TABLE_EDGE.sub("", line.rstrip())).strip("\t ")
    line = line.replace("\x0c", "")
    return "" if line.strip() == "[pic]" else line.replace("[pic]", "").rstrip()


def _summary(data: bytes) -> dict:
    """Title, author and dates from the OLE SummaryInformation stream."""
    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            meta = ole.get_metadata()
    except Exception:
        return {}

    def text(value: object) -> str:
        if isinstance(value, bytes):
            value = value.decode("cp1252", "replace")
        return " ".join(str(value or "").split())[:500]

    props = {
        "title": text(meta.title),
        "author": text(meta.author),
        "last_modified_by": text(meta.last_saved_by),
        "created": iso(meta.create_time),
        "modified": iso(meta.last_saved_time),
    }
    return {k: v for k, v in props.items() if v}
