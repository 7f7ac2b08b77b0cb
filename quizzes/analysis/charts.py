"""Item analysis charts as SVG, drawn on the server with pygal (no JavaScript, no CDN).

As in the self-test progress charts: the SVG is served from its own URL and shown with <img>
under a strict Content Security Policy, and pygal's config <script> is removed. Each chart has
the same figures in a table on the page, its text alternative.
"""

from __future__ import annotations

from collections.abc import Sequence

import pygal
from django.utils.translation import gettext as _

from ..rules.item_stats import ScoreBin
from ..svg_charts import PALETTE, chart_style, font_sizes, layout_of, svg_without_script


def _config(layout: dict, **kwargs) -> pygal.Config:
    """pygal's options for a layout (`svg_charts.LAYOUTS`: wide, or narrow for phones so the
    text stays readable when the picture is scaled to the screen)."""
    return pygal.Config(
        js=[],  # no tooltip script from a CDN
        disable_xml_declaration=True,
        style=chart_style(**font_sizes(layout), colors=PALETTE[:3]),  # colour-blind-safe
        width=layout["width"],
        height=520 if layout["width"] >= 500 else 420,
        show_legend=False,
        **kwargs,
    )


def scatter_svg(
    *, title: str, x_title: str, y_title: str, points: Sequence[tuple[str, float, float]], empty: str, layout: dict
) -> str:
    """One dot per question: facility (x, 0-100) against discrimination (y, -100-100)."""
    chart = pygal.XY(
        _config(
            layout,
            title=title,
            x_title=x_title,
            y_title=y_title,
            stroke=False,
            dots_size=6,
            range=(-100, 100),
            xrange=(0, 100),
            x_labels=[0, 20, 30, 50, 90, 100],
            y_labels=[-100, -50, 0, 20, 50, 100],
            no_data_text=empty,
        )
    )
    chart.add("", [{"value": (x, y), "label": name} for name, x, y in points])
    return svg_without_script(chart)


def histogram_svg(*, title: str, x_title: str, y_title: str, bins: Sequence[ScoreBin], empty: str, layout: dict) -> str:
    """A bar per score band (0-10%, ..., 90-100%): how many attempts scored in it."""
    config = _config(layout, title=title, x_title=x_title, y_title=y_title, print_values=True, no_data_text=empty)
    chart = pygal.Bar(config)
    chart.x_labels = [f"{b.low}-{b.high}" for b in bins]
    if any(b.count for b in bins):
        chart.add("", [b.count for b in bins])
    return svg_without_script(chart)


STATISTICS_CHARTS = ("facility-discrimination", "scores")


def statistics_svg(name: str, analysis, layout: str | None = None) -> str:
    """One of the statistics page's charts (`STATISTICS_CHARTS`) for an analysis, in a layout
    ("phone" for the narrow one)."""
    size = layout_of(layout)
    if name == "scores":
        return histogram_svg(
            title=_("Scores of the attempts counted"),
            x_title=_("Score (%)"),
            y_title=_("Attempts"),
            bins=analysis.histogram,
            empty=_("No attempts yet"),
            layout=size,
        )
    points = [
        (q.name, q.facility, q.discrimination)
        for q in analysis.stats.questions
        if q.facility is not None and q.discrimination is not None
    ]
    return scatter_svg(
        title=_("Facility and discrimination of each question"),
        x_title=_("Facility index (%)"),
        y_title=_("Discrimination index (%)"),
        points=points,
        empty=_("Not enough attempts yet"),
        layout=size,
    )
