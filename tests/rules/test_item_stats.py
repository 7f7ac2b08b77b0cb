"""Item statistics checked against values worked out independently.

Three independent sources of expected values:
* numbers worked out by hand (the arithmetic is in the comments);
* the `statistics` module (stdev, median, correlation, covariance) and the textbook sample
  skewness and kurtosis (the spreadsheet SKEW and KURT formulas), on float data;
* an exact reference written here with `fractions.Fraction`, straight from the textbook
  definitions, which a hypothesis test compares on random data sets.
"""

from __future__ import annotations

import json
import math
import random
import statistics
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quizzes.rules.item_stats import (
    AttemptRow,
    ChoiceInfo,
    Flag,
    FlagKind,
    FlagThresholds,
    ItemStats,
    ItemStatsAccumulator,
    QuestionInfo,
    QuestionStats,
    QuizStats,
    ScoreHistogram,
    attempts_from_responses,
    count_responses,
    item_flags,
    item_stats,
    random_guess_score,
    to_json,
)

QUIZ_FIELDS = ("mean", "median", "sd", "skewness", "kurtosis", "cic", "error_ratio", "standard_error")
QUESTION_FIELDS = (
    "facility",
    "sd",
    "intended_weight",
    "effective_weight",
    "discrimination",
    "discriminative_efficiency",
)


def assert_close(actual: float | None, expected: float | None, what: str, rel: float = 1e-9) -> None:
    if expected is None:
        assert actual is None, f"{what}: expected None, got {actual}"
        return
    assert actual is not None, f"{what}: expected {expected}, got None"
    assert math.isclose(actual, expected, rel_tol=rel, abs_tol=1e-9), f"{what}: {actual} != {expected}"


# An exact reference, straight from the textbook definitions ------------------------------------


def _var(values: list[Fraction]) -> Fraction:
    mean = sum(values, Fraction(0)) / len(values)
    return sum(((v - mean) ** 2 for v in values), Fraction(0)) / (len(values) - 1)


def _cov(xs: list[Fraction], ys: list[Fraction]) -> Fraction:
    mx = sum(xs, Fraction(0)) / len(xs)
    my = sum(ys, Fraction(0)) / len(ys)
    return sum(((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)), Fraction(0)) / (len(xs) - 1)


def reference(questions: list[QuestionInfo], rows: list[list[float | None]]) -> dict:
    """Expected statistics in percent, computed exactly with fractions (None where undefined)."""
    maxima = [Fraction(q.max_mark) for q in questions]
    max_total = sum(maxima, Fraction(0))
    marks = [[None if f is None else Fraction(f) * m for f, m in zip(row, maxima, strict=True)] for row in rows]
    totals = [sum((x for x in row if x is not None), Fraction(0)) for row in marks]
    n, p = len(totals), len(questions)

    def pct(value: Fraction | float, whole: Fraction) -> float:
        return float(100 * Fraction(value) / whole)

    quiz: dict[str, float | None] = dict.fromkeys(QUIZ_FIELDS)
    if n:
        quiz["mean"] = pct(sum(totals, Fraction(0)) / n, max_total)
        quiz["median"] = pct(statistics.median(totals), max_total)
    if n > 1:
        var_t = _var(totals)
        sd = math.sqrt(var_t)
        quiz["sd"] = pct(sd, max_total)
        mean = sum(totals, Fraction(0)) / n
        if n > 2 and var_t:
            # Sample skewness: n / ((n-1)(n-2)) * sum(((t - mean) / s)^3).
            z3 = sum((((t - mean) ** 3) for t in totals), Fraction(0)) / Fraction(sd) ** 3
            quiz["skewness"] = float(Fraction(n, (n - 1) * (n - 2)) * z3)
            if n > 3:
                # Sample excess kurtosis: n(n+1)/((n-1)(n-2)(n-3)) * sum(z^4) - 3(n-1)^2/((n-2)(n-3)).
                z4 = sum(((t - mean) ** 4 for t in totals), Fraction(0)) / var_t**2
                quiz["kurtosis"] = float(
                    Fraction(n * (n + 1), (n - 1) * (n - 2) * (n - 3)) * z4
                    - Fraction(3 * (n - 1) ** 2, (n - 2) * (n - 3))
                )
            if p > 1:
                # Cronbach's alpha: p/(p-1) * (1 - sum of item variances / variance of totals).
                item_vars = []
                for i in range(p):
                    xs = [row[i] for row in marks if row[i] is not None]
                    if len(xs) > 1:
                        item_vars.append(_var(xs))
                alpha = Fraction(p, p - 1) * (1 - sum(item_vars, Fraction(0)) / var_t)
                quiz["cic"] = float(100 * alpha)
                if alpha <= 1:
                    quiz["error_ratio"] = 100 * math.sqrt(1 - alpha)
                    quiz["standard_error"] = pct(math.sqrt(1 - alpha) * sd, max_total)

    per_question = []
    covs_with_total: list[Fraction | None] = []
    for i in range(p):
        shown = [(row[i], t) for row, t in zip(marks, totals, strict=True) if row[i] is not None]
        xs = [x for x, _ in shown]
        ts = [t for _, t in shown]
        rest = [t - x for x, t in shown]
        stats: dict[str, float | None] = dict.fromkeys(QUESTION_FIELDS)
        stats["attempts"] = len(xs)
        stats["intended_weight"] = pct(maxima[i], max_total)
        if xs:
            stats["facility"] = pct(sum(xs, Fraction(0)) / len(xs), maxima[i])
        cov_t = None
        if len(xs) > 1:
            stats["sd"] = pct(math.sqrt(_var(xs)), maxima[i])
            cov_t = _cov(xs, ts)
            if _var(xs) and _var(rest):
                # Pearson correlation of the mark with the rest of the test.
                stats["discrimination"] = 100 * float(_cov(xs, rest)) / math.sqrt(_var(xs) * _var(rest))
            best = _cov(sorted(xs), sorted(rest))
            if best:
                stats["discriminative_efficiency"] = float(100 * _cov(xs, rest) / best)
        covs_with_total.append(cov_t)
        per_question.append(stats)
    roots = sum(math.sqrt(c) for c in covs_with_total if c is not None and c >= 0)
    for stats, c in zip(per_question, covs_with_total, strict=True):
        if c is not None and c >= 0 and roots:
            stats["effective_weight"] = 100 * math.sqrt(c) / roots
    return {"quiz": quiz, "questions": per_question}


