"""Reads for item analysis: responses streamed from the database into the statistics core.

Never one ORM object per response: four columns per row (attempt, question, the mark cast to
a float, the chosen ids as JSON text), in attempt order, on a raw chunked cursor
(`response_rows.counted_rows`), counted by distinct value as they stream past
(`rules.item_stats.count_responses`). Marks and choices take few distinct values, so each
distinct text is parsed once. One query per source.

Which attempts count (`ATTEMPT_MODES`), per learner and source, among finished ones only:
"first" (the default, as Moodle's report: each learner's first finished attempt), "last",
"best" (highest score; the earliest of equal ones) or "all". Self-tests (`--source selftest`)
count as attempts that showed only the quiz's questions they drew; their score, for "best",
is the whole self-test's.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.shortcuts import get_object_or_404

from ..models import (
    Attempt,
    Choice,
    ConsentRecord,
    Language,
    Pathway,
    Question,
    Quiz,
    RecordEvent,
    Response,
    SelfTest,
    SelfTestItem,
)
from ..rules.item_stats import (
    ChoiceInfo,
    Flag,
    FlagThresholds,
    ItemStats,
    ItemStatsAccumulator,
    QuestionInfo,
    ResponseCounts,
    ScoreBin,
    ScoreHistogram,
    count_responses,
    item_flags,
)
from .response_rows import counted_rows

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
    # The versions of each question that the counted quiz attempts answered (question id ->
    # version numbers): the statistics pool them, and the page says so when they differ.
    versions: dict[int, tuple[int, ...]] = field(default_factory=dict)


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


def response_counts(*, quiz: Quiz, questions: list[QuestionInfo], mode: str, source: str) -> list[ResponseCounts]:
    """The counted attempts (and self-tests) of `quiz`, counted by distinct value; one query per source."""
    if source not in SOURCES:
        raise ValueError(f"source must be one of {', '.join(SOURCES)}")
    counts = []
    if source in ("quiz", "all"):
        rows = counted_rows(Response, "attempt", attempts_counted(quiz=quiz, mode=mode))
        counts.append(count_responses(rows, questions))
    if source in ("selftest", "all") and questions:
        tests = selftests_counted(quiz=quiz, mode=mode)
        rows = counted_rows(SelfTestItem, "test", tests, [q.question_id for q in questions])
        counts.append(count_responses(rows, questions))
    return counts


def item_analysis(
    *, quiz: Quiz, mode: str = "first", source: str = "quiz", thresholds: FlagThresholds | None = None
) -> Analysis:
    """Moodle's quiz statistics for `quiz` over the attempts counted, in one streamed pass."""
    questions = quiz_questions(quiz=quiz)
    infos = [_question_info(q) for q in questions]
    accumulator = ItemStatsAccumulator(infos)
    histogram = ScoreHistogram([info.max_mark for info in infos])
    for counts in response_counts(quiz=quiz, questions=infos, mode=mode, source=source):
        accumulator.add_counts(counts)
        histogram.add_counts(counts.attempts)
    stats = accumulator.result()
    limits = thresholds or flag_thresholds()
    versions = answered_versions(quiz=quiz, mode=mode) if source in ("quiz", "all") else {}
    return Analysis(
        quiz=quiz,
        questions=questions,
        stats=stats,
        flags=item_flags(stats, limits),
        histogram=histogram.bins(),
        attempts_counted=mode,
        source=source,
        thresholds=limits,
        versions=versions,
    )


def answered_versions(*, quiz: Quiz, mode: str = "first") -> dict[int, tuple[int, ...]]:
    """For each question, the versions the counted attempts answered (one grouped query)."""
    pairs = (
        Response.objects.filter(attempt__in=attempts_counted(quiz=quiz, mode=mode).values("id"))
        .values_list("question_id", "question_version")
        .distinct()
        .order_by("question_id", "question_version")
    )
    versions: dict[int, tuple[int, ...]] = {}
    for question_id, version in pairs:
        versions[question_id] = (*versions.get(question_id, ()), version)
    return versions


# The patient consent check ----------------------------------------------------------------------


