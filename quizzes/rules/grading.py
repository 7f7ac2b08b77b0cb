"""Scoring rules, in one place and free of Django: plain data in, plain data out.

Marks follow Moodle's fractions. Each choice carries a fraction of its question's mark:
1 for the one right answer of a single-answer question; for a multiple-answer question the
right choices' fractions add up to 1 and wrong ones may be negative, so ticking everything
does not earn full marks. A multiple-answer question may instead be scored all-or-nothing: 1 for
exactly the right set of choices, else 0.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)
# The grades Moodle offers for a choice (as fractions; their negatives are penalties), and how
# far a stored fraction may be from one of them (0.3333334 is 33.33333 %).
MOODLE_FRACTIONS = tuple(
    Decimal(f)
    for f in (
        "1", "0.9", "0.8333333", "0.8", "0.75", "0.7", "0.6666667", "0.6", "0.5", "0.4", "0.3333333",
        "0.3", "0.25", "0.2", "0.1666667", "0.1428571", "0.125", "0.1111111", "0.1", "0.05", "0",
    )
)  # fmt: skip
MOODLE_FRACTION_TOLERANCE = Decimal("0.000001")
# How far the right choices of a multiple-answer question may add up away from 1
# (three choices at 0.3333333 are fine).
FRACTION_SUM_TOLERANCE = Decimal("0.0001")


class Kind(StrEnum):
    SINGLE = "single"
    MULTIPLE = "multiple"
    TRUEFALSE = "truefalse"


class Scoring(StrEnum):
    """How a question's chosen fractions become its mark."""

    PARTIAL = "partial"  # the chosen fractions summed, clamped to [0, 1] (Moodle's way)
    ALL_OR_NOTHING = "all_or_nothing"  # 1 for exactly the right choices, else 0


TRUE_FALSE_TEXTS = ("True", "False")


@dataclass(frozen=True)
class QuestionKey:
    """What grading needs of one question: its kind, each choice id's fraction, its scoring."""

    kind: Kind
    fractions: Mapping[int, Decimal]
    scoring: Scoring = Scoring.PARTIAL


@dataclass(frozen=True)
class AttemptGrade:
    marks: tuple[Decimal, ...]
    score: Decimal
    passed: bool


def too_many_chosen(kind: str, chosen: Iterable) -> bool:
    """Several different choices on a question that takes one (single answer, true/false)."""
    return kind != Kind.MULTIPLE and len(set(chosen)) > 1


def question_mark(question: QuestionKey, chosen: Iterable[int]) -> Decimal:
    """Mark for one question, from 0 to 1.

    Unanswered is 0. An answer naming a choice the question does not have, or more than one
    choice where one is asked for, is void and earns 0: a tampered form never earns marks.
    All-or-nothing scoring gives 1 for exactly the choices with a positive fraction, else 0.
    Otherwise the chosen fractions are summed and clamped to [0, 1]; a sum within
    FRACTION_SUM_TOLERANCE of 1 is full marks (three right choices at 0.3333333 are all right).
    """
    picked = frozenset(chosen)
    if not picked or not picked <= question.fractions.keys():
        return ZERO
    if question.kind != Kind.MULTIPLE and len(picked) > 1:
        return ZERO
    if question.scoring == Scoring.ALL_OR_NOTHING:
        return ONE if picked == correct_choice_ids(question) else ZERO
    total = sum((question.fractions[c] for c in picked), ZERO)
    if total >= ONE - FRACTION_SUM_TOLERANCE:
        return ONE
    return max(ZERO, total)


def score_percent(marks: Sequence[Decimal]) -> Decimal:
    """Sum of marks over the number of questions, as a percentage rounded half-up to 2 places."""
    if not marks:
        return ZERO.quantize(Decimal("0.01"))
    raw = sum(marks, ZERO) / len(marks) * HUNDRED
    return raw.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def is_pass(score: Decimal, pass_mark: Decimal | int) -> bool:
    """A score passes when it reaches the pass mark."""
    return score >= Decimal(pass_mark)


def grade_attempt(
    questions: Sequence[QuestionKey], answers: Sequence[Iterable[int]], pass_mark: Decimal | int
) -> AttemptGrade:
    """Grade a whole attempt: `answers[i]` holds the choice ids picked for `questions[i]`."""
    if len(questions) != len(answers):
        raise ValueError("one answer (possibly empty) is needed per question")
    marks = tuple(question_mark(q, a) for q, a in zip(questions, answers, strict=True))
    score = score_percent(marks)
    return AttemptGrade(marks=marks, score=score, passed=is_pass(score, pass_mark))


def correct_choice_ids(question: QuestionKey) -> frozenset[int]:
    """The choices that earn marks: the ones a review shows as correct."""
    return frozenset(c for c, f in question.fractions.items() if f > 0)


def is_moodle_fraction(fraction: Decimal) -> bool:
    """Whether a fraction is one of Moodle's grades or its negative (within the tolerance)."""
    return any(abs(abs(fraction) - f) <= MOODLE_FRACTION_TOLERANCE for f in MOODLE_FRACTIONS)


def everything_scores(kind: Kind, fractions: Iterable[Decimal], scoring: Scoring = Scoring.PARTIAL) -> Decimal:
    """The mark a learner earns by ticking every choice of a multiple-answer question (0 when
    that is not possible: one-answer kinds void several choices, all-or-nothing gives 0 unless
    every choice is right). Above 0 means "tick everything" pays."""
    values = dict(enumerate(fractions))
    if kind != Kind.MULTIPLE or not values:
        return ZERO
    return question_mark(QuestionKey(kind=kind, fractions=values, scoring=scoring), values)


def fraction_errors(kind: Kind, choices: Sequence[tuple[str, Decimal]]) -> list[str]:
    """Why a question's (text, fraction) choices break the rules for its kind; empty when fine."""
    errors: list[str] = []
    fractions = [f for _, f in choices]
    if any(f > ONE or f < -ONE for f in fractions):
        errors.append("Each fraction must be between -1 and 1.")
    if kind == Kind.TRUEFALSE:
        texts = sorted(t.strip() for t, _ in choices)
        if len(choices) != 2 or texts != sorted(TRUE_FALSE_TEXTS):
            errors.append('A true/false question has exactly two choices: "True" and "False".')
        elif sorted(fractions) != [ZERO, ONE]:
            errors.append("A true/false question has one choice at full mark (100 %) and one at 0 %.")
        return errors
    if len(choices) < 2:
        errors.append("A question needs at least two choices.")
    if kind == Kind.SINGLE:
        full = sum(1 for f in fractions if f == ONE)
        if full != 1 or any(ZERO < f < ONE for f in fractions):
            errors.append(
                "A single-answer question has exactly one choice at full mark (100 %); the others are 0 % or negative."
            )
    elif kind == Kind.MULTIPLE:
        positive = sum((f for f in fractions if f > 0), ZERO)
        if abs(positive - ONE) > FRACTION_SUM_TOLERANCE:
            errors.append(
                "In a multiple-answer question the right choices' fractions must add up "
                f"to 1 (they add up to {positive.normalize()})."
            )
    return errors


class Outcome(StrEnum):
    CORRECT = "correct"
    PARTIAL = "partial"
    WRONG = "wrong"
    UNANSWERED = "unanswered"


def outcome(mark: Decimal, chosen: Iterable[int]) -> Outcome:
    """How a review labels an answer: full marks, some marks, none, or nothing chosen."""
    if not frozenset(chosen):
        return Outcome.UNANSWERED
    if mark >= ONE:
        return Outcome.CORRECT
    if mark > ZERO:
        return Outcome.PARTIAL
    return Outcome.WRONG