def assert_matches_reference(result: ItemStats, questions: list[QuestionInfo], rows: list[list[float | None]]) -> None:
    expected = reference(questions, rows)
    assert result.quiz.attempts == len(rows)
    for name in QUIZ_FIELDS:
        assert_close(getattr(result.quiz, name), expected["quiz"][name], f"quiz {name}")
    for got, want in zip(result.questions, expected["questions"], strict=True):
        assert got.attempts == want["attempts"]
        for name in QUESTION_FIELDS:
            assert_close(getattr(got, name), want[name], f"question {got.question_id} {name}")


def questions_of(*max_marks: float) -> list[QuestionInfo]:
    return [QuestionInfo(question_id=i + 1, name=f"q{i + 1}", max_mark=m) for i, m in enumerate(max_marks)]


def run(questions: list[QuestionInfo], rows: list[list[float | None]]) -> ItemStats:
    return item_stats(questions, (AttemptRow(r) for r in rows))


# Worked by hand ---------------------------------------------------------------------------------

# Five attempts; q3 is worth 2 marks, so the max total is 4.
# Totals: 1+0+1=2, 0+1+2=3, 1+1+0=2, 0+0+1=1, 1+1+2=4.
HAND_QUESTIONS = [
    QuestionInfo(1, "q1", choices=(ChoiceInfo(10, 1.0), ChoiceInfo(11, 0.0), ChoiceInfo(12, 0.0))),
    QuestionInfo(2, "q2", kind="truefalse"),
    QuestionInfo(3, "q3", kind="multiple", max_mark=2.0),
]
HAND_ROWS: list[list[float | None]] = [[1, 0, 0.5], [0, 1, 1], [1, 1, 0], [0, 0, 0.5], [1, 1, 1]]


def test_quiz_statistics_worked_by_hand():
    quiz = run(HAND_QUESTIONS, HAND_ROWS).quiz
    assert quiz.attempts == 5
    assert quiz.max_total == 4.0
    assert quiz.mean == pytest.approx(60.0)  # 12 / 5 = 2.4 of 4
    assert quiz.median == pytest.approx(50.0)  # sorted 1, 2, 2, 3, 4
    # Deviations -0.4, 0.6, -0.4, -1.4, 1.6; squares add up to 5.2; / 4 = 1.3.
    assert quiz.sd == pytest.approx(100 * math.sqrt(1.3) / 4)
    # Item variances 0.3 + 0.3 + 0.7 = 1.3 = variance of totals, so alpha = 3/2 * (1 - 1) = 0.
    assert quiz.cic == pytest.approx(0.0, abs=1e-12)
    assert quiz.error_ratio == pytest.approx(100.0)
    assert quiz.standard_error == pytest.approx(quiz.sd)


