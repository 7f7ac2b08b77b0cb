"""Writes for trainee self-tests: building, answering, flagging, finishing, spaced review.

Every write that must not be lost or doubled runs in one transaction that first locks the
self-test row (`select_for_update`; SQLite serialises writers through immediate
transactions), so two tabs saving at once, or a double-clicked "Finish", cannot interleave.
The one exception is the most frequent write, a choice not marked yet (timed, or tutor before
"Check answer"): a single UPDATE whose own condition refuses a marked question (see
_save_open_choice).
"""

from __future__ import annotations

import random
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import grading, selectors_selftest, spaced
from ..models import Question, QuestionProgress, SelfTest, SelfTestItem, Topic
from ..snapshots import question_snapshot, snapshot_key

# Answers that arrive this long after a timed test's deadline still count (network delay, the
# last click as the timer ends). Later ones are refused and not stored.
DEADLINE_GRACE = timedelta(seconds=5)
MAX_QUESTIONS = 100


class SelfTestError(Exception):
    """A request the test cannot take; the message is meant for the trainee."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class EmptyPool(SelfTestError):
    """No question matches what the trainee asked for."""


class SelfTestClosed(SelfTestError):
    """The test is already finished: its answers no longer change."""


class DeadlinePassed(SelfTestError):
    """A timed test's time (plus the grace) is over: the answer was not stored."""


class InvalidAnswer(SelfTestError):
    """The answer names a choice the question did not show, or too many choices."""


class AnswerLocked(SelfTestError):
    """Tutor mode: the question was already answered and its feedback shown."""


def is_expired(deadline: datetime | None, now: datetime) -> bool:
    """A timed test is over once its deadline plus the grace has passed."""
    return deadline is not None and now > deadline + DEADLINE_GRACE


def _choice_order(question: Question, rng: random.Random) -> list[int]:
    order = [c.id for c in question.choices.all()]
    # True/false always reads "True", then "False".
    if question.kind != Question.Kind.TRUEFALSE:
        rng.shuffle(order)
    return order


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
    questions = selectors_selftest.questions_for_snapshot(ids=question_ids)
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
                snapshot=question_snapshot(question, _choice_order(question, rng)),
            )
            for position, question in enumerate(ordered, start=1)
        )
    selectors_selftest.forget_answer_sheet(test_id=test.pk)
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
    ids = selectors_selftest.selftest_pool_ids(user=user, topic_ids=[t.id for t in topics], pool=pool)
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
        open_session = SelfTest.objects.filter(user=user, kind=SelfTest.Kind.REVIEW, finished_at__isnull=True).first()
        if open_session is not None:
            return open_session
        ids = selectors_selftest.review_due_question_ids(user=user, now=now)
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


def _mark(snapshot: dict, chosen) -> Decimal:
    """The question's mark, by the one rule in grading.py."""
    return grading.question_mark(snapshot_key(snapshot), chosen)


def _not_a_choice() -> InvalidAnswer:
    return InvalidAnswer(_("That answer is not one of this question's choices."))


def _check_answer(kind: str, shown: frozenset[int], chosen: frozenset[int]) -> None:
    if not chosen <= shown:
        raise _not_a_choice()
    if kind != grading.Kind.MULTIPLE and len(chosen) > 1:
        raise InvalidAnswer(_("Choose only one answer for this question."))


@dataclass(frozen=True)
class SavedAnswer:
    position: int
    answered: bool  # a choice is stored
    pending: bool = False  # tutor mode: and it is not checked yet


def selftest_answer(
    *,
    user,
    test_id: int,
    position: int,
    chosen: Iterable[int] | None = None,
    shown: Iterable[str] | None = None,
    flagged: bool | None = None,
    pending: bool = False,
    now: datetime | None = None,
) -> SavedAnswer:
    """Save one question's answer and/or its flag.

    The answer is `chosen` (choice ids) or `shown` (the values the page sent for the choices,
    see snapshots.shown_choices); None for both leaves it alone, and an empty one clears it.
    Raises SelfTestItem.DoesNotExist for someone else's test or a position the test does not
    have; SelfTestClosed, DeadlinePassed, InvalidAnswer or AnswerLocked when nothing may be
    stored. Timed tests keep the latest choice until the deadline and are marked at the end.
    Tutor tests mark an answer at once, record it in the trainee's progress and lock it;
    with `pending` (a choice saved as it is made, before "Check answer") the choice is only
    kept, and is marked when checked or when the test ends. A constant handful of queries,
    whatever the test's size.
    """
    now = now or timezone.now()
    sheet = selectors_selftest.answer_sheet(test_id=test_id)
    slot = sheet.slots.get(position) if sheet is not None else None
    if shown is not None:
        if slot is None:
            raise SelfTestItem.DoesNotExist
        chosen = _ids_of_shown(slot, shown)
    if chosen is not None and flagged is None and slot is not None:
        saved = _save_open_choice(
            user=user, sheet=sheet, slot=slot, position=position, picked=frozenset(chosen), pending=pending, now=now
        )
        if saved is not None:
            return saved
    return _save_locked(
        user=user, test_id=test_id, position=position, chosen=chosen, flagged=flagged, pending=pending, now=now
    )


def _ids_of_shown(slot: selectors_selftest.Slot, shown: Iterable[str]) -> frozenset[int]:
    try:
        return frozenset(slot.by_value[value] for value in shown)
    except KeyError:
        raise _not_a_choice() from None


