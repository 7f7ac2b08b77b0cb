"""Reads for trainee self-tests and the spaced review queue (the progress page: `progress.py`)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from .. import cache
from ..models import Question, QuestionProgress, SelfTest, SelfTestItem, Topic
from ..rules import grading, taking
from ..snapshots import answer_review, choice_ids_by_value, shown_choices

REVIEW_SESSION_MAX = 100


def bank_questions() -> QuerySet[Question]:
    """The trainee question bank: questions with a topic in published trainee quizzes."""
    return Question.objects.in_trainee_bank()


def bank_topics() -> list[Topic]:
    """Topics that have questions in the bank, each with `question_count`."""
    return list(
        Topic.objects.annotate(question_count=Count("question", filter=Q(question__in=bank_questions())))
        .filter(question_count__gt=0)
        .order_by("title")
    )


def selftest_pool_ids(*, user, topic_ids: Iterable[int], pool: str) -> list[int]:
    """Ids of the bank questions in `topic_ids` that match `pool` for this trainee (one query)."""
    questions = bank_questions().filter(topic_id__in=list(topic_ids))
    mine = QuestionProgress.objects.filter(user=user)
    if pool == SelfTest.Pool.UNUSED:
        questions = questions.exclude(id__in=mine.filter(times_seen__gt=0).values("question_id"))
    elif pool == SelfTest.Pool.INCORRECT:
        questions = questions.filter(id__in=mine.filter(last_correct=False).values("question_id"))
    elif pool == SelfTest.Pool.FLAGGED:
        questions = questions.filter(id__in=mine.filter(flagged=True).values("question_id"))
    return list(questions.order_by("id").values_list("id", flat=True))


def questions_for_snapshot(*, ids: Sequence[int]) -> dict[int, Question]:
    """Questions with everything a snapshot copies, by id (two queries)."""
    return {
        q.id: q
        for q in Question.objects.filter(id__in=list(ids))
        .select_related("topic", "section__lesson")
        .prefetch_related("choices")
    }


def selftest_get_for_user(*, pk: int, user) -> SelfTest:
    """One of the trainee's own self-tests (no items); 404 for anyone else's."""
    return get_object_or_404(SelfTest, pk=pk, user=user)


@dataclass(frozen=True)
class ItemState:
    """What the navigator shows of one question: answered (a choice is stored, checked or
    not in tutor mode), flagged."""

    position: int
    answered: bool
    flagged: bool


@dataclass(frozen=True)
class Slot:
    """One position of a test as a save checks it: its item and the choices it showed.

    `by_value` maps each value the page sent for a choice (snapshots.shown_choices) to its id.
    """

    item_id: int
    kind: str
    by_value: dict[str, int]


@dataclass(frozen=True)
class AnswerSheet:
    """What every save checks, and what never changes once a test is made: so it can be cached.

    Whether the test is finished does change, so it is not here: the save's own UPDATE tests it.
    """

    test_id: int
    user_id: int
    mode: str
    deadline: datetime | None
    slots: dict[int, Slot]  # by position


def answer_sheet(*, test_id: int) -> AnswerSheet | None:
    """The test's answer sheet; None if there is no such test.

    Read from the worker's own memory, else from the shared cache, else in one query. Both
    caches may keep it as long as they like: nothing in it ever changes.
    """
    return cache.answer_sheet_get(test_id, lambda: _read_answer_sheet(test_id))


def _read_answer_sheet(test_id: int) -> AnswerSheet | None:
    rows = list(
        SelfTestItem.objects.filter(test_id=test_id).values_list(
            "test__user_id", "test__mode", "test__deadline", "position", "id", "snapshot__kind", "snapshot__choices"
        )
    )
    if not rows:
        return None
    user_id, mode, deadline = rows[0][:3]
    slots = {
        position: Slot(item_id=item_id, kind=kind, by_value=choice_ids_by_value(choices))
        for *_test, position, item_id, kind, choices in rows
    }
    return AnswerSheet(test_id=test_id, user_id=user_id, mode=mode, deadline=deadline, slots=slots)


def selftest_item_states(*, test: SelfTest) -> list[ItemState]:
    """Every question's state in position order, without the snapshots (one query)."""
    rows = test.items.order_by("position").values_list("position", "chosen", "flagged")
    return [ItemState(position=p, answered=bool(chosen), flagged=f) for p, chosen, f in rows]


def selftest_items(*, test: SelfTest) -> list[SelfTestItem]:
    """Every question of a test, with snapshots, in position order (one query)."""
    return list(test.items.order_by("position"))


def resume_position(states: Sequence[ItemState]) -> int:
    """Where a trainee picks up a test when no visited position is known (see taking.resume_position)."""
    return taking.resume_position([s.answered for s in states])


def selftest_list_for_user(*, user, limit: int = 10) -> list[SelfTest]:
    """The trainee's latest self-tests, discarded ones left out, with `question_count` and
    `answered_count` (one query)."""
    return list(SelfTest.objects.kept().filter(user=user).with_counts().order_by("-created_at", "-id")[:limit])


# Spaced review ----------------------------------------------------------------------------------


def review_due(*, user, now: datetime) -> QuerySet[QuestionProgress]:
    """The trainee's questions in review that are due at `now`."""
    return QuestionProgress.objects.filter(user=user).due(now)


def review_due_count(*, user, now: datetime) -> int:
    """How many questions are due for review (one query)."""
    return review_due(user=user, now=now).count()