@dataclass
class PointCheck:
    """One point of the check (its slot: the first question written for it), in one language."""

    slot: str
    point: str
    stem: str
    asked: int = 0  # records that answered it in round 1
    wrong_first: int = 0
    fixed: int = 0  # wrong first, then right on a later round (teach-back worked)
    discussion: int = 0  # completed records where it ended as a discussion point

    @property
    def wrong_first_share(self) -> float | None:
        return 100 * self.wrong_first / self.asked if self.asked else None

    @property
    def fixed_share(self) -> float | None:
        return 100 * self.fixed / self.wrong_first if self.wrong_first else None


@dataclass
class QuestionCheck:
    """One question of the check, in one language: first-round answers and re-asked answers."""

    name: str
    point: str
    stem: str
    first_asked: int = 0
    first_wrong: int = 0
    again_asked: int = 0  # asked in a later round (re-teaching: the same question or a sibling)
    again_right: int = 0

    @property
    def first_wrong_share(self) -> float | None:
        return 100 * self.first_wrong / self.first_asked if self.first_asked else None

    @property
    def again_right_share(self) -> float | None:
        return 100 * self.again_right / self.again_asked if self.again_asked else None


@dataclass
class LanguageCheck:
    language: str
    label: str
    records: int = 0
    completed: int = 0
    mastery: int = 0
    points: list[PointCheck] = field(default_factory=list)
    questions: list[QuestionCheck] = field(default_factory=list)


def pathway_get(*, slug: str) -> Pathway:
    return get_object_or_404(Pathway.objects.select_related("check_quiz"), slug=slug)


def consent_check(*, pathway: Pathway) -> list[LanguageCheck]:
    """Per language, per point and per question: wrong first time, fixed by teach-back, left for
    discussion. Counts only; no patient is named. A fixed number of queries, all aggregates
    except the discussion points, streamed one short row per completed record."""
    questions = list(
        Question.objects.filter(quiz_id=pathway.check_quiz_id)
        .order_by("position", "id")
        .values_list("name", "point", "stem")
    )
    first_of_point: dict[str, str] = {}
    for name, point, _stem in questions:
        first_of_point.setdefault(point or name, name)
    slots = set(first_of_point.values())
    checks = {code: LanguageCheck(code, str(label)) for code, label in Language.choices}
    for check in checks.values():
        check.points = [PointCheck(n, p, s) for n, p, s in questions if n in slots]
        check.questions = [QuestionCheck(n, p, s) for n, p, s in questions]
    points = {(c.language, p.slot): p for c in checks.values() for p in c.points}
    by_name = {(c.language, q.name): q for c in checks.values() for q in c.questions}

    records = ConsentRecord.objects.filter(enrolment__pathway=pathway)
    statuses = records.values_list("language", "status").annotate(n=Count("id")).order_by()
    for language, status, n in statuses:
        check = checks.setdefault(language, LanguageCheck(language, language))
        check.records += n
        if status != ConsentRecord.Status.IN_PROGRESS:
            check.completed += n
        if status == ConsentRecord.Status.MASTERY:
            check.mastery += n

    answers = (
        RecordEvent.objects.filter(kind=RecordEvent.Kind.ANSWER, record__enrolment__pathway=pathway)
        .values_list("record__language", "slot", "question")
        .annotate(
            first_asked=Count("id", filter=Q(round=1)),
            first_wrong=Count("id", filter=Q(round=1, correct=False)),
            again_asked=Count("id", filter=Q(round__gt=1)),
            again_right=Count("id", filter=Q(round__gt=1, correct=True)),
        )
        .order_by()
    )
    for language, slot, name, first_asked, first_wrong, again_asked, again_right in answers:
        question = by_name.get((language, name))
        if question is not None:
            question.first_asked += first_asked
            question.first_wrong += first_wrong
            question.again_asked += again_asked
            question.again_right += again_right
        point = points.get((language, slot))
        if point is not None:
            point.asked += first_asked
            point.wrong_first += first_wrong
            # A slot is asked again only while wrong, so a right answer in a later round is a fix.
            point.fixed += again_right

    finished = records.filter(completed_at__isnull=False).values_list("language", "discussion_points")
    for language, missed in finished.iterator(chunk_size=_CHUNK):
        for slot in missed or ():
            point = points.get((language, slot))
            if point is not None:
                point.discussion += 1
    return [c for c in checks.values() if c.records]
