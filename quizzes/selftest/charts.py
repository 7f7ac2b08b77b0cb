"""Progress charts as SVG, drawn on the server with pygal (no JavaScript, no CDN); served as
images without pygal's script (see `quizzes/svg_charts.py`).

Each chart comes in two layouts (`svg_charts.LAYOUTS`): wide, and narrow for phones, so its
text stays readable once the image is scaled to a phone's width. Topic lines differ in colour
(a colour-blind-safe palette), dash pattern and marker, in the lines and in the legend.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import pygal

from ..svg_charts import PALETTE, chart_style, font_sizes, layout_of, series_stroke, svg_without_script, with_markers

COVERAGE_COLOURS = ("#0072B2", "#ced4da")


def _config(layout: dict, *, colours: Sequence[str] = PALETTE, entries: int = 2, **kwargs) -> pygal.Config:
    """pygal's options for a layout; `entries` legend entries make the chart taller (the plot
    keeps its height however long the legend is)."""
    phone = layout["width"] < 500
    columns = 1 if phone else 2
    box = round(layout["font"] * 1.5)
    rows = -(-entries // columns)
    options = {
        "js": [],  # no tooltip script from a CDN
        "disable_xml_declaration": True,
        "style": chart_style(**font_sizes(layout), stroke_width="3", stroke_opacity="1", colors=colours),
        "width": layout["width"],
        "height": (300 if phone else 360) + 4 * layout["font"] + rows * (box + 12),
        "legend_at_bottom": True,
        "legend_at_bottom_columns": columns,
        "legend_box_size": box,  # room for a sample of the line and its marker
        "truncate_legend": -1,
        "truncate_label": -1,
        **kwargs,
    }
    return pygal.Config(**options)


def topic_scores_svg(
    *, title: str, weeks: Sequence[datetime], series: dict[str, list[float | None]], layout: str | None = None
) -> str:
    """A line per topic: the score (0-100) in each week; None where the topic was not tested."""
    size = layout_of(layout)
    axes = {"range": (0, 100), "include_x_axis": True, "y_labels": [0, 25, 50, 75, 100]} if series else {}
    config = _config(
        size,
        title=title,
        dots_size=5,
        margin_right=size["font"] * 2,  # room for the last week's label
        allow_interruptions=False,
        entries=len(series),
        x_label_rotation=0,
        # Only every so many weeks labelled, so labels never overlap.
        x_labels_major_count=8 if size["width"] >= 500 else 4,
        show_minor_x_labels=False,
        no_data_text="No finished tests yet",
        **axes,  # pygal cannot place fixed y labels on an empty chart
    )
    chart = pygal.Line(config)
    chart.x_labels = [f"{w:%d %b}" for w in weeks]
    for index, (name, values) in enumerate(series.items()):
        chart.add(name, values, stroke_style=series_stroke(index))
    return with_markers(svg_without_script(chart))


def bank_coverage_svg(*, title: str, rows: Sequence[tuple[str, int, int]], layout: str | None = None) -> str:
    """A bar per topic: questions seen and not yet seen. `rows` holds (topic, seen, total)."""
    size = layout_of(layout)
    chart = pygal.HorizontalStackedBar(
        _config(
            size,
            colours=COVERAGE_COLOURS,
            title=title,
            print_values=True,
            no_data_text="No questions",
            height=max(300, 130 + size["font"] * 3 * len(rows)),
            legend_box_size=size["font"],
            # The counts are printed on the bars: no value axis or guides (pygal names the
            # axes of a horizontal chart as if it were upright).
            show_x_labels=False,
            show_x_guides=False,
            show_y_guides=False,
        )
    )
    rows = list(reversed(rows))  # pygal draws the first bar at the bottom
    chart.x_labels = [name for name, _seen, _total in rows]
    chart.add("Seen", [seen for _name, seen, _total in rows])
    chart.add("Not seen yet", [total - seen for _name, seen, total in rows])
    return svg_without_script(chart)
