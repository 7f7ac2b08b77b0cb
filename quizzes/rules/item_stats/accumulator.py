"""The streaming pass: counts keyed by distinct values, one attempt at a time."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from decimal import Decimal
from itertools import repeat
from math import fsum, isfinite, sqrt

from quizzes.rules.item_stats.counting import ResponseCounts
from quizzes.rules.item_stats.inputs import AttemptRow, QuestionInfo
from quizzes.rules.item_stats.moments import Columns, choice_picks, question_moments
from quizzes.rules.item_stats.results import ZERO_TOLERANCE, ItemStats
from quizzes.rules.item_stats.summary import question_stats, quiz_stats


class ItemStatsAccumulator:
    """Feed attempts one by one with `add_attempt`, then read `result()`.

    Holds counts keyed by distinct (question, mark, response, total) values, never the
    attempts themselves; `result()` may be called at any time and does not reset.
    """

    def __init__(self, questions: Sequence[QuestionInfo]) -> None:
        self._questions = tuple(questions)
        ids = [q.question_id for q in self._questions]
        if len(set(ids)) != len(ids):
            raise ValueError("question ids must be unique")
        self._max_marks = tuple(float(q.max_mark) for q in self._questions)
        self._unit_marks = all(m == 1.0 for m in self._max_marks)
        self._positions = range(len(self._questions))
        self._attempts = 0
        self._totals: dict[float, int] = {}
        # (question position, mark, response, total) -> count, where a response is the tuple of
        # choice ids picked (empty when none were or none were given). Counter.update counts an
        # iterable in C: one call per attempt, no Python loop per response.
        self._counts: Counter[tuple[int, float, tuple[int, ...], float]] = Counter()

    def add_attempt(
        self,
        fractions: Sequence[float | Decimal | None],
        chosen: Sequence[Collection[int] | None] | None = None,
    ) -> None:
        """Count one attempt: each question's mark fraction in quiz order (None: not shown).

        `chosen`, when given, lists the choice ids picked for each question (None or empty:
        nothing picked); picks for a question the attempt did not show are ignored.
        """
        if len(fractions) != len(self._max_marks):
            raise ValueError(f"expected {len(self._max_marks)} fractions, got {len(fractions)}")
        if chosen is not None and len(chosen) != len(fractions):
            raise ValueError(f"expected {len(fractions)} lists of chosen ids, got {len(chosen)}")
        if self._unit_marks:
            marks = [None if f is None else float(f) for f in fractions]
        else:
            marks = [None if f is None else float(f) * m for f, m in zip(fractions, self._max_marks, strict=True)]
        total = fsum(filter(None, marks))
        if not isfinite(total):
            raise ValueError("fractions must be finite numbers")
        self._attempts += 1
        self._totals[total] = self._totals.get(total, 0) + 1
        responses: Iterable[tuple[int, ...]]
        if chosen is None:
            responses = repeat(())
        elif None in chosen:
            responses = [() if ids is None else tuple(ids) for ids in chosen]
        else:
            responses = map(tuple, chosen)
        if None in marks:
            shown = zip(self._positions, marks, responses, strict=False)  # responses may be an endless repeat
            self._counts.update((i, x, response, total) for i, x, response in shown if x is not None)
        else:
            self._counts.update(zip(self._positions, marks, responses, repeat(total)))

    def add_counts(self, counts: ResponseCounts) -> None:
        """Count many attempts at once, as `count_responses` grouped them (for these questions)."""
        for (total, _possible), n in counts.attempts.items():
            self._attempts += n
            self._totals[total] = self._totals.get(total, 0) + n
        self._counts.update(counts.responses)

    def result(self) -> ItemStats:
        """The statistics of the attempts added so far."""
        max_total = fsum(self._max_marks)
        scale = max_total if max_total > 0 else 1.0
        tolerance = (ZERO_TOLERANCE * scale) ** 2

        columns = Columns(self._counts)
        moments = [question_moments(*columns.of_question(i), tolerance) for i in self._positions]

        roots = fsum(sqrt(m.cov_total) for m in moments if m.cov_total is not None and m.cov_total >= 0)
        picks = choice_picks(columns, len(self._questions))
        questions = tuple(
            question_stats(question, max_mark, m, max_total, roots, picks[i])
            for i, (question, max_mark, m) in enumerate(zip(self._questions, self._max_marks, moments, strict=True))
        )
        sum_of_mark_variance = fsum(m.variance for m in moments if m.variance is not None)
        quiz = quiz_stats(
            self._totals, self._attempts, max_total, len(self._questions), sum_of_mark_variance, tolerance
        )
        return ItemStats(quiz=quiz, questions=questions)


def item_stats(questions: Sequence[QuestionInfo], attempts: Iterable[AttemptRow]) -> ItemStats:
    """All statistics in one call: `attempts` is streamed through an ItemStatsAccumulator."""
    accumulator = ItemStatsAccumulator(questions)
    for row in attempts:
        accumulator.add_attempt(row.fractions, row.chosen)
    return accumulator.result()
