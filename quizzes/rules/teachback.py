"""Teach-back for the consent comprehension check, free of Django: plain data in and out.

"Chunk and check" (AHRQ Health Literacy Toolkit, Tool 5): a wrong answer is re-explained and
asked again later. The check runs in rounds:

- Round 1 asks one question per point (the first question written for it: its *slot*).
- Each later round asks again every slot whose latest answer was wrong, using a sibling
  question on the same point that this patient has not seen yet, or else the same question
  with its choices reshuffled.
- It ends when every slot is answered right or `max_rounds` rounds are used.

Mastery: every critical slot's latest answer is right and the score (slots right / slots)
reaches the pass mark. Slots still wrong at the end become discussion points for the clinician.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from . import grading


@dataclass(frozen=True)
class Item:
    """A question of the check: its name, the point it checks, and whether it is critical."""

    name: str
    point: str
    critical: bool = False


@dataclass(frozen=True)
class Answer:
    slot: str
    question: str
    round: int
    correct: bool


@dataclass(frozen=True)
class Ask:
    slot: str
    question: str
    round: int


@dataclass(frozen=True)
class Result:
    score: Decimal
    mastery: bool
    discussion_points: tuple[str, ...]


def slots_of(items: Sequence[Item]) -> list[Item]:
    """The first question of each point, in order; the rest are reserves for re-asking."""
    seen: set[str] = set()
    slots = []
    for item in items:
        key = item.point or item.name
        if key not in seen:
            seen.add(key)
            slots.append(item)
    return slots


def _latest(answers: Sequence[Answer]) -> dict[str, Answer]:
    latest: dict[str, Answer] = {}
    for answer in sorted(answers, key=lambda a: a.round):
        latest[answer.slot] = answer
    return latest


def _question_for(slot: Item, items: Sequence[Item], answers: Sequence[Answer], round_no: int) -> str:
    key = slot.point or slot.name
    candidates = [slot.name] + [i.name for i in items if (i.point or i.name) == key and i.name != slot.name]
    asked = {a.question for a in answers if a.slot == slot.name}
    for name in candidates:
        if name not in asked:
            return name
    return candidates[(round_no - 1) % len(candidates)]


def next_ask(items: Sequence[Item], answers: Sequence[Answer], max_rounds: int) -> Ask | None:
    """The next question to ask, or None when the check is over."""
    slots = slots_of(items)
    round_no = max((a.round for a in answers), default=1)
    while round_no <= max_rounds:
        due = _due(slots, answers, round_no)
        answered = {a.slot for a in answers if a.round == round_no}
        for slot in due:
            if slot.name not in answered:
                return Ask(slot=slot.name, question=_question_for(slot, items, answers, round_no), round=round_no)
        if not any(not a.correct for a in _latest(answers).values()):
            return None
        round_no += 1
    return None


def _due(slots: Sequence[Item], answers: Sequence[Answer], round_no: int) -> list[Item]:
    if round_no == 1:
        return list(slots)
    wrong_before = {a.slot for a in answers if a.round == round_no - 1 and not a.correct}
    return [s for s in slots if s.name in wrong_before]


def result(items: Sequence[Item], answers: Sequence[Answer], pass_mark: int) -> Result:
    """Score, mastery and discussion points from the latest answer to each slot."""
    slots = slots_of(items)
    latest = _latest(answers)
    right = {name for name, a in latest.items() if a.correct}
    score = grading.score_percent([Decimal(1) if s.name in right else Decimal(0) for s in slots])
    critical_ok = all(s.name in right for s in slots if s.critical)
    return Result(
        score=score,
        mastery=critical_ok and grading.is_pass(score, pass_mark),
        discussion_points=tuple(s.name for s in slots if s.name not in right),
    )


def rounds_used(answers: Sequence[Answer]) -> int:
    return max((a.round for a in answers), default=0)


@dataclass(frozen=True)
class RoundProgress:
    """How far the patient is in the current round: question `number` of `total`."""

    number: int
    total: int
    again: bool  # a later round, asking again what was wrong


def round_progress(items: Sequence[Item], answers: Sequence[Answer], ask: Ask) -> RoundProgress:
    """Progress through the round that `ask` belongs to."""
    due = _due(slots_of(items), answers, ask.round)
    done = sum(1 for a in answers if a.round == ask.round)
    return RoundProgress(number=done + 1, total=len(due), again=ask.round > 1)
