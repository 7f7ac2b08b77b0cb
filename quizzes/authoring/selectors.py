"""Reads for authoring: stored questions, fetched with what checking them needs."""

from __future__ import annotations

from django.db.models import QuerySet

from ..models import Question, Quiz


def questions_for_checking(*, quiz_slug: str | None = None) -> QuerySet[Question]:
    """Stored questions in quiz and question order, with their quiz and choices, for the item-writing check."""
    questions = (
        Question.objects.select_related("quiz").prefetch_related("choices").order_by("quiz__slug", "position", "id")
    )
    if quiz_slug is not None:
        questions = questions.filter(quiz__slug=quiz_slug)
    return questions


def quiz_find(*, slug: str) -> Quiz | None:
    """The quiz with this slug, or None."""
    return Quiz.objects.filter(slug=slug).first()


def questions_for_export(*, quiz: Quiz) -> QuerySet[Question]:
    """A quiz's questions in order, with what the exchange format carries: topic, section and lesson, choices."""
    return (
        Question.objects.filter(quiz=quiz)
        .select_related("topic", "section__lesson")
        .prefetch_related("choices")
        .order_by("position", "id")
    )
