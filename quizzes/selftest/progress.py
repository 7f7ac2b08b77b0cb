"""Reads for the trainee's progress page and its charts: topics, peers, weekly scores."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db.models import Count, Sum
from django.db.models.functions import TruncWeek

from ..models import QuestionProgress, SelfTest, SelfTestItem, Topic
from ..rules.taking import percentile_rank
from .selectors import bank_questions, bank_topics, review_due_count, selftest_list_for_user

# A topic needs this many answers before it can be called one of the weakest.
WEAK_TOPIC_MIN_ANSWERS = 3
WEAK_TOPICS_SHOWN = 3


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


@dataclass(frozen=True)
class WeekRow:
    week: datetime
    topic: str
    score: Decimal
    questions: int


@dataclass
class Dashboard:
    topics: list[TopicProgress]
    bank_total: int
    bank_seen: int
    due: int
    tests: list[SelfTest] = field(default_factory=list)
    weekly: list[WeekRow] = field(default_factory=list)  # the weekly chart's figures, as a table

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
    """Everything the progress page shows (seven queries)."""
    topics = topic_progress(user=user)
    return Dashboard(
        weekly=week_rows(user=user),
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


def week_rows(*, user) -> list[WeekRow]:
    """The weekly chart's figures as table rows: week by week, topic by topic (two queries)."""
    topics, scores = topic_scores_by_week(user=user)
    titles = {t.id: t.title for t in topics}
    rows = [WeekRow(s.week, titles[s.topic_id], s.score, s.questions) for s in scores]
    return sorted(rows, key=lambda r: (r.week, r.topic))


def topic_score_series(*, user) -> tuple[list[datetime], dict[str, list[float | None]]]:
    """The weekly chart's data: the weeks, and per topic title its score in each week (None
    where the trainee finished no test with that topic that week)."""
    topics, scores = topic_scores_by_week(user=user)
    weeks = sorted({s.week for s in scores})
    by_key = {(s.week, s.topic_id): float(s.score) for s in scores}
    return weeks, {t.title: [by_key.get((w, t.id)) for w in weeks] for t in topics}


def topic_coverage(*, user) -> list[tuple[str, int, int]]:
    """The coverage chart's data: per topic, its title, questions seen and questions in the bank."""
    return [(r.topic.title, r.seen, r.total) for r in topic_progress(user=user)]
