"""Charts drawn on the server as SVG, for the officer's money pages and DLA's dashboards alike.

Accessible and allowed by the strict Content-Security-Policy: role="img" with a <title> and <desc>, text labels,
no script, no style attribute (colours are classes from site.css). Every chart is shown beside the table that
holds its figures, which is what screen readers and print rely on.
"""
from __future__ import annotations

from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import mark_safe


def svg_open(chart_id: str, width: float, height: float, title: str, description: str) -> list[str]:
    return [f'<svg class="chart" viewBox="0 0 {width:.0f} {height:.0f}" role="img" '
            f'aria-labelledby="{chart_id}-t {chart_id}-d" xmlns="http://www.w3.org/2000/svg">',
            f'<title id="{chart_id}-t">{escape(title)}</title>', f'<desc id="{chart_id}-d">{escape(description)}</desc>']


def grouped_bars(*, chart_id: str, title: str, description: str, labels: list[str], series: list[dict],
                 value_label, width: float, height: int = 220, top: int = 24) -> str:
    """Grouped vertical bars, one group per label; `series` = [{"values", "css"}]; the first series' bars carry
    `value_label(value)`. The SVG scales to its box (viewBox), so it fits a phone."""
    groups = max(len(labels), 1)
    bottom, left = 40, 8
    plot = height - top - bottom
    peak = max([Decimal(v) for s in series for v in s["values"] if Decimal(v) > 0] or [Decimal(1)])
    group_width = (width - left * 2) / groups
    bar_width = group_width * 0.8 / max(len(series), 1)
    parts = svg_open(chart_id, width, height, title, description)
    parts.append(f'<line class="chart-axis" x1="{left}" y1="{top + plot}" x2="{width - left}" y2="{top + plot}"/>')
    for index, label in enumerate(labels):
        x0 = left + index * group_width + group_width * 0.1
        for number, one in enumerate(series):
            value = Decimal(one["values"][index])
            bar = 0 if value <= 0 else max(float(value / peak) * plot, 1)
            x = x0 + number * bar_width
            parts.append(f'<rect class="chart-bar {escape(one["css"])}" x="{x:.1f}" y="{top + plot - bar:.1f}" '
                         f'width="{bar_width * 0.92:.1f}" height="{bar:.1f}"/>')
            if number == 0 and value:
                parts.append(f'<text class="chart-value" x="{x + bar_width * 0.46:.1f}" '
                             f'y="{top + plot - bar - 4:.1f}" text-anchor="middle">{escape(value_label(value))}</text>')
        parts.append(f'<text class="chart-label" x="{x0 + group_width * 0.4:.1f}" y="{top + plot + 18}" '
                     f'text-anchor="middle">{escape(label)}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 — every text above is escaped
