"""Hand-made attempts and self-tests for the item analysis tests: marks and choices as given."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from quizzes.models import Attempt, Question, Quiz, Response, SelfTest, SelfTestItem
from tests.factories import QuestionFactory, QuizFactory, UserFactory


def quiz_with(n: int, slug: str = "stats-quiz") -> tuple[Quiz, list[Question]]:
    """A quiz of `n` single-answer questions, choices "Right" (1) then three wrong (0)."""
    quiz = QuizFactory(slug=slug)
    return quiz, [QuestionFactory(quiz=quiz, position=i + 1, name=f"q{i + 1}") for i in range(n)]


def right(question: Question) -> int:
    return question.choices.get(fraction=1).id


def wrong(question: Question, k: int = 0) -> int:
    return list(question.choices.filter(fraction=0).order_by("position"))[k].id


def attempt(user, quiz: Quiz, questions: list[Question], picks: list[int | None], *, minutes: int = 0, submitted=True):
    """A finished attempt: for each question the chosen choice id (None: left blank), marked."""
    at = timezone.now() - timedelta(days=1) + timedelta(minutes=minutes)
    marks = [
        None if p is None else Decimal(1) if p == right(q) else Decimal(0)
        for q, p in zip(questions, picks, strict=True)
    ]
    score = Decimal(100) * sum((m or 0 for m in marks), Decimal(0)) / len(questions)
    a = Attempt.objects.create(
        user=user,
        quiz=quiz,
        pass_mark=70,
        submitted_at=at if submitted else None,
        score=score if submitted else None,
    )
    Response.objects.bulk_create(
        Response(
            attempt=a,
            position=i,
            question=q,
            question_version=1,
            snapshot={"question_id": q.id},
            chosen=[] if p is None else [p],
            mark=(m if m is not None else Decimal(0)) if submitted else None,
        )
        for i, (q, p, m) in enumerate(zip(questions, picks, marks, strict=True), start=1)
    )
    return a


def selftest(user, questions: list[Question], picks: list[int | None], *, minutes: int = 0):
    """A finished self-test that drew `questions`, answered with `picks`."""
    at = timezone.now() - timedelta(days=1) + timedelta(minutes=minutes)
    test = SelfTest.objects.create(user=user, finished_at=at, score=Decimal(50))
    SelfTestItem.objects.bulk_create(
        SelfTestItem(
            test=test,
            position=i,
            question=q,
            snapshot={"question_id": q.id},
            chosen=[] if p is None else [p],
            mark=Decimal(1) if p == right(q) else Decimal(0),
        )
        for i, (q, p) in enumerate(zip(questions, picks, strict=True), start=1)
    )
    return test


def learner(n: int):
    return UserFactory(username=f"stats-learner-{n}")