def test_question_statistics_worked_by_hand():
    q1, q2, q3 = run(HAND_QUESTIONS, HAND_ROWS).questions
    assert q1.facility == pytest.approx(60.0)
    assert q1.sd == pytest.approx(100 * math.sqrt(0.3))
    # q1 marks 1,0,1,0,1 against the rest 1,3,1,1,3: covariance -0.4/4 = -0.1, variances 0.3 and
    # 1.2, so r = -0.1 / 0.6 = -1/6. Sorted pairing (0,1)(0,1)(1,1)(1,3)(1,3) gives 1.6/4 = 0.4.
    assert q1.discrimination == pytest.approx(-100 / 6)
    assert q1.discriminative_efficiency == pytest.approx(-25.0)
    assert q1.random_guess == pytest.approx(100 / 3)
    assert q2.random_guess == 50.0
    assert q3.random_guess is None  # Moodle gives none for multiple-answer questions
    assert [q.intended_weight for q in (q1, q2, q3)] == [25.0, 25.0, 50.0]
    # q3's marks are 1, 2, 0, 1, 2: facility 6/10, sd sqrt(0.7)/2 of the max mark.
    assert q3.facility == pytest.approx(60.0)
    assert q3.sd == pytest.approx(100 * math.sqrt(0.7) / 2)


def test_hand_data_matches_reference():
    assert_matches_reference(run(HAND_QUESTIONS, HAND_ROWS), HAND_QUESTIONS, HAND_ROWS)


# Against the statistics module, on floats that are not exact in binary --------------------------

FLOAT_QUESTIONS = questions_of(1, 1, 2, 0.5)
FLOAT_ROWS: list[list[float | None]] = [
    [1, 1 / 3, 0.5, 1],
    [0, 2 / 3, 1, 0],
    [1, 1, 0.7, 1],
    [0.5, 0, 0.1, None],
    [1, 1 / 3, 0.9, 1],
    [0, 0, 0.3, 0],
    [1, 2 / 3, None, 1],
    [0.5, 1, 0.6, 0],
]


def test_against_the_statistics_module():
    result = run(FLOAT_QUESTIONS, FLOAT_ROWS)
    maxima = [q.max_mark for q in FLOAT_QUESTIONS]
    marks = [[None if f is None else f * m for f, m in zip(row, maxima, strict=True)] for row in FLOAT_ROWS]
    totals = [sum(x for x in row if x is not None) for row in marks]
    n, max_total = len(totals), sum(maxima)
    mean, s = statistics.fmean(totals), statistics.stdev(totals)

    quiz = result.quiz
    assert quiz.mean == pytest.approx(100 * mean / max_total)
    assert quiz.median == pytest.approx(100 * statistics.median(totals) / max_total)
    assert quiz.sd == pytest.approx(100 * s / max_total)
    skew = n / ((n - 1) * (n - 2)) * sum(((t - mean) / s) ** 3 for t in totals)
    kurt = n * (n + 1) / ((n - 1) * (n - 2) * (n - 3)) * sum(((t - mean) / s) ** 4 for t in totals) - 3 * (
        n - 1
    ) ** 2 / ((n - 2) * (n - 3))
    assert quiz.skewness == pytest.approx(skew)
    assert quiz.kurtosis == pytest.approx(kurt)
    item_vars = [statistics.variance([r[i] for r in marks if r[i] is not None]) for i in range(4)]
    alpha = 4 / 3 * (1 - sum(item_vars) / s**2)
    assert quiz.cic == pytest.approx(100 * alpha)
    assert quiz.error_ratio == pytest.approx(100 * math.sqrt(1 - alpha))
    assert quiz.standard_error == pytest.approx(100 * math.sqrt(1 - alpha) * s / max_total)

    roots = []
    for i, q in enumerate(result.questions):
        xs = [r[i] for r in marks if r[i] is not None]
        ts = [t for r, t in zip(marks, totals, strict=True) if r[i] is not None]
        rest = [t - x for x, t in zip(xs, ts, strict=True)]
        assert q.attempts == len(xs)
        assert q.facility == pytest.approx(100 * statistics.fmean(xs) / maxima[i])
        assert q.sd == pytest.approx(100 * statistics.stdev(xs) / maxima[i])
        assert q.discrimination == pytest.approx(100 * statistics.correlation(xs, rest))
        efficiency = statistics.covariance(xs, rest) / statistics.covariance(sorted(xs), sorted(rest))
        assert q.discriminative_efficiency == pytest.approx(100 * efficiency)
        roots.append(math.sqrt(statistics.covariance(xs, ts)))
    for q, root in zip(result.questions, roots, strict=True):
        assert q.effective_weight == pytest.approx(100 * root / sum(roots))
    assert sum(q.effective_weight or 0 for q in result.questions) == pytest.approx(100.0)


def test_discrimination_follows_from_covariance_with_the_total():
    """cov(x, T - x) = cov(x, T) - var(x) and var(T - x) = var(T) - 2 cov(x, T) + var(x)."""
    result = run(FLOAT_QUESTIONS, FLOAT_ROWS)
    maxima = [q.max_mark for q in FLOAT_QUESTIONS]
    for i, q in enumerate(result.questions):
        shown = [
            (r[i] * maxima[i], sum(f * m for f, m in zip(r, maxima, strict=True) if f is not None))
            for r in FLOAT_ROWS
            if r[i] is not None
        ]
        xs = [x for x, _ in shown]
        ts = [t for _, t in shown]
        var_x, var_t, cov_xt = statistics.variance(xs), statistics.variance(ts), statistics.covariance(xs, ts)
        derived = (cov_xt - var_x) / math.sqrt(var_x * (var_t - 2 * cov_xt + var_x))
        assert q.discrimination == pytest.approx(100 * derived)


