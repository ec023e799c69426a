"""Thai PDF rendering for official documents (permits, receipts).

WeasyPrint lays out the HTML and shapes Thai with Pango/HarfBuzz; we embed
Sarabun (the typeface of Thai government documents) so output does not depend
on the fonts of whichever machine renders it.
"""
from __future__ import annotations

import io
import json
import logging
import re
from functools import cache

import segno
from weasyprint import CSS, HTML, Attachment
from weasyprint.text.fonts import FontConfiguration

__all__ = ["BASE_CSS", "qr_svg", "render_pdf"]

logger = logging.getLogger(__name__)

# Weights declared to WeasyPrint: every @font-face costs a file copy and a
# Fontconfig scan per render, so only what documents use (normal, bold).
_WEIGHTS = frozenset({400, 700})

BASE_CSS = """
@page {
  size: A4;
  margin: 18mm;
  @bottom-center { content: counter(page) " / " counter(pages); font-size: 10pt; color: #555; }
}
html { font-family: Sarabun, sans-serif; font-size: 15pt; line-height: 1.45; color: #000; }
h1 { font-size: 20pt; font-weight: 700; text-align: center; margin: 0 0 6mm; }
h2 { font-size: 17pt; font-weight: 700; margin: 5mm 0 2mm; }
table.facts { width: 100%; border-collapse: collapse; margin: 3mm 0; }
table.facts th, table.facts td { border: 0.5pt solid #666; padding: 1.5mm 2.5mm; text-align: left; vertical-align: top; }
table.facts th { width: 35%; font-weight: 700; background: #f2f2f2; }
"""
"""Print stylesheet for official documents; embed it in the HTML's <style>
(stylesheets passed to WeasyPrint would override the document's own rules)."""


@cache
def _font_face_css() -> str:
    """@font-face rules for the Sarabun files shipped by `fontpkg_sarabun`.

    Read once per process; empty when the package is missing, so WeasyPrint
    falls back to whatever Fontconfig finds on the system.
    """
    try:
        import fontpkg_sarabun
    except ImportError:
        logger.warning("fontpkg-sarabun is not installed: Thai PDFs fall back to system fonts")
        return ""
    meta = json.loads((fontpkg_sarabun.ROOT / "metadata.json").read_text(encoding="utf-8"))
    rules = []
    for entry in meta["files"]:
        path = fontpkg_sarabun.ROOT / entry["path"]
        if entry.get("weight") not in _WEIGHTS or not path.is_file():
            continue
        rules.append(
            "@font-face { font-family: Sarabun; "
            f"src: url('{path.as_uri()}') format('truetype'); "
            f"font-weight: {entry['weight']}; font-style: {entry.get('style', 'normal')}; }}"
        )
    return "\n".join(rules)


PDF_VARIANT = "pdf/a-3b"
"""Official documents are PDF/A-3b: archivable (fonts embedded, colours defined, XMP metadata) and allowed to
carry their data as an associated file."""


def render_pdf(*, html: str, base_url: str | None = None, variant: str | None = None,
               data_files: list[tuple[str, bytes, str]] = ()) -> bytes:
    """Render HTML to PDF bytes with Sarabun embedded.

    `variant` "pdf/a-3b" for an official document; `data_files` are (name, bytes, description) embedded as the
    document's associated files (AFRelationship /Data, listed in the catalog's /AF as PDF/A-3 asks).
    A fresh FontConfiguration per call: it owns temporary files and is not meant to be shared between threads.
    """
    font_config = FontConfiguration()
    fonts = CSS(string=_font_face_css(), font_config=font_config)
    attachments = [Attachment(string=content, name=name, description=description, relationship="Data")
                   for name, content, description in data_files]
    return HTML(string=html, base_url=base_url).write_pdf(
        stylesheets=[fonts], font_config=font_config, pdf_variant=variant, attachments=attachments or None,
        uncompressed_pdf=False)


def qr_svg(data: str, *, scale: int = 4) -> str:
    """Inline SVG of a QR code for `data`, ready to paste into the HTML.

    Always a full QR code (never Micro QR, which phone cameras cannot read),
    error correction level M as the minimum.
    """
    qr = segno.make(data, error="m", micro=False)
    buffer = io.BytesIO()
    qr.save(buffer, kind="svg", scale=scale, xmldecl=False, svgns=True, nl=False)
    svg = buffer.getvalue().decode("utf-8")
    return re.sub(r"^\s*<\?xml[^>]*\?>\s*", "", svg)
