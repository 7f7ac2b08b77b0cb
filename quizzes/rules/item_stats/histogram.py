"""A score histogram, counted as attempts stream past: the data behind the score chart."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from math import fsum


@dataclass(frozen=True)
class ScoreBin:
    """Attempts whose score (percent) is at least `low` and below `high` (the last bin includes 100)."""

    low: int
    high: int
    count: int


class ScoreHistogram:
    """Attempt scores in bins `width` percent wide.

    An attempt's score is its marks' sum over the max marks of the questions it showed, in
    percent: a self-test that drew 5 of the quiz's 20 questions is scored on those 5.
    """

    def __init__(self, max_marks: Sequence[float | Decimal], width: int = 10) -> None:
        if width <= 0 or 100 % width:
            raise ValueError("width must divide 100")
        self._max_marks = tuple(float(m) for m in max_marks)
        self._width = width
        self._counts = [0] * (100 // width)

    def add(self, fractions: Sequence[float | Decimal | None]) -> None:
        """Count one attempt: each question's mark fraction in quiz order (None: not shown)."""
        shown = [(float(f), m) for f, m in zip(fractions, self._max_marks, strict=True) if f is not None]
        possible = fsum(m for _f, m in shown)
        if not possible:
            return
        self._count(fsum(f * m for f, m in shown), possible, 1)

    def add_counts(self, attempts: Mapping[tuple[float, float], int]) -> None:
        """Count attempts by (total of marks, max marks of the questions shown), as
        `ResponseCounts.attempts` holds them."""
        for (total, possible), n in attempts.items():
            if possible:
                self._count(total, possible, n)

    def _count(self, total: float, possible: float, n: int) -> None:
        score = 100 * total / possible
        index = min(max(int(score // self._width), 0), len(self._counts) - 1)
        self._counts[index] += n

    def bins(self) -> tuple[ScoreBin, ...]:
        """Every bin from 0 to 100, empty ones included."""
        w = self._width
        return tuple(ScoreBin(i * w, (i + 1) * w, n) for i, n in enumerate(self._counts))
