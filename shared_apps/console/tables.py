"""A figure table shown on a console page and downloadable as CSV/XLSX from the same rows.

A page builds its tables once; the page renders them and `?table=<key>&export=csv|xlsx` sends the same rows
through shared_apps.exports, so an export always equals what the page shows.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from shared_apps.exports import FORMATS, export_response


@dataclass
class Col:
    label: Any
    kind: str = "text"  # text, number, money (shared_apps.exports kinds)

    @property
    def numeric(self) -> bool:
        return self.kind in ("number", "money")


@dataclass
class Table:
    key: str  # ?table=<key>, and the export's file name
    caption: Any
    columns: list[Col]
    rows: list[list] = field(default_factory=list)
    row_header: bool = True  # the first column names the row (<th scope="row">)
    footer: list | None = None  # totals
    links: list | None = None  # per row: a URL for the first cell, or None
    exports: list = field(default_factory=list)  # (label, url) of its downloads, set by with_exports

    def cells(self):
        """Rows for the template: [(value, column, link)] with the first cell's link."""
        for index, row in enumerate(self.rows):
            link = self.links[index] if self.links else None
            yield [(value, column, link if n == 0 else None) for n, (value, column) in enumerate(zip(row, self.columns))]

    def footer_cells(self):
        return list(zip(self.footer, self.columns)) if self.footer else []

    def export_links(self, request) -> list[tuple[str, str]]:
        query = request.GET.copy()
        links = []
        for fmt, label in (("csv", "CSV"), ("xlsx", "Excel (XLSX)")):
            query["table"], query["export"] = self.key, fmt
            links.append((label, f"{request.path}?{query.urlencode()}"))
        return links


def with_exports(request, tables: list[Table]) -> list[Table]:
    for table in tables:
        table.exports = table.export_links(request)
    return tables


def wanted_export(request, tables: list[Table]):
    """The download asked for by ?table=&export=, or None (a table or format not on this page: the page)."""
    fmt, key = request.GET.get("export", ""), request.GET.get("table", "")
    if fmt not in FORMATS:
        return None
    table = next((t for t in tables if t.key == key), None)
    if table is None:
        return None
    rows = list(table.rows) + ([table.footer] if table.footer else [])
    return export_response(fmt, name=table.key, title=str(table.caption),
                           headers=[str(c.label) for c in table.columns], kinds=[c.kind for c in table.columns],
                           rows=([_plain(v) for v in row] for row in rows))


def _plain(value):
    return value if isinstance(value, (int, Decimal, type(None))) else str(value)


def query_without(request, *names: str) -> str:
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return urlencode(list(query.lists()), doseq=True)