# Random data sets against the exact reference --------------------------------------------------

# Quarter marks and max marks that are powers of two keep every input exact in binary, so the
# reference's exact zeros (no variance) are the module's zeros too.
fractions = st.sampled_from([0.0, 0.25, 0.5, 0.75, 1.0])


@st.composite
def data_sets(draw: st.DrawFn) -> tuple[list[QuestionInfo], list[list[float | None]]]:
    maxima = draw(st.lists(st.sampled_from([0.5, 1.0, 2.0]), min_size=1, max_size=5))
    shown = st.one_of(fractions, fractions, fractions, st.none())
    rows = draw(st.lists(st.lists(shown, min_size=len(maxima), max_size=len(maxima)), max_size=25))
    return questions_of(*maxima), rows


@settings(max_examples=300, deadline=None)
@given(data_sets())
def test_random_data_sets_match_the_exact_reference(data):
    questions, rows = data
    assert_matches_reference(run(questions, rows), questions, rows)


@settings(max_examples=100, deadline=None)
@given(data_sets(), st.randoms())
def test_attempt_order_does_not_matter(data, rnd):
    questions, rows = data
    shuffled = rows[:]
    rnd.shuffle(shuffled)
    assert run(questions, rows) == run(questions, shuffled)


def test_large_data_set_keeps_precision():
    """3,000 attempts of near-constant marks: raw power sums would cancel badly here."""
    rng = random.Random(14)
    questions = questions_of(*([1.0] * 5))
    rows: list[list[float | None]] = [[1.0 if rng.random() < 0.99 else 0.0 for _ in range(5)] for _ in range(3000)]
    result = run(questions, rows)
    expected = reference(questions, rows)
    for name in QUIZ_FIELDS:
        assert_close(getattr(result.quiz, name), expected["quiz"][name], name, rel=1e-11)
    for got, want in zip(result.questions, expected["questions"], strict=True):
        for name in QUESTION_FIELDS:
            assert_close(getattr(got, name), want[name], name, rel=1e-11)


# Edge cases -------------------------------------------------------------------------------------


def test_no_attempts_leaves_everything_undefined():
    result = run(HAND_QUESTIONS, [])
    assert result.quiz.attempts == 0
    assert all(getattr(result.quiz, name) is None for name in QUIZ_FIELDS)
    for q in result.questions:
        assert q.attempts == 0
        assert (q.facility, q.sd, q.effective_weight, q.discrimination, q.discriminative_efficiency) == (None,) * 5
        assert q.intended_weight is not None  # known from the max marks alone
    assert [(c.count, c.share, c.mean_total) for c in result.questions[0].choices] == [(0, None, None)] * 3


def test_one_attempt_has_a_mean_but_no_spread():
    result = run(HAND_QUESTIONS, [[1, 0, 0.5]])
    quiz = result.quiz
    assert (quiz.attempts, quiz.mean, quiz.median) == (1, 50.0, 50.0)
    assert (quiz.sd, quiz.skewness, quiz.kurtosis, quiz.cic, quiz.error_ratio, quiz.standard_error) == (None,) * 6
    q1 = result.questions[0]
    assert q1.facility == 100.0
    assert (q1.sd, q1.discrimination, q1.discriminative_efficiency, q1.effective_weight) == (None,) * 4


def test_two_and_three_attempts_unlock_the_moments_in_turn():
    two = run(HAND_QUESTIONS, HAND_ROWS[:2]).quiz
    assert two.sd is not None
    assert (two.skewness, two.kurtosis, two.cic) == (None, None, None)  # Moodle needs S > 2
    three = run(HAND_QUESTIONS, HAND_ROWS[:3]).quiz
    assert three.skewness is not None and three.cic is not None
    assert three.kurtosis is None  # needs S > 3


def test_all_correct_has_zero_spread_and_no_correlations():
    result = run(HAND_QUESTIONS, [[1, 1, 1]] * 4)
    quiz = result.quiz
    assert (quiz.mean, quiz.median, quiz.sd) == (100.0, 100.0, 0.0)
    assert (quiz.skewness, quiz.kurtosis, quiz.cic, quiz.error_ratio, quiz.standard_error) == (None,) * 5
    for q in result.questions:
        assert (q.facility, q.sd) == (100.0, 0.0)
        assert (q.discrimination, q.discriminative_efficiency) == (None, None)
        assert q.effective_weight is None  # no question covaries with the total
        assert not q.negative_covariance


