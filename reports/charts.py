"""Server-rendered SVG charts: line, bar and heat-map, with axes, a legend and a ``<title>``
tooltip on every point, bar and cell. They scale to their container (``viewBox``), print as they
are, and are ``role="img"`` with a label: the page puts each one's data table under it for
screen readers and for reading exact figures."""

from __future__ import annotations

import math
from urllib.parse import urlencode

from django.utils.html import escape
from django.utils.safestring import mark_safe

from reports.exports import hours, minutes

WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 16, 30


def _nice_max(value: float) -> int:
    """A round axis maximum at or above ``value`` (1, 2, 5 × 10^n), at least 4."""
    if value <= 4:
        return 4
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if value <= step * magnitude:
            return int(step * magnitude)
    return int(10 * magnitude)


def _svg(body: list[str], title: str, *, width: int = WIDTH, height: int = HEIGHT) -> str:
    label = escape(title)
    return (
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-label="{label}" '
        f'preserveAspectRatio="xMidYMid meet" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{label}</title>{''.join(body)}</svg>"
    )


def _y_axis(top_value: int, plot_height: float) -> list[str]:
    parts = []
    for tick in range(5):
        value = top_value * tick / 4
        y = TOP + plot_height - plot_height * tick / 4
        parts.append(
            f'<line class="chart__grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}"/>'
        )
        parts.append(
            f'<text class="chart__tick" x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{value:g}</text>'
        )
    return parts


def _legend(names: list[str]) -> str:
    items = "".join(
        f'<li><span class="chart-legend__swatch chart-legend__swatch--{index}" aria-hidden="true"></span>{escape(name)}</li>'
        for index, name in enumerate(names)
    )
    return f'<ul class="chart-legend">{items}</ul>'


def line_chart(rows: list[dict], *, x: str, series: list[tuple[str, str]], title: str) -> dict:
    """Lines over ``rows`` (one point per row), ``series`` = [(key, label)]."""
    top_value = _nice_max(max((row[key] for row in rows for key, _ in series), default=0))
    plot_width, plot_height = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_width / max(len(rows) - 1, 1)
    body = _y_axis(top_value, plot_height)
    label_every = max(1, math.ceil(len(rows) / 8))
    for index, row in enumerate(rows):
        if index % label_every == 0 or index == len(rows) - 1:
            x_position = LEFT + index * step
            body.append(
                f'<text class="chart__tick" x="{x_position:.1f}" y="{HEIGHT - 10}" text-anchor="middle">'
                f"{escape(str(row[x])[5:])}</text>"
            )
    for number, (key, label) in enumerate(series):
        points = [
            (LEFT + index * step, TOP + plot_height - plot_height * row[key] / top_value)
            for index, row in enumerate(rows)
        ]
        path = " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
        body.append(f'<polyline class="chart__line chart__line--{number}" points="{path}"/>')
        for (px, py), row in zip(points, rows, strict=True):
            body.append(
                f'<circle class="chart__dot chart__dot--{number}" cx="{px:.1f}" cy="{py:.1f}" r="3">'
                f"<title>{escape(str(row[x]))}: {escape(label)} {row[key]}</title></circle>"
            )
    body.append(
        f'<line class="chart__axis" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{TOP + plot_height}" y2="{TOP + plot_height}"/>'
    )
    return {
        "title": title,
        "svg": mark_safe(_svg(body, title)),
        "legend": mark_safe(_legend([label for _, label in series])),
        "empty": not any(row[key] for row in rows for key, _ in series),
    }


def bar_chart(items: list[tuple[str, int]], *, title: str, label: str, horizontal: bool = False) -> dict:
    """Bars for ``items`` = [(name, value)]; ``horizontal`` for long names (agents, reasons)."""
    top_value = _nice_max(max((value for _, value in items), default=0))
    body: list[str] = []
    if horizontal:
        row_height = 26
        height = TOP + BOTTOM + row_height * max(len(items), 1)
        name_width = 150
        plot_width = WIDTH - name_width - RIGHT - 40
        for index, (name, value) in enumerate(items):
            y = TOP + index * row_height
            width = plot_width * value / top_value
            short = name if len(name) <= 22 else name[:21] + "…"
            body.append(
                f'<text class="chart__tick" x="{name_width - 8}" y="{y + 16}" text-anchor="end">{escape(short)}</text>'
                f'<rect class="chart__bar" x="{name_width}" y="{y + 4}" width="{width:.1f}" height="{row_height - 8}">'
                f"<title>{escape(name)}: {value} {escape(label.lower())}</title></rect>"
                f'<text class="chart__value" x="{name_width + width + 6:.1f}" y="{y + 16}">{value}</text>'
            )
        body.append(
            f'<line class="chart__axis" x1="{name_width}" x2="{name_width}" y1="{TOP}" y2="{height - BOTTOM}"/>'
        )
        svg = _svg(body, title, height=height)
    else:
        plot_width, plot_height = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
        body = _y_axis(top_value, plot_height)
        slot = plot_width / max(len(items), 1)
        for index, (name, value) in enumerate(items):
            bar_height = plot_height * value / top_value
            x = LEFT + index * slot + slot * 0.2
            body.append(
                f'<rect class="chart__bar" x="{x:.1f}" y="{TOP + plot_height - bar_height:.1f}" '
                f'width="{slot * 0.6:.1f}" height="{bar_height:.1f}"><title>{escape(name)}: {value} '
                f"{escape(label.lower())}</title></rect>"
                f'<text class="chart__tick" x="{x + slot * 0.3:.1f}" y="{HEIGHT - 10}" text-anchor="middle">{escape(name)}</text>'
            )
        body.append(
            f'<line class="chart__axis" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{TOP + plot_height}" y2="{TOP + plot_height}"/>'
        )
        svg = _svg(body, title)
    return {
        "title": title,
        "svg": mark_safe(svg),
        "legend": mark_safe(_legend([label])),
        "empty": not any(value for _, value in items),
    }