def _save_open_choice(
    *, user, sheet: selectors_selftest.AnswerSheet, slot: selectors_selftest.Slot, position: int, picked, pending, now
) -> SavedAnswer | None:
    """The most frequent save, a choice not marked yet (timed, or tutor before "Check answer"):
    one UPDATE, and no transaction.

    What it checks first never changes once the test is made (its owner, mode, deadline and
    the choices shown), so it comes from the cached answer sheet. The one thing that does
    change, the question being marked (when checked, or when the test is finished), is the
    UPDATE's own condition: finishing marks every item with their rows locked, so an answer
    lands either before the marking (and counts) or after it (and changes nothing). None when
    this path does not apply or stored nothing: the caller then takes the locked path, which
    says why.
    """
    timed = sheet.mode == SelfTest.Mode.TIMED
    if sheet.user_id != user.pk or not (timed or pending) or is_expired(sheet.deadline, now):
        return None
    try:
        _check_answer(slot.kind, frozenset(slot.by_value.values()), picked)
    except InvalidAnswer:
        return None
    fields = {"chosen": sorted(picked)}
    if timed:
        fields["answered_at"] = now if picked else None
    updated = SelfTestItem.objects.filter(pk=slot.item_id, test_id=sheet.test_id, mark__isnull=True).update(**fields)
    if not updated:
        return None
    return SavedAnswer(position=position, answered=bool(picked), pending=not timed and bool(picked))


@transaction.atomic
def _save_locked(
    *, user, test_id: int, position: int, chosen, flagged: bool | None, pending: bool, now: datetime
) -> SavedAnswer:
    """Any save, in a transaction that first locks the test's row (two tabs saving at once)."""
    item = (
        SelfTestItem.objects.select_related("test")
        .select_for_update(of=("test",))
        .get(test_id=test_id, test__user=user, position=position)
    )
    test = item.test
    if test.is_finished:
        raise SelfTestClosed(_("This test is finished: its answers can no longer change."))
    if is_expired(test.deadline, now):
        raise DeadlinePassed(
            _("Time was up at %(time)s: this answer arrived too late and was not counted.")
            % {"time": timezone.localtime(test.deadline).strftime("%H:%M:%S")}
        )
    fields: list[str] = []
    if chosen is not None:
        picked = frozenset(chosen)
        snapshot = item.snapshot
        _check_answer(snapshot["kind"], frozenset(c["id"] for c in snapshot["choices"]), picked)
        if test.mode == SelfTest.Mode.TUTOR:
            if item.answered_at is not None:
                if picked and picked != frozenset(item.chosen):
                    raise AnswerLocked(_("You have already answered this question; its answer is locked."))
            elif picked and not pending:
                item.chosen, item.answered_at = sorted(picked), now
                item.mark = _mark(snapshot, picked)
                fields += ["chosen", "answered_at", "mark"]
            elif picked != frozenset(item.chosen):  # kept until checked, or cleared
                item.chosen = sorted(picked)
                fields.append("chosen")
        elif picked != frozenset(item.chosen):
            item.chosen = sorted(picked)
            item.answered_at = now if picked else None
            fields += ["chosen", "answered_at"]
    if flagged is not None and flagged != item.flagged:
        item.flagged = flagged
        fields.append("flagged")
    if fields:
        item.save(update_fields=fields)
        _progress_touch(user=user, item=item, now=now, answered="mark" in fields, flag="flagged" in fields)
    checked = test.mode == SelfTest.Mode.TIMED or item.answered_at is not None
    return SavedAnswer(position=item.position, answered=bool(item.chosen), pending=bool(item.chosen) and not checked)


def _progress_touch(*, user, item: SelfTestItem, now: datetime, answered: bool, flag: bool) -> None:
    """Record a tutor answer and/or a flag change in the trainee's progress for that question."""
    if item.question_id is None or not (answered or flag):
        return
    progress, _created = QuestionProgress.objects.select_for_update().get_or_create(
        user=user, question_id=item.question_id
    )
    if answered:
        _progress_answer(progress, correct=item.mark >= grading.ONE, now=now)
    if flag:
        progress.flagged = item.flagged
    progress.save()


def _progress_answer(progress: QuestionProgress, *, correct: bool, now: datetime) -> None:
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
    answered, so they stay "unused" and do not enter spaced review.
    """
    now = now or timezone.now()
    test = SelfTest.objects.select_for_update().get(pk=test_id, user=user)
    if test.is_finished:
        return test
    # Locking the items too makes a save that is under way (see _save_open_choice) land first.
    items = list(test.items.select_for_update().order_by("position"))
    to_record: list[SelfTestItem] = []
    for item in items:
        if item.mark is None:
            item.mark = _mark(item.snapshot, item.chosen)
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
        _progress_answer(existing[item.question_id], correct=item.mark >= grading.ONE, now=now)
    QuestionProgress.objects.bulk_update(
        list(existing.values()),
        ["times_seen", "times_correct", "last_correct", "last_answered_at", "box", "due_at"],
    )


def selftest_finish_if_expired(*, user, test: SelfTest, now: datetime | None = None) -> bool:
    """Finish a timed test whose time is over; True if it was (or already is) finished."""
    now = now or timezone.now()
    if test.is_finished:
        return True
    if not is_expired(test.deadline, now):
        return False
    finished = selftest_finish(user=user, test_id=test.pk, now=now)
    test.finished_at, test.score = finished.finished_at, finished.score
    return True


def selftest_finish_all_expired(*, user, now: datetime | None = None) -> int:
    """Finish each of the trainee's timed tests whose time is over (before a page lists them
    as open); how many there were. One query when there are none."""
    now = now or timezone.now()
    # is_expired, as a query: the deadline plus the grace is in the past.
    expired = SelfTest.objects.filter(user=user, finished_at__isnull=True, deadline__lt=now - DEADLINE_GRACE)
    ids = list(expired.values_list("pk", flat=True))
    for test_id in ids:
        selftest_finish(user=user, test_id=test_id, now=now)
    return len(ids)