def test_question_everyone_got_wrong_has_zero_weight_and_no_discrimination():
    rows = [[0, *r[1:]] for r in HAND_ROWS]  # q1 shown but never earned a mark
    result = run(HAND_QUESTIONS, rows)
    q1 = result.questions[0]
    assert (q1.attempts, q1.facility, q1.sd) == (5, 0.0, 0.0)
    assert (q1.discrimination, q1.discriminative_efficiency) == (None, None)
    assert q1.effective_weight == 0.0  # as Moodle: sqrt(0) over the others' sum
    assert_matches_reference(result, HAND_QUESTIONS, rows)


def test_question_nobody_was_shown_is_undefined_and_leaves_the_others_alone():
    rows = [[None, *r[1:]] for r in HAND_ROWS]
    result = run(HAND_QUESTIONS, rows)
    q1 = result.questions[0]
    assert q1.attempts == 0
    assert (q1.facility, q1.sd, q1.discrimination, q1.effective_weight) == (None,) * 4
    assert [c.count for c in q1.choices] == [0, 0, 0]
    assert_matches_reference(result, HAND_QUESTIONS, rows)


def test_equal_totals_made_of_different_marks_have_no_spread():
    # 0.1 + 0.2 and 0.3 + 0 differ in the last bit as floats; the spread is noise, not data.
    result = run(questions_of(1, 1), [[0.1, 0.2], [0.3, 0.0], [0.1, 0.2], [0.3, 0.0]])
    assert result.quiz.sd == 0.0
    assert (result.quiz.skewness, result.quiz.cic) == (None, None)


def test_covariance_with_the_total_that_is_exactly_zero_is_not_noise():
    # Found by hypothesis: q4's covariance with the total is exactly 0 while both vary. In floats
    # it came out as -1e-17, which hid q4's effective weight and shifted the others'.
    questions = questions_of(0.5, 1, 1, 0.5, 0.5)
    rows: list[list[float | None]] = [
        [0.0, None, None, None, None],
        [0.0, None, None, None, None],
        [0.0, None, 0.0, None, 0.0],
        [None, 0.25, 0.75, 1.0, None],
        [0.0, 1.0, 1.0, 0.25, None],
        [0.25, None, 1.0, 1.0, None],
        [0.0, 0.25, None, 0.75, 1.0],
        [0.0, 0.0, 1.0, 0.0, 0.25],
    ]
    result = run(questions, rows)
    assert result.questions[3].effective_weight == 0.0
    assert not result.questions[3].negative_covariance
    assert_matches_reference(result, questions, rows)


def test_perfect_consistency_has_zero_error_ratio():
    # Found by hypothesis: alpha is exactly 1 here but came out a hair above it in floats.
    questions = questions_of(2, 0.5, 2)
    rows: list[list[float | None]] = [[0.5, 0.0, 0.5], [0.5, None, 0.25], [None, None, 0.5]]
    quiz = run(questions, rows).quiz
    assert (quiz.cic, quiz.error_ratio, quiz.standard_error) == (100.0, 0.0, 0.0)
    assert_matches_reference(run(questions, rows), questions, rows)


def test_negative_covariance_with_the_total_has_no_effective_weight():
    # q1 is right exactly when the other two are wrong.
    rows: list[list[float | None]] = [[1, 0, 0], [0, 1, 1], [1, 0, 0], [0, 1, 1], [0, 1, 0]]
    result = run(questions_of(1, 1, 1), rows)
    q1 = result.questions[0]
    assert q1.negative_covariance
    assert q1.effective_weight is None
    assert q1.discrimination is not None and q1.discrimination < 0
    assert_matches_reference(result, questions_of(1, 1, 1), rows)


def test_wrong_row_length_is_refused():
    accumulator = ItemStatsAccumulator(questions_of(1, 1))
    with pytest.raises(ValueError, match="expected 2 fractions"):
        accumulator.add_attempt([1.0])
    with pytest.raises(ValueError, match="lists of chosen ids"):
        accumulator.add_attempt([1.0, 0.0], [[1]])
    with pytest.raises(ValueError, match="finite"):
        accumulator.add_attempt([math.nan, 0.0])


def test_a_refused_row_leaves_the_accumulator_unchanged():
    accumulator = ItemStatsAccumulator(questions_of(1, 1))
    accumulator.add_attempt([1.0, 0.0])
    before = accumulator.result()
    with pytest.raises(ValueError, match="lists of chosen ids"):
        accumulator.add_attempt([1.0, 1.0], [[1]])
    assert accumulator.result() == before


def test_duplicate_question_ids_are_refused():
    with pytest.raises(ValueError, match="unique"):
        ItemStatsAccumulator([QuestionInfo(1, "a"), QuestionInfo(1, "b")])


def test_accumulator_gives_the_same_result_as_the_one_call():
    accumulator = ItemStatsAccumulator(FLOAT_QUESTIONS)
    for row in FLOAT_ROWS:
        accumulator.add_attempt(row)
    assert accumulator.result() == run(FLOAT_QUESTIONS, FLOAT_ROWS)


