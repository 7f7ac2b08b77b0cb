"""Progress charts as SVG, drawn on the server with pygal (no JavaScript, no CDN); served as
images without pygal's script (see `quizzes/svg_charts.py`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import pygal
from pygal.style import Style

from ..svg_charts import chart_style, svg_without_script

STYLE = chart_style(
    # Large: the chart is scaled down to about half its width on a phone.
    title_font_size=24,
    label_font_size=19,
    major_label_font_size=19,
    legend_font_size=19,
    value_font_size=18,
    stroke_width="3",
    stroke_opacity="1",
    # Bootstrap-like colours, distinct enough for eight topics.
    colors=("#0d6efd", "#dc3545", "#198754", "#fd7e14", "#6f42c1", "#20c997", "#d63384", "#6c757d"),
)

COVERAGE_STYLE = Style(**{**STYLE.__dict__, "colors": ("#198754", "#ced4da")})


def _config(**kwargs) -> pygal.Config:
    options = {
        "js": [],  # no tooltip script from a CDN
        "disable_xml_declaration": True,
        "style": STYLE,
        "width": 800,
        "height": 520,
        "legend_at_bottom": True,
        "legend_at_bottom_columns": 2,
        "truncate_legend": -1,
        "truncate_label": -1,
        **kwargs,
    }
    return pygal.Config(**options)


def topic_scores_svg(*, title: str, weeks: Sequence[datetime], series: dict[str, list[float | None]]) -> str:
    """A line per topic: the score (0-100) in each week; None where the topic was not tested."""
    axes = {"range": (0, 100), "include_x_axis": True, "y_labels": [0, 25, 50, 75, 100]} if series else {}
    chart = pygal.Line(
        _config(
            title=title,
            dots_size=5,
            margin_right=40,  # room for the last week's label
            allow_interruptions=False,
            x_label_rotation=0,
            no_data_text="No finished tests yet",
            **axes,  # pygal cannot place fixed y labels on an empty chart
        )
    )
    chart.x_labels = [f"{w:%d %b}" for w in weeks]
    for name, values in series.items():
        chart.add(name, values)
    return svg_without_script(chart)


def bank_coverage_svg(*, title: str, rows: Sequence[tuple[str, int, int]]) -> str:
    """A bar per topic: questions seen and not yet seen. `rows` holds (topic, seen, total)."""
    chart = pygal.HorizontalStackedBar(
        _config(
            title=title,
            print_values=True,
            no_data_text="No questions",
            height=max(300, 130 + 56 * len(rows)),
            # The counts are printed on the bars: no value axis or guides (pygal names the
            # axes of a horizontal chart as if it were upright).
            show_x_labels=False,
            show_x_guides=False,
            show_y_guides=False,
            style=COVERAGE_STYLE,
        )
    )
    rows = list(reversed(rows))  # pygal draws the first bar at the bottom
    chart.x_labels = [name for name, _seen, _total in rows]
    chart.add("Seen", [seen for _name, seen, _total in rows])
    chart.add("Not seen yet", [total - seen for _name, seen, total in rows])
    return svg_without_script(chart)
