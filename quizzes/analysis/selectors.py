"""Reads for item analysis: responses streamed from the database into the statistics core.

Never one ORM object per response: rows come from `values_list(...).iterator()`, ordered by
attempt, with the mark cast to a float and the chosen ids read as JSON text by the database.
Marks and choices take few distinct values, so each distinct text is parsed once.

Which attempts count (`ATTEMPT_MODES`), per learner and source, among finished ones only:
"first" (the default, as Moodle's report: each learner's first finished attempt), "last",
"best" (highest score; the earliest of equal ones) or "all". Self-tests (`--source selftest`)
count as attempts that showed only the quiz's questions they drew; their score, for "best",
is the whole self-test's.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import chain

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Count, Exists, F, FloatField, OuterRef, Prefetch, Q, QuerySet, TextField, Window
from django.db.models.functions import Cast, RowNumber
from django.shortcuts import get_object_or_404

from ..models import Attempt, Choice, Pathway, Question, Quiz, Response, SelfTest, SelfTestItem
from ..rules.item_stats import (
    AttemptRow,
    ChoiceInfo,
    Flag,
    FlagThresholds,
    ItemStats,
    ItemStatsAccumulator,
    QuestionInfo,
    ScoreBin,
    ScoreHistogram,
    attempts_from_responses,
    item_flags,
)

ATTEMPT_MODES = ("first", "all", "best", "last")
SOURCES = ("quiz", "selftest", "all")
_CHUNK = 10_000

_ORDER = {
    "first": ("finished", "id"),
    "last": ("-finished", "-id"),
    "best": ("-score", "finished", "id"),
}


@dataclass(frozen=True)
class Analysis:
    """A quiz's statistics over the attempts counted, with its flags and score histogram."""

    quiz: Quiz
    questions: list[Question]  # in quiz order, choices prefetched
    stats: ItemStats
    flags: tuple[Flag, ...]
    histogram: tuple[ScoreBin, ...]
    attempts_counted: str
    source: str
    thresholds: FlagThresholds


def flag_thresholds() -> FlagThresholds:
    """The flag thresholds: the defaults, overridden by `settings.KYPHOQUIZ_ITEM_FLAGS`.

    Values are percentages; an empty value (or "off") turns the reliability flag off.
    """
    overrides = getattr(settings, "KYPHOQUIZ_ITEM_FLAGS", {}) or {}
    known = FlagThresholds.__dataclass_fields__
    values: dict[str, float | None] = {}
    for key, raw in overrides.items():
        if key not in known:
            raise ImproperlyConfigured(f"KYPHOQUIZ_ITEM_FLAGS: unknown threshold {key!r} (known: {', '.join(known)})")
        if raw is None or str(raw).strip().lower() in ("", "off", "none"):
            if key != "reliability_below":
                raise ImproperlyConfigured(f"KYPHOQUIZ_ITEM_FLAGS: {key} needs a number")
            values[key] = None
            continue
        try:
            values[key] = float(raw)
        except ValueError:
            raise ImproperlyConfigured(f"KYPHOQUIZ_ITEM_FLAGS: {key} needs a number, not {raw!r}") from None
    return FlagThresholds(**values)


def quiz_list_for_stats() -> list[Quiz]:
    """Every quiz with its number of finished attempts (`finished_attempts`), in catalogue order."""
    finished = Count("attempts", filter=Q(attempts__submitted_at__isnull=False))
    return list(Quiz.objects.annotate(finished_attempts=finished).order_by("audience", "position", "title"))


def pathway_list() -> list[Pathway]:
    """Every consent pathway, for the links to their check statistics."""
    return list(Pathway.objects.order_by("title"))


def quiz_get_for_stats(*, slug: str) -> Quiz:
    """The quiz, published or not (educators analyse drafts too), or 404."""
    return get_object_or_404(Quiz, slug=slug)


def quiz_questions(*, quiz: Quiz) -> list[Question]:
    """The quiz's questions in order, with their choices."""
    choices = Prefetch("choices", queryset=Choice.objects.order_by("position", "id"))
    return list(Question.objects.filter(quiz=quiz).order_by("position", "id").prefetch_related(choices))


def _question_info(question: Question) -> QuestionInfo:
    choices = tuple(ChoiceInfo(c.id, c.fraction) for c in question.choices.all())
    return QuestionInfo(question_id=question.id, name=question.name, kind=question.kind, choices=choices)