def test_decimal_fractions_and_max_marks_are_accepted():
    as_decimals = [[None if f is None else Decimal(str(f)) for f in row] for row in HAND_ROWS]
    assert run(HAND_QUESTIONS, as_decimals) == run(HAND_QUESTIONS, HAND_ROWS)
    decimal_questions = [
        QuestionInfo(
            q.question_id,
            q.name,
            q.kind,
            Decimal(str(q.max_mark)),
            tuple(ChoiceInfo(c.choice_id, Decimal(str(c.fraction))) for c in q.choices),
        )
        for q in HAND_QUESTIONS
    ]
    assert run(decimal_questions, HAND_ROWS) == run(HAND_QUESTIONS, HAND_ROWS)


# Choices ----------------------------------------------------------------------------------------


def test_choice_counts_shares_and_mean_totals():
    rows = [
        AttemptRow([1, 0, 0.5], [[10], [], None]),  # total 2
        AttemptRow([0, 1, 1], [[11], None, None]),  # total 3
        AttemptRow([1, 1, 0], [[10, 10], None, None]),  # total 2; a repeated id counts once
        AttemptRow([0, 0, 0.5], [[99], None, None]),  # total 1; 99 is no longer a choice
        AttemptRow([None, 1, 1], [[12], None, None]),  # q1 not shown: its pick is ignored
    ]
    choices = item_stats(HAND_QUESTIONS, rows).questions[0].choices
    by_id = {c.choice_id: c for c in choices}
    assert [c.choice_id for c in choices] == [10, 11, 12, 99]
    assert (by_id[10].count, by_id[11].count, by_id[12].count, by_id[99].count) == (2, 1, 0, 1)
    # q1 was shown in 4 attempts.
    assert by_id[10].share == 50.0 and by_id[11].share == 25.0 and by_id[12].share == 0.0
    assert by_id[10].mean_total == pytest.approx(50.0)  # totals 2 and 2 of 4
    assert by_id[11].mean_total == pytest.approx(75.0)
    assert by_id[12].mean_total is None
    assert (by_id[10].credit, by_id[11].credit, by_id[99].credit) == (100.0, 0.0, None)


@pytest.mark.parametrize("nothing_picked", [[], None])  # [] keeps the all-lists fast path
def test_choice_mean_totals_against_a_direct_computation(nothing_picked):
    rng = random.Random(7)
    questions = [QuestionInfo(1, "a", choices=tuple(ChoiceInfo(c, 1.0 if c == 1 else 0.0) for c in range(1, 5)))]
    questions.append(QuestionInfo(2, "b", max_mark=2.0))
    picks = [rng.randint(1, 4) for _ in range(200)]
    others = [rng.choice([0.0, 0.5, 1.0]) for _ in range(200)]
    rows = [AttemptRow([1.0 if p == 1 else 0.0, o], [[p], nothing_picked]) for p, o in zip(picks, others, strict=True)]
    choices = item_stats(questions, rows).questions[0].choices
    for c in choices:
        totals = [(1.0 if p == 1 else 0.0) + 2 * o for p, o in zip(picks, others, strict=True) if p == c.choice_id]
        assert c.count == len(totals)
        assert c.share == pytest.approx(100 * len(totals) / 200)
        assert c.mean_total == pytest.approx(100 * statistics.fmean(totals) / 3)


# Random guess score -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "fractions", "expected"),
    [
        ("single", [1, 0, 0, 0], 0.25),
        ("single", [1, 0, 0], 1 / 3),
        ("single", [1, -0.5, 0, 0], 0.125),  # Moodle averages the fractions, penalties included
        ("single", [Decimal("1"), Decimal("0.5")], 0.75),
        ("truefalse", [1, 0], 0.5),
        ("multiple", [0.5, 0.5, 0], None),  # Moodle does not estimate it
        ("single", [], None),
        ("essay", [1], None),
    ],
)
def test_random_guess_score_follows_moodle(kind, fractions, expected):
    assert_close(random_guess_score(kind, fractions), expected, kind)


# Streaming rows ---------------------------------------------------------------------------------


def test_attempts_from_responses_groups_rows_by_attempt():
    rows = [
        (7, 2, Decimal("1.0000000"), [21]),
        (7, 1, Decimal("0.5000000"), [11, 12]),
        (7, 999, Decimal("1"), [1]),  # a question since deleted from the quiz
        (8, 1, None, []),  # shown, never marked: 0 as in Moodle
        (9, None, Decimal("1"), [5]),  # response whose question was deleted (null key)
    ]
    attempts = list(attempts_from_responses(rows, [1, 2, 3]))
    assert attempts == [
        AttemptRow([0.5, 1.0, None], [[11, 12], [21], None]),
        AttemptRow([0.0, None, None], [[], None, None]),
        AttemptRow([None, None, None], [None, None, None]),
    ]
    assert isinstance(attempts[0].fractions[0], float)


