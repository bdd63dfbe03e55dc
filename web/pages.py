"""Pictures of a document's pages, rendered from the original, cached on disk.

A PDF page is rendered by pdfium, an image file's frame by Pillow, in a forked child with
the same time and memory limits as extraction (a hostile PDF cannot hang or exhaust the
web process). Renders are WebP files under PAGE_CACHE_DIR/<sha[:2]>/<sha>/<page>-<width>.webp,
made once: by a worker (the task web.tasks.render_page) when one runs, else right here.
Hits of a search are marked on the picture with the word boxes stored at extraction.
"""

from __future__ import annotations

import io
import logging
import math
import os
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.decorators.http import require_safe

from datascores.documents.extract.layout import SCALE
from datascores.documents.models import Document, Status

log = logging.getLogger(__name__)

WIDTHS = (600, 1200)  # phone / desktop (and high-density phones take the larger)
MAX_PIXELS = 12_000_000  # a very tall page is rendered narrower rather than gigantic
WEBP_QUALITY = 72
PDF = "application/pdf"
IMAGE_PREFIX = "image/"


def has_page_images(doc: Document) -> bool:
    """Pages of PDFs and image files can be shown as pictures."""
    mime = doc.blob.mime_type or ""
    # SVG is markup, not pixels: Pillow cannot draw it (and it may carry scripts).
    return mime == PDF or (mime.startswith(IMAGE_PREFIX) and "svg" not in mime)


def cache_dir() -> Path:
    return Path(settings.PAGE_CACHE_DIR)


def cache_path(sha256: str, number: int, width: int) -> Path:
    return cache_dir() / sha256[:2] / sha256 / f"{number}-{width}.webp"


def image_url(doc_id: int, number: int, width: int) -> str:
    return reverse("page_image", args=[doc_id, number, width])


# --- rendering (runs in the isolated child) ---------------------------------------------


def _source(blob) -> str | bytes:
    """The stored original as a path (only the child reads it) or, failing that, bytes."""
    try:
        return blob.file.path
    except (NotImplementedError, AttributeError, ValueError):
        with blob.file.open("rb") as fh:
            return fh.read()


def render_picture(source: str | bytes, mime: str, number: int, width: int) -> bytes:
    """WebP bytes of page `number` (1-based) at `width` pixels wide."""
    from PIL import Image, ImageOps

    if mime == PDF:
        image = _render_pdf_page(source, number, width)
    else:
        Image.MAX_IMAGE_PIXELS = 100_000_000
        with Image.open(source if isinstance(source, str) else io.BytesIO(source)) as im:
            frames = getattr(im, "n_frames", 1)
            if not 1 <= number <= frames:
                raise LookupError(f"no frame {number}")
            im.seek(number - 1)
            # The OCR stage turned the first frame as its EXIF says: so do we (boxes agree).
            frame = ImageOps.exif_transpose(im) if number == 1 else im
            image = _flat_rgb(frame)
            height = max(1, round(image.height * width / max(1, image.width)))
            if width < image.width:
                image = image.resize((width, height), Image.LANCZOS)
    out = io.BytesIO()
    image.save(out, format="WEBP", quality=WEBP_QUALITY, method=4)
    return out.getvalue()


def _render_pdf_page(source, number: int, width: int):
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(source, password="")
    try:
        if not 1 <= number <= len(pdf):
            raise LookupError(f"no page {number}")
        page = pdf[number - 1]
        try:
            w, h = page.get_size()
            scale = width / max(w, 1.0)
            if w * h * scale * scale > MAX_PIXELS:
                scale = math.sqrt(MAX_PIXELS / max(w * h, 1.0))
            bitmap = page.render(scale=scale, may_draw_forms=True)
            return bitmap.to_pil().convert("RGB")
        finally:
            page.close()
    finally:
        pdf.close()


def _flat_rgb(frame):
    from PIL import Image

    if frame.mode in ("RGBA", "LA", "PA", "P"):
        rgba = frame.convert("RGBA")
        background = Image.new("RGBA", rgba.size, "white")
        return Image.alpha_composite(background, rgba).convert("RGB")
    return frame.convert("RGB")


def render_to_cache(doc: Document, number: int, width: int) -> Path:
    """Render one page into the cache (isolated, atomic) and return its path."""
    from datascores.documents.isolation import run_isolated

    target = cache_path(doc.blob.sha256, number, width)
    if target.exists():
        return target
    data = run_isolated(
        render_picture,
        _source(doc.blob),
        doc.blob.mime_type,
        number,
        width,
        timeout=settings.EXTRACT_TIME_LIMIT,
        memory_mb=settings.EXTRACT_MEMORY_LIMIT_MB,
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".part")
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    os.replace(tmp, target)  # two renders of one page race harmlessly: the last one wins
    return target


WORKER_CHECK_SECONDS = 30.0
_worker_seen: list[float | bool] = [0.0, False]  # (checked at, available)


def _worker_available() -> bool:
    """Whether a worker runs, asked at most every WORKER_CHECK_SECONDS (with a Redis
    broker the question is a ping that can take a second: not once per picture)."""
    from datascores.documents import workers

    now = time.monotonic()
    if now - float(_worker_seen[0]) > WORKER_CHECK_SECONDS or not _worker_seen[0]:
        _worker_seen[:] = [now, workers.worker_available()]
    return bool(_worker_seen[1])


