"""Simulated learners for demos and benchmarks: a three-parameter logistic item response model.

Pure and free of Django. Each question gets a discrimination a (log-normal around 1), a
difficulty b (normal, shifted by its difficulty label: easy -1, medium 0, hard +1) and a
guessing floor c (one over the number of choices for a one-answer question, none for a
multiple-answer one). A learner of ability theta (standard normal) answers right with
probability c + (1 - c) / (1 + exp(-1.7 a (theta - b))); a wrong answer picks a distractor in
proportion to its attractiveness, drawn once per choice (exponential, so some distractors are
hardly ever chosen, as in real item analyses). Every draw comes from the caller's
`random.Random`, so a seed gives the same learners and answers every time.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

SCALE = 1.7  # the logistic curve's constant that makes it close to the normal ogive
_DIFFICULTY_SHIFT = {"easy": -1.0, "medium": 0.0, "hard": 1.0}


@dataclass(frozen=True)
class ItemModel:
    """One question's parameters, and how attractive each wrong choice is (by choice id)."""

    discrimination: float
    difficulty: float
    guessing: float
    attractiveness: dict[int, float]


def item_model(
    kind: str, difficulty: str, choices: Sequence[tuple[int, float | Decimal]], rng: random.Random
) -> ItemModel:
    """Draw a question's parameters. `choices` are (id, fraction) in a stable order."""
    wrong = [cid for cid, fraction in choices if fraction <= 0]
    guessing = 0.0 if kind == "multiple" or not choices else 1 / len(choices)
    return ItemModel(
        discrimination=rng.lognormvariate(0.0, 0.35),
        difficulty=rng.gauss(_DIFFICULTY_SHIFT.get(difficulty, 0.0), 0.7),
        guessing=guessing,
        attractiveness={cid: rng.expovariate(1.0) for cid in wrong},
    )


def p_correct(model: ItemModel, theta: float) -> float:
    """The chance that a learner of ability `theta` answers right."""
    z = SCALE * model.discrimination * (theta - model.difficulty)
    return model.guessing + (1 - model.guessing) / (1 + math.exp(-max(min(z, 50.0), -50.0)))


def answer(
    model: ItemModel, theta: float, kind: str, choices: Sequence[tuple[int, float | Decimal]], rng: random.Random
) -> frozenset[int]:
    """The choice ids a simulated learner picks. Right: every choice with credit. Wrong: one
    distractor by attractiveness (for several answers, the credited ones but one, plus it)."""
    credited = [cid for cid, fraction in choices if fraction > 0]
    if rng.random() < p_correct(model, theta) or not model.attractiveness:
        return frozenset(credited)
    ids = sorted(model.attractiveness)
    distractor = rng.choices(ids, weights=[model.attractiveness[i] for i in ids])[0]
    if kind == "multiple" and len(credited) > 1:
        kept = credited.copy()
        kept.pop(rng.randrange(len(kept)))
        return frozenset([*kept, distractor])
    return frozenset([distractor])
