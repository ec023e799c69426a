"""Bar charts drawn on the server as SVG: accessible (role="img" with a <title> and <desc>, text labels) and
allowed by the strict Content-Security-Policy (no script, no style attribute: colours come from classes in
site.css). Every chart is shown beside its data table, which is what screen readers and print rely on."""
from __future__ import annotations

from decimal import Decimal

from shared_apps.charts import grouped_bars


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
    """Grouped vertical bars: `series` = [{"name", "values", "css"}]; one group per label, on a fixed canvas
    (the box scales it, so text keeps its size relative to the bars)."""
    return grouped_bars(chart_id=chart_id, title=title, description=description, labels=labels, series=series,
                        value_label=short_baht, width=640, height=height)
