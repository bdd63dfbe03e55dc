"""Images (PNG, JPEG, TIFF, GIF, BMP, WEBP): one page per frame, all of them for OCR."""

from __future__ import annotations

import contextlib
import io
import warnings

from PIL import Image

from ._common import Budget
from .base import Context, Extracted, ExtractionError, FailureCode

# Register every image plugin now, not in each forked child on its first Image.open().
Image.init()


def extract(data: bytes, ctx: Context, budget: Budget) -> Extracted:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            image.load()  # decodes the first frame: a truncated file fails here
            frames = getattr(image, "n_frames", 1)
            width, height = image.size
            dpi = image.info.get("dpi")
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ExtractionError(
            FailureCode.TOO_LARGE,
            "The image is too large to read safely "
            f"(more than {Image.MAX_IMAGE_PIXELS // 1_000_000} million pixels).",
        ) from None
    except (OSError, ValueError, SyntaxError, EOFError) as exc:
        raise budget.corrupt(exc) from None
    for _ in range(frames):
        if budget.add_page("", needs_ocr=True, total=frames, unit="frames") is None:
            break
    metadata: dict = {"width": width, "height": height, "format": image.format or ""}
    if frames > 1:
        metadata["frames"] = frames
    if dpi:
        with contextlib.suppress(TypeError, ValueError):
            metadata["dpi"] = [round(float(v)) for v in dpi][:2]
    return budget.result(metadata=metadata)
