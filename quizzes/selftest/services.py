"""Writes for trainee self-tests: building, finishing, spaced review (answers: `answers.py`).

Every write that must not be lost or doubled runs in one transaction that first locks the
self-test row (`select_for_update`; SQLite serialises writers through immediate
transactions), so a double-clicked "Finish" cannot interleave with itself or with a save.
"""

from __future__ import annotations

import random
from collections.abc import Collection, Sequence
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import cache
from ..models import QuestionProgress, SelfTest, SelfTestItem, Topic
from ..rules import grading, spaced
from ..rules.taking import is_expired
from ..snapshots import choice_order, question_snapshot, snapshot_mark
from . import selectors

MAX_QUESTIONS = 100


class SelfTestError(Exception):
    """A request the test cannot take; the message is meant for the trainee, `status` for HTTP."""

    status = 409

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class EmptyPool(SelfTestError):
    """No question matches what the trainee asked for."""


class SelfTestClosed(SelfTestError):
    """The test is already finished or discarded: its answers no longer change."""


class SelfTestDiscarded(SelfTestClosed):
    """The trainee discarded the test: it is kept, but nothing in it changes any more."""

    def __init__(self):
        super().__init__(_("You discarded this test: it can no longer change."))


class DeadlinePassed(SelfTestError):
    """A timed test's time (plus the grace) is over: the answer was not stored."""


class InvalidAnswer(SelfTestError):
    """The answer names a choice the question did not show, or too many choices."""

    status = 400


class AnswerLocked(SelfTestError):
    """Tutor mode: the question was already answered and its feedback shown."""


def _create(
    *,
    user,
    question_ids: Sequence[int],
    kind: str,
    mode: str,
    pool: str,
    topics: Collection[Topic],
    seconds_per_question: int,
    rng: random.Random,
    now: datetime,
) -> SelfTest:
    questions = selectors.questions_for_snapshot(ids=question_ids)
    ordered = [questions[i] for i in question_ids if i in questions]
    deadline = now + timedelta(seconds=seconds_per_question * len(ordered)) if mode == SelfTest.Mode.TIMED else None
    with transaction.atomic():
        test = SelfTest.objects.create(
            user=user,
            kind=kind,
            mode=mode,
            pool=pool,
            seconds_per_question=seconds_per_question,
            deadline=deadline,
        )
        if topics:
            test.topics.set(topics)
        SelfTestItem.objects.bulk_create(
            SelfTestItem(
                test=test,
                position=position,
                question=question,
                topic=question.topic,
                snapshot=question_snapshot(question, choice_order(question, rng)),
            )
            for position, question in enumerate(ordered, start=1)
        )
    cache.forget_answer_sheet(test_id=test.pk)
    test.question_count = len(ordered)
    return test


def selftest_create(
    *,
    user,
    topics: Collection[Topic],
    pool: str,
    count: int,
    mode: str,
    seconds_per_question: int = 90,
    rng: random.Random | None = None,
    now: datetime | None = None,
) -> SelfTest:
    """A custom test: `count` questions drawn at random, without repeats, from the pool.

    Each question's choices are shuffled and the order is frozen in its snapshot. Fewer
    questions than asked for are drawn when the pool is smaller; an empty pool raises EmptyPool.
    """
    rng = rng or random.Random()
    now = now or timezone.now()
    ids = selectors.selftest_pool_ids(user=user, topic_ids=[t.id for t in topics], pool=pool)
    if not ids:
        raise EmptyPool(_empty_pool_message(pool))
    picked = rng.sample(ids, min(count, len(ids), MAX_QUESTIONS))
    return _create(
        user=user,
        question_ids=picked,
        kind=SelfTest.Kind.CUSTOM,
        mode=mode,
        pool=pool,
        topics=topics,
        seconds_per_question=seconds_per_question,
        rng=rng,
        now=now,
    )


def _empty_pool_message(pool: str) -> str:
    return {
        SelfTest.Pool.UNUSED: _("You have already seen every question in these topics. Choose “All questions”."),
        SelfTest.Pool.INCORRECT: _("You have no wrongly answered questions in these topics."),
        SelfTest.Pool.FLAGGED: _("You have not flagged any questions in these topics."),
    }.get(pool, _("There are no questions in these topics yet."))


def review_session_start(*, user, rng: random.Random | None = None, now: datetime | None = None) -> SelfTest:
    """A spaced-review session: the due questions (longest overdue first, in random order), tutor mode.

    A trainee has at most one open session: while one is open it is returned instead (a second
    one would ask the same questions, and answering them twice would move them twice).
    """
    rng = rng or random.Random()
    now = now or timezone.now()
    with transaction.atomic():
        # One start at a time per trainee: a double click waits here, then finds the first session.
        get_user_model().objects.select_for_update().only("pk").get(pk=user.pk)
        open_session = SelfTest.objects.unfinished().filter(user=user, kind=SelfTest.Kind.REVIEW).first()
        if open_session is not None:
            return open_session
        ids = selectors.review_due_question_ids(user=user, now=now)
        if not ids:
            raise EmptyPool(_("No questions are due for review right now."))
        rng.shuffle(ids)
        return _create(
            user=user,
            question_ids=ids,
            kind=SelfTest.Kind.REVIEW,
            mode=SelfTest.Mode.TUTOR,
            pool=SelfTest.Pool.ALL,
            topics=(),
            seconds_per_question=90,
            rng=rng,
            now=now,
        )


