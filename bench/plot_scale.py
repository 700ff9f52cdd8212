"""Draw docs/scale.svg from one JSON per corpus size: latency and build time against corpus size.

    python bench/plot_scale.py r-1000.json r-20000.json r-100000.json --out docs/scale.svg

Each file is bench/scale.py's ``--json`` ({size: numbers}) or bench/scale_http.py's (the numbers, with "size");
files for the same size are merged (e.g. build and HTTP from scale_http.py, the in-process ranking from a later
``scale.py --steps rank`` on the same build). A value missing for a size is left out of its line.
Plain SVG written by hand (no plotting library): two panels with log-scaled y axes, one line per series.
"""

from __future__ import annotations

import argparse
import json
import math
from html import escape
from pathlib import Path

WIDTH, HEIGHT, PANEL_W, PANEL_H, LEFT, TOP = 790, 340, 300, 220, 70, 50
COLORS = ["#1b6ac9", "#d1495b", "#2e933c", "#8a5cc2", "#e08e0b"]


def panel(x0: int, title: str, sizes: list[int], series: dict[str, list[float | None]], unit: str) -> list[str]:
    series = {name: vs for name, vs in series.items() if any(vs)}
    values = [v for vs in series.values() for v in vs if v]
    lo, hi = 10 ** math.floor(math.log10(min(values))), 10 ** math.ceil(math.log10(max(values)))
    xs = {s: x0 + (i + 0.5) * PANEL_W / len(sizes) for i, s in enumerate(sizes)}

    def y(v: float) -> float:
        return TOP + PANEL_H - (math.log10(v) - math.log10(lo)) / (math.log10(hi) - math.log10(lo)) * PANEL_H

    out = [
        f'<text x="{x0 + PANEL_W / 2}" y="{TOP - 18}" text-anchor="middle" font-weight="bold">{title}</text>',
        f'<rect x="{x0}" y="{TOP}" width="{PANEL_W}" height="{PANEL_H}" fill="none" stroke="#999"/>',
    ]
    decade = lo
    while decade <= hi:
        out.append(f'<line x1="{x0}" x2="{x0 + PANEL_W}" y1="{y(decade):.1f}" y2="{y(decade):.1f}" stroke="#ddd"/>')
        out.append(f'<text x="{x0 - 6}" y="{y(decade) + 4:.1f}" text-anchor="end">{decade:g} {unit}</text>')
        decade *= 10
    for s, x in xs.items():
        out.append(f'<text x="{x:.1f}" y="{TOP + PANEL_H + 18}" text-anchor="middle">{s:,} articles</text>')
    for i, (name, vs) in enumerate(series.items()):
        color = COLORS[i % len(COLORS)]
        points = [(xs[s], y(v)) for s, v in zip(sizes, vs, strict=True) if v]
        if len(points) > 1:
            path = " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
            out.append(f'<polyline points="{path}" fill="none" stroke="{color}" stroke-width="2"/>')
        out += [f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3.5" fill="{color}"/>' for px, py in points]
        out.append(f'<text x="{x0 + 8}" y="{TOP + PANEL_H + 40 + 16 * i}" fill="{color}">— {name}</text>')
    return out


def load(paths: list[Path]) -> dict[int, dict]:
    """Every file's numbers by corpus size, merged key by key for the same size."""
    results: dict[int, dict] = {}
    for path in paths:
        data = json.loads(path.read_text(encoding="utf-8"))
        for size, numbers in ({data["size"]: data} if "size" in data else data).items():
            results.setdefault(int(size), {}).update(numbers)
    return results


def pick(result: dict, *keys: str) -> float | None:
    for key in keys:
        result = result.get(key) if isinstance(result, dict) else None
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("results", type=Path, nargs="+")
    parser.add_argument("--out", type=Path, default=Path("docs/scale.svg"))
    args = parser.parse_args()
    results = load(args.results)
    sizes = sorted(results)
    r = [results[s] for s in sizes]
    latency = {
        "HTTP p95, /api/search (score table)": [pick(x, "http", "p95") for x in r],
        "ranking p95, score table": [pick(x, "in_process", "table", "p95") for x in r],
        "ranking p95, Whoosh matchers*": [pick(x, "in_process", "whoosh", "p95") for x in r],
        "ranking p95, tantivy (same terms)": [pick(x, "in_process", "tantivy", "p95") for x in r],
        "suggest p95 (HTTP)": [pick(x, "suggest", "p95") for x in r],
    }
    build = {
        "kb index from nothing": [pick(x, "build_s") for x in r],
        "one article changed, kb index": [pick(x, "reindex_s") for x in r],
    }
    body = panel(LEFT, "Query latency (p95)", sizes, latency, "ms")
    body += panel(LEFT + PANEL_W + 90, "Build time", sizes, build, "s")
    samples = {s: pick(x, "in_process", "whoosh", "sample") for s, x in zip(sizes, r, strict=True)}
    notes = [f"{s:,} articles: {v}" for s, v in samples.items() if v]
    for line, note in enumerate(notes):  # one line per size: a single line ran past the picture's edge
        lead = "* Whoosh queries at " if line == 0 else ""
        body.append(f'<text x="{LEFT}" y="{HEIGHT + 70 + 15 * line}">{lead}{escape(note)}</text>')
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT + 80 + 15 * len(notes)}"'
        f' font-family="sans-serif" font-size="11"><rect width="100%" height="100%" fill="white"/>'
        + "".join(body)
        + "</svg>\n"
    )
    args.out.write_text(svg, encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
