"""The frozen copy of a question that an attempt keeps: one place for its shape."""

from __future__ import annotations

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
