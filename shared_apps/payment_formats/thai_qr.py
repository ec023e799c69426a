"""Thai QR bill payment (EMVCo merchant-presented QR, BOT profile; DOMAIN.md §8).

Banks' apps refuse a payload whose CRC or TLV structure is off by one character,
so the payload is built and parsed here, in one place, and checked against the
published vectors in tests/test_payment_formats.py.
"""
from __future__ import annotations

import binascii
import io
import re
from collections.abc import Sequence
from decimal import Decimal

BILL_PAYMENT_AID = "A000000677010112"
CURRENCY_THB = "764"
COUNTRY_TH = "TH"
CRC_TAG = "63"

#: Order of the tags after the merchant template (30); vector 1 of DOMAIN.md §8
#: uses this order, vector 2 puts 58 before 54. Both are valid EMVCo.
DEFAULT_TAG_ORDER: tuple[str, ...] = ("53", "54", "58")

_BILLER_ID = re.compile(r"[0-9]{15}")
_REF = re.compile(r"[A-Z0-9]{1,20}")
_TAG = re.compile(r"[0-9]{2}")

# EMVCo templates whose value is itself TLV: merchant account information
# (26-51), additional data (62), language (64), unreserved templates (80-99).
_TEMPLATE_TAGS = frozenset(
    [f"{n:02d}" for n in range(26, 52)] + ["62", "64"] + [f"{n:02d}" for n in range(80, 100)]
)

Parsed = dict[str, "str | Parsed"]


def crc16_ccitt_false(data: bytes) -> str:
    """CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF) as 4 upper-case hex digits: tag 63's value."""
    return f"{binascii.crc_hqx(data, 0xFFFF):04X}"


def tlv(tag: str, value: str) -> str:
    """One EMVCo data object: 2-digit tag, 2-digit length, value (at most 99 characters)."""
    if not _TAG.fullmatch(tag):
        raise ValueError(f"tag {tag!r} is not two digits")
    if not 0 < len(value) <= 99:
        raise ValueError(f"tag {tag}: value length {len(value)} is not 1 to 99")
    return f"{tag}{len(value):02d}{value}"


def emv_payload(fields: Sequence[tuple[str, str]]) -> str:
    """Join already-ordered (tag, value) pairs and append the CRC (tag 63).

    The low-level builder: it lets tests reproduce any vector exactly, whatever its
    tag order, and lets callers add tags (e.g. 62) the bill-payment builder omits.
    """
    body = "".join(tlv(tag, value) for tag, value in fields) + CRC_TAG + "04"
    return body + crc16_ccitt_false(body.encode("utf-8"))


def _amount_text(amount: Decimal) -> str:
    if isinstance(amount, bool) or not isinstance(amount, (Decimal, int)):
        raise ValueError(f"amount must be a Decimal, not {type(amount).__name__}")
    amount = Decimal(amount)
    if not amount.is_finite() or amount <= 0:
        raise ValueError(f"amount {amount} must be greater than zero")
    if amount != amount.quantize(Decimal("0.01")):
        raise ValueError(f"amount {amount} has more than 2 decimals")
    text = f"{amount:.2f}"
    if len(text) > 13:
        raise ValueError(f"amount {amount} is longer than the 13 characters tag 54 allows")
    return text