def attempts_counted(*, quiz: Quiz, mode: str = "first") -> QuerySet[Attempt]:
    """The finished attempts at `quiz` that `mode` counts (see the module docstring)."""
    finished = Attempt.objects.filter(quiz=quiz, submitted_at__isnull=False)
    return _per_learner(finished.annotate(finished=F("submitted_at")), mode)


def selftests_counted(*, quiz: Quiz, mode: str = "first") -> QuerySet[SelfTest]:
    """The finished self-tests that drew a question of `quiz`, as `mode` counts them."""
    drew = SelfTestItem.objects.filter(test=OuterRef("pk"), question__quiz=quiz)
    finished = SelfTest.objects.filter(Exists(drew), finished_at__isnull=False)
    return _per_learner(finished.annotate(finished=F("finished_at")), mode)


def _per_learner(queryset: QuerySet, mode: str) -> QuerySet:
    if mode not in ATTEMPT_MODES:
        raise ValueError(f"attempts must be one of {', '.join(ATTEMPT_MODES)}")
    if mode == "all":
        return queryset
    order = [F(f[1:]).desc(nulls_last=True) if f.startswith("-") else F(f).asc() for f in _ORDER[mode]]
    ranked = queryset.annotate(rank=Window(RowNumber(), partition_by=[F("user_id")], order_by=order))
    return ranked.filter(rank=1)


def _rows(queryset: QuerySet, key: str) -> Iterator[tuple[int, int | None, float | None, tuple[int, ...]]]:
    """(attempt key, question id, mark, chosen ids) rows in attempt order, streamed."""
    streamed = (
        queryset.order_by(key)
        .values_list(key, "question_id", Cast("mark", FloatField()), Cast("chosen", TextField()))
        .iterator(chunk_size=_CHUNK)
    )
    parsed: dict[str | None, tuple[int, ...]] = {None: ()}
    for attempt, question, mark, chosen in streamed:
        ids = parsed.get(chosen)
        if ids is None:
            ids = parsed[chosen] = tuple(json.loads(chosen))
        yield attempt, question, mark, ids


def attempt_rows(*, quiz: Quiz, question_ids: list[int], mode: str, source: str) -> Iterable[AttemptRow]:
    """Every counted attempt (and self-test) as a row for the accumulator, streamed."""
    if source not in SOURCES:
        raise ValueError(f"source must be one of {', '.join(SOURCES)}")
    parts: list[Iterable[AttemptRow]] = []
    if source in ("quiz", "all"):
        if mode == "all":  # a join is cheaper than a subquery of every finished attempt
            responses = Response.objects.filter(attempt__quiz=quiz, attempt__submitted_at__isnull=False)
        else:
            responses = Response.objects.filter(attempt__in=attempts_counted(quiz=quiz, mode=mode).values("id"))
        parts.append(attempts_from_responses(_rows(responses, "attempt_id"), question_ids))
    if source in ("selftest", "all"):
        tests = selftests_counted(quiz=quiz, mode=mode).values("id")
        items = SelfTestItem.objects.filter(test__in=tests, question_id__in=question_ids)
        parts.append(attempts_from_responses(_rows(items, "test_id"), question_ids))
    return chain.from_iterable(parts)


def item_analysis(
    *, quiz: Quiz, mode: str = "first", source: str = "quiz", thresholds: FlagThresholds | None = None
) -> Analysis:
    """Moodle's quiz statistics for `quiz` over the attempts counted, in one streamed pass."""
    questions = quiz_questions(quiz=quiz)
    infos = [_question_info(q) for q in questions]
    accumulator = ItemStatsAccumulator(infos)
    histogram = ScoreHistogram([info.max_mark for info in infos])
    for row in attempt_rows(quiz=quiz, question_ids=[q.id for q in questions], mode=mode, source=source):
        accumulator.add_attempt(row.fractions, row.chosen)
        histogram.add(row.fractions)
    stats = accumulator.result()
    limits = thresholds or flag_thresholds()
    return Analysis(
        quiz=quiz,
        questions=questions,
        stats=stats,
        flags=item_flags(stats, limits),
        histogram=histogram.bins(),
        attempts_counted=mode,
        source=source,
        thresholds=limits,
    )
