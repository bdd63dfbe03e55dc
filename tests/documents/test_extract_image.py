import io
import struct
import zlib

import pytest

from datascores.documents.extract import ExtractionError, FailureCode

from . import fixtures
from .helpers import run


def test_multi_frame_tiff_gives_one_page_per_frame_all_for_ocr():
    result = run(fixtures.tiff_frames([["one"], ["two"], ["three"]]), "scan.tif")
    assert [p.number for p in result.pages] == [1, 2, 3]
    assert all(p.needs_ocr and p.text == "" for p in result.pages)
    assert result.metadata["frames"] == 3


def test_png_is_one_page_for_ocr():
    result = run(fixtures.png_file(), "photo.png")
    assert len(result.pages) == 1
    assert result.pages[0].needs_ocr
    assert result.metadata["width"] == 2480


def test_jpeg():
    buf = io.BytesIO()
    fixtures.render_lines(["A photo of a letter"], size=(800, 600)).save(buf, format="JPEG")
    result = run(buf.getvalue(), "letter.jpg")
    assert result.pages[0].needs_ocr


def test_frame_limit():
    result = run(fixtures.tiff_frames([["a"], ["b"], ["c"]]), "scan.tif", max_pages=2)
    assert len(result.pages) == 2
    assert any("first 2 of 3 frames" in w for w in result.warnings)


def test_truncated_image_is_corrupt():
    data = fixtures.png_file()
    with pytest.raises(ExtractionError) as info:
        run(data[: len(data) // 3], "cut.png")
    assert info.value.code == FailureCode.CORRUPT


def _png_header_only(width: int, height: int) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00"))


def test_decompression_bomb_image_is_refused_as_too_large():
    with pytest.raises(ExtractionError) as info:
        run(_png_header_only(100_000, 100_000), "bomb.png")
    assert info.value.code == FailureCode.TOO_LARGE
