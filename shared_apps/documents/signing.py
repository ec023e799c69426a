"""PAdES baseline signatures (pyHanko): B-B, or B-T with an RFC 3161 timestamp when TSA_URL is set.

The signature is an incremental update of the PDF/A-3b file (allowed by PDF/A), with a visible block on the
first page naming the LAO (and DLA when its key signs on the LAO's behalf) and, for permits and assessments,
the official who signed the order. Its appearance uses the embedded Sarabun, shaped by HarfBuzz.
"""
from __future__ import annotations

import io
from functools import cache

from django.conf import settings

from .keys import SigningKey

__all__ = ["SIGNATURE_BOX", "SIGNATURE_CSS", "sign_pdf"]

# Where the visible block sits on page 1, in PDF points from the bottom-left corner of an A4 page; the
# documents' first page keeps its bottom margin free for it (SIGNATURE_CSS).
SIGNATURE_BOX = (318, 24, 567, 100)
SIGNATURE_CSS = "@page :first { margin-bottom: 38mm; }"
FIELD_NAME = "LAOSignature"


@cache
def _font_path() -> str | None:
    try:
        import fontpkg_sarabun
    except ImportError:
        return None
    for name in ("Sarabun-Regular.ttf",):
        found = list(fontpkg_sarabun.ROOT.rglob(name))
        if found:
            return str(found[0])
    return None


def _stamp_style(lines: list[str]):
    from pyhanko import stamp
    from pyhanko.pdf_utils import layout
    from pyhanko.pdf_utils.text import TextBoxStyle

    font_path = _font_path()
    font = None
    if font_path:
        from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory

        font = GlyphAccumulatorFactory(font_path, font_size=8)
    text = "\n".join(line.replace("%", "%%") for line in lines) + "\n%(ts)s"
    box = TextBoxStyle(font=font, font_size=8, leading=10) if font else TextBoxStyle(font_size=8)
    return stamp.TextStampStyle(stamp_text=text, text_box_style=box, border_width=1,
                                inner_content_layout=layout.SimpleBoxLayoutRule(
                                    x_align=layout.AxisAlignment.ALIGN_MIN, y_align=layout.AxisAlignment.ALIGN_MID,
                                    margins=layout.Margins(4, 4, 4, 4)),
                                timestamp_format="%Y-%m-%d %H:%M:%S %Z")


def signature_lines(*, lao, key: SigningKey, officer: str = "") -> list[str]:
    lines = [f"ลงนามอิเล็กทรอนิกส์โดย {lao.full_name_th}"]
    if key.on_behalf:
        lines.append(f"ด้วยกุญแจของ {key.subject} แทน {lao.full_name_th}")
    if officer:
        lines.append(f"ผู้ลงนามคำสั่ง: {officer}")
    lines.append(f"Digitally signed · DLA code {lao.dla_code}")
    return lines


def sign_pdf(pdf: bytes, *, key: SigningKey, lao, officer: str = "", reason: str = "") -> bytes:
    """The PDF signed by `key` (one signature covering the whole file), timestamped when TSA_URL is set."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers, timestamps

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    timestamper = None
    tsa_url = getattr(settings, "TSA_URL", "")
    if tsa_url:
        timestamper = timestamps.HTTPTimeStamper(tsa_url, timeout=getattr(settings, "TSA_TIMEOUT", 10))
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME, subfilter=fields.SigSeedSubFilter.PADES, md_algorithm="sha256",
        reason=reason or None, location=lao.full_name_th, name=lao.full_name_th)
    pdf_signer = signers.PdfSigner(
        meta, signer=key.signer, timestamper=timestamper,
        stamp_style=_stamp_style(signature_lines(lao=lao, key=key, officer=officer)),
        new_field_spec=fields.SigFieldSpec(FIELD_NAME, box=SIGNATURE_BOX, on_page=0))
    out = pdf_signer.sign_pdf(writer)
    return out.getvalue()
