"""What every chart drawn on the server shares: one look, and an SVG with no script in it.

Charts are served from their own URL and shown with <img> under a strict Content Security
Policy; an SVG shown as an image runs no script at all. pygal always writes a small <script>
with its config (for tooltips we do not load): it is removed here, so the file holds only
shapes and its own <style>.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from pygal.style import Style

_SCRIPT = re.compile(r"<script\b[^>]*>.*?</script>", re.DOTALL)

_LOOK = {
    "background": "#ffffff",
    "plot_background": "#ffffff",
    "foreground": "#212529",
    "foreground_strong": "#212529",
    "foreground_subtle": "#6c757d",
    "font_family": "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif",
}


def chart_style(**sizes_and_colours) -> Style:
    """The site's chart look (white, Bootstrap's text colours and fonts) with a chart's own sizes and colours."""
    return Style(**{**_LOOK, **sizes_and_colours})


def svg_without_script(chart) -> str:
    """The chart's SVG, without pygal's config script."""
    return _SCRIPT.sub("", chart.render(is_unicode=True))


# Lines told apart by more than colour (WCAG 1.4.1): the Okabe-Ito colour-blind-safe palette
# (its yellow darkened to show on white), and each series its own dash pattern and marker.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#8F7A00")
DASHES = ("", "14,6", "3,5", "14,5,3,5", "26,8", "7,7", "2,3", "18,4,4,4,4,4")
MARKERS = ("circle", "square", "triangle", "diamond", "triangle-down", "ring", "open-square", "cross")

# Two layouts of the same chart: the wide one (800 units across) for tablets and desktops, and
# a narrow one (360 across, shown about 350 px wide on a 390 px phone) whose text, drawn at
# 14 units, is still 13 px or more on the phone's screen.
LAYOUTS = {
    "wide": {"width": 800, "font": 21, "title": 24},
    "phone": {"width": 360, "font": 14, "title": 16},
}

_SVG_NS = "http://www.w3.org/2000/svg"


def layout_of(name: str | None) -> dict:
    """The layout asked for by name (`?layout=phone`); the wide one for anything else."""
    return LAYOUTS.get(name or "", LAYOUTS["wide"])


def font_sizes(layout: dict) -> dict:
    """The pygal style sizes for a layout: every text at its `font` size, the title a little larger."""
    size = layout["font"]
    return {
        "title_font_size": layout["title"],
        "label_font_size": size,
        "major_label_font_size": size,
        "legend_font_size": size,
        "value_font_size": size,
        "value_label_font_size": size,
        "tooltip_font_size": size,
    }


def series_stroke(index: int) -> dict:
    """pygal's stroke_style for the series at `index`: its dash pattern."""
    dash = DASHES[index % len(DASHES)]
    return {"width": 3, "dasharray": dash} if dash else {"width": 3}


def _marker(kind: str, x: float, y: float, r: float, css_class: str) -> ET.Element:
    """One marker of a kind, centred on (x, y), about 2r across; open kinds are filled white."""
    # Solid outlines: a series' dash pattern (set on its group) must not reach its markers.
    attrs = {"class": css_class, "style": "stroke-dasharray:none"}
    if kind in ("circle", "ring"):
        attrs.update(cx=f"{x:.2f}", cy=f"{y:.2f}", r=f"{r:.2f}")
        tag = "circle"
    else:
        s = r * 1.1
        points = {
            "square": [(-s, -s), (s, -s), (s, s), (-s, s)],
            "open-square": [(-s, -s), (s, -s), (s, s), (-s, s)],
            "triangle": [(0, -1.3 * s), (1.2 * s, s), (-1.2 * s, s)],
            "triangle-down": [(0, 1.3 * s), (1.2 * s, -s), (-1.2 * s, -s)],
            "diamond": [(0, -1.4 * s), (1.4 * s, 0), (0, 1.4 * s), (-1.4 * s, 0)],
            "cross": [(-s, -s), (s, s), (0, 0), (s, -s), (-s, s), (0, 0)],
        }[kind]
        attrs["d"] = (
            "M" + " L".join(f"{x + dx:.2f} {y + dy:.2f}" for dx, dy in points) + (" Z" if kind != "cross" else "")
        )
        tag = "path"
    if kind in ("ring", "open-square"):
        attrs["style"] += ";fill:#ffffff;stroke-width:2.5"
    elif kind == "cross":
        attrs["style"] += ";fill:none;stroke-width:3"
    return ET.Element(f"{{{_SVG_NS}}}{tag}", attrs)


def _index(css_class: str, prefix: str) -> int | None:
    for word in css_class.split():
        if word.startswith(prefix) and word[len(prefix) :].isdigit():
            return int(word[len(prefix) :])
    return None


def with_markers(svg: str) -> str:
    """A line chart's SVG with each series' dots drawn as its own marker, and each legend box
    replaced by a short sample of the series' line (its dash) with its marker."""
    ET.register_namespace("", _SVG_NS)
    root = ET.fromstring(svg)  # noqa: S314 (our own pygal output, never input from outside)
    for group in root.iter(f"{{{_SVG_NS}}}g"):
        index = _index(group.get("class", ""), "serie-")
        if index is None:
            continue
        kind = MARKERS[index % len(MARKERS)]
        for dots in group.findall(f"{{{_SVG_NS}}}g"):
            for pos, circle in enumerate(list(dots)):
                if circle.tag != f"{{{_SVG_NS}}}circle":
                    continue
                x, y, r = (float(circle.get(a)) for a in ("cx", "cy", "r"))
                dots.remove(circle)
                dots.insert(pos, _marker(kind, x, y, r * 1.3, circle.get("class", "")))
    for legend in root.iter(f"{{{_SVG_NS}}}g"):
        index = _index(legend.get("id", "").replace("activate-serie-", "serie-"), "serie-")
        box = legend.find(f"{{{_SVG_NS}}}rect")
        if index is None or box is None:
            continue
        x, y, w, h = (float(box.get(a)) for a in ("x", "y", "width", "height"))
        colour = box.get("class", "").split()[0]
        dash = DASHES[index % len(DASHES)]
        line = ET.Element(
            f"{{{_SVG_NS}}}path",
            {
                "d": f"M{x:.2f} {y + h / 2:.2f} H{x + w:.2f}",
                "class": f"{colour} legend-line",
                "style": "fill:none;stroke-width:3" + (f";stroke-dasharray:{dash}" if dash else ""),
            },
        )
        legend.remove(box)
        legend.insert(0, line)
        legend.insert(1, _marker(MARKERS[index % len(MARKERS)], x + w / 2, y + h / 2, h / 5, colour))
    return ET.tostring(root, encoding="unicode")
