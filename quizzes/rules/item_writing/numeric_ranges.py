"""Numeric choices read as ranges of values, so that overlapping ranges can be found.

"About 6 to 12 weeks" is [6, 12] weeks, "More than 1 in 4" is (25, inf) per 100, "Up to 5" is
(-inf, 5]. Other text is not a numeric choice: `numeric_range` gives None.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .language import Text


@dataclass(frozen=True)
class NumericRange:
    """The values a choice names, each end open or closed, with its unit ("" if none)."""

    low: float
    low_closed: bool
    high: float
    high_closed: bool
    unit: str


_NUM = r"-?\d+(?:[.,]\d+)*"
_NUMERIC_CHOICE = re.compile(
    r"^(?:(?:about|around|approximately|roughly|some|between|unas|unos|aproximadamente|mas o menos|cerca de|alrededor de"
    r"|entre) )?"
    r"(?:(?P<bound>more than|over|above|greater than|at least|less than|fewer than|under|below|up to|at most"
    r"|mas de|al menos|por lo menos|menos de|hasta) )?"
    rf"(?P<a>{_NUM})(?: ?(?:-|to|a|and|y) ?(?P<b>{_NUM}))?"
    r"(?P<pct> ?%)?"
    rf"(?: (?:in|out of|de cada|de) (?P<per>{_NUM}))?"
    r"(?: (?:or|o) (?P<orx>more|higher|greater|above|less|lower|fewer|below|mas|menos))?"
    r"(?P<unit>(?: [a-z/]+){0,5})$"
)
_LOWER_OPEN = {"more than", "over", "above", "greater than", "mas de"}
_LOWER_CLOSED = {"at least", "al menos", "por lo menos"}
_UPPER_OPEN = {"less than", "fewer than", "under", "below", "menos de"}
_UPPER_CLOSED = {"up to", "at most", "hasta"}


def _number(text: str) -> float:
    if re.fullmatch(r"-?\d{1,3}(?:,\d{3})+(?:\.\d+)?", text):
        text = text.replace(",", "")
    return float(text.replace(",", "."))


def numeric_range(text: Text) -> NumericRange | None:
    """The range of values a choice such as "About 6 to 12 weeks" or "More than 1 in 4" names."""
    cleaned = " ".join(text.folded.replace("(", " ").replace(")", " ").split()).rstrip(".;,!")
    match = _NUMERIC_CHOICE.match(cleaned)
    if not match:
        return None
    low = _number(match["a"])
    high = _number(match["b"]) if match["b"] else low
    low, high = min(low, high), max(low, high)
    unit = match["unit"].strip()
    if match["per"] or match["pct"]:
        scale = 100 / _number(match["per"]) if match["per"] else 1.0
        low, high, unit = low * scale, high * scale, f"per 100 {unit}".strip()
    if match["bound"]:
        bound = match["bound"]
    elif match["orx"]:
        bound = "at least" if match["orx"] in ("more", "higher", "greater", "above", "mas") else "up to"
    else:
        bound = ""
    inf = float("inf")
    if bound in _LOWER_OPEN:
        return NumericRange(low, False, inf, False, unit)
    if bound in _LOWER_CLOSED:
        return NumericRange(low, True, inf, False, unit)
    if bound in _UPPER_OPEN:
        return NumericRange(-inf, False, high, False, unit)
    if bound in _UPPER_CLOSED:
        return NumericRange(-inf, False, high, True, unit)
    return NumericRange(low, True, high, True, unit)


def ranges_overlap(x: NumericRange, y: NumericRange) -> bool:
    """Whether some value lies in both ranges; the units are compared by the caller."""
    if x.low != y.low:
        low, low_closed = max((x.low, x.low_closed), (y.low, y.low_closed))
    else:
        low, low_closed = x.low, x.low_closed and y.low_closed
    if x.high != y.high:
        high, high_closed = min((x.high, x.high_closed), (y.high, y.high_closed))
    else:
        high, high_closed = x.high, x.high_closed and y.high_closed
    return low < high or (low == high and low_closed and high_closed)
