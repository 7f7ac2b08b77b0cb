"""Reads for lessons and quizzes: every query a page needs, fetched up front so templates never
trigger lazy loads."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db.models import Count, F, Max, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from .. import cache
from ..models import (
    Attempt,
    Audience,
    Lesson,
    LessonProgress,
    LessonSection,
    Question,
    QuestionProgress,
    Quiz,
    SelfTest,
)
from ..snapshots import answer_review, question_snapshot


@dataclass
class QuizStatus:
    attempts: int = 0
    best_score: Decimal | None = None
    passed: bool = False
    in_progress: bool = False


@dataclass
class Catalogue:
    """Lessons and quizzes for one audience, with the learner's status on each."""

    audience: str
    label: str
    lessons: list[Lesson] = field(default_factory=list)
    quizzes: list[Quiz] = field(default_factory=list)


def _sections_for_reading_time() -> Prefetch:
    return Prefetch("sections", queryset=LessonSection.objects.only("id", "lesson_id", "word_count"))


def catalogue_list(*, user, trainee_first: bool = False) -> list[Catalogue]:
    """The home page: lessons and quizzes grouped by audience (patients' first, or trainees'
    first), with the learner's status."""
    lessons = list(Lesson.objects.select_related("topic").prefetch_related(_sections_for_reading_time()))
    quizzes = list(Quiz.objects.filter(is_published=True).annotate(question_count=Count("questions")))
    statuses: dict[int, QuizStatus] = {}
    read: set[int] = set()
    if user.is_authenticated:
        rows = (
            Attempt.objects.filter(user=user)
            .values("quiz_id")
            .annotate(
                attempts=Count("id", filter=Q(submitted_at__isnull=False)),
                best=Max("score"),
                passes=Count("id", filter=Q(passed=True)),
                open=Count("id", filter=Q(submitted_at__isnull=True)),
            )
        )
        statuses = {
            r["quiz_id"]: QuizStatus(
                attempts=r["attempts"], best_score=r["best"], passed=r["passes"] > 0, in_progress=r["open"] > 0
            )
            for r in rows
        }
        read = set(LessonProgress.objects.filter(user=user).values_list("lesson_id", flat=True))
    for lesson in lessons:
        lesson.is_read = lesson.id in read
    for quiz in quizzes:
        quiz.status = statuses.get(quiz.id, QuizStatus())
    groups = [
        Catalogue(audience=Audience.PATIENT, label=str(Audience.PATIENT.label)),
        Catalogue(audience=Audience.TRAINEE, label=str(Audience.TRAINEE.label)),
    ]
    if trainee_first:
        groups.reverse()
    for group in groups:
        wanted = {group.audience, Audience.BOTH}
        group.lessons = [lesson for lesson in lessons if lesson.audience in wanted]
        group.quizzes = [quiz for quiz in quizzes if quiz.audience in wanted]
    return [g for g in groups if g.lessons or g.quizzes]


@dataclass
class TraineeDesk:
    """A trainee's own work, shown first on their home page."""

    due: int
    open_tests: list[SelfTest]
    open_quizzes: list[Quiz]


def trainee_desk(*, user, now: datetime, catalogue: list[Catalogue]) -> TraineeDesk:
    """Spaced-review questions due, self-tests in progress (newest first) and quizzes in
    progress (from the catalogue already read): two queries, however many there are."""
    quizzes = {quiz.id: quiz for group in catalogue for quiz in group.quizzes}
    return TraineeDesk(
        due=QuestionProgress.objects.filter(user=user).due(now).count(),
        open_tests=list(
            SelfTest.objects.in_progress(now).filter(user=user).with_counts().order_by("-created_at", "-id")
        ),
        open_quizzes=[quiz for quiz in quizzes.values() if quiz.status.in_progress],
    )


def lesson_get(*, slug: str) -> Lesson:
    """A lesson with its sections and the quizzes that check it; 404 if unknown."""
    return get_object_or_404(
        Lesson.objects.select_related("topic").prefetch_related(
            "sections", Prefetch("quizzes", queryset=Quiz.objects.filter(is_published=True))
        ),
        slug=slug,
    )


def quiz_get_published(*, slug: str) -> Quiz:
    """A published quiz; 404 if unknown or unpublished."""
    return get_object_or_404(Quiz, slug=slug, is_published=True)


def quiz_frozen_questions(*, quiz: Quiz) -> list[dict]:
    """Each question of the quiz as an attempt freezes it, choices as written: its id, version
    and snapshot (from the shared cache while the quiz is unchanged)."""

    def read() -> list[dict]:
        return [
            {"id": q.id, "version": q.version, "snapshot": question_snapshot(q)}
            for q in quiz_questions_for_snapshot(quiz=quiz)
        ]

    return cache.quiz_snapshots_get(quiz.slug, read)


def quiz_questions_for_snapshot(*, quiz: Quiz) -> list[Question]:
    """A quiz's questions with everything a snapshot copies, in two queries."""
    return list(
        Question.objects.filter(quiz=quiz)
        .select_related("topic", "section__lesson")
        .prefetch_related("choices")
        .order_by("position", "id")
    )


def attempt_get_open(*, user, quiz: Quiz) -> Attempt | None:
    """The learner's unsubmitted attempt at a quiz, with its responses, if there is one."""
    return Attempt.objects.filter(user=user, quiz=quiz, submitted_at__isnull=True).prefetch_related("responses").first()


def attempt_latest(*, user, quiz_slug: str) -> Attempt | None:
    """The learner's open attempt at a published quiz, else their latest submitted one, with
    the quiz (one query; responses not loaded)."""
    return (
        Attempt.objects.select_related("quiz")
        .filter(user=user, quiz__slug=quiz_slug, quiz__is_published=True)
        .order_by(F("submitted_at").desc(nulls_first=True), "-id")
        .first()
    )


def attempt_get_for_user(*, pk: int, user) -> Attempt:
    """One of the learner's own attempts with its responses; 404 for anyone else's."""
    return get_object_or_404(Attempt.objects.select_related("quiz").prefetch_related("responses"), pk=pk, user=user)


def attempt_result_stamp(*, pk: int) -> tuple | None:
    """What a cached result page must still match, in one query: the attempt's owner, start and
    submission (an id that came back after a delete differs), and the quiz's title and address (the
    page's only content not frozen with the attempt). None for no such attempt."""
    return (
        Attempt.objects.filter(pk=pk)
        .values_list("user_id", "started_at", "submitted_at", "quiz__title", "quiz__slug")
        .first()
    )


def attempt_list_for_user(*, user) -> QuerySet[Attempt]:
    """The learner's attempts, newest first."""
    return (
        Attempt.objects.filter(user=user)
        .select_related("quiz")
        .annotate(question_count=Count("responses"))
        .order_by("-started_at", "-id")
    )


def attempt_review(*, attempt: Attempt) -> list[dict]:
    """Each question of a submitted attempt as the learner saw it, with what they chose, the
    right answers and the feedback (from the responses already loaded with the attempt)."""
    return [{**answer_review(r.snapshot, r.chosen, r.mark), "response": r} for r in attempt.responses.all()]
