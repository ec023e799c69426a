"""Exports of the lists officers work with: exactly the rows of the filtered list, as CSV or XLSX.

- CSV is UTF-8 with a byte-order mark, so Excel opens Thai as Thai; XLSX is written by openpyxl in its
  write-only mode. Both are produced while the rows are read (a queryset's `.iterator()`), never by
  holding the whole list in memory: CSV streams, XLSX is written to a temporary file and then sent.
- Headers are the columns' labels in the user's language (Thai by default); dates are in the Buddhist
  era (21/12/2569); months by their names (ธันวาคม 2569); money is a number with 2 decimals
  (a numeric cell formatted #,##0.00 in XLSX, 1234.50 in CSV).
- A text that a spreadsheet would run as a formula (=, +, -, @ first: a name a citizen typed) is kept
  as text (CSV: an apostrophe in front; XLSX: a string cell).
"""
from __future__ import annotations

import csv
import datetime
import tempfile
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = ("csv", "xlsx")
KINDS = ("text", "money", "number", "date", "datetime", "month")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def be_date(value: datetime.date | datetime.datetime | None) -> str:
    """21/12/2569: a day in the Buddhist era, as Thai offices write it."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return f"{value.day:02d}/{value.month:02d}/{value.year + 543}"


def be_datetime(value: datetime.datetime | None) -> str:
    if value is None:
        return ""
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{be_date(local)} {local:%H:%M}"


def be_month(value: datetime.date | None) -> str:
    from shared_apps.portal.templatetags.thai_dates import thai_month

    return thai_month(value) if value else ""


def as_text(value, kind: str) -> str:
    """A cell as the CSV writes it."""
    if value is None or value == "":
        return ""
    if kind == "money":
        return f"{Decimal(value):.2f}"
    if kind == "number":
        return str(value)
    if kind == "date":
        return be_date(value)
    if kind == "datetime":
        return be_datetime(value)
    if kind == "month":
        return be_month(value)
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


class _Echo:
    """A file-like object whose write() hands back the line, for csv.writer inside a generator."""

    def write(self, value):
        return value


def _csv_lines(headers: Sequence[str], kinds: Sequence[str], rows: Iterable[Sequence]):
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(headers)
    for row in rows:
        yield writer.writerow([as_text(value, kind) for value, kind in zip(row, kinds)])


def _filename(name: str, extension: str) -> str:
    return f"{name}-{be_date(timezone.localdate()).replace('/', '-')}.{extension}"


def csv_response(*, name: str, headers: Sequence[str], kinds: Sequence[str], rows: Iterable[Sequence]):
    response = StreamingHttpResponse((line.encode("utf-8") for line in _csv_lines(headers, kinds, rows)),
                                     content_type=CSV_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{_filename(name, "csv")}"'
    return response


def xlsx_response(*, name: str, title: str, headers: Sequence[str], kinds: Sequence[str],
                  rows: Iterable[Sequence]):
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=(title or name)[:31].translate(str.maketrans("[]:*?/\\", "()-----")))
    bold = Font(bold=True)
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=str(header))
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        cells = []
        for value, kind in zip(row, kinds):
            if value is None or value == "":
                cells.append(None)
            elif kind == "money":
                cell = WriteOnlyCell(sheet, value=Decimal(value).quantize(Decimal("0.01")))
                cell.number_format = "#,##0.00"
                cells.append(cell)
            elif kind == "number":
                cells.append(value)
            else:
                text = str(value) if kind == "text" else as_text(value, kind)
                cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", text))
                cell.data_type = "s"  # never a formula, whatever it starts with
                cells.append(cell)
        sheet.append(cells)
    target = tempfile.TemporaryFile(suffix=".xlsx")
    workbook.save(target)
    target.seek(0)
    return FileResponse(target, as_attachment=True, filename=_filename(name, "xlsx"), content_type=XLSX_TYPE)


def export_response(fmt: str, *, name: str, title: str, headers: Sequence[str], kinds: Sequence[str],
                    rows: Iterable[Sequence]):
    """The rows as a download: `fmt` is "csv" or "xlsx"; `kinds` says how each column is written."""
    if fmt == "xlsx":
        return xlsx_response(name=name, title=title, headers=headers, kinds=kinds, rows=rows)
    return csv_response(name=name, headers=headers, kinds=kinds, rows=rows)