def ensure_rendered(doc: Document, number: int, width: int) -> Path:
    """The cached picture, rendered now if missing: by a worker when one runs (waiting up
    to PAGE_RENDER_WAIT seconds for it), else (or if it is too slow) in this process."""
    target = cache_path(doc.blob.sha256, number, width)
    if target.exists():
        return target
    if _worker_available():
        from .tasks import render_page

        render_page.delay(doc.pk, number, width)
        deadline = time.monotonic() + settings.PAGE_RENDER_WAIT
        while time.monotonic() < deadline:
            if target.exists():
                return target
            time.sleep(0.1)
        log.info("page %s/%s: no render from a worker in time; rendering here", doc.pk, number)
        # The workers are busy (a long extraction ahead in the queue): for a while,
        # render here at once rather than make every picture wait.
        _worker_seen[:] = [time.monotonic(), False]
    return render_to_cache(doc, number, width)


@require_safe
def page_image(request: HttpRequest, pk: int, number: int, width: int) -> FileResponse:
    """One page as a WebP picture (cached; long-lived in browsers: the bytes never change)."""
    from datascores.documents.extract.base import ExtractionError

    if width not in WIDTHS:
        raise Http404("No such size.")
    doc = get_object_or_404(
        Document.objects.select_related("blob"), pk=pk, status__in=(Status.DONE, Status.FAILED)
    )
    if not has_page_images(doc) or not 1 <= number <= max(doc.page_count, 1):
        raise Http404("This document has no such page picture.")
    if failed_before(doc.blob.sha256, number):
        return _placeholder()
    try:
        path = ensure_rendered(doc, number, width)
    except ExtractionError as exc:
        log.warning("page %s/%s could not be rendered: %s", pk, number, exc.reason)
        _remember_failure(doc.blob.sha256, number, exc.reason)
        return _placeholder()
    response = FileResponse(path.open("rb"), content_type="image/webp")
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response


PLACEHOLDER = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="600" height="849" viewBox="0 0 600 849">'
    '<rect width="600" height="849" fill="#f5f6f8"/>'
    '<text x="300" y="400" font-family="sans-serif" font-size="22" fill="#424a53" '
    'text-anchor="middle">This page could not be drawn</text>'
    '<text x="300" y="436" font-family="sans-serif" font-size="22" fill="#424a53" '
    'text-anchor="middle">from the original file.</text></svg>'
)


def _placeholder() -> HttpResponse:
    """A picture that says the page could not be drawn (the page's text is still shown).
    Not cached by browsers: a later fix of the renderer shows the real page."""
    response = HttpResponse(PLACEHOLDER, content_type="image/svg+xml")
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _failure_marker(sha256: str, number: int) -> Path:
    return cache_dir() / sha256[:2] / sha256 / f"{number}.failed"


def failed_before(sha256: str, number: int) -> bool:
    """This page's original could not be drawn before (an isolated render failed): the
    site neither forks a renderer for it again nor offers its picture."""
    return _failure_marker(sha256, number).exists()


def _remember_failure(sha256: str, number: int, reason: str) -> None:
    marker = _failure_marker(sha256, number)
    try:
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.write_text(reason + "\n")
    except OSError:
        pass


# --- the document page's view of its pages ------------------------------------------------


def hit_boxes(layout: dict, matcher) -> list[dict]:
    """Boxes (in 1/SCALE of the page) of the words the query matches, from the layout."""
    words = (layout or {}).get("words") or []
    if matcher is None or not words:
        return []
    parts: list[str] = []
    starts: list[int] = []
    pos = 0
    for w in words:
        starts.append(pos)
        parts.append(str(w[4]))
        pos += len(parts[-1]) + 1
    spans = matcher.hits(" ".join(parts))
    boxes = []
    i = 0
    for start, end in sorted(spans):
        while i < len(words) and starts[i] + len(parts[i]) <= start:
            i += 1
        j = i
        while j < len(words) and starts[j] < end:
            x0, y0, x1, y1 = (int(v) for v in words[j][:4])
            boxes.append({"x": x0, "y": y0, "w": max(1, x1 - x0), "h": max(1, y1 - y0)})
            j += 1
    return boxes


def picture_view(doc: Document, page, matcher, title: str) -> dict | None:
    """What the template needs to show one page's picture (None if it has none)."""
    if failed_before(doc.blob.sha256, page.number):
        return None
    layout = page.layout or {}
    try:
        w, h = float(layout.get("w") or 0), float(layout.get("h") or 0)
    except (TypeError, ValueError):
        w = h = 0.0
    width, height = (600, round(600 * h / w)) if w > 0 and h > 0 else (600, 849)
    return {
        "src": image_url(doc.pk, page.number, WIDTHS[0]),
        "srcset": ", ".join(f"{image_url(doc.pk, page.number, x)} {x}w" for x in WIDTHS),
        "width": width,
        "height": height,
        "alt": f"Page {page.number} of “{title}”, as the original shows it"
        + (" (its text is beside the picture)." if page.text.strip() else "."),
        "boxes": hit_boxes(layout, matcher),
        "scale": SCALE,
    }
