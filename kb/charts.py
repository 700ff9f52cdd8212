"""Small server-rendered SVG charts: no JavaScript, readable on a 320 px phone, printable.

The SVG scales to its container (viewBox, width 100%); labels are few and large enough to
read when shrunk. Screen readers get a title and a summary here and the full numbers in the
table the page prints beside each chart.
"""

from __future__ import annotations

from html import escape

from markupsafe import Markup

WIDTH, HEIGHT = 360, 180
LEFT, RIGHT, TOP, BOTTOM = 34, 8, 12, 26


def _frame(title: str, summary: str, body: list[str], chart_id: str) -> Markup:
    return Markup(
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-labelledby="{chart_id}-t {chart_id}-d"'
        f' xmlns="http://www.w3.org/2000/svg" preserveAspectRatio="xMidYMid meet">'
        f'<title id="{chart_id}-t">{escape(title)}</title><desc id="{chart_id}-d">{escape(summary)}</desc>'
        + "".join(body)
        + "</svg>"
    )


def _axes(peak_label: str, first: str, last: str) -> list[str]:
    bottom = HEIGHT - BOTTOM
    return [
        f'<line class="axis" x1="{LEFT}" y1="{bottom}" x2="{WIDTH - RIGHT}" y2="{bottom}"/>',
        f'<line class="axis" x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{bottom}"/>',
        f'<text x="{LEFT - 4}" y="{TOP + 8}" text-anchor="end">{escape(peak_label)}</text>',
        f'<text x="{LEFT - 4}" y="{bottom}" text-anchor="end">0</text>',
        f'<text x="{LEFT}" y="{HEIGHT - 8}">{escape(first)}</text>',
        f'<text x="{WIDTH - RIGHT}" y="{HEIGHT - 8}" text-anchor="end">{escape(last)}</text>',
    ]


def _short(day: str) -> str:
    """2026-11-29 → 11/29: fits under a phone-width chart."""
    parts = day.split("-")
    return f"{int(parts[1])}/{int(parts[2])}" if len(parts) == 3 else day


def bar_chart(labels: list[str], values: list[int], *, title: str, chart_id: str) -> Markup:
    peak = max(values, default=0)
    inner_w, inner_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = inner_w / max(len(values), 1)
    body = _axes(str(peak), _short(labels[0]) if labels else "", _short(labels[-1]) if labels else "")
    for i, value in enumerate(values):
        height = inner_h * value / peak if peak else 0
        x = LEFT + i * step + step * 0.15
        body.append(
            f'<rect class="bar" x="{x:.1f}" y="{TOP + inner_h - height:.1f}" width="{step * 0.7:.1f}"'
            f' height="{height:.1f}"><title>{escape(labels[i])}: {value}</title></rect>'
        )
    summary = f"{len(values)}일, 합계 {sum(values)}, 최대 {peak}"
    return _frame(title, summary, body, chart_id)


def line_chart(labels: list[str], rates: list[float], *, title: str, chart_id: str) -> Markup:
    """Rates in 0..1, drawn as percentages on a 0..100% axis (or up to the peak if it is small)."""
    peak = max(rates, default=0.0)
    top = 1.0 if peak > 0.5 else max(0.1, round(peak + 0.05, 1))
    inner_w, inner_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = inner_w / max(len(rates) - 1, 1)
    points = [(LEFT + i * step, TOP + inner_h * (1 - rate / top)) for i, rate in enumerate(rates)]
    body = _axes(f"{top:.0%}", _short(labels[0]) if labels else "", _short(labels[-1]) if labels else "")
    if points:
        body.append('<polyline class="line" points="' + " ".join(f"{x:.1f},{y:.1f}" for x, y in points) + '"/>')
        for (x, y), label, rate in zip(points, labels, rates, strict=True):
            tip = f"<title>{escape(label)}: {rate:.0%}</title>"
            body.append(f'<circle class="dot" cx="{x:.1f}" cy="{y:.1f}" r="2.5">{tip}</circle>')
    average = sum(rates) / len(rates) if rates else 0.0
    summary = f"{len(rates)}일, 평균 {average:.0%}, 최고 {peak:.0%}"
    return _frame(title, summary, body, chart_id)
