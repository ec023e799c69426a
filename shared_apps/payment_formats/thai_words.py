"""Amounts in Thai words for receipts and slips (DOMAIN.md §7).

Works on whole satang (an int), never on floats: pythainlp rounds through
float and PyPI `bahttext` writes 0.01 as "เอ็ดสตางค์", both wrong on a receipt.
"""
from __future__ import annotations

from decimal import Decimal

_DIGITS = ("", "หนึ่ง", "สอง", "สาม", "สี่", "ห้า", "หก", "เจ็ด", "แปด", "เก้า")
_PLACES = ("", "สิบ", "ร้อย", "พัน", "หมื่น", "แสน")
_MILLION = 10**6


def _below_million(n: int, *, higher: bool) -> str:
    """0 <= n < 1,000,000 in words; `higher` says a non-zero digit stands above this group."""
    words = []
    digits = str(n)
    width = len(digits)
    for i, char in enumerate(digits):
        digit, place = int(char), width - 1 - i
        if digit == 0:
            continue
        if place == 1:
            words.append({1: "สิบ", 2: "ยี่สิบ"}.get(digit) or _DIGITS[digit] + "สิบ")
        elif place == 0 and digit == 1 and (higher or n > 1):
            words.append("เอ็ด")
        else:
            words.append(_DIGITS[digit] + _PLACES[place])
    return "".join(words)


def number_text(n: int) -> str:
    """A non-negative whole number in Thai words; "" for 0 (callers say ศูนย์ where it fits)."""
    if n < 0:
        raise ValueError("number_text takes a non-negative number")
    high, low = divmod(n, _MILLION)
    if not high:
        return _below_million(low, higher=False)
    return number_text(high) + "ล้าน" + _below_million(low, higher=True)


def satang_text(satang: int) -> str:
    """Whole satang in words as on a receipt: 125050 → หนึ่งพันสองร้อยห้าสิบบาทห้าสิบสตางค์."""
    if isinstance(satang, bool) or not isinstance(satang, int):
        raise ValueError(f"satang must be an int, not {type(satang).__name__}")
    sign = "ลบ" if satang < 0 else ""
    baht, rest = divmod(abs(satang), 100)
    if not rest:
        return f"{sign}{number_text(baht) or 'ศูนย์'}บาทถ้วน"
    return f"{sign}{number_text(baht) + 'บาท' if baht else ''}{number_text(rest)}สตางค์"


def baht_text(amount: Decimal) -> str:
    """A Decimal amount in baht in Thai words; more than 2 decimals (e.g. 1.005) is refused.

    Trailing zeros are fine (1.500 is 1.50); negative amounts get the prefix ลบ.
    Ints are accepted as whole baht; floats are refused, they are not exact.
    """
    if isinstance(amount, bool) or not isinstance(amount, (Decimal, int)):
        raise ValueError(f"amount must be a Decimal, not {type(amount).__name__}")
    amount = Decimal(amount)
    if not amount.is_finite():
        raise ValueError(f"amount {amount} is not a number")
    satang = amount.scaleb(2)
    if satang != satang.to_integral_value():
        raise ValueError(f"amount {amount} has more than 2 decimals")
    return satang_text(int(satang))
