"""Flags: a statistic past the threshold where an educator should look at the question."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum

from quizzes.rules.item_stats.results import ItemStats, QuestionStats


class FlagKind(StrEnum):
    TOO_EASY = "too_easy"
    TOO_HARD = "too_hard"
    REVIEW = "review"
    WEAK_DISCRIMINATION = "weak_discrimination"
    NEGATIVE_DISCRIMINATION = "negative_discrimination"
    NON_FUNCTIONING_DISTRACTOR = "non_functioning_distractor"
    LOW_RELIABILITY = "low_reliability"


@dataclass(frozen=True)
class FlagThresholds:
    """Where a statistic starts to need an educator's look. All in percent.

    Defaults are the rules of thumb medical schools use for item analysis:
    * too easy: facility above 90; too hard: facility below 20; review: from 20 up to 30;
    * weak discrimination: discrimination index from 0 up to 20 (below 0 is negative
      discrimination, always flagged: stronger learners do worse on the question);
    * non-functioning distractor: a choice earning no credit picked by under 5% of the attempts
      at its question;
    * low reliability: coefficient of internal consistency below 64 (Moodle's own advice for
      a test meant to rank); None turns it off, for mastery checks that are not meant to rank.
    """

    too_easy_above: float = 90.0
    too_hard_below: float = 20.0
    review_below: float = 30.0
    weak_discrimination_below: float = 20.0
    distractor_share_below: float = 5.0
    reliability_below: float | None = 64.0


@dataclass(frozen=True)
class Flag:
    """One statistic past its threshold: on the quiz (question_id None), a question or a choice."""

    kind: FlagKind
    value: float
    threshold: float
    question_id: int | None = None
    choice_id: int | None = None


def item_flags(stats: ItemStats, thresholds: FlagThresholds | None = None) -> tuple[Flag, ...]:
    """The flags raised by `stats`: test first, then each question in order. Undefined stats raise none."""
    limits = thresholds or FlagThresholds()
    flags: list[Flag] = []
    cic = stats.quiz.cic
    if limits.reliability_below is not None and cic is not None and cic < limits.reliability_below:
        flags.append(Flag(FlagKind.LOW_RELIABILITY, cic, limits.reliability_below))
    for q in stats.questions:
        flags.extend(_question_flags(q, limits))
    return tuple(flags)


def _question_flags(q: QuestionStats, limits: FlagThresholds) -> Iterator[Flag]:
    qid = q.question_id
    if q.facility is not None:
        if q.facility > limits.too_easy_above:
            yield Flag(FlagKind.TOO_EASY, q.facility, limits.too_easy_above, qid)
        elif q.facility < limits.too_hard_below:
            yield Flag(FlagKind.TOO_HARD, q.facility, limits.too_hard_below, qid)
        elif q.facility < limits.review_below:
            yield Flag(FlagKind.REVIEW, q.facility, limits.review_below, qid)
    if q.discrimination is not None:
        if q.discrimination < 0:
            yield Flag(FlagKind.NEGATIVE_DISCRIMINATION, q.discrimination, 0.0, qid)
        elif q.discrimination < limits.weak_discrimination_below:
            yield Flag(FlagKind.WEAK_DISCRIMINATION, q.discrimination, limits.weak_discrimination_below, qid)
    for c in q.choices:
        is_distractor = c.credit is not None and c.credit <= 0
        if is_distractor and c.share is not None and c.share < limits.distractor_share_below:
            yield Flag(FlagKind.NON_FUNCTIONING_DISTRACTOR, c.share, limits.distractor_share_below, qid, c.choice_id)
