"""What every chart drawn on the server shares: one look, and an SVG with no script in it.

Charts are served from their own URL and shown with <img> under a strict Content Security
Policy; an SVG shown as an image runs no script at all. pygal always writes a small <script>
with its config (for tooltips we do not load): it is removed here, so the file holds only
shapes and its own <style>.
"""

from __future__ import annotations

import re

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
