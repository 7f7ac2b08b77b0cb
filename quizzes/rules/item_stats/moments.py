"""From the accumulated counts to each question's moments (Moodle's question calculator)."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable, Sequence
from itertools import accumulate, compress, repeat
from math import fsum, sqrt
from operator import itemgetter, mul, sub
from typing import NamedTuple

from quizzes.rules.item_stats.results import ZERO_TOLERANCE


class Moments(NamedTuple):
    attempts: int
    mean: float | None  # of the mark
    variance: float | None  # of the mark
    cov_total: float | None  # mark with total
    discrimination: float | None  # in percent
    discriminative_efficiency: float | None  # in percent


class Columns:
    """The accumulated counts as columns, grouped by question.

    Sorting indexes by question and slicing keeps the work in C, which matters when every
    total is different and there is one entry per response.
    """

    def __init__(self, counts: Counter[tuple[int, float, tuple[int, ...], float]]) -> None:
        keys = list(counts)
        self.counts = list(counts.values())
        self.positions = list(map(itemgetter(0), keys))
        self.marks = list(map(itemgetter(1), keys))
        self.responses = list(map(itemgetter(2), keys))
        self.totals = list(map(itemgetter(3), keys))
        self._order = sorted(range(len(keys)), key=self.positions.__getitem__)
        self._ordered = list(map(self.positions.__getitem__, self._order))

    def of_question(self, i: int) -> tuple[list[float], list[float], list[int]]:
        """Marks, totals and counts of question i's entries (a (mark, total) pair may repeat)."""
        part = self._order[bisect_left(self._ordered, i) : bisect_right(self._ordered, i)]
        return (
            list(map(self.marks.__getitem__, part)),
            list(map(self.totals.__getitem__, part)),
            list(map(self.counts.__getitem__, part)),
        )


def choice_picks(columns: Columns, size: int) -> list[dict[int, tuple[int, float]]]:
    """Per question: choice id -> (times picked, sum of the pickers' totals)."""
    counts: dict[tuple[int, int], int] = {}
    sums: dict[tuple[int, int], list[float]] = {}
    entries = zip(columns.positions, columns.responses, columns.totals, columns.counts, strict=True)
    for i, response, t, count in compress(entries, columns.responses):
        for choice_id in set(response):  # a choice named twice in one response counts once
            key = (i, choice_id)
            counts[key] = counts.get(key, 0) + count
            sums.setdefault(key, []).append(t * count)
    picks: list[dict[int, tuple[int, float]]] = [{} for _ in range(size)]
    for (i, choice_id), count in counts.items():
        picks[i][choice_id] = (count, fsum(sums[i, choice_id]))
    return picks


def weighted_mean(values: Sequence[float], counts: Sequence[int], n: int) -> float:
    """Mean of values repeated counts times; kept within their range so a constant has 0 spread."""
    mean = fsum(map(mul, values, counts)) / n
    return min(max(mean, min(values)), max(values))


def deviations(values: Iterable[float], mean: float) -> list[float]:
    return list(map(sub, values, repeat(mean)))


def weighted_products(a: Iterable[float], b: Iterable[float], counts: Iterable[int]) -> float:
    """Sum of count * a * b, summed with fsum."""
    return fsum(map(mul, map(mul, a, b), counts))


def snap(value: float, tolerance: float) -> float:
    return 0.0 if abs(value) <= tolerance else value


def question_moments(xs: list[float], ts: list[float], cs: list[int], tolerance: float) -> Moments:
    """One question's moments from its (mark x, total t) pairs and their counts.

    The rest of the test is o = t - x. Everything is centred on its mean before being summed.
    """
    n = sum(cs)
    if n == 0:
        return Moments(0, None, None, None, None, None)
    mean_x = weighted_mean(xs, cs, n)
    if n < 2:
        return Moments(n, mean_x, None, None, None, None)
    os = list(map(sub, ts, xs))
    dx = deviations(xs, mean_x)
    do = deviations(os, weighted_mean(os, cs, n))
    dt = deviations(ts, weighted_mean(ts, cs, n))
    denominator = n - 1
    var_x = snap(weighted_products(dx, dx, cs) / denominator, tolerance)
    var_o = snap(weighted_products(do, do, cs) / denominator, tolerance)
    cov_xo = weighted_products(dx, do, cs) / denominator
    var_t = weighted_products(dt, dt, cs) / denominator
    cov_xt = weighted_products(dx, dt, cs) / denominator
    if abs(cov_xt) <= ZERO_TOLERANCE * sqrt(var_x * var_t):
        # An exactly zero covariance comes out as float noise of either sign; taken as it is,
        # it would hide the effective weight (negative) or, through the square root, shift the
        # other questions' weights.
        cov_xt = 0.0
    cov_max = snap(_sorted_pairing(dx, do, cs) / denominator, tolerance)
    discrimination = 100 * cov_xo / sqrt(var_x * var_o) if var_x and var_o else None
    efficiency = 100 * cov_xo / cov_max if cov_max else None
    return Moments(n, mean_x, var_x, cov_xt, discrimination, efficiency)


def _sorted_pairing(dx: list[float], do: list[float], counts: list[int]) -> float:
    """Sum of products of deviations when the sorted marks are paired with the sorted rests.

    This is Moodle's `covariancemaxsum`: the largest covariance the question could have with
    the rest of the test, given both distributions. Both sides are runs of equal values (a
    value and its count); the n sorted positions split into segments wherever a run of either
    side ends, and each segment adds its length times the product of its two values.
    """
    if max(counts) == 1:  # every (mark, total) pair seen once: the plain sorted lists pair up
        return fsum(map(mul, sorted(dx), sorted(do)))
    xs, x_ends = _runs(dx, counts)
    os, o_ends = _runs(do, counts)
    ends = sorted(set(x_ends).union(o_ends))
    starts = [0, *ends[:-1]]
    x_values = map(xs.__getitem__, map(bisect_right, repeat(x_ends), starts))
    o_values = map(os.__getitem__, map(bisect_right, repeat(o_ends), starts))
    return fsum(map(mul, map(mul, x_values, o_values), map(sub, ends, starts)))


def _runs(values: list[float], counts: list[int]) -> tuple[list[float], list[int]]:
    """Values in increasing order, with the position (in the expanded sorted list) where each run ends."""
    order = sorted(range(len(values)), key=values.__getitem__)
    return list(map(values.__getitem__, order)), list(accumulate(map(counts.__getitem__, order)))
