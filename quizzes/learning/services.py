"""Writes for lessons and quizzes: starting and submitting attempts, recording lesson views."""

from __future__ import annotations

import random
from collections.abc import Mapping
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction
from django.utils import timezone

from .. import cache, roles
from ..models import Attempt, Lesson, LessonProgress, Quiz, Response
from ..prefetch import attach_prefetched
from ..rules import grading, simulation
from ..snapshots import snapshot_key, snapshot_shuffled
from . import selectors

UNUSABLE_PASSWORD = make_password(None)  # simulated learners never log in


def lesson_record_view(*, user, lesson: Lesson) -> None:
    """Remember that a learner opened a lesson (first and latest time)."""
    progress, created = LessonProgress.objects.get_or_create(user=user, lesson=lesson)
    if not created:
        progress.save(update_fields=["last_viewed_at"])


def attempt_resume(*, user, quiz: Quiz, open_attempt: Attempt | None) -> Attempt | None:
    """The learner's open attempt at `quiz`, in the order first shown, or None.

    An open attempt made before the quiz's questions changed is started afresh: nothing in it
    was submitted yet, and the learner should see the current text. `open_attempt` is the
    open attempt with its responses, as the caller looked it up (or None).
    """
    attempt = open_attempt
    if attempt is None or attempt.quiz_version == quiz.content_version:
        return attempt
    return _attempt_start(user=user, quiz=quiz, stale=attempt, rng=random.Random())


def attempt_for_page(*, user, slug: str) -> tuple[Quiz, Attempt]:
    """The quiz and the attempt its page shows: the learner's open attempt (started afresh if the
    quiz changed since), else a new one; or, when their latest attempt was submitted, that one.

    Opening the page again after submitting (the back button, a bookmark) must not start a new
    attempt by itself: the learner chooses to (`attempt_get_or_start`).
    """
    latest = selectors.attempt_latest(user=user, quiz_slug=slug)
    quiz = latest.quiz if latest is not None else selectors.quiz_get_published(slug=slug)
    if latest is not None and latest.is_submitted:
        return quiz, latest
    attempt = attempt_resume(user=user, quiz=quiz, open_attempt=latest)
    return quiz, attempt if attempt is not None else attempt_start(user=user, quiz=quiz)


def attempt_get_or_start(*, user, quiz: Quiz, rng: random.Random | None = None) -> Attempt:
    """The learner's open attempt at `quiz`, or a new one with the questions frozen as shown.

    A reload or a second tab resumes the open attempt, in the same order.
    """
    attempt = attempt_resume(user=user, quiz=quiz, open_attempt=selectors.attempt_get_open(user=user, quiz=quiz))
    if attempt is not None:
        return attempt
    return attempt_start(user=user, quiz=quiz, rng=rng)


def attempt_start(*, user, quiz: Quiz, rng: random.Random | None = None) -> Attempt:
    """A new attempt with the questions frozen as shown (or the open one, if a tab raced us)."""
    return _attempt_start(user=user, quiz=quiz, stale=None, rng=rng or random.Random())


def _attempt_start(*, user, quiz: Quiz, stale: Attempt | None, rng: random.Random) -> Attempt:
    questions = selectors.quiz_frozen_questions(quiz=quiz)
    if quiz.shuffle_questions:
        rng.shuffle(questions)
    try:
        with transaction.atomic():
            if stale is not None:
                stale.delete()
            attempt = Attempt.objects.create(
                user=user, quiz=quiz, pass_mark=quiz.pass_mark, quiz_version=quiz.content_version
            )
            responses = [
                Response(
                    attempt=attempt,
                    position=position,
                    question_id=question["id"],
                    question_version=question["version"],
                    snapshot=snapshot_shuffled(question["snapshot"], rng, shuffle=quiz.shuffle_choices),
                )
                for position, question in enumerate(questions, start=1)
            ]
            Response.objects.bulk_create(responses)
        _forget_page(user_id=user.pk, slug=quiz.slug)
        cache.forget_new_attempt(attempt_id=attempt.pk)  # an id can come back after a delete
    except IntegrityError:
        # Another tab opened the quiz at the same moment; the unique constraint on open
        # attempts let exactly one of them in. Resume that one.
        return selectors.attempt_get_open(user=user, quiz=quiz)
    # The caller renders the new attempt's questions without reading them back.
    attach_prefetched(attempt, "responses", responses)
    return attempt