def heatmap(data: dict) -> dict:
    """Weekday × hour cells shaded by count (five levels; 0 is blank)."""
    cell, left, top = 24, 44, 22
    width, height = left + cell * 24 + 4, top + cell * 7 + 4
    peak = data["max"] or 1
    body = [
        f'<text class="chart__tick" x="{left + hour * cell + cell / 2}" y="{top - 8}" text-anchor="middle">{hour:02d}</text>'
        for hour in range(0, 24, 3)
    ]
    for day_index, day in enumerate(data["weekdays"]):
        y = top + day_index * cell
        body.append(
            f'<text class="chart__tick" x="{left - 6}" y="{y + 16}" text-anchor="end">{escape(day[:3])}</text>'
        )
        for hour, count in enumerate(data["cells"][day_index]):
            level = 0 if not count else min(4, math.ceil(4 * count / peak))
            body.append(
                f'<rect class="heat heat--{level}" x="{left + hour * cell}" y="{y}" width="{cell - 2}" height="{cell - 2}" rx="3">'
                f"<title>{escape(day)} {hour:02d}:00–{hour:02d}:59: {count} opened</title></rect>"
            )
    title = "Conversations opened by weekday and hour"
    return {
        "title": title,
        "svg": mark_safe(_svg(body, title, width=width, height=height)),
        "empty": not data["max"],
    }


def _duration(seconds, unit: str) -> str:
    if seconds is None:
        return "—"
    return f"{minutes(seconds)} min" if unit == "min" else f"{hours(seconds)} h"


def kpis(report: dict) -> list[dict]:
    """The overview's headline figures with their change against the previous period."""
    figures, previous, change = report["figures"], report["previous"], report["change_percent"]

    def card(label, value, before, change_key, better="up", hint=""):
        delta = change.get(change_key)
        trend = "" if delta is None else ("good" if (delta >= 0) == (better == "up") else "bad")
        return {
            "label": label,
            "value": value,
            "previous": before,
            "change": delta,
            "trend": trend,
            "hint": hint,
        }

    def duration_card(label, key, unit):
        return card(
            label,
            _duration(figures[key]["median_seconds"], unit),
            _duration(previous[key]["median_seconds"], unit),
            f"{key}_median",
            better="down",
            hint=f"median · p90 {_duration(figures[key]['p90_seconds'], unit)}",
        )

    csat, sla = figures["csat"], figures["sla"]
    return [
        card("Opened", figures["opened"], previous["opened"], "opened", better="none"),
        card("Resolved", figures["resolved"], previous["resolved"], "resolved"),
        card(
            "Backlog",
            figures["backlog"],
            previous["backlog"],
            "backlog",
            better="down",
            hint="open at the end",
        ),
        duration_card("First response", "first_response", "min"),
        duration_card("Resolution time", "resolution", "h"),
        card(
            "SLA met",
            "—" if sla["met_percent"] is None else f"{sla['met_percent']}%",
            "—" if previous["sla"]["met_percent"] is None else f"{previous['sla']['met_percent']}%",
            "sla_met_percent",
            hint=f"{sla['breached']} breached · {sla['pending']} running",
        ),
        card(
            "CSAT",
            "—" if csat["average"] is None else f"{csat['average']} / 5",
            "—" if previous["csat"]["average"] is None else f"{previous['csat']['average']} / 5",
            "csat_average",
            hint=f"{csat['answered']} of {csat['asked']} answered",
        ),
    ]


def sort_links(columns: list[tuple[str, str]], order_by: str, params: dict) -> list[dict]:
    """Column headers of a sortable table: each a link that sorts by it (again: the other way)."""
    current = order_by.lstrip("-")
    descending = order_by.startswith("-")
    result = []
    for key, label in columns:
        active = key == current
        next_order = key if (active and descending) or (not active and key == "name") else f"-{key}"
        if active and not descending:
            next_order = f"-{key}"
        query = urlencode({**{k: v for k, v in params.items() if v}, "order_by": next_order})
        sort = ("descending" if descending else "ascending") if active else "none"
        result.append({"key": key, "label": label, "url": f"?{query}", "sort": sort})
    return result
