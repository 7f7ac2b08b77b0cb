"""The item analysis selectors against hand-made data sets, each value worked out here."""

from __future__ import annotations

import math
import statistics

import pytest

from quizzes.analysis import selectors
from tests.analysis.helpers import attempt, learner, quiz_with, right, selftest, wrong

pytestmark = pytest.mark.django_db


def close(actual, expected):
    assert actual is not None
    assert math.isclose(actual, expected, rel_tol=1e-9, abs_tol=1e-9), (actual, expected)


def test_one_attempt_has_a_facility_and_nothing_that_needs_a_spread():
    quiz, qs = quiz_with(2)
    attempt(learner(1), quiz, qs, [right(qs[0]), wrong(qs[1])])

    result = selectors.item_analysis(quiz=quiz)

    assert result.stats.quiz.attempts == 1
    assert result.stats.quiz.mean == 50.0
    assert result.stats.quiz.median == 50.0
    assert result.stats.quiz.sd is None
    assert result.stats.quiz.cic is None
    first, second = result.stats.questions
    assert (first.facility, second.facility) == (100.0, 0.0)
    assert first.sd is None and first.discrimination is None and first.effective_weight is None


def test_all_correct_gives_full_facility_and_no_discrimination():
    quiz, qs = quiz_with(3)
    for n in range(4):
        attempt(learner(n), quiz, qs, [right(q) for q in qs])

    result = selectors.item_analysis(quiz=quiz)

    assert result.stats.quiz.attempts == 4
    assert result.stats.quiz.mean == 100.0
    assert result.stats.quiz.sd == 0.0
    assert result.stats.quiz.skewness is None and result.stats.quiz.cic is None
    for q in result.stats.questions:
        assert q.facility == 100.0
        assert q.sd == 0.0
        assert q.discrimination is None  # zero variance: undefined, never a division error
        assert q.discriminative_efficiency is None
    assert {f.kind.value for f in result.flags} >= {"too_easy"}


def test_statistics_match_values_computed_independently():
    quiz, qs = quiz_with(3)
    # Marks per attempt (1 right, 0 wrong), one learner each.
    table = [(1, 1, 1), (1, 1, 0), (1, 0, 0), (0, 1, 0), (1, 0, 1), (0, 0, 0)]
    for n, marks in enumerate(table):
        attempt(learner(n), quiz, qs, [right(q) if m else wrong(q) for q, m in zip(qs, marks, strict=True)])

    result = selectors.item_analysis(quiz=quiz)

    totals = [sum(row) for row in table]
    close(result.stats.quiz.mean, 100 * statistics.mean(totals) / 3)
    close(result.stats.quiz.median, 100 * statistics.median(totals) / 3)
    close(result.stats.quiz.sd, 100 * statistics.stdev(totals) / 3)
    item_variances = [statistics.variance([row[i] for row in table]) for i in range(3)]
    alpha = 3 / 2 * (1 - sum(item_variances) / statistics.variance(totals))
    close(result.stats.quiz.cic, 100 * alpha)
    for i, q in enumerate(result.stats.questions):
        xs = [row[i] for row in table]
        rest = [t - x for t, x in zip(totals, xs, strict=True)]
        close(q.facility, 100 * statistics.mean(xs))
        close(q.sd, 100 * statistics.stdev(xs))
        close(q.random_guess, 25.0)
        close(q.intended_weight, 100 / 3)
        close(q.discrimination, 100 * statistics.correlation(xs, rest))
        best = statistics.covariance(sorted(xs), sorted(rest))
        close(q.discriminative_efficiency, 100 * statistics.covariance(xs, rest) / best)


def test_choice_counts_shares_and_mean_total_of_choosers():
    quiz, qs = quiz_with(2)
    q1, q2 = qs
    attempt(learner(1), quiz, qs, [right(q1), right(q2)])  # total 2
    attempt(learner(2), quiz, qs, [wrong(q1, 0), right(q2)])  # total 1
    attempt(learner(3), quiz, qs, [wrong(q1, 0), None])  # total 0, q2 left blank

    result = selectors.item_analysis(quiz=quiz)

    choices = {c.choice_id: c for c in result.stats.questions[0].choices}
    assert choices[right(q1)].count == 1
    close(choices[right(q1)].share, 100 / 3)
    close(choices[right(q1)].mean_total, 100.0)  # 2 of 2
    assert choices[wrong(q1, 0)].count == 2
    close(choices[wrong(q1, 0)].mean_total, 100 * (1 + 0) / 2 / 2)
    assert choices[wrong(q1, 1)].count == 0 and choices[wrong(q1, 1)].mean_total is None
    flagged = {(f.kind.value, f.choice_id) for f in result.flags if f.choice_id}
    assert ("non_functioning_distractor", wrong(q1, 1)) in flagged