def _both_ways(questions: list[QuestionInfo], rows: list[tuple]) -> tuple[ItemStats, ItemStats, tuple, tuple]:
    """The statistics and score bins from attempt rows one by one, and from `count_responses`."""
    one_by_one = ItemStatsAccumulator(questions)
    bins_one = ScoreHistogram([q.max_mark for q in questions])
    parsed = [(a, q, m, json.loads(c)) for a, q, m, c in rows]
    for attempt in attempts_from_responses(parsed, [q.question_id for q in questions]):
        one_by_one.add_attempt(attempt.fractions, attempt.chosen)
        bins_one.add(attempt.fractions)
    counted = ItemStatsAccumulator(questions)
    bins_counted = ScoreHistogram([q.max_mark for q in questions])
    counts = count_responses(iter(rows), questions)
    counted.add_counts(counts)
    bins_counted.add_counts(counts.attempts)
    return one_by_one.result(), counted.result(), bins_one.bins(), bins_counted.bins()


def _stream(rnd: random.Random, questions: list[QuestionInfo], attempts: int, *, odd: bool) -> list[tuple]:
    """Response rows as the database streams them: chosen ids as JSON text, in attempt order."""
    rows = []
    for a in range(attempts):
        shown = [q for q in questions if rnd.random() < 0.9] if odd else questions
        for q in shown:
            picked = rnd.sample([c.choice_id for c in q.choices], rnd.choice([0, 1, 1, 1, 2]))
            mark = rnd.choice([0.0, 1.0, 0.5, 0.3333333]) if picked else 0.0
            rows.append(
                (a, q.question_id, None if odd and not picked and rnd.random() < 0.5 else mark, json.dumps(picked))
            )
        if odd and rnd.random() < 0.1:
            rows.append((a, 999, 1.0, "[1]"))  # a question deleted from the quiz since
        if odd and shown and rnd.random() < 0.05:
            rows.append((a, shown[0].question_id, 1.0, f"[{shown[0].choices[0].choice_id}]"))  # listed twice
    return rows


@pytest.mark.parametrize("odd", [False, True], ids=["plain", "gaps-blanks-deleted-twice"])
@pytest.mark.parametrize("max_marks", [(1, 1, 1, 1), (1, 2, 0.5, 1)], ids=["unit", "weighted"])
def test_counted_responses_give_the_same_statistics_as_attempts_one_by_one(odd, max_marks):
    rnd = random.Random(f"{odd}{max_marks}")
    questions = [
        QuestionInfo(
            i + 1, f"q{i + 1}", max_mark=m, choices=tuple(ChoiceInfo(10 * (i + 1) + k, k == 0) for k in range(4))
        )
        for i, m in enumerate(max_marks)
    ]
    rows = _stream(rnd, questions, 300, odd=odd)

    one_by_one, counted, bins_one, bins_counted = _both_ways(questions, rows)

    assert counted == one_by_one
    assert bins_counted == bins_one
    assert counted.quiz.attempts == 300


def test_counting_parses_each_chosen_text_once_and_reads_ids_in_any_form():
    questions = [QuestionInfo(1, "q1", choices=(ChoiceInfo(5, 1), ChoiceInfo(6, 0)))]
    rows = [(1, 1, 1.0, "[5]"), (2, 1, 1.0, (5,)), (3, 1, 0.0, None), (4, 1, 0.0, "[]"), (5, 1, 0.0, "[6, 5]")]

    counts = count_responses(rows, questions)

    assert counts.responses == {(0, 1.0, (5,), 1.0): 2, (0, 0.0, (), 0.0): 2, (0, 0.0, (6, 5), 0.0): 1}
    assert counts.attempts == {(1.0, 1.0): 2, (0.0, 1.0): 3}


# Flags ------------------------------------------------------------------------------------------


def question(qid: int = 1, **values) -> QuestionStats:
    base = dict.fromkeys(["facility", "sd", "random_guess", "intended_weight", "effective_weight"])
    base |= {"discrimination": None, "discriminative_efficiency": None}
    base |= values
    return QuestionStats(question_id=qid, name=f"q{qid}", attempts=10, negative_covariance=False, **base)


def report(*questions: QuestionStats, cic: float | None = None) -> ItemStats:
    quiz = QuizStats(10, 1.0, 50.0, 50.0, 10.0, 0.0, 0.0, cic, None, None)
    return ItemStats(quiz=quiz, questions=questions)


def kinds(stats: ItemStats, thresholds: FlagThresholds | None = None) -> list[FlagKind]:
    return [f.kind for f in item_flags(stats, thresholds)]


