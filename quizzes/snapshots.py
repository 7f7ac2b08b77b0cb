"""The frozen copy of a question that an attempt keeps: one place for its shape."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from decimal import Decimal
from typing import Any

from . import grading
from .models import Question


def question_snapshot(question: Question, choice_order: list[int] | None = None) -> dict[str, Any]:
    """A JSON-ready copy of a question as shown, with its choices in `choice_order` (ids)."""
    choices = {c.id: c for c in question.choices.all()}
    order = choice_order if choice_order is not None else list(choices)
    section = question.section
    return {
        "question_id": question.id,
        "name": question.name,
        "kind": question.kind,
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


def snapshot_key(snapshot: dict[str, Any]) -> grading.QuestionKey:
    """What grading needs, read back from a snapshot."""
    return grading.QuestionKey(
        kind=grading.Kind(snapshot["kind"]),
        fractions={c["id"]: Decimal(c["fraction"]) for c in snapshot["choices"]},
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
