"""Bar charts drawn on the server as SVG: accessible (role="img" with a <title> and <desc>, text labels) and
allowed by the strict Content-Security-Policy (no script, no style attribute: colours come from classes in
site.css). Every chart is shown beside its data table, which is what screen readers and print rely on."""
from __future__ import annotations

from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import mark_safe


def short_baht(amount: Decimal) -> str:
    """A bar's label: 1,234 / 12.3K / 4.5M (the table beside it has the exact figure)."""
    value = float(amount)
    size = abs(value)
    if size >= 1_000_000:
        return f"{value / 1_000_000:.1f}M"
    if size >= 10_000:
        return f"{value / 1_000:.1f}K"
    return f"{value:,.0f}"


def bar_chart(*, chart_id: str, title: str, description: str, labels: list[str], series: list[dict],
              height: int = 220) -> str:
    """Grouped vertical bars: `series` = [{"name", "values", "css"}]; one group per label. The SVG scales to
    its box (viewBox), so it fits a phone."""
    groups = len(labels)
    width = 640  # a fixed canvas: the box scales it, so text keeps its size relative to the bars
    top, bottom, left = 24, 40, 8
    plot = height - top - bottom
    values = [Decimal(v) for s in series for v in s["values"]]
    peak = max([v for v in values if v > 0] or [Decimal(1)])
    group_width = (width - left * 2) / max(groups, 1)
    bar_width = group_width * 0.8 / max(len(series), 1)
    parts = [f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-labelledby="{chart_id}-t '
             f'{chart_id}-d" xmlns="http://www.w3.org/2000/svg">',
             f'<title id="{chart_id}-t">{escape(title)}</title>',
             f'<desc id="{chart_id}-d">{escape(description)}</desc>',
             f'<line class="chart-axis" x1="{left}" y1="{top + plot}" x2="{width - left}" y2="{top + plot}"/>']
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
                             f'y="{top + plot - bar - 4:.1f}" text-anchor="middle">{escape(short_baht(value))}</text>')
        parts.append(f'<text class="chart-label" x="{x0 + group_width * 0.4:.1f}" y="{top + plot + 18}" '
                     f'text-anchor="middle">{escape(label)}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 — every text above is escaped