def bill_payment_payload(
    *,
    biller_id: str,
    ref1: str,
    ref2: str = "",
    amount: Decimal | None = None,
    tag_order: Sequence[str] = DEFAULT_TAG_ORDER,
) -> str:
    """The Thai QR bill-payment payload: static (01=11) without an amount, dynamic (01=12) with one.

    `tag_order` orders the tags after 30 (some of "53", "54", "58"; 54 is left out
    when there is no amount); the default reproduces DOMAIN.md vector 1.
    """
    if not isinstance(biller_id, str) or not _BILLER_ID.fullmatch(biller_id):
        raise ValueError(f"biller id {biller_id!r} must be 15 digits (13-digit tax id + 2-digit suffix)")
    if not isinstance(ref1, str) or not _REF.fullmatch(ref1):
        raise ValueError(f"ref1 {ref1!r} must be 1 to 20 characters of A-Z and 0-9")
    if not isinstance(ref2, str) or (ref2 and not _REF.fullmatch(ref2)):
        raise ValueError(f"ref2 {ref2!r} must be empty or up to 20 characters of A-Z and 0-9")
    if sorted(tag_order) != sorted(set(tag_order)) or set(tag_order) != set(DEFAULT_TAG_ORDER):
        raise ValueError(f"tag_order {tuple(tag_order)!r} must order exactly the tags 53, 54 and 58")

    merchant = tlv("00", BILL_PAYMENT_AID) + tlv("01", biller_id) + tlv("02", ref1)
    if ref2:
        merchant += tlv("03", ref2)
    trailing = {"53": CURRENCY_THB, "58": COUNTRY_TH}
    if amount is not None:
        trailing["54"] = _amount_text(amount)
    fields = [("00", "01"), ("01", "11" if amount is None else "12"), ("30", merchant)]
    fields += [(tag, trailing[tag]) for tag in tag_order if tag in trailing]
    return emv_payload(fields)


def _parse_tlv(text: str, where: str) -> Parsed:
    result: Parsed = {}
    pos = 0
    while pos < len(text):
        tag, length = text[pos : pos + 2], text[pos + 2 : pos + 4]
        if not _TAG.fullmatch(tag) or not _TAG.fullmatch(length):
            raise ValueError(f"{where}: bad tag or length {text[pos:pos + 4]!r} at position {pos}")
        end = pos + 4 + int(length)
        if end > len(text):
            raise ValueError(f"{where}: tag {tag} length {length} runs past the end")
        if tag in result:
            raise ValueError(f"{where}: tag {tag} appears twice")
        value = text[pos + 4 : end]
        result[tag] = _parse_tlv(value, f"tag {tag}") if where == "payload" and tag in _TEMPLATE_TAGS else value
        pos = end
    return result


def parse_payload(payload: str) -> Parsed:
    """Parse an EMVCo payload into {tag: value}, templates (e.g. 30, 62) as nested dicts.

    Raises ValueError when the CRC is wrong, tag 63 is not last, or the TLV
    structure does not add up: a scanned payload is only trusted whole.
    """
    if not isinstance(payload, str) or len(payload) < 8:
        raise ValueError("payload is too short")
    if payload[-8:-4] != CRC_TAG + "04":
        raise ValueError("payload does not end with the CRC tag 6304xxxx")
    expected = crc16_ccitt_false(payload[:-4].encode("utf-8"))
    if payload[-4:].upper() != expected:
        raise ValueError(f"bad CRC {payload[-4:]!r}, expected {expected!r}")
    result = _parse_tlv(payload, "payload")
    if list(result)[-1] != CRC_TAG:
        raise ValueError("tag 63 (CRC) is not the last tag")
    if result.get("00") != "01":
        raise ValueError("tag 00 (payload format indicator) is not '01'")
    return result


def qr_png(payload: str, *, scale: int = 8, border: int = 4) -> bytes:
    """The payload as a QR code PNG (segno, error correction M as bank apps expect, never a micro QR)."""
    import segno

    buffer = io.BytesIO()
    segno.make_qr(payload, error="m", boost_error=False).save(buffer, kind="png", scale=scale, border=border)
    return buffer.getvalue()


def qr_svg(payload: str, *, scale: int = 8, border: int = 4) -> str:
    """The payload as an SVG QR code, for HTML slips."""
    import segno

    buffer = io.BytesIO()
    segno.make_qr(payload, error="m", boost_error=False).save(buffer, kind="svg", scale=scale, border=border, xmldecl=False)
    return buffer.getvalue().decode("utf-8")
