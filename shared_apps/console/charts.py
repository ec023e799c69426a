"""The console's charts and its map of Thailand, drawn on the server as SVG.

Accessible and allowed by the strict Content-Security-Policy: role="img" with a <title> and <desc>, no script,
no style attribute (colours are classes from site.css or SVG presentation attributes). Every chart is shown
beside the table that holds its figures, which is what screen readers and print rely on.
"""
from __future__ import annotations

import json
import math
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from django.utils.html import escape
from django.utils.safestring import mark_safe

from shared_apps.charts import grouped_bars, svg_open

GEODATA = Path(__file__).resolve().parent / "geodata" / "thailand-provinces.geojson"
SHADES = ["#eff6ff", "#bfdbfe", "#60a5fa", "#2563eb", "#1e3a8a"]  # light to dark: higher figure, darker
NO_FIGURE = "#e5e7eb"
ATTRIBUTION = "map: amCharts"


def short(value) -> str:
    """A bar's label: 1,234 / 12.3K / 4.5M (the table beside it has the exact figure)."""
    number = float(value or 0)
    size = abs(number)
    if size >= 1_000_000:
        return f"{number / 1_000_000:.1f}M"
    if size >= 10_000:
        return f"{number / 1_000:.1f}K"
    return f"{number:,.0f}" if number == int(number) else f"{number:,.1f}"


def column_chart(*, chart_id: str, title: str, description: str, labels: list[str], series: list[dict],
                 height: int = 220) -> str:
    """Grouped vertical bars, one group per label; `series` = [{"values", "css"}] (chart-now, chart-last)."""
    return grouped_bars(chart_id=chart_id, title=title, description=description, labels=labels, series=series,
                        value_label=short, width=max(56 * max(len(labels), 1), 320), height=height, top=22)


