"""Geometry for the server-rendered SVG charts (no JavaScript; each has a table beside it)."""

import datetime


def completion_bars(summary: list[dict], *, width: int = 420, row: int = 34) -> dict:
    label_w = 150
    bar_max = width - label_w - 50
    top = max((r["count"] for r in summary), default=0) or 1
    bars = []
    for i, r in enumerate(summary):
        w = round(bar_max * r["count"] / top)
        bars.append(
            {
                **r,
                "y": i * row + 6,
                "text_y": i * row + 6 + row // 2,
                "w": w,
                "x": label_w,
                "count_x": label_w + w + 6,
            }
        )
    return {
        "width": width,
        "height": max(len(summary), 1) * row + 10,
        "label_w": label_w,
        "bar_h": row - 12,
        "bars": bars,
    }


def gantt(rows: list[dict], *, today: datetime.date, width: int = 760) -> dict | None:
    """`rows`: dicts with start_on, due_on, label, overdue, status. Returns bar geometry."""
    if not rows:
        return None
    label_w = 230
    row_h = 24
    # The range is the milestones' own: a plan seen years later stays readable; today's
    # line is drawn only when it falls inside.
    start = min(r["start_on"] for r in rows).replace(day=1)
    end = max(r["due_on"] for r in rows)
    span = max((end - start).days + 1, 1)
    plot_w = width - label_w - 10

    def x(d):
        return label_w + round(plot_w * (d - start).days / span, 1)

    bars = []
    for i, r in enumerate(rows):
        x0 = x(r["start_on"])
        x1 = x(r["due_on"] + datetime.timedelta(days=1))
        bars.append(
            {
                **r,
                "x": x0,
                "w": max(round(x1 - x0, 1), 3),
                "y": 30 + i * row_h,
                "text_y": 30 + i * row_h + 16,
                "label_short": r["label"][:32] + ("…" if len(r["label"]) > 32 else ""),
            }
        )
    ticks = []
    month = start
    while month <= end:
        ticks.append({"x": x(month), "label": month.strftime("%m/%Y")})
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    step = max(1, len(ticks) // 8)
    return {
        "width": width,
        "height": 40 + len(rows) * row_h,
        "label_w": label_w,
        "bars": bars,
        "ticks": ticks[::step],
        "today_x": x(today) if start <= today <= end else None,
        "bottom": 30 + len(rows) * row_h,
    }


def sparkline(points: list[tuple[datetime.date, float]], *, width=280, height=90):
    if not points:
        return None
    pad = 10
    values = [float(v) for _d, v in points]
    lo, hi = min(values + [0.0]), max(values)
    hi = hi if hi > lo else lo + 1
    first, last = points[0][0], points[-1][0]
    span = max((last - first).days, 1)
    coords = []
    for d, v in points:
        px = pad + (width - 2 * pad) * (
            (d - first).days / span if len(points) > 1 else 0.5
        )
        py = height - pad - (height - 2 * pad) * (float(v) - lo) / (hi - lo)
        coords.append((round(px, 1), round(py, 1)))
    return {
        "width": width,
        "height": height,
        "polyline": " ".join(f"{a},{b}" for a, b in coords),
        "dots": [{"x": a, "y": b} for a, b in coords],
    }