def _forget_page(*, user_id: int, slug: str) -> None:
    # Now, and again after commit: a page cached by a request that ran in between would
    # otherwise show an attempt that is no longer open.
    cache.forget_learner_page(user_id=user_id, slug=slug)
    transaction.on_commit(lambda: cache.forget_learner_page(user_id=user_id, slug=slug))


@transaction.atomic
def attempt_submit(*, attempt: Attempt, answers: Mapping[int, frozenset[int]]) -> Attempt:
    """Grade and store an attempt; `answers` maps a response position to the chosen choice ids.

    `attempt` comes with its responses loaded (their snapshots never change). Submitting twice
    (double click, back button, replay) changes nothing: the attempt row is claimed with one
    conditional UPDATE, so of two racing submissions exactly one grades it.
    """
    responses = list(attempt.responses.all())
    chosen = [answers.get(r.position, frozenset()) for r in responses]
    grade = grading.grade_attempt([snapshot_key(r.snapshot) for r in responses], chosen, attempt.pass_mark)
    submitted_at = timezone.now()
    claimed = Attempt.objects.filter(pk=attempt.pk, submitted_at__isnull=True).update(
        submitted_at=submitted_at, score=grade.score, passed=grade.passed
    )
    if not claimed:
        attempt.refresh_from_db(fields=["submitted_at", "score", "passed"])
        return attempt
    _forget_page(user_id=attempt.user_id, slug=attempt.quiz.slug)
    for response, picked, mark in zip(responses, chosen, grade.marks, strict=True):
        response.chosen = sorted(picked)
        response.mark = mark
    Response.objects.bulk_update(responses, ["chosen", "mark"])
    attempt.submitted_at, attempt.score, attempt.passed = submitted_at, grade.score, grade.passed
    return attempt


def attempts_simulate(*, quiz: Quiz, learners: int, seed: int = 0) -> list[Attempt]:
    """Fill `learners` finished attempts from an item response model (`rules/simulation.py`),
    through `attempt_start` and `attempt_submit` as real learners' attempts are stored.

    The simulated learners are trainees named `sim-<seed>-<n>` (made in bulk when missing; an
    existing one takes another attempt). One seed gives the same abilities, question order,
    choice order and answers on the same content every time.
    """
    rng = random.Random(seed)
    questions = selectors.quiz_questions_for_snapshot(quiz=quiz)
    models = {
        q.id: simulation.item_model(q.kind, q.difficulty, [(c.id, c.fraction) for c in q.choices.all()], rng)
        for q in questions
    }
    attempts = []
    for user in _simulated_learners(learners=learners, seed=seed):
        theta = rng.gauss(0.0, 1.0)
        attempt = attempt_start(user=user, quiz=quiz, rng=rng)
        answers = {}
        for response in attempt.responses.all():
            snap = response.snapshot
            choices = [(c["id"], Decimal(c["fraction"])) for c in snap["choices"]]
            model = models.get(snap["question_id"])
            if model is not None:
                answers[response.position] = simulation.answer(model, theta, snap["kind"], choices, rng)
        attempts.append(attempt_submit(attempt=attempt, answers=answers))
    return attempts


def _simulated_learners(*, learners: int, seed: int) -> list:
    User = get_user_model()
    names = [f"sim-{seed}-{n:05d}" for n in range(1, learners + 1)]
    existing = {u.username: u for u in User.objects.filter(username__in=names)}
    missing = [User(username=name, password=UNUSABLE_PASSWORD) for name in names if name not in existing]
    User.objects.bulk_create(missing)
    users = {u.username: u for u in User.objects.filter(username__in=names)}
    trainees = Group.objects.get(name=roles.TRAINEE)
    User.groups.through.objects.bulk_create(
        [User.groups.through(user_id=u.pk, group_id=trainees.pk) for u in users.values()], ignore_conflicts=True
    )
    return [users[name] for name in names]
