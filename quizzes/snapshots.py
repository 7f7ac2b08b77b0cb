"""The frozen copy of a question that an attempt keeps: one place for its shape, for how a page
shows its choices before the answer is in, and for how a review shows them after."""

from __future__ import annotations

import random
from collections.abc import Collection, Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from django import forms

from .models import Question
from .rules import grading


def question_snapshot(question: Question, choice_order: list[int] | None = None) -> dict[str, Any]:
    """A JSON-ready copy of a question as shown, with its choices in `choice_order` (ids)."""
    choices = {c.id: c for c in question.choices.all()}
    order = choice_order if choice_order is not None else list(choices)
    section = question.section
    return {
        "question_id": question.id,
        "version": question.version,
        "name": question.name,
        "kind": question.kind,
        "scoring": question.scoring,
        "stem": question.stem,
        "explanation_html": question.explanation_html,
        "source": question.source,
        "topic": question.topic.slug if question.topic else None,
        "section": (
            {"title": f"{section.lesson.title}: {section.title}", "url": section.get_absolute_url()}
            if section
            else None
        ),
        "choices": [
            {
                "id": choices[cid].id,
                "text": choices[cid].text,
                "fraction": str(choices[cid].fraction),
                "feedback": choices[cid].feedback,
            }
            for cid in order
        ],
    }


def choice_order(question: Question, rng: random.Random, *, shuffle: bool = True) -> list[int]:
    """The order a question's choices are shown in (ids): shuffled, except true/false, which
    always reads "True", then "False"."""
    order = [c.id for c in question.choices.all()]
    if shuffle and _shuffles(question.kind):
        rng.shuffle(order)
    return order


def snapshot_shuffled(snapshot: dict[str, Any], rng: random.Random, *, shuffle: bool = True) -> dict[str, Any]:
    """A copy of a frozen question (its choices as written) with the choices in the order one
    learner sees them, by the same rule as `choice_order`."""
    choices = list(snapshot["choices"])
    if shuffle and _shuffles(snapshot["kind"]):
        rng.shuffle(choices)
    return {**snapshot, "choices": choices}


def _shuffles(kind: str) -> bool:
    return kind != grading.Kind.TRUEFALSE


def snapshot_mark(snapshot: dict[str, Any], chosen: Iterable[int]) -> Decimal:
    """The mark for `chosen` on a frozen question, by the one rule in grading."""
    return grading.question_mark(snapshot_key(snapshot), chosen)


def snapshot_key(snapshot: dict[str, Any]) -> grading.QuestionKey:
    """What grading needs, read back from a snapshot (one frozen before scoring modes existed
    was scored partially, and keeps being so)."""
    return grading.QuestionKey(
        kind=grading.Kind(snapshot["kind"]),
        fractions={c["id"]: Decimal(c["fraction"]) for c in snapshot["choices"]},
        scoring=grading.Scoring(snapshot.get("scoring", grading.Scoring.PARTIAL)),
    )


def shown_choices(choices: Sequence[Mapping[str, Any]], checked: Collection[int] = ()) -> list[dict[str, Any]]:
    """A question's choices as a page shows them before the answer is in: text, value, ticked.

    The value is the choice's place in the order shown (1, 2, ...), never its id: ids follow
    the order the content was written in, where the right answer often comes first, so they
    would give it away. `choice_ids_by_value` reads the values back.
    """
    return [{"value": str(n), "text": c["text"], "checked": c["id"] in checked} for n, c in enumerate(choices, start=1)]


def choice_ids_by_value(choices: Sequence[Mapping[str, Any]]) -> dict[str, int]:
    """The choice id behind each value that `shown_choices` gave the page."""
    return {str(n): c["id"] for n, c in enumerate(choices, start=1)}


def shown_choice_field(choices, **kwargs) -> forms.TypedMultipleChoiceField:
    """A form field for a question's choices as shown: it takes the values the page gave them
    (`shown_choices`) and cleans to the choice ids behind them."""
    ids = choice_ids_by_value(choices)
    return forms.TypedMultipleChoiceField(
        choices=[(value, c["text"]) for value, c in zip(ids, choices, strict=True)],
        coerce=ids.__getitem__,
        **kwargs,
    )


def answer_review(
    snapshot: dict[str, Any], chosen: Collection[int], mark: Decimal | None, *, reveal: bool = True
) -> dict:
    """One answered question as a review shows it: the outcome, and each choice with whether it
    was chosen and (when `reveal`) whether it is right. `mark` None: not marked yet."""
    correct = grading.correct_choice_ids(snapshot_key(snapshot)) if reveal else frozenset()
    picked = set(chosen)
    return {
        "snapshot": snapshot,
        "outcome": grading.outcome(mark, picked) if mark is not None else None,
        "choices": [{**c, "chosen": c["id"] in picked, "correct": c["id"] in correct} for c in snapshot["choices"]],
    }


def review_filter(rows: Sequence[dict], *, missed_only: bool) -> dict:
    """A review's rows, all of them or only those missed (anything short of fully correct),
    with how many there are of each, for the "only the questions I missed" switch."""
    missed = [r for r in rows if r["outcome"] != grading.Outcome.CORRECT]
    return {
        "rows": missed if missed_only else list(rows),
        "missed_only": missed_only,
        "all": len(rows),
        "missed": len(missed),
    }
