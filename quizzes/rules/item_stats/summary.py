"""Moments to reported statistics: questions, choices and the test, in Moodle's units."""

from __future__ import annotations

from bisect import bisect_right
from itertools import accumulate
from math import fsum, sqrt
from operator import mul

from quizzes.rules.item_stats.inputs import QuestionInfo
from quizzes.rules.item_stats.moments import Moments, deviations, snap, weighted_mean, weighted_products
from quizzes.rules.item_stats.results import ZERO_TOLERANCE, ChoiceStats, QuestionStats, QuizStats


def _percent_of(value: float | None, whole: float) -> float | None:
    if value is None or whole == 0:
        return None
    return 100 * value / whole


def question_stats(
    question: QuestionInfo,
    max_mark: float,
    m: Moments,
    max_total: float,
    sum_of_roots: float,
    picks: dict[int, tuple[int, float]],
) -> QuestionStats:
    negative = m.cov_total is not None and m.cov_total < 0
    if m.cov_total is None or negative or not sum_of_roots:
        effective_weight = None
    else:
        effective_weight = 100 * sqrt(m.cov_total) / sum_of_roots
    sd = None if m.variance is None else sqrt(m.variance)
    guess = question.random_guess
    return QuestionStats(
        question_id=question.question_id,
        name=question.name,
        attempts=m.attempts,
        facility=_percent_of(m.mean, max_mark),
        sd=_percent_of(sd, max_mark),
        random_guess=None if guess is None else 100 * guess,
        intended_weight=_percent_of(max_mark, max_total),
        effective_weight=effective_weight,
        discrimination=m.discrimination,
        discriminative_efficiency=m.discriminative_efficiency,
        negative_covariance=negative,
        choices=_choice_stats(question, m.attempts, max_total, picks),
    )


def _choice_stats(
    question: QuestionInfo, attempts: int, max_total: float, picks: dict[int, tuple[int, float]]
) -> tuple[ChoiceStats, ...]:
    credits: dict[int, float | None] = {c.choice_id: 100 * float(c.fraction) for c in question.choices}
    for choice_id in sorted(picks.keys() - credits.keys()):
        credits[choice_id] = None  # picked, but no longer a choice of the question
    stats = []
    for choice_id, credit in credits.items():
        count, sum_of_totals = picks.get(choice_id, (0, 0.0))
        mean_total = sum_of_totals / count if count else None
        stats.append(
            ChoiceStats(
                choice_id=choice_id,
                credit=credit,
                count=count,
                share=100 * count / attempts if attempts else None,
                mean_total=_percent_of(mean_total, max_total),
            )
        )
    return tuple(stats)


def _median(values: list[float], counts: list[int], n: int) -> float:
    """Moodle's median: the middle total, or the mean of the two middle ones for an even count."""
    order = sorted(range(len(values)), key=values.__getitem__)
    running = list(accumulate(map(counts.__getitem__, order)))

    def at(position: int) -> float:  # the total at 0-based position in the sorted attempts
        return values[order[bisect_right(running, position)]]

    return (at((n - 1) // 2) + at(n // 2)) / 2


def quiz_stats(
    totals: dict[float, int], n: int, max_total: float, p: int, sum_of_mark_variance: float, tolerance: float
) -> QuizStats:
    """Moodle's test statistics (quiz_statistics\\calculator::calculate), in the units it shows."""
    mean = median = sd = skewness = kurtosis = cic = error_ratio = standard_error = None
    values, counts = list(totals), list(totals.values())
    if n:
        mean = weighted_mean(values, counts, n)
        median = _median(values, counts, n)
    if n > 1 and mean is not None:
        d = deviations(values, mean)
        d2 = list(map(mul, d, d))
        power2 = fsum(map(mul, d2, counts))
        k2 = snap(power2 / (n - 1), tolerance)
        sd = sqrt(k2)
        if n > 2 and k2:
            m2 = power2 / n
            m3 = weighted_products(d2, d, counts) / n
            k3 = n * n * m3 / ((n - 1) * (n - 2))
            skewness = k3 / k2**1.5
            if n > 3:
                m4 = weighted_products(d2, d2, counts) / n
                k4 = n * n * ((n + 1) * m4 - 3 * (n - 1) * m2 * m2) / ((n - 1) * (n - 2) * (n - 3))
                kurtosis = k4 / (k2 * k2)
            if p > 1:
                cic = (100 * p / (p - 1)) * (1 - sum_of_mark_variance / k2)
                if 100 < cic <= 100 * (1 + ZERO_TOLERANCE):
                    cic = 100.0  # exactly consistent, give or take the last bit
                # Above 100 (possible only when questions were left out of some attempts) the
                # error ratio would be the square root of a negative number: Moodle stores null.
                if cic <= 100:
                    error_ratio = 100 * sqrt(1 - cic / 100)
                    standard_error = error_ratio * sd / 100
    return QuizStats(
        attempts=n,
        max_total=max_total,
        mean=_percent_of(mean, max_total),
        median=_percent_of(median, max_total),
        sd=_percent_of(sd, max_total),
        skewness=skewness,
        kurtosis=kurtosis,
        cic=cic,
        error_ratio=error_ratio,
        standard_error=_percent_of(standard_error, max_total),
    )
