"""The Leitner schedule: pure, no database."""

from datetime import UTC, datetime, timedelta

import pytest

from quizzes.rules import spaced
from quizzes.rules.spaced import Card, schedule

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def test_algorithm_is_named_and_intervals_grow():
    assert spaced.ALGORITHM == "Leitner system"
    assert spaced.INTERVAL_DAYS == {1: 1, 2: 3, 3: 7, 4: 14, 5: 30}


def test_wrong_answer_puts_a_new_question_in_box_1_due_tomorrow():
    assert schedule(Card(), correct=False, now=NOW) == Card(box=1, due_at=NOW + timedelta(days=1))


@pytest.mark.parametrize("box", [1, 2, 3, 4, 5])
def test_wrong_answer_sends_any_box_back_to_box_1(box):
    card = Card(box=box, due_at=NOW - timedelta(hours=1))
    assert schedule(card, correct=False, now=NOW) == Card(box=1, due_at=NOW + timedelta(days=1))


@pytest.mark.parametrize(("box", "days"), [(1, 3), (2, 7), (3, 14), (4, 30)])
def test_right_answer_when_due_moves_up_one_box(box, days):
    card = Card(box=box, due_at=NOW)
    assert schedule(card, correct=True, now=NOW) == Card(box=box + 1, due_at=NOW + timedelta(days=days))


def test_right_answer_in_box_5_leaves_review():
    assert schedule(Card(box=5, due_at=NOW - timedelta(days=2)), correct=True, now=NOW) == Card()


def test_right_answer_before_due_changes_nothing():
    card = Card(box=2, due_at=NOW + timedelta(days=1))
    assert schedule(card, correct=True, now=NOW) is card


def test_right_answer_outside_review_changes_nothing():
    assert schedule(Card(), correct=True, now=NOW) == Card()


def test_is_due():
    assert spaced.is_due(Card(box=1, due_at=NOW), NOW)
    assert not spaced.is_due(Card(box=1, due_at=NOW + timedelta(seconds=1)), NOW)
    assert not spaced.is_due(Card(), NOW)


def test_five_right_reviews_in_a_row_graduate_a_question():
    card = schedule(Card(), correct=False, now=NOW)
    when = NOW
    for _ in range(5):
        when = card.due_at
        card = schedule(card, correct=True, now=when)
    assert card == Card()
    assert when - NOW == timedelta(days=1 + 3 + 7 + 14 + 30)
