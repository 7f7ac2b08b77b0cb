"""Where a trainee is in a self-test: time left, what is locked, where each button leads.

Pure: the views and services ask these, so each rule is written once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

# Answers that arrive this long after a timed test's deadline still count (network delay, the
# last click as the timer ends). Later ones are refused and not stored.
DEADLINE_GRACE = timedelta(seconds=5)


class Action:
    """What a button on the question page asks for, as the form posts it."""

    SAVE = "save"
    CHECK = "check"
    PREV = "prev"
    NEXT = "next"
    FINISH = "finish"
    ALL = (SAVE, CHECK, PREV, NEXT, FINISH)


def is_expired(deadline: datetime | None, now: datetime) -> bool:
    """A timed test is over once its deadline plus the grace has passed."""
    return deadline is not None and now > deadline + DEADLINE_GRACE


@dataclass(frozen=True)
class Clock:
    """The timer a timed test shows: whole seconds left and the same as "m:ss"."""

    seconds: int

    @property
    def text(self) -> str:
        return f"{self.seconds // 60}:{self.seconds % 60:02d}"


def clock(deadline: datetime | None, now: datetime) -> Clock | None:
    """Time left until the deadline (never negative); None for an untimed test."""
    if deadline is None:
        return None
    return Clock(seconds=max(0, int((deadline - now).total_seconds())))


def is_locked(*, tutor: bool, checked: bool) -> bool:
    """Tutor mode locks a question once its answer was checked and its feedback shown."""
    return tutor and checked


def navigation_target(*, position: int, action: str, goto: int | None) -> int:
    """The question a save leads to: the navigator's choice, else next or previous, else stay."""
    if goto:
        return goto
    if action == Action.NEXT:
        return position + 1
    if action == Action.PREV:
        return max(1, position - 1)
    return position


def resume_position(answered: Sequence[bool]) -> int:
    """Where a trainee picks up a test (1-based) when no visited position is known.

    `answered[i]` tells whether question i + 1 has a stored choice. The first unanswered
    question after the last answered one, else the first unanswered one, else the last.
    """
    if not answered:
        return 1
    last = max((n for n, done in enumerate(answered, start=1) if done), default=0)
    unanswered = [n for n, done in enumerate(answered, start=1) if not done]
    later = [n for n in unanswered if n > last]
    if later:
        return later[0]
    return unanswered[0] if unanswered else len(answered)


def percentile_rank(value, others: Sequence) -> int | None:
    """Share of `others` (in percent, rounded) below `value`, ties counting half; None if no others."""
    if not others:
        return None
    below = sum(1 for o in others if o < value)
    equal = sum(1 for o in others if o == value)
    return round((below + equal / 2) * 100 / len(others))
