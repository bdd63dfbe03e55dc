"""Where the words are on a page: boxes from pdfium's text layer and from Tesseract.

A page's layout is ``{"w": width, "h": height, "words": [[x0, y0, x1, y1, word], ...]}``:
width and height of the page as displayed (PDF points, or pixels for an image), and each
word's box in units of 1/SCALE of the page's width and height, from the top left corner,
as the page is shown (rotation applied). The site marks search hits on page images with
them. Pages with more than MAX_WORDS words keep the first MAX_WORDS.
"""

from __future__ import annotations

import ctypes
import re

SCALE = 10_000
MAX_WORDS = 5_000


def _clamp(v: float) -> int:
    return max(0, min(SCALE, round(v)))


_WORD = re.compile(r"[^\s\ufffe\uffff]+")


def pdfium_layout(page, textpage, text: str | None = None) -> dict:
    """Word boxes from pdfium's text layer: each run of non-space characters, with the
    rectangles pdfium gives for that character range (one call per word, not per char).

    `text` is the text page's full text (textpage.get_text_range()), one character per
    pdfium character index; it is read here when not given."""
    import pypdfium2.raw as pdfium_c

    width, height = page.get_size()
    tp = textpage.raw
    if text is None:
        text = textpage.get_text_range()
    count = pdfium_c.FPDFText_CountChars(tp)
    if len(text) != count:  # characters outside the BMP shift indexes: go char by char
        return _layout_by_char(page, textpage, width, height)
    left, top, right, bottom = (ctypes.c_double() for _ in range(4))
    refs = (ctypes.byref(left), ctypes.byref(top), ctypes.byref(right), ctypes.byref(bottom))
    to_device = _device_transform(page.raw)
    words: list[list] = []
    for match in _WORD.finditer(text):
        start, end = match.span()
        rects = pdfium_c.FPDFText_CountRects(tp, start, end - start)
        box: list[float] = []
        for j in range(rects):
            if not pdfium_c.FPDFText_GetRect(tp, j, *refs):
                continue
            b = [left.value, bottom.value, right.value, top.value]
            box = _union(box, b) if box else b
        if box:
            words.append([*to_device(box), match.group()])
            if len(words) >= MAX_WORDS:
                break
    return {"w": round(width, 2), "h": round(height, 2), "words": words}


def _device_transform(page_handle):
    """Page space -> displayed page (x SCALE) as a function, from three points pdfium maps
    (the mapping is affine: rotation, scale and offset), so that each word costs no call."""
    import pypdfium2.raw as pdfium_c

    dx, dy = ctypes.c_int(), ctypes.c_int()
    big = SCALE * 100  # pdfium rounds to whole device pixels: map at 100x, divide after

    def point(x: float, y: float) -> tuple[float, float]:
        pdfium_c.FPDF_PageToDevice(
            page_handle, 0, 0, big, big, 0, x, y, ctypes.byref(dx), ctypes.byref(dy)
        )
        return dx.value / 100, dy.value / 100

    o, ex, ey = point(0, 0), point(1000, 0), point(0, 1000)
    a, b = (ex[0] - o[0]) / 1000, (ex[1] - o[1]) / 1000
    c, d = (ey[0] - o[0]) / 1000, (ey[1] - o[1]) / 1000

    def transform(box: list[float]) -> list[int]:
        xs, ys = [], []
        for x, y in ((box[0], box[1]), (box[2], box[3])):
            xs.append(o[0] + a * x + c * y)
            ys.append(o[1] + b * x + d * y)
        return [_clamp(min(xs)), _clamp(min(ys)), _clamp(max(xs)), _clamp(max(ys))]

    return transform


def _union(a: list[float], b: list[float]) -> list[float]:
    return [min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3])]


def _layout_by_char(page, textpage, width: float, height: float) -> dict:
    """Word boxes from each character's box (chars grouped at whitespace and line ends)."""
    import pypdfium2.raw as pdfium_c

    tp = textpage.raw
    count = pdfium_c.FPDFText_CountChars(tp)
    left, right, bottom, top = (ctypes.c_double() for _ in range(4))
    words: list[list] = []
    chars: list[str] = []
    box: list[float] = []

    def flush() -> None:
        if chars and box and len(words) < MAX_WORDS:
            words.append([*_to_device(page.raw, box), "".join(chars)])
        chars.clear()
        box.clear()

    for i in range(max(0, count)):
        code = pdfium_c.FPDFText_GetUnicode(tp, i)
        ch = chr(code) if 0 < code < 0x110000 else ""
        if not ch or ch.isspace() or code in (0xFFFE, 0xFFFF):
            flush()
            continue
        if not pdfium_c.FPDFText_GetCharBox(
            tp, i, ctypes.byref(left), ctypes.byref(right), ctypes.byref(bottom), ctypes.byref(top)
        ):
            continue
        b = [left.value, bottom.value, right.value, top.value]
        line_height = max(1.0, box[3] - box[1]) if box else 0.0
        if box and (b[0] < box[2] - 2 * line_height or b[3] < box[1] or b[1] > box[3]):
            flush()  # a new line without a line break between: a word ends here
        if box:
            box[:] = _union(box, b)
        else:
            box.extend(b)
        chars.append(ch)
        if len(words) >= MAX_WORDS:
            break
    flush()
    return {"w": round(width, 2), "h": round(height, 2), "words": words}


def _to_device(page_handle, box: list[float]) -> list[int]:
    """A box in PDF page space as fractions (x SCALE) of the displayed page."""
    import pypdfium2.raw as pdfium_c

    xs, ys = [], []
    dx, dy = ctypes.c_int(), ctypes.c_int()
    for x, y in ((box[0], box[1]), (box[2], box[3])):
        pdfium_c.FPDF_PageToDevice(
            page_handle, 0, 0, SCALE, SCALE, 0, x, y, ctypes.byref(dx), ctypes.byref(dy)
        )
        xs.append(dx.value)
        ys.append(dy.value)
    return [_clamp(min(xs)), _clamp(min(ys)), _clamp(max(xs)), _clamp(max(ys))]


def tesseract_layout(api, size: tuple[int, int]) -> dict:
    """Word boxes from a Tesseract engine that has just recognised an image of `size`."""
    import tesserocr

    width, height = size
    words: list[list] = []
    if width <= 0 or height <= 0:
        return {"w": width, "h": height, "words": words}
    level = tesserocr.RIL.WORD
    iterator = api.GetIterator()
    if iterator is None:
        return {"w": width, "h": height, "words": words}
    for item in tesserocr.iterate_level(iterator, level):
        text = (item.GetUTF8Text(level) or "").strip()
        bounds = item.BoundingBox(level)
        if not text or not bounds:
            continue
        x0, y0, x1, y1 = bounds
        words.append(
            [
                _clamp(x0 * SCALE / width),
                _clamp(y0 * SCALE / height),
                _clamp(x1 * SCALE / width),
                _clamp(y1 * SCALE / height),
                text,
            ]
        )
        if len(words) >= MAX_WORDS:
            break
    return {"w": width, "h": height, "words": words}
