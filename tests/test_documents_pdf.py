"""Thai PDF rendering: Sarabun is embedded, Thai text survives, the QR code reads back.

No database: run with `-p no:django`.
"""
from __future__ import annotations

import io
import re
import shutil
import subprocess
import zlib
from functools import cache
from pathlib import Path

import pytest
import segno

from shared_apps.documents.pdf import BASE_CSS, qr_svg, render_pdf

URL = "https://sao-kanchana.localhost/permits/2569/12/"
HEADING = "ใบอนุญาตให้โฆษณาด้วยการปิด ทิ้ง หรือโปรยแผ่นประกาศ"


@cache
def _pdf() -> bytes:
    """One small permit, rendered once for all tests."""
    html = f"""<!doctype html>
<html lang="th"><head><meta charset="utf-8"><style>{BASE_CSS}</style></head>
<body>
  <h1>{HEADING}</h1>
  <table class="facts">
    <tr><th>เลขที่</th><td>เลขที่ 12/2569</td></tr>
    <tr><th>วันที่ออก</th><td>1 ตุลาคม 2568</td></tr>
    <tr><th>ผู้ได้รับอนุญาต</th><td>นางสาวกัญญ์ณัฏฐ์ ศรีสุข</td></tr>
  </table>
  <p>ตรวจสอบใบอนุญาตนี้ได้ที่</p>
  <div class="qr">{qr_svg(URL)}</div>
</body></html>"""
    return render_pdf(html=html)


def _squash(text: str) -> str:
    return "".join(text.split())


def _inflated(pdf: bytes) -> bytes:
    """The file plus every Flate stream, decompressed: WeasyPrint packs the font
    dictionaries into compressed object streams, so b"Sarabun" is not in the raw bytes."""
    parts = [pdf]
    for match in re.finditer(rb"stream\r?\n", pdf):
        try:
            parts.append(zlib.decompressobj().decompress(pdf[match.end():]))
        except zlib.error:
            pass
    return b"".join(parts)


def test_output_is_a_pdf_with_sarabun_embedded():
    pdf = _pdf()
    assert pdf.startswith(b"%PDF")
    assert re.search(rb"/BaseFont\s*/[A-Z]{6}\+Sarabun", _inflated(pdf))  # a subset, embedded


def test_thai_text_is_extractable():
    pypdf = pytest.importorskip("pypdf")
    text = _squash(pypdf.PdfReader(io.BytesIO(_pdf())).pages[0].extract_text())
    assert "12/2569" in text
    if _squash(HEADING) not in text:  # combining marks may come out reordered
        for part in ("ใบอนุญาต", "โฆษณา", "ประกาศ", "ตุลาคม", "2569", "2568"):
            assert part in text


def test_qr_svg_is_inline_and_decodes():
    zxingcpp = pytest.importorskip("zxingcpp")
    from PIL import Image

    svg = qr_svg(URL)
    assert svg.startswith("<svg") and "<?xml" not in svg
    png = io.BytesIO()
    segno.make(URL, error="m", micro=False).save(png, kind="png", scale=6, border=4)
    results = zxingcpp.read_barcodes(Image.open(io.BytesIO(png.getvalue())))
    assert [r.text for r in results] == [URL]


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")
def test_qr_in_rendered_pdf_decodes(tmp_path: Path):
    """End to end: the SVG as WeasyPrint drew it on the page still scans."""
    zxingcpp = pytest.importorskip("zxingcpp")
    from PIL import Image

    (tmp_path / "doc.pdf").write_bytes(_pdf())
    subprocess.run(
        ["pdftoppm", "-png", "-r", "150", "-f", "1", "-l", "1", "-singlefile", "doc.pdf", "page"],
        cwd=tmp_path, check=True,
    )
    results = zxingcpp.read_barcodes(Image.open(tmp_path / "page.png"))
    assert URL in [r.text for r in results]