@pytest.mark.parametrize(
    ("facility", "expected"),
    [
        (95.0, [FlagKind.TOO_EASY]),
        (90.0, []),  # "above 90": 90 itself is fine
        (50.0, []),
        (30.0, []),
        (29.9, [FlagKind.REVIEW]),
        (20.0, [FlagKind.REVIEW]),
        (19.9, [FlagKind.TOO_HARD]),
        (None, []),
    ],
)
def test_facility_flags(facility, expected):
    assert kinds(report(question(facility=facility))) == expected


@pytest.mark.parametrize(
    ("discrimination", "expected"),
    [
        (35.0, []),
        (20.0, []),
        (19.9, [FlagKind.WEAK_DISCRIMINATION]),
        (0.0, [FlagKind.WEAK_DISCRIMINATION]),
        (-0.1, [FlagKind.NEGATIVE_DISCRIMINATION]),
        (None, []),
    ],
)
def test_discrimination_flags(discrimination, expected):
    assert kinds(report(question(discrimination=discrimination))) == expected


def test_rarely_chosen_distractor_is_flagged_but_a_right_answer_is_not():
    from quizzes.rules.item_stats import ChoiceStats

    choices = (
        ChoiceStats(1, 100.0, 2, 2.0, 80.0),  # right answer, rarely chosen: the question's problem, not a distractor
        ChoiceStats(2, 0.0, 97, 97.0, 50.0),
        ChoiceStats(3, 0.0, 1, 4.9, 30.0),
        ChoiceStats(4, -50.0, 0, 0.0, None),
        ChoiceStats(5, 0.0, 5, 5.0, 40.0),
    )
    flags = item_flags(report(question(choices=choices)))
    assert flags == (
        Flag(FlagKind.NON_FUNCTIONING_DISTRACTOR, 4.9, 5.0, 1, 3),
        Flag(FlagKind.NON_FUNCTIONING_DISTRACTOR, 0.0, 5.0, 1, 4),
    )


def test_low_reliability_flag_and_turning_it_off():
    assert kinds(report(cic=63.9)) == [FlagKind.LOW_RELIABILITY]
    assert kinds(report(cic=64.0)) == []
    assert kinds(report(cic=None)) == []
    assert kinds(report(cic=10.0), FlagThresholds(reliability_below=None)) == []


def test_thresholds_are_settable():
    strict = FlagThresholds(too_easy_above=80.0, weak_discrimination_below=30.0)
    assert kinds(report(question(facility=85.0, discrimination=25.0)), strict) == [
        FlagKind.TOO_EASY,
        FlagKind.WEAK_DISCRIMINATION,
    ]
    assert kinds(report(question(facility=85.0, discrimination=25.0))) == []


def test_flags_from_real_statistics():
    rows = [[1, 0, 0.5], [1, 1, 1], [1, 1, 0], [1, 0, 0.5], [1, 1, 1]]
    flags = item_flags(run(HAND_QUESTIONS, rows))
    assert Flag(FlagKind.TOO_EASY, 100.0, 90.0, 1) in flags


# JSON -------------------------------------------------------------------------------------------


def test_json_shape_rounding_and_nulls():
    rows = [AttemptRow(r, [[10 if r[0] else 11], None, None]) for r in HAND_ROWS]
    stats = item_stats(HAND_QUESTIONS, rows)
    data = to_json(stats, item_flags(stats), attempts_counted="first")
    json.dumps(data, allow_nan=False)  # plain JSON: no NaN or infinity anywhere
    assert set(data) == {"quiz", "questions"}
    assert data["quiz"]["attempts"] == 5
    assert data["quiz"]["attempts_counted"] == "first"
    assert data["quiz"]["sd"] == round(100 * math.sqrt(1.3) / 4, 2)
    assert data["quiz"]["cic"] == 0.0 and math.copysign(1, data["quiz"]["cic"]) == 1  # no "-0.0"
    assert data["quiz"]["flags"] == [{"flag": "low_reliability", "value": 0.0, "threshold": 64.0}]
    first = data["questions"][0]
    assert {
        "question_id",
        "name",
        "facility",
        "sd",
        "random_guess",
        "intended_weight",
        "effective_weight",
        "discrimination",
        "discriminative_efficiency",
        "choices",
    } <= set(first)
    assert first["discrimination"] == -16.67
    assert first["random_guess"] == 33.33
    assert first["choices"][0] == {"choice_id": 10, "credit": 100.0, "count": 3, "share": 60.0, "mean_total": 66.67}
    assert first["flags"] == [
        {"flag": "negative_discrimination", "value": -16.67, "threshold": 0.0},
        {"flag": "non_functioning_distractor", "value": 0.0, "threshold": 5.0, "choice_id": 12},  # never picked
    ]
    assert data["questions"][2]["random_guess"] is None


def test_json_can_keep_full_precision():
    stats = run(HAND_QUESTIONS, HAND_ROWS)
    assert to_json(stats, decimals=None)["questions"][0]["discrimination"] == stats.questions[0].discrimination
