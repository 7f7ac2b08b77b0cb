"""Reads for trainee self-tests, the progress dashboard and the spaced review queue."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.core.cache import cache, caches
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncWeek
from django.shortcuts import get_object_or_404

from .models import Audience, Question, QuestionProgress, SelfTest, SelfTestItem, Topic
from .snapshots import choice_ids_by_value

# A topic needs this many answers before it can be called one of the weakest.
WEAK_TOPIC_MIN_ANSWERS = 3
WEAK_TOPICS_SHOWN = 3
REVIEW_SESSION_MAX = 100


def bank_questions() -> QuerySet[Question]:
    """The trainee question bank: questions with a topic in published trainee quizzes."""
    return Question.objects.filter(
        quiz__is_published=True, quiz__audience__in=[Audience.TRAINEE, Audience.BOTH], topic__isnull=False
    )


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


ANSWER_SHEET_SECONDS = 3600


def _answer_sheet_key(test_id: int) -> str:
    # Bump the version when AnswerSheet or Slot change shape, so that no old entry is unpickled.
    return f"selftest:{test_id}:sheet:v2"


def answer_sheet(*, test_id: int) -> AnswerSheet | None:
    """The test's answer sheet; None if there is no such test.

    Read from the worker's own memory, else from the shared cache, else in one query. Both
    caches may keep it as long as they like: nothing in it ever changes.
    """
    key = _answer_sheet_key(test_id)
    local = caches["local"]
    sheet = local.get(key)
    if sheet is None:
        sheet = cache.get(key)
        if sheet is None:
            sheet = _read_answer_sheet(test_id)
            if sheet is None:
                return None
            cache.set(key, sheet, ANSWER_SHEET_SECONDS)
        local.set(key, sheet, ANSWER_SHEET_SECONDS)
    return sheet


def forget_answer_sheet(*, test_id: int) -> None:
    """Drop any sheet cached under a new test's id: one left by a database that was recreated
    while the shared cache (or this worker) kept running would describe another test."""
    key = _answer_sheet_key(test_id)
    caches["local"].delete(key)
    cache.delete(key)


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


def selftest_item(*, test: SelfTest, position: int) -> SelfTestItem:
    """One question of a test, with its snapshot; 404 if the test has no such position."""
    return get_object_or_404(SelfTestItem, test=test, position=position)


def selftest_items(*, test: SelfTest) -> list[SelfTestItem]:
    """Every question of a test, with snapshots, in position order (one query)."""
    return list(test.items.order_by("position"))


def resume_position(states: Sequence[ItemState]) -> int:
    """Where a trainee picks up a test when no visited position is known.

    The first unanswered question after the last answered one, else the first unanswered one,
    else the last question.
    """
    if not states:
        return 1
    answered = [s.position for s in states if s.answered]
    last = max(answered, default=0)
    later = [s.position for s in states if not s.answered and s.position > last]
    if later:
        return later[0]
    unanswered = [s.position for s in states if not s.answered]
    return unanswered[0] if unanswered else states[-1].position


def selftest_list_for_user(*, user, limit: int = 10) -> list[SelfTest]:
    """The trainee's latest self-tests with `question_count` and `answered_count` (one query)."""
    return list(
        SelfTest.objects.filter(user=user)
        .annotate(
            question_count=Count("items"),
            answered_count=Count("items", filter=~Q(items__chosen=[])),
        )
        .order_by("-created_at", "-id")[:limit]
    )


# Spaced review ----------------------------------------------------------------------------------


def review_due(*, user, now: datetime) -> QuerySet[QuestionProgress]:
    """The trainee's questions in review that are due at `now`."""
    return QuestionProgress.objects.filter(user=user, box__gt=0, due_at__lte=now, question__in=bank_questions())


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


# Progress dashboard -----------------------------------------------------------------------------


def percentile_rank(value: Decimal, others: Sequence[Decimal]) -> int | None:
    """Share of `others` (in percent, rounded) below `value`, ties counting half; None if no others."""
    if not others:
        return None
    below = sum(1 for o in others if o < value)
    equal = sum(1 for o in others if o == value)
    return round((below + equal / 2) * 100 / len(others))


