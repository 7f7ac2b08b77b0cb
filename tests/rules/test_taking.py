"""Self-test taking rules: time left, locks, where a button leads, where to resume, percentiles."""

from datetime import UTC, datetime, timedelta

from quizzes.rules import taking

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)


def test_a_timed_test_is_over_only_after_the_grace():
    deadline = NOW - taking.DEADLINE_GRACE
    assert not taking.is_expired(deadline, NOW)
    assert taking.is_expired(deadline, NOW + timedelta(microseconds=1))
    assert not taking.is_expired(None, NOW)


def test_the_clock_shows_minutes_and_seconds_and_never_goes_negative():
    assert taking.clock(NOW + timedelta(seconds=125), NOW).text == "2:05"
    assert taking.clock(NOW - timedelta(seconds=30), NOW).seconds == 0
    assert taking.clock(None, NOW) is None


def test_only_a_checked_tutor_answer_is_locked():
    assert taking.is_locked(tutor=True, checked=True)
    assert not taking.is_locked(tutor=True, checked=False)
    assert not taking.is_locked(tutor=False, checked=True)


def test_the_navigator_wins_then_next_and_previous_then_stay():
    assert taking.navigation_target(position=3, action=taking.Action.NEXT, goto=7) == 7
    assert taking.navigation_target(position=3, action=taking.Action.NEXT, goto=None) == 4
    assert taking.navigation_target(position=1, action=taking.Action.PREV, goto=None) == 1
    assert taking.navigation_target(position=3, action=taking.Action.SAVE, goto=None) == 3


def test_resume_at_the_first_gap_after_the_last_answer_else_the_first_gap_else_the_end():
    assert taking.resume_position([True, False, True, False]) == 4
    assert taking.resume_position([False, True, True]) == 1
    assert taking.resume_position([True, True]) == 2
    assert taking.resume_position([]) == 1


def test_percentile_counts_ties_as_half():
    assert taking.percentile_rank(50, [25, 50, 100]) == 50
    assert taking.percentile_rank(10, []) is None
