"""BOT bill-payment barcode (Code 128; DOMAIN.md §8), printed on pay-at-counter slips.

The data is "|" + biller id + CR + Ref1 + CR + Ref2 + CR + amount in whole satang.
The CRs are real control characters (Code 128 code set A encodes them); a
cashier's scanner sends them as field separators, so they must survive encoding.
"""
from __future__ import annotations

import io
import re

from barcode.codex import Code128  # python-barcode; absolute import, not this module
from barcode.writer import ImageWriter, SVGWriter

_BILLER_ID = re.compile(r"[0-9]{15}")
_REF = re.compile(r"[A-Z0-9]{0,20}")

# Whole pixels per module at 300 dpi (3 px = 0.254 mm) so every bar prints the
# same width; 15 mm bars, a 10-module quiet zone each side (ISO/IEC 15417 minimum).
_OPTIONS = {
    "module_width": 0.254,
    "module_height": 15.0,
    "quiet_zone": 2.54,
    "write_text": False,
    "margin_top": 1.0,
    "margin_bottom": 1.0,
}


def bill_payment_barcode_data(*, biller_id: str, ref1: str, ref2: str = "", amount_satang: int) -> str:
    """The barcode's data; amount_satang 0 lets the cashier key the amount."""
    if not isinstance(biller_id, str) or not _BILLER_ID.fullmatch(biller_id):
        raise ValueError(f"biller id {biller_id!r} must be 15 digits (13-digit tax id + 2-digit suffix)")
    if not isinstance(ref1, str) or not ref1 or not _REF.fullmatch(ref1):
        raise ValueError(f"ref1 {ref1!r} must be 1 to 20 characters of A-Z and 0-9")
    if not isinstance(ref2, str) or not _REF.fullmatch(ref2):
        raise ValueError(f"ref2 {ref2!r} must be empty or up to 20 characters of A-Z and 0-9")
    if isinstance(amount_satang, bool) or not isinstance(amount_satang, int) or amount_satang < 0:
        raise ValueError(f"amount_satang {amount_satang!r} must be a whole number of satang, 0 or more")
    return f"|{biller_id}\r{ref1}\r{ref2}\r{amount_satang}"


def _symbol(data: str, writer) -> bytes:
    if not data or not all(ord(c) < 128 for c in data):
        raise ValueError("barcode data must be non-empty ASCII")
    buffer = io.BytesIO()
    Code128(data, writer=writer).write(buffer, options=_OPTIONS)
    return buffer.getvalue()


def barcode_svg(data: str) -> str:
    """Code 128 as SVG for a page or a PDF (no human-readable line: the slip prints it itself).

    python-barcode writes lengths in mm and colours as style attributes. Pages are served with a strict
    Content-Security-Policy, which drops inline styles (the white background would turn black), and a
    phone needs the symbol to shrink to its screen, which takes a viewBox; so the lengths become user
    units of a viewBox in mm (same printed size) and the colours fill attributes."""
    import xml.dom.minidom

    document = xml.dom.minidom.parseString(_symbol(data, SVGWriter()))  # our own output, never a user's file
    root = document.documentElement
    width, height = (root.getAttribute(name).removesuffix("mm") for name in ("width", "height"))
    root.setAttribute("viewBox", f"0 0 {width} {height}")
    root.setAttribute("shape-rendering", "crispEdges")  # whole device pixels per bar, never grey blurs
    for rect in root.getElementsByTagName("rect"):
        for name in ("x", "y", "width", "height"):
            if rect.getAttribute(name).endswith("mm"):
                rect.setAttribute(name, rect.getAttribute(name).removesuffix("mm"))
        fill = re.search(r"fill:\s*([^;]+)", rect.getAttribute("style"))
        rect.removeAttribute("style")
        rect.setAttribute("fill", fill.group(1).strip() if fill else "black")
    for comment in [node for node in root.childNodes if node.nodeType == node.COMMENT_NODE]:
        root.removeChild(comment)
    return root.toxml()


def barcode_png(data: str) -> bytes:
    """Code 128 as a 300-dpi PNG (no human-readable line)."""
    return _symbol(data, ImageWriter(format="PNG", mode="L", dpi=300))