def _percent(correct: int, answered: int) -> Decimal | None:
    if not answered:
        return None
    return (Decimal(correct) * 100 / answered).quantize(Decimal("0.1"))


@dataclass
class TopicProgress:
    topic: Topic
    total: int = 0
    seen: int = 0
    answered: int = 0
    correct: int = 0
    percent: Decimal | None = None
    percentile: int | None = None
    peers: int = 0


@dataclass
class Dashboard:
    topics: list[TopicProgress]
    bank_total: int
    bank_seen: int
    due: int
    tests: list[SelfTest] = field(default_factory=list)

    @property
    def weakest(self) -> list[TopicProgress]:
        """Topics with enough answers, lowest share correct first."""
        rated = [t for t in self.topics if t.percent is not None and t.answered >= WEAK_TOPIC_MIN_ANSWERS]
        return sorted(rated, key=lambda t: (t.percent, t.topic.title))[:WEAK_TOPICS_SHOWN]

    @property
    def open_tests(self) -> list[SelfTest]:
        return [t for t in self.tests if not t.is_finished]

    @property
    def finished_tests(self) -> list[SelfTest]:
        return [t for t in self.tests if t.is_finished]


def topic_progress(*, user) -> list[TopicProgress]:
    """Per bank topic: questions, how many this trainee has seen, answers, share correct,
    and the percentile among the other trainees who answered that topic (three queries)."""
    topics = {t.id: TopicProgress(topic=t, total=t.question_count) for t in bank_topics()}
    in_bank = QuestionProgress.objects.filter(question__in=bank_questions(), times_seen__gt=0)
    rows = (
        in_bank.values("user_id", "question__topic_id")
        .annotate(seen=Count("id"), answered=Sum("times_seen"), correct=Sum("times_correct"))
        .order_by()
    )
    others: dict[int, list[Decimal]] = defaultdict(list)
    for row in rows:
        entry = topics.get(row["question__topic_id"])
        if entry is None:
            continue
        if row["user_id"] == user.id:
            entry.seen, entry.answered, entry.correct = row["seen"], row["answered"], row["correct"]
            entry.percent = _percent(entry.correct, entry.answered)
        else:
            others[entry.topic.id].append(_percent(row["correct"], row["answered"]))
    for entry in topics.values():
        entry.peers = len(others[entry.topic.id])
        if entry.percent is not None:
            entry.percentile = percentile_rank(entry.percent, others[entry.topic.id])
    return list(topics.values())


def dashboard(*, user, now: datetime) -> Dashboard:
    """Everything the progress page shows (five queries)."""
    topics = topic_progress(user=user)
    return Dashboard(
        topics=topics,
        bank_total=sum(t.total for t in topics),
        bank_seen=sum(t.seen for t in topics),
        due=review_due_count(user=user, now=now),
        tests=selftest_list_for_user(user=user, limit=10),
    )


@dataclass(frozen=True)
class WeekScore:
    week: datetime
    topic_id: int
    score: Decimal
    questions: int


def topic_scores_by_week(*, user) -> tuple[list[Topic], list[WeekScore]]:
    """The trainee's score per topic and week (the week the test was finished), oldest first."""
    rows = (
        SelfTestItem.objects.filter(test__user=user, test__finished_at__isnull=False, topic__isnull=False)
        .annotate(week=TruncWeek("test__finished_at"))
        .values("week", "topic_id")
        .annotate(marks=Sum("mark"), questions=Count("id"))
        .order_by("week", "topic_id")
    )
    scores = [
        WeekScore(
            week=r["week"],
            topic_id=r["topic_id"],
            score=(Decimal(r["marks"] or 0) * 100 / r["questions"]).quantize(Decimal("0.1")),
            questions=r["questions"],
        )
        for r in rows
    ]
    topics = list(Topic.objects.filter(id__in={s.topic_id for s in scores}).order_by("title"))
    return topics, scores