def progress_answer(progress: QuestionProgress, *, correct: bool, now: datetime) -> None:
    """Count one marked answer in the trainee's progress and move the question's review box."""
    progress.times_seen += 1
    progress.times_correct += int(correct)
    progress.last_correct = correct
    progress.last_answered_at = now
    card = spaced.schedule(spaced.Card(box=progress.box, due_at=progress.due_at), correct=correct, now=now)
    progress.box, progress.due_at = card.box, card.due_at


@transaction.atomic
def selftest_finish(*, user, test_id: int, now: datetime | None = None) -> SelfTest:
    """Mark every question, store the score and close the test; finishing twice changes nothing.

    Timed answers are recorded in the trainee's progress here (tutor answers were recorded as
    they were given). Unanswered questions score 0 but leave progress alone: they were not
    answered, so they stay "unused" and do not enter spaced review. A discarded test is never
    finished (SelfTestDiscarded).
    """
    now = now or timezone.now()
    test = SelfTest.objects.select_for_update().get(pk=test_id, user=user)
    if test.is_finished:
        return test
    if test.is_abandoned:
        raise SelfTestDiscarded
    # Locking the items too makes a save that is under way (see _save_open_choice) land first.
    items = list(test.items.select_for_update().order_by("position"))
    to_record: list[SelfTestItem] = []
    for item in items:
        if item.mark is None:
            item.mark = snapshot_mark(item.snapshot, item.chosen)
            if item.chosen:
                to_record.append(item)
    SelfTestItem.objects.bulk_update(items, ["mark"])
    _progress_record_many(user=user, items=[i for i in to_record if i.question_id is not None], now=now)
    test.score = grading.score_percent([i.mark for i in items])
    test.finished_at = now
    test.save(update_fields=["score", "finished_at"])
    return test


def _progress_record_many(*, user, items: Sequence[SelfTestItem], now: datetime) -> None:
    if not items:
        return
    ids = [i.question_id for i in items]
    existing = {
        p.question_id: p for p in QuestionProgress.objects.select_for_update().filter(user=user, question_id__in=ids)
    }
    missing = [QuestionProgress(user=user, question_id=qid) for qid in ids if qid not in existing]
    # ignore_conflicts: a row made meanwhile by another of the trainee's tests is read back below.
    QuestionProgress.objects.bulk_create(missing, ignore_conflicts=True)
    if missing:
        existing = {
            p.question_id: p
            for p in QuestionProgress.objects.select_for_update().filter(user=user, question_id__in=ids)
        }
    for item in items:
        progress_answer(existing[item.question_id], correct=item.mark >= grading.ONE, now=now)
    QuestionProgress.objects.bulk_update(
        list(existing.values()),
        ["times_seen", "times_correct", "last_correct", "last_answered_at", "box", "due_at"],
    )


def selftest_finish_if_expired(*, user, test: SelfTest, now: datetime | None = None) -> bool:
    """Finish a timed test whose time is over; True if it was (or already is) finished."""
    now = now or timezone.now()
    if test.is_finished:
        return True
    if test.is_abandoned or not is_expired(test.deadline, now):
        return False
    finished = selftest_finish(user=user, test_id=test.pk, now=now)
    test.finished_at, test.score = finished.finished_at, finished.score
    return True


def selftest_finish_all_expired(*, user, now: datetime | None = None) -> int:
    """Finish each of the trainee's timed tests whose time is over (before a page lists them
    as open); how many there were. One query when there are none."""
    now = now or timezone.now()
    expired = SelfTest.objects.unfinished().expired(now).filter(user=user)
    ids = list(expired.values_list("pk", flat=True))
    for test_id in ids:
        selftest_finish(user=user, test_id=test_id, now=now)
    return len(ids)


@transaction.atomic
def selftest_abandon(*, user, test_id: int, now: datetime | None = None) -> SelfTest:
    """Discard one of the trainee's unfinished tests: it is kept, marked abandoned, and from
    then on listed nowhere, scored nowhere and closed to answers. Discarding twice changes
    nothing; a finished test cannot be discarded (SelfTestClosed).

    Answers already checked in tutor mode stay in the trainee's question history (they were
    given, and moved the spaced-review boxes); the test itself counts in no statistic.
    """
    test = SelfTest.objects.select_for_update().get(pk=test_id, user=user)
    if test.is_finished:
        raise SelfTestClosed(_("This test is finished, so it cannot be discarded. Its review stays in your progress."))
    if not test.is_abandoned:
        test.abandoned_at = now or timezone.now()
        test.save(update_fields=["abandoned_at"])
    return test
