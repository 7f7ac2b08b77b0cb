"""grading.py is pure: these tests need no database."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizzes.rules import grading
from quizzes.rules.grading import Kind, QuestionKey

D = Decimal


def single(right=1, wrong=(2, 3, 4)):
    return QuestionKey(Kind.SINGLE, {right: D(1), **{w: D(0) for w in wrong}})


def multiple():
    return QuestionKey(Kind.MULTIPLE, {1: D("0.5"), 2: D("0.5"), 3: D("-0.5"), 4: D("-1")})


def test_single_answer_right_choice_earns_full_mark():
    assert grading.question_mark(single(), {1}) == 1


def test_single_answer_wrong_choice_earns_nothing():
    assert grading.question_mark(single(), {2}) == 0


def test_unanswered_earns_nothing():
    assert grading.question_mark(single(), set()) == 0


def test_several_choices_on_single_answer_question_earn_nothing():
    assert grading.question_mark(single(), {1, 2}) == 0


def test_choice_from_another_question_voids_the_answer():
    assert grading.question_mark(single(), {1, 99}) == 0


def test_multiple_answer_sums_chosen_fractions():
    assert grading.question_mark(multiple(), {1}) == D("0.5")
    assert grading.question_mark(multiple(), {1, 2}) == 1


def test_right_choices_stored_as_thirds_earn_full_marks():
    thirds = QuestionKey(Kind.MULTIPLE, {1: D("0.3333333"), 2: D("0.3333333"), 3: D("0.3333333"), 4: D(-1)})
    assert grading.question_mark(thirds, {1, 2, 3}) == 1
    assert grading.outcome(grading.question_mark(thirds, {1, 2, 3}), {1, 2, 3}) == grading.Outcome.CORRECT
    assert grading.question_mark(thirds, {1, 2}) == D("0.6666666")


def test_multiple_answer_penalty_is_clamped_at_zero():
    assert grading.question_mark(multiple(), {3, 4}) == 0
    assert grading.question_mark(multiple(), {1, 4}) == 0


def test_ticking_every_choice_does_not_earn_full_marks():
    assert grading.question_mark(multiple(), {1, 2, 3, 4}) == 0


def test_score_is_rounded_half_up_to_two_places():
    # 2 of 3 right = 66.666...% -> 66.67; 1 of 8 = 12.5%
    assert grading.score_percent([D(1), D(1), D(0)]) == D("66.67")
    assert grading.score_percent([D(1)] + [D(0)] * 7) == D("12.50")
    # 0.125 / 1 question = 12.5%, and 1/3 of a mark on one question -> 33.33
    assert grading.score_percent([D("0.00005")]) == D("0.01")


def test_score_of_empty_quiz_is_zero():
    assert grading.score_percent([]) == D("0.00")


def test_pass_mark_is_inclusive():
    assert grading.is_pass(D("70.00"), 70)
    assert not grading.is_pass(D("69.99"), 70)


def test_grade_attempt_combines_marks_score_and_verdict():
    grade = grading.grade_attempt([single(), single(), multiple()], [{1}, {2}, {1}], pass_mark=50)
    assert grade.marks == (D(1), D(0), D("0.5"))
    assert grade.score == D("50.00")
    assert grade.passed


def test_grade_attempt_needs_one_answer_per_question():
    with pytest.raises(ValueError):
        grading.grade_attempt([single()], [], pass_mark=50)


def test_correct_choice_ids_are_the_positive_ones():
    assert grading.correct_choice_ids(multiple()) == {1, 2}


@pytest.mark.parametrize(
    ("mark", "chosen", "expected"),
    [
        (D(1), {1}, grading.Outcome.CORRECT),
        (D("0.5"), {1}, grading.Outcome.PARTIAL),
        (D(0), {2}, grading.Outcome.WRONG),
        (D(0), set(), grading.Outcome.UNANSWERED),
    ],
)
def test_outcome_labels(mark, chosen, expected):
    assert grading.outcome(mark, chosen) == expected


# Validation rules -----------------------------------------------------------------------------


def test_single_answer_needs_exactly_one_full_mark_choice():
    assert grading.fraction_errors(Kind.SINGLE, [("a", D(1)), ("b", D(0))]) == []
    assert grading.fraction_errors(Kind.SINGLE, [("a", D(1)), ("b", D(1))])
    assert grading.fraction_errors(Kind.SINGLE, [("a", D("0.5")), ("b", D(0))])


def test_multiple_answer_positive_fractions_must_add_up_to_one():
    assert grading.fraction_errors(Kind.MULTIPLE, [("a", D("0.5")), ("b", D("0.5")), ("c", D(-1))]) == []
    errors = grading.fraction_errors(Kind.MULTIPLE, [("a", D("0.5")), ("b", D("0.3"))])
    assert "add up to 0.8" in errors[0]


def test_multiple_answer_thirds_are_accepted():
    thirds = [("a", D("0.3333333")), ("b", D("0.3333333")), ("c", D("0.3333333"))]
    assert grading.fraction_errors(Kind.MULTIPLE, thirds) == []


def test_true_false_needs_exactly_the_two_choices():
    assert grading.fraction_errors(Kind.TRUEFALSE, [("True", D(1)), ("False", D(0))]) == []
    assert grading.fraction_errors(Kind.TRUEFALSE, [("True", D(1)), ("False", D(0)), ("Maybe", D(0))])
    assert grading.fraction_errors(Kind.TRUEFALSE, [("Yes", D(1)), ("No", D(0))])
    assert grading.fraction_errors(Kind.TRUEFALSE, [("True", D(1)), ("False", D(1))])


def test_fractions_outside_minus_one_to_one_are_refused():
    assert grading.fraction_errors(Kind.MULTIPLE, [("a", D(2)), ("b", D(-1))])


# Properties -----------------------------------------------------------------------------------

fractions = st.decimals(min_value=-1, max_value=1, places=2, allow_nan=False, allow_infinity=False)


@st.composite
def question_and_answer(draw):
    kind = draw(st.sampled_from(list(Kind)))
    n = draw(st.integers(min_value=2, max_value=6))
    key = QuestionKey(kind, {i: draw(fractions) for i in range(1, n + 1)})
    # Answers may include ids the question does not have (tampering).
    chosen = draw(st.frozensets(st.integers(min_value=1, max_value=n + 2), max_size=n + 1))
    return key, chosen


@given(st.lists(question_and_answer(), max_size=30), st.integers(min_value=0, max_value=100))
def test_score_is_always_between_0_and_100(items, pass_mark):
    grade = grading.grade_attempt([q for q, _ in items], [a for _, a in items], pass_mark)
    assert all(0 <= m <= 1 for m in grade.marks)
    assert 0 <= grade.score <= 100
    assert grade.passed == (grade.score >= pass_mark)


@given(st.lists(question_and_answer(), min_size=1, max_size=20), st.randoms(use_true_random=False))
def test_question_order_never_changes_the_score(items, rnd):
    shuffled = list(items)
    rnd.shuffle(shuffled)
    original = grading.grade_attempt([q for q, _ in items], [a for _, a in items], 50)
    reordered = grading.grade_attempt([q for q, _ in shuffled], [a for _, a in shuffled], 50)
    assert original.score == reordered.score


@given(question_and_answer(), st.randoms(use_true_random=False))
def test_choice_order_never_changes_the_mark(item, rnd):
    key, chosen = item
    pairs = list(key.fractions.items())
    rnd.shuffle(pairs)
    reordered = QuestionKey(key.kind, dict(pairs))
    assert grading.question_mark(key, chosen) == grading.question_mark(reordered, chosen)


@given(question_and_answer())
def test_a_mark_never_exceeds_what_the_chosen_choices_allow(item):
    key, chosen = item
    mark = grading.question_mark(key, chosen)
    valid = chosen <= key.fractions.keys()
    best = sum((key.fractions[c] for c in chosen if c in key.fractions and key.fractions[c] > 0), D(0))
    assert mark <= min(D(1), best) or (not valid and mark == 0)


# All-or-nothing scoring ------------------------------------------------------------------------

_fraction = st.sampled_from([Decimal(f) for f in ("1", "0.5", "0.3333333", "0.25", "0", "-0.5", "-1")])


@given(
    fractions=st.lists(_fraction, min_size=2, max_size=6),
    chosen=st.sets(st.integers(min_value=0, max_value=5)),
)
def test_all_or_nothing_marks_one_exactly_when_the_right_set_is_chosen(fractions, chosen):
    key = QuestionKey(kind=Kind.MULTIPLE, fractions=dict(enumerate(fractions)), scoring=grading.Scoring.ALL_OR_NOTHING)
    chosen = {c for c in chosen if c < len(fractions)}
    right = {i for i, f in enumerate(fractions) if f > 0}
    mark = grading.question_mark(key, chosen)
    assert mark in (grading.ZERO, grading.ONE)
    assert (mark == grading.ONE) == (bool(chosen) and chosen == right)


def test_ticking_everything_scores_under_partial_but_not_all_or_nothing():
    fractions = [Decimal("0.5"), Decimal("0.5"), Decimal(0), Decimal(0)]
    assert grading.everything_scores(Kind.MULTIPLE, fractions) == 1
    assert grading.everything_scores(Kind.MULTIPLE, fractions, grading.Scoring.ALL_OR_NOTHING) == 0
    assert grading.everything_scores(Kind.MULTIPLE, [Decimal("0.5"), Decimal("0.5"), Decimal(-1)]) == 0
    assert grading.everything_scores(Kind.SINGLE, [Decimal(1), Decimal(0)]) == 0


def test_partial_credit_is_gone_under_all_or_nothing():
    fractions = {1: Decimal("0.5"), 2: Decimal("0.5"), 3: Decimal("-0.5")}
    partial = QuestionKey(kind=Kind.MULTIPLE, fractions=fractions)
    strict = QuestionKey(kind=Kind.MULTIPLE, fractions=fractions, scoring=grading.Scoring.ALL_OR_NOTHING)
    assert grading.question_mark(partial, [1]) == Decimal("0.5")
    assert grading.question_mark(strict, [1]) == 0
    assert grading.question_mark(strict, [1, 2]) == 1
    assert grading.question_mark(strict, [1, 2, 3]) == 0


@pytest.mark.parametrize(
    ("fraction", "allowed"),
    [("1", True), ("0.3333334", True), ("-0.1428571", True), ("0.05", True), ("0.33", False), ("0.15", False)],
)
def test_moodle_fractions(fraction, allowed):
    assert grading.is_moodle_fraction(Decimal(fraction)) is allowed