def review_due_question_ids(*, user, now: datetime, limit: int = REVIEW_SESSION_MAX) -> list[int]:
    """The due questions, longest overdue first, at most `limit`."""
    return list(review_due(user=user, now=now).order_by("due_at", "id").values_list("question_id", flat=True)[:limit])


@dataclass(frozen=True)
class ReviewQueue:
    due: int
    next_due_at: datetime | None
    boxes: dict[int, int]


def review_queue(*, user, now: datetime) -> ReviewQueue:
    """Due count, when the next question falls due, and how many questions sit in each box."""
    rows = (
        QuestionProgress.objects.filter(user=user, box__gt=0, question__in=bank_questions())
        .values_list("box", "due_at")
        .order_by()
    )
    boxes: dict[int, int] = defaultdict(int)
    due = 0
    upcoming: list[datetime] = []
    for box, due_at in rows:
        boxes[box] += 1
        if due_at is not None and due_at <= now:
            due += 1
        elif due_at is not None:
            upcoming.append(due_at)
    return ReviewQueue(due=due, next_due_at=min(upcoming, default=None), boxes=dict(sorted(boxes.items())))


def review_rows(items: Sequence[SelfTestItem]) -> list[dict]:
    """Each question as the trainee saw it, with what they chose, the right answers and feedback."""
    return [{**answer_review(item.snapshot, item.chosen, item.mark), "item": item} for item in items]


def test_questions(*, test_id: int) -> dict[int, dict]:
    """Each position's frozen question (its snapshot), which never changes once the test is
    made: from the worker's memory, else the shared cache, else one query."""
    return cache.test_questions_get(
        test_id, lambda: dict(SelfTestItem.objects.filter(test_id=test_id).values_list("position", "snapshot")) or None
    )


@dataclass(frozen=True)
class TakeRow:
    """One question of an open test as the take page shows it: open (its choices, with the
    trainee's ticks) or locked (tutor mode, checked: its feedback)."""

    position: int
    answered: bool
    flagged: bool
    current: bool
    stem: str
    multiple: bool
    choices: list[dict]  # as shown, with the trainee's ticks (snapshots.shown_choices); [] when locked
    feedback: dict | None  # the locked question's review row (review_rows)


def take_page(*, test: SelfTest, position: int | None, now: datetime) -> dict | None:
    """The whole test on one page, every question in it, `position` shown (None: where the
    trainee would resume). None when the test has no such position.

    Stems and choices only for the open questions: no fraction, feedback or explanation leaves
    the server before a question is checked (tutor) or the test is finished. Two queries (the
    test is already read): the questions' states, and their frozen text, which is cached.
    """
    rows = list(test.items.order_by("position").values_list("position", "chosen", "flagged", "answered_at", "mark"))
    states = [ItemState(position=p, answered=bool(chosen), flagged=f) for p, chosen, f, _at, _mark in rows]
    if position is None:
        position = resume_position(states)
    elif not 1 <= position <= len(states):
        return None
    tutor = test.mode == SelfTest.Mode.TUTOR
    snapshots = test_questions(test_id=test.pk) or {}
    total = len(rows)
    questions = []
    for (number, chosen, flagged, answered_at, mark), state in zip(rows, states, strict=True):
        snapshot = snapshots[number]
        locked = taking.is_locked(tutor=tutor, checked=answered_at is not None)
        feedback = {**answer_review(snapshot, chosen, mark), "position": number} if locked else None
        questions.append(
            TakeRow(
                position=number,
                answered=state.answered,
                flagged=flagged,
                current=number == position,
                stem=snapshot["stem"],
                multiple=snapshot["kind"] == grading.Kind.MULTIPLE,
                choices=[] if locked else shown_choices(snapshot["choices"], checked=chosen),
                feedback=feedback,
            )
        )
    clock = taking.clock(test.deadline, now)
    return {
        "test": test,
        "questions": questions,
        "states": states,
        "current": questions[position - 1],
        "total": total,
        "answered": sum(1 for s in states if s.answered),
        "position": position,
        "tutor": tutor,
        "remaining": clock.seconds if clock else None,
        "remaining_text": clock.text if clock else "",
        "grace": int(taking.DEADLINE_GRACE.total_seconds()),
    }


def checked_question(*, test_id: int, position: int) -> dict:
    """A question just checked (tutor mode) as the take page shows it locked: its number, stem
    and feedback. One query for the item's answer; its text comes from the cached questions."""
    chosen, mark = SelfTestItem.objects.values_list("chosen", "mark").get(test_id=test_id, position=position)
    snapshots = test_questions(test_id=test_id) or {}
    row = {**answer_review(snapshots[position], chosen, mark), "position": position}
    return {"row": row, "total": len(snapshots), "autofocus": True}


def finish_page(*, test: SelfTest, states: Sequence[ItemState]) -> dict:
    """What the finish page shows: how many are answered, and which are not or are flagged."""
    return {
        "test": test,
        "states": states,
        "total": len(states),
        "answered": sum(1 for s in states if s.answered),
        "unanswered": [s.position for s in states if not s.answered],
        "flagged": [s.position for s in states if s.flagged],
    }


def review_page(*, test: SelfTest) -> dict:
    """A finished test's review: every question with its outcome, and how many were right."""
    rows = review_rows(selftest_items(test=test))
    correct = sum(1 for r in rows if r["outcome"] == grading.Outcome.CORRECT)
    return {"test": test, "rows": rows, "total": len(rows), "correct": correct}