@pytest.mark.parametrize(
    ("mode", "expected_facility"),
    [("first", 0.0), ("last", 100.0), ("best", 100.0), ("all", 50.0)],
)
def test_attempt_modes_pick_each_learners_attempts(mode, expected_facility):
    quiz, qs = quiz_with(1)
    user = learner(1)
    attempt(user, quiz, qs, [wrong(qs[0])], minutes=0)
    attempt(user, quiz, qs, [right(qs[0])], minutes=5)
    attempt(learner(2), quiz, qs, [right(qs[0])], minutes=1, submitted=False)  # open: never counted

    result = selectors.item_analysis(quiz=quiz, mode=mode)

    assert result.attempts_counted == mode
    assert result.stats.quiz.attempts == (2 if mode == "all" else 1)
    assert result.stats.questions[0].facility == expected_facility


def test_best_takes_the_earliest_of_equal_scores():
    quiz, qs = quiz_with(2)
    user = learner(1)
    attempt(user, quiz, qs, [right(qs[0]), wrong(qs[1])], minutes=0)
    attempt(user, quiz, qs, [wrong(qs[0]), right(qs[1])], minutes=5)

    result = selectors.item_analysis(quiz=quiz, mode="best")

    assert [q.facility for q in result.stats.questions] == [100.0, 0.0]


def test_selftests_count_as_attempts_that_showed_their_questions():
    quiz, qs = quiz_with(3)
    attempt(learner(1), quiz, qs, [right(q) for q in qs])
    selftest(learner(2), qs[:2], [wrong(qs[0]), right(qs[1])])

    quiz_only = selectors.item_analysis(quiz=quiz, source="quiz")
    tests_only = selectors.item_analysis(quiz=quiz, source="selftest")
    both = selectors.item_analysis(quiz=quiz, source="all")

    assert quiz_only.stats.quiz.attempts == 1
    assert tests_only.stats.quiz.attempts == 1
    assert [q.attempts for q in tests_only.stats.questions] == [1, 1, 0]
    assert tests_only.stats.questions[2].facility is None
    assert both.stats.quiz.attempts == 2
    assert [q.facility for q in both.stats.questions] == [50.0, 100.0, 100.0]


def test_histogram_scores_each_attempt_on_the_questions_it_showed():
    quiz, qs = quiz_with(2)
    attempt(learner(1), quiz, qs, [right(qs[0]), wrong(qs[1])])  # 50%
    selftest(learner(2), qs[:1], [right(qs[0])])  # 100% of what it drew

    result = selectors.item_analysis(quiz=quiz, source="all")

    counts = {b.low: b.count for b in result.histogram}
    assert counts[50] == 1 and counts[90] == 1 and sum(counts.values()) == 2


def test_thresholds_come_from_settings(settings):
    settings.KYPHOQUIZ_ITEM_FLAGS = {"too_easy_above": "95", "reliability_below": "off"}

    limits = selectors.flag_thresholds()

    assert limits.too_easy_above == 95.0
    assert limits.reliability_below is None
    assert limits.too_hard_below == 20.0


def test_unknown_threshold_setting_is_refused(settings):
    from django.core.exceptions import ImproperlyConfigured

    settings.KYPHOQUIZ_ITEM_FLAGS = {"too_easy": 95}
    with pytest.raises(ImproperlyConfigured):
        selectors.flag_thresholds()


def test_a_deleted_question_leaves_its_attempts_and_the_other_questions_counted():
    quiz, qs = quiz_with(3)
    attempt(learner(1), quiz, qs, [right(qs[0]), right(qs[1]), wrong(qs[2])])
    attempt(learner(2), quiz, qs, [wrong(qs[0]), right(qs[1]), None])  # q3 left blank: 0
    qs[1].delete()  # its responses stay, with no question

    result = selectors.item_analysis(quiz=quiz)

    assert result.stats.quiz.attempts == 2
    assert [q.name for q in result.stats.questions] == ["q1", "q3"]
    assert [q.facility for q in result.stats.questions] == [50.0, 0.0]
    close(result.stats.quiz.mean, 100 * (1 + 0) / 2 / 2)  # totals 1 and 0 of 2
    third = {c.choice_id: c.count for c in result.stats.questions[1].choices}
    assert third[wrong(qs[2])] == 1 and sum(third.values()) == 1  # the blank picked nothing