def bar_chart(*, chart_id: str, title: str, description: str, labels: list[str], values: list) -> str:
    """Horizontal bars, one per label (long Thai names fit a phone this way)."""
    row, label_width, width = 26, 150, 420
    height = row * max(len(labels), 1) + 10
    peak = max([Decimal(v) for v in values if Decimal(v or 0) > 0] or [Decimal(1)])
    plot = width - label_width - 60
    parts = svg_open(chart_id, width, height, title, description)
    for index, (label, value) in enumerate(zip(labels, values)):
        y = 5 + index * row
        value = Decimal(value or 0)
        bar = 0 if value <= 0 else max(float(value / peak) * plot, 1)
        text = label if len(label) <= 24 else label[:23] + "…"
        parts.append(f'<text class="chart-label" x="{label_width - 6}" y="{y + 16}" text-anchor="end">{escape(text)}</text>')
        parts.append(f'<rect class="chart-bar chart-now" x="{label_width}" y="{y + 3}" width="{bar:.1f}" height="{row - 8}"/>')
        parts.append(f'<text class="chart-value" x="{label_width + bar + 4:.1f}" y="{y + 16}">{escape(short(value))}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308


# --- the map -------------------------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def provinces_geometry() -> dict[str, list]:
    """{province code: MultiPolygon coordinates} from the vendored GeoJSON (read once per process)."""
    data = json.loads(GEODATA.read_text(encoding="utf-8"))
    return {feature["id"]: feature["geometry"]["coordinates"] for feature in data["features"]}


class _Projection:
    """Equirectangular, with longitudes shrunk by cos(mid-latitude): good enough at Thailand's size."""

    def __init__(self, bounds, width: float):
        (self.west, self.south, self.east, self.north) = bounds
        self.k = math.cos(math.radians((self.north + self.south) / 2))
        span = max((self.east - self.west) * self.k, 1e-6)
        self.scale = width / span
        self.width = width
        self.height = (self.north - self.south) * self.scale

    def __call__(self, lon: float, lat: float) -> tuple[float, float]:
        return (lon - self.west) * self.k * self.scale, (self.north - lat) * self.scale


def _bounds(polygons) -> tuple[float, float, float, float]:
    points = [point for polygon in polygons for ring in polygon for point in ring]
    lons, lats = [p[0] for p in points], [p[1] for p in points]
    return min(lons), min(lats), max(lons), max(lats)


def _path(polygons, project) -> str:
    parts = []
    for polygon in polygons:
        for ring in polygon:
            points = [project(lon, lat) for lon, lat in ring]
            parts.append("M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in points) + "Z")
    return "".join(parts)


def shade_classes(values: dict[str, Decimal | None]) -> tuple[dict[str, int], list[tuple[Decimal, Decimal]]]:
    """Five classes by quantiles of the figures present: {code: class 0–4} and each class's range."""
    present = sorted(Decimal(v) for v in values.values() if v is not None)
    if not present:
        return {}, []
    cuts = [present[min(len(present) - 1, (len(present) * n) // 5)] for n in range(1, 5)]
    classes = {code: sum(Decimal(v) > cut for cut in cuts) for code, v in values.items() if v is not None}
    edges = [present[0]] + cuts + [present[-1]]
    ranges = [(edges[n], edges[n + 1]) for n in range(5)]
    return classes, ranges


def province_map(*, chart_id: str, title: str, description: str, values: dict[str, Decimal | None],
                 names: dict[str, str], unit: str = "", width: int = 320) -> tuple[str, list]:
    """Provinces shaded by a figure (darker = higher; grey = no figure). Returns the SVG and the legend
    [(colour, low, high)]."""
    geometry = provinces_geometry()
    everything = [polygon for polygons in geometry.values() for polygon in polygons]
    project = _Projection(_bounds(everything), width)
    classes, ranges = shade_classes(values)
    parts = svg_open(chart_id, project.width, project.height + 16, title, description)
    for code, polygons in sorted(geometry.items()):
        fill = SHADES[classes[code]] if code in classes else NO_FIGURE
        value = values.get(code)
        label = f"{names.get(code, code)}: {short(value) + (' ' + unit if unit else '') if value is not None else '—'}"
        parts.append(f'<path d="{_path(polygons, project)}" fill="{fill}" stroke="#ffffff" stroke-width="0.5">'
                     f'<title>{escape(label)}</title></path>')
    parts.append(f'<text class="chart-value" x="{project.width - 4:.0f}" y="{project.height + 12:.0f}" '
                 f'text-anchor="end">{ATTRIBUTION}</text></svg>')
    legend = [(SHADES[n], low, high) for n, (low, high) in enumerate(ranges)]
    return mark_safe("".join(parts)), legend  # noqa: S308


STATUS_COLOURS = {"active": "#15803d", "registered": "#b45309", "suspended": "#b91c1c"}


def lao_points_map(*, chart_id: str, title: str, description: str, province: str, points: list[dict],
                   width: int = 320) -> str:
    """One province's outline with its LAOs as points (lat/lon from the registry), coloured by status."""
    polygons = provinces_geometry().get(province, [])
    located = [p for p in points if p["latitude"] is not None and p["longitude"] is not None]
    bounds = _bounds(polygons) if polygons else None
    if located:
        lons = [float(p["longitude"]) for p in located]
        lats = [float(p["latitude"]) for p in located]
        west, south, east, north = bounds or (min(lons), min(lats), max(lons), max(lats))
        bounds = (min(west, *lons) - 0.02, min(south, *lats) - 0.02, max(east, *lons) + 0.02, max(north, *lats) + 0.02)
    if bounds is None:
        bounds = (97.3, 5.6, 105.7, 20.5)
    project = _Projection(bounds, width)
    parts = svg_open(chart_id, project.width, project.height + 16, title, description)
    if polygons:
        parts.append(f'<path d="{_path(polygons, project)}" fill="#eff6ff" stroke="#1e3a8a" stroke-width="1"/>')
    for point in located:
        x, y = project(float(point["longitude"]), float(point["latitude"]))
        colour = STATUS_COLOURS.get(point["status"], "#374151")
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{colour}" stroke="#ffffff" stroke-width="0.8">'
                     f'<title>{escape(point["name"])}</title></circle>')
    parts.append(f'<text class="chart-value" x="{project.width - 4:.0f}" y="{project.height + 12:.0f}" '
                 f'text-anchor="end">{ATTRIBUTION}</text></svg>')
    return mark_safe("".join(parts))  # noqa: S308
