"""Reading a month's guest list (อบจ.รร.6) typed or uploaded as CSV; every broken row is named by line."""
import csv
import datetime
import io
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from shared_apps.money import MoneyError, column, fits, largest, parse_amount, parse_count
from shared_apps.portal.templatetags.thai_dates import buddhist_date

# The longest stay one line of the guest list may declare: a year. Longer is not a hotel stay (nor a typing slip
# one would want filed).
MAX_NIGHTS = 366
MAX_BYTES = 5 * 1024 * 1024

COLUMNS = {
    "guest_name": ["guest_name", "guest", "name", "ชื่อผู้พัก", "ชื่อ"],
    "check_in": ["check_in", "checkin", "date", "วันที่เข้าพัก"],
    "nights": ["nights", "จำนวนคืน"],
    "room_rate": ["room_rate", "rate", "ค่าห้องต่อคืน", "อัตราค่าห้อง"],
}


def parse_date(text: str) -> datetime.date:
    """YYYY-MM-DD, or DD/MM/YYYY with the year in the Buddhist era (or CE)."""
    text = text.strip()
    if "-" in text:
        return datetime.date.fromisoformat(text)
    day, month, year = (int(part) for part in text.split("/"))
    return datetime.date(year - 543 if year > 2400 else year, month, day)


def clean_guest(row: dict, *, where: str, period: datetime.date, errors: list) -> dict | None:
    before = len(errors)
    name = str(row.get("guest_name") or "").strip()
    if not name:
        errors.append(f"{where}: " + _("the guest's name is missing"))
    try:
        check_in = row["check_in"] if isinstance(row.get("check_in"), datetime.date) else parse_date(
            str(row.get("check_in") or ""))
        if (check_in.year, check_in.month) != (period.year, period.month):
            errors.append(f"{where}: " + _("check-in %(date)s is not in the month filed") % {"date": buddhist_date(check_in)})
    except (ValueError, TypeError):
        errors.append(f"{where}: " + _("check-in date “%(value)s” is not a date") % {"value": row.get("check_in")})
        check_in = None
    try:
        nights = parse_count(row.get("nights", ""), field=f"{where}: " + _("nights"), minimum=1, maximum=MAX_NIGHTS)
    except MoneyError as error:
        errors.append(error.message)
        nights = None
    rate_column = column(_guest_field("room_rate"))
    try:
        rate = parse_amount(row.get("room_rate", ""), field=f"{where}: " + _("room rate"), **rate_column)
    except MoneyError as error:
        errors.append(error.message if error.code == "too_large" else f"{where}: " + _(
            "room rate “%(value)s” must be baht, at most 2 decimals, not negative") % {"value": row.get("room_rate")})
        rate = None
    if len(errors) > before:
        return None
    rent = Decimal(nights) * rate
    rent_column = column(_guest_field("rent"))
    if not fits(rent, **rent_column):
        errors.append(f"{where}: " + _("the rent of the stay (%(nights)d nights × %(rate)s) is more than one line can "
                                       "hold (at most %(max)s)") % {
            "nights": nights, "rate": f"{rate:,.2f}", "max": f"{largest(**rent_column):,.2f}"})
        return None
    return {"guest_name": name[:200], "check_in": check_in, "nights": nights, "room_rate": rate, "rent": rent}


def _guest_field(name):
    from .models import HotelGuest

    return HotelGuest._meta.get_field(name)


def clean_guests(rows: list[dict], *, period: datetime.date) -> list[dict]:
    errors, guests = [], []
    for number, row in enumerate(rows, start=1):
        guest = clean_guest(row, where=_("line %(number)d") % {"number": number}, period=period, errors=errors)
        if guest:
            guests.append({**guest, "line": number})
    if errors:
        raise ValidationError(errors)
    return guests


def decode_guest_csv(data: bytes) -> str:
    """The text of an uploaded guest list: UTF-8 (with or without a BOM) or TIS-620, at most 5 MB."""
    if len(data) > MAX_BYTES:
        raise ValidationError(_("The guest list is larger than 5 MB."))
    for encoding in ("utf-8-sig", "cp874"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationError(_("The file is neither UTF-8 nor TIS-620 text."))


def read_guest_csv(data: bytes | str, *, period: datetime.date) -> list[dict]:
    """Rows of a CSV guest list; line numbers count the header as line 1."""
    if isinstance(data, bytes):
        data = decode_guest_csv(data)
    reader = csv.reader(io.StringIO(data, newline=""))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        raise ValidationError(_("The file is empty.")) from None
    positions = {}
    for field_name, names in COLUMNS.items():
        matches = [i for i, h in enumerate(header) if h in names]
        if not matches:
            raise ValidationError(_("Line 1: the column “%(column)s” is missing.") % {"column": names[0]})
        positions[field_name] = matches[0]
    errors, guests = [], []
    for row in reader:
        where = _("line %(number)d") % {"number": reader.line_num}
        if not any(cell.strip() for cell in row):
            continue
        if len(row) < len(header):
            errors.append(f"{where}: " + _("%(found)d fields, the header has %(expected)d")
                          % {"found": len(row), "expected": len(header)})
            continue
        guest = clean_guest({name: row[i] for name, i in positions.items()}, where=where, period=period,
                            errors=errors)
        if guest:
            guests.append({**guest, "line": reader.line_num})
    if errors:
        raise ValidationError(errors)
    if not guests:
        raise ValidationError(_("The guest list has no guests; file a nil return instead."))
    return guests
