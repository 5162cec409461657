"""Bar charts drawn on the server, with no JavaScript: the geometry that
templates/openlima/includes/bar_chart.html turns into an SVG with a table beside it. A
kernel utility: the apps draw their `home_charts:` with it (docs/architecture.md)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .registry import BarChart, BarRow

ROW_HEIGHT = 30  # rows are this far apart
LABEL_WIDTH = 190  # bars start after the label
SHORT_LABEL = 24  # longer labels are cut, with an ellipsis


def bars(
    items: Sequence[Mapping[str, Any]],
    *,
    value_key: str = "count",
    label_key: str = "label",
    width: int = 260,
) -> BarChart:
    """A horizontal bar chart of `items`, one row each in their order, the bars scaled to
    the largest value (a None value, e.g. a suppressed figure, draws no bar)."""
    values = [item.get(value_key) or 0 for item in items]
    top = max(values) if values and max(values) > 0 else 1
    rows: list[BarRow] = []
    for n, item in enumerate(items):
        label = str(item.get(label_key) or "")
        value = item.get(value_key)
        bar = round((value or 0) * width / top)
        rows.append(
            {
                "label": label,
                "short_label": label
                if len(label) <= SHORT_LABEL
                else label[: SHORT_LABEL - 1] + "…",
                "value": value,
                "width": bar,
                "y": n * ROW_HEIGHT,
                "text_y": n * ROW_HEIGHT + 16,
                "value_x": LABEL_WIDTH + bar + 6,
            }
        )
    return {"rows": rows, "height": max(len(rows) * ROW_HEIGHT, ROW_HEIGHT)}
