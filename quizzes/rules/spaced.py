"""Spaced review with the Leitner system: pure scheduling, no Django.

The Leitner system (Sebastian Leitner, 1972) keeps each question a trainee got wrong in one of
five boxes. The higher the box, the longer until the question comes back:

    box 1: due 1 day later
    box 2: due 3 days later
    box 3: due 7 days later
    box 4: due 14 days later
    box 5: due 30 days later

Box 0 means "not in review". The rules:

- A wrong (or only partly right) answer, in any test, puts the question in box 1, due 1 day
  later, whichever box it was in.
- A right answer to a question that is due (a review session only holds due questions) moves it
  up one box and schedules it by that box's interval. A right answer in box 5 takes it out of
  review (box 0, no due date): it was right five times in a row over about eight weeks.
- A right answer to a question that is not in review, or not yet due, changes nothing: an early
  answer is not a spaced repetition, so it neither promotes nor resets the question.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

ALGORITHM = "Leitner system"
NOT_IN_REVIEW = 0
FIRST_BOX = 1
LAST_BOX = 5
# Days until a question in each box is due again.
INTERVAL_DAYS: dict[int, int] = {1: 1, 2: 3, 3: 7, 4: 14, 5: 30}


@dataclass(frozen=True)
class Card:
    """Where a question stands in one trainee's review: its box and when it is due."""

    box: int = NOT_IN_REVIEW
    due_at: datetime | None = None

    @property
    def in_review(self) -> bool:
        return self.box != NOT_IN_REVIEW


def interval(box: int) -> timedelta:
    """How long a question waits in `box` before it is due."""
    return timedelta(days=INTERVAL_DAYS[box])


def is_due(card: Card, now: datetime) -> bool:
    """A question in review is due once its due time has come."""
    return card.in_review and card.due_at is not None and card.due_at <= now


def schedule(card: Card, *, correct: bool, now: datetime) -> Card:
    """The card after one answer given at `now` (see the module docstring for the rules)."""
    if not correct:
        return Card(box=FIRST_BOX, due_at=now + interval(FIRST_BOX))
    if not is_due(card, now):
        return card
    if card.box >= LAST_BOX:
        return Card()
    box = card.box + 1
    return Card(box=box, due_at=now + interval(box))
