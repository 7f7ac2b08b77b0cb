"""What the question admin's preview shows: the question as a learner's quiz page shows it, as
a patient's check shows it in each language, and as a review shows it after answering. Built
from a snapshot as an attempt would take it, and rendered with the very includes those pages
use; nothing is stored."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import SafeString

from ..models import Language, Question
from ..rules import grading
from ..rules.text import render_markdown
from ..snapshots import answer_review, question_snapshot, shown_choices, snapshot_key, snapshot_mark

LEARNER_TEMPLATE = "quizzes/includes/question_block.html"
PATIENT_TEMPLATE = "quizzes/consent/includes/check_question.html"
REVIEW_TEMPLATE = "quizzes/learning/includes/review_item.html"


def _translated(snapshot: dict[str, Any], question: Question, language: str) -> dict[str, Any] | None:
    """The snapshot in `language`, as a patient's frozen record would hold it; None when some
    text has no translation (a patient in that language could not be enrolled)."""
    if language == "en":
        return snapshot
    stem = question.translations.get(language, {}).get("stem")
    texts = {c.id: (c.translations or {}).get(language, {}).get("text") for c in question.choices.all()}
    if not stem or not all(texts.values()):
        return None
    explanation = question.translations.get(language, {}).get("explanation", "")
    return {
        **snapshot,
        "stem": stem,
        "explanation_html": render_markdown(explanation),
        "choices": [{**c, "text": texts[c["id"]]} for c in snapshot["choices"]],
    }


def _patient(snapshot: dict[str, Any] | None, language: str) -> SafeString | None:
    if snapshot is None:
        return None
    with translation.override(language):
        return render_to_string(
            PATIENT_TEMPLATE,
            {
                "stem": snapshot["stem"],
                "multiple": snapshot["kind"] == grading.Kind.MULTIPLE,
                "choices": shown_choices(snapshot["choices"]),
                "preview": True,
            },
        )


def preview_context(question: Question, *, chosen: Collection[int] = ()) -> dict[str, Any]:
    """Everything the preview page shows. The review shows `chosen` as the answer (by default
    the right choices), so each choice's feedback can be read as a learner would."""
    snapshot = question_snapshot(question)
    ids = {c["id"] for c in snapshot["choices"]}
    answer = set(chosen) & ids or set(grading.correct_choice_ids(snapshot_key(snapshot)))
    learner = render_to_string(
        LEARNER_TEMPLATE,
        {
            "position": 1,
            "total": 1,
            "stem": snapshot["stem"],
            "multiple": snapshot["kind"] == grading.Kind.MULTIPLE,
            "choices": shown_choices(snapshot["choices"]),
            "errors": (),
        },
    )
    review = answer_review(snapshot, answer, snapshot_mark(snapshot, answer))
    patients = [
        {"language": code, "name": name, "html": _patient(_translated(snapshot, question, code), code)}
        for code, name in Language.choices
    ]
    return {
        "question": question,
        "learner": learner,
        "patients": patients,
        "review": render_to_string(REVIEW_TEMPLATE, {"item": review, "position": 1}),
        "review_choices": [{**c, "chosen": c["id"] in answer} for c in snapshot["choices"]],
        "mark": snapshot_mark(snapshot, answer),
    }
