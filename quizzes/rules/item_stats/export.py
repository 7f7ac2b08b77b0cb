"""The report as JSON-ready data."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from quizzes.rules.item_stats.flags import Flag
from quizzes.rules.item_stats.results import ItemStats


def to_json(
    stats: ItemStats,
    flags: Iterable[Flag] = (),
    *,
    attempts_counted: str | None = None,
    decimals: int | None = 2,
) -> dict[str, Any]:
    """The report as JSON-ready data: percentages rounded as Moodle shows them, None for null.

    Percentages get `decimals` places and skewness and kurtosis two more, as Moodle does
    (`decimals=None` keeps full precision). `attempts_counted` says which attempts were used
    ("first", "all", ...). Each flag appears under the quiz or its question.
    """
    pct = _rounder(decimals)
    plain = _rounder(None if decimals is None else decimals + 2)
    by_question: dict[int | None, list[dict[str, Any]]] = {}
    for f in flags:
        entry: dict[str, Any] = {"flag": f.kind.value, "value": pct(f.value), "threshold": f.threshold}
        if f.choice_id is not None:
            entry["choice_id"] = f.choice_id
        by_question.setdefault(f.question_id, []).append(entry)
    quiz = stats.quiz
    quiz_json: dict[str, Any] = {
        "attempts": quiz.attempts,
        "attempts_counted": attempts_counted,
        "max_total": quiz.max_total,
        "mean": pct(quiz.mean),
        "median": pct(quiz.median),
        "sd": pct(quiz.sd),
        "skewness": plain(quiz.skewness),
        "kurtosis": plain(quiz.kurtosis),
        "cic": pct(quiz.cic),
        "error_ratio": pct(quiz.error_ratio),
        "standard_error": pct(quiz.standard_error),
        "flags": by_question.get(None, []),
    }
    questions = [
        {
            "question_id": q.question_id,
            "name": q.name,
            "attempts": q.attempts,
            "facility": pct(q.facility),
            "sd": pct(q.sd),
            "random_guess": pct(q.random_guess),
            "intended_weight": pct(q.intended_weight),
            "effective_weight": pct(q.effective_weight),
            "negative_covariance": q.negative_covariance,
            "discrimination": pct(q.discrimination),
            "discriminative_efficiency": pct(q.discriminative_efficiency),
            "choices": [
                {
                    "choice_id": c.choice_id,
                    "credit": pct(c.credit),
                    "count": c.count,
                    "share": pct(c.share),
                    "mean_total": pct(c.mean_total),
                }
                for c in q.choices
            ],
            "flags": by_question.get(q.question_id, []),
        }
        for q in stats.questions
    ]
    return {"quiz": quiz_json, "questions": questions}


def _rounder(decimals: int | None) -> Callable[[float | None], float | None]:
    def rounded(value: float | None) -> float | None:
        if value is None or decimals is None:
            return value
        return round(value, decimals) + 0.0  # + 0.0 turns a rounded -0.0 into 0.0

    return rounded
