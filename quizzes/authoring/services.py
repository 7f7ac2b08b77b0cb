"""Writes for authoring: content files and imported questions into the database, versioned.

`load_content` and `import_questions` both end in `question_upsert`, so a question is stored
and versioned by one set of rules whichever way it arrives. Both run the item-writing check
first: an error in it stores nothing (`FlawedQuestions`), and the warnings come back in the
report, so that a flawed question never reaches a learner unnoticed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field

from django.db import transaction

from ..models import Audience, Choice, Lesson, LessonSection, Pathway, PathwayStep, Question, Quiz, Topic
from ..rules import grading
from .files import Bundle
from .imports import specs_keep_stored
from .item_checks import CheckReport, FlawedQuestions, bundle_check, specs_check
from .specs import ContentError, QuestionSpec
from .translations import CHOICE_FIELDS, QUESTION_FIELDS, sources_now
from .versions import question_version_save


@dataclass
class SyncReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    # What the item-writing check found in the questions written (warnings, or errors let through).
    item_check: CheckReport = field(default_factory=CheckReport)

    def merge(self, other: SyncReport) -> None:
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged


def _update_fields(obj, values: dict) -> bool:
    changed = False
    for key, value in values.items():
        if getattr(obj, key) != value:
            setattr(obj, key, value)
            changed = True
    return changed


def _resolve_section(ref: str | None) -> LessonSection | None:
    if not ref:
        return None
    lesson_slug, _, section_slug = ref.partition("#")
    return LessonSection.objects.filter(lesson__slug=lesson_slug, slug=section_slug).first()


def question_upsert(*, quiz: Quiz, spec: QuestionSpec, position: int) -> str:
    """Create or update one question by its name; returns "created", "updated" or "unchanged".

    A change to what learners see or how it is marked replaces the choices, and makes a new
    version if the question was answered at its current one (`versions.question_version_save`).
    Stored attempts are untouched: they keep their own snapshots. Translations arrive with
    their English, so each is recorded as made from the English stored with it.
    """
    digest = spec.content_hash()
    allow = [asdict(a) for a in spec.allow]
    question = Question.objects.filter(quiz=quiz, name=spec.name).first()
    if question is not None and question.content_hash == digest:
        # Neither the position nor a recorded exception changes what learners see: no new version.
        allow_changed = question.item_check_allow != allow
        if _update_fields(question, {"position": position, "item_check_allow": allow}):
            question.save(update_fields=["position", "item_check_allow"])
        return "updated" if allow_changed else "unchanged"
    values = {
        "position": position,
        "kind": spec.kind.value,
        "stem": spec.stem,
        "explanation": spec.explanation,
        "source": spec.source,
        "difficulty": spec.difficulty,
        "topic": Topic.objects.filter(slug=spec.topic).first() if spec.topic else None,
        "section": _resolve_section(spec.section),
        "critical": spec.critical,
        "point": spec.point,
        "practice": spec.practice,
        "scoring": spec.scoring or grading.Scoring.PARTIAL.value,
        "translations": {lang: {k: v for k, v in t.items() if k != "choices"} for lang, t in spec.translations.items()},
        "item_check_allow": allow,
        "content_hash": digest,
    }
    if question is None:
        question = Question(quiz=quiz, name=spec.name, **values)
        outcome = "created"
    else:
        _update_fields(question, values)
        question.choices.all().delete()
        outcome = "updated"
    question.translation_sources = sources_now(question, QUESTION_FIELDS)
    question.save()
    choices = [
        Choice(
            question=question,
            position=i,
            text=c.text,
            fraction=c.fraction,
            feedback=c.feedback,
            translations={lang: t["choices"][i - 1] for lang, t in spec.translations.items()},
        )
        for i, c in enumerate(spec.choices, start=1)
    ]
    for choice in choices:
        choice.translation_sources = sources_now(choice, CHOICE_FIELDS)
    Choice.objects.bulk_create(choices)
    question_version_save(question=question)
    return outcome


def translations_checked_save(*, question: Question) -> None:
    """Someone checked every translation of the question against its English: record each as
    made from the English as it is now, so none shows as older."""
    question.translation_sources = sources_now(question, QUESTION_FIELDS)
    question.save(update_fields=["translation_sources"])
    choices = list(question.choices.all())
    for choice in choices:
        choice.translation_sources = sources_now(choice, CHOICE_FIELDS)
    Choice.objects.bulk_update(choices, ["translation_sources"])


def _record(report: SyncReport, label: str, outcome: str) -> None:
    if outcome == "created":
        report.created.append(label)
    elif outcome == "updated":
        report.updated.append(label)
    else:
        report.unchanged += 1


def _upsert(model, lookup: dict, values: dict):
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        return model.objects.create(**lookup, **values), "created"
    if _update_fields(obj, values):
        obj.save()
        return obj, "updated"
    return obj, "unchanged"


@transaction.atomic
def content_sync(bundle: Bundle) -> SyncReport:
    """Write a checked bundle to the database. Running it twice changes nothing the second time.

    Raises `FlawedQuestions`, writing nothing, when the item-writing check finds an error: our
    own bank fixes the question or records a reasoned exception in its file (`allow:`).
    """
    item_check = bundle_check(bundle)
    if item_check.has_errors():
        raise FlawedQuestions(item_check)
    report = SyncReport(item_check=item_check)
    for t in bundle.topics:
        _, outcome = _upsert(
            Topic, {"slug": t["slug"]}, {"title": t.get("title", t["slug"]), "description": t.get("description", "")}
        )
        _record(report, f"topic {t['slug']}", outcome)
    for data in bundle.lessons:
        lesson, outcome = _upsert(
            Lesson,
            {"slug": data["slug"]},
            {
                "title": data["title"],
                "audience": data["audience"],
                "topic": Topic.objects.filter(slug=data.get("topic")).first(),
                "position": data.get("position", 0),
                "summary": data.get("summary", "") or "",
                "translations": data.get("translations", {}),
            },
        )
        _record(report, f"lesson {lesson.slug}", outcome)
        keep = []
        for position, s in enumerate(data["sections"], start=1):
            section, outcome = _upsert(
                LessonSection,
                {"lesson": lesson, "slug": s["slug"]},
                {
                    "title": s["title"],
                    "body": s["body"].strip(),
                    "position": position,
                    "optional": bool(s.get("optional", False)),
                    "translations": s.get("translations", {}),
                },
            )
            keep.append(section.id)
            _record(report, f"section {lesson.slug}#{section.slug}", outcome)
        removed, _ = lesson.sections.exclude(id__in=keep).delete()
        if removed:
            report.updated.append(f"lesson {lesson.slug} ({removed} sections removed)")
    for data in bundle.quizzes:
        quiz, outcome = _upsert(
            Quiz,
            {"slug": data["slug"]},
            {
                "title": data["title"],
                "audience": data["audience"],
                "description": (data.get("description") or "").strip(),
                "pass_mark": data.get("pass_mark", 70),
                "shuffle_questions": bool(data.get("shuffle_questions", True)),
                "shuffle_choices": bool(data.get("shuffle_choices", True)),
                "position": data.get("position", 0),
                "translations": data.get("translations", {}),
            },
        )
        _record(report, f"quiz {quiz.slug}", outcome)
        wanted = set(Lesson.objects.filter(slug__in=data.get("lessons") or []).values_list("id", flat=True))
        if set(quiz.lessons.values_list("id", flat=True)) != wanted:
            quiz.lessons.set(wanted)
            if outcome == "unchanged":
                report.updated.append(f"quiz {quiz.slug} lessons")
        report.merge(questions_upsert(quiz=quiz, specs=data["specs"]))
    for data in bundle.pathways:
        pathway, outcome = _upsert(
            Pathway,
            {"slug": data["slug"]},
            {
                "title": data["title"],
                "check_quiz": Quiz.objects.get(slug=data["check"]),
                "max_rounds": data.get("max_rounds", 3),
                "translations": data.get("translations", {}),
            },
        )
        _record(report, f"pathway {pathway.slug}", outcome)
        lessons = {lesson.slug: lesson for lesson in Lesson.objects.filter(slug__in=data["lessons"])}
        wanted = [(position, lessons[slug].id) for position, slug in enumerate(data["lessons"], start=1)]
        if list(pathway.steps.values_list("position", "lesson_id")) != wanted:
            pathway.steps.all().delete()
            PathwayStep.objects.bulk_create(
                PathwayStep(pathway=pathway, position=position, lesson_id=lesson_id) for position, lesson_id in wanted
            )
            if outcome == "unchanged":
                report.updated.append(f"pathway {pathway.slug} lessons")
    return report


def questions_upsert(*, quiz: Quiz, specs: Iterable[QuestionSpec]) -> SyncReport:
    """Upsert many questions into one quiz, keeping their order."""
    report = SyncReport()
    for position, spec in enumerate(specs, start=1):
        _record(report, f"question {quiz.slug}/{spec.name}", question_upsert(quiz=quiz, spec=spec, position=position))
    return report


def _question_outcome(question: Question | None, spec: QuestionSpec) -> str:
    """What `question_upsert` would do with `spec`, read without writing: created, updated or unchanged."""
    if question is None:
        return "created"
    if question.content_hash == spec.content_hash():
        return "updated" if question.item_check_allow != [asdict(a) for a in spec.allow] else "unchanged"
    return "updated"


@transaction.atomic
def questions_import(
    *,
    quiz_slug: str,
    specs: list[QuestionSpec],
    carried: list[frozenset[str]] | None = None,
    create: bool = False,
    allow_flaws: bool = False,
    dry_run: bool = False,
) -> SyncReport:
    """Add or update imported questions after the quiz's existing ones; all or nothing.

    With `create`, a missing quiz is created, unpublished. The item-writing check runs on the
    questions as they will be stored (keeping a stored question's exceptions) before anything
    is written: an error refuses the whole import with `FlawedQuestions`, unless `allow_flaws`.
    `carried` says which optional keys the file gave for each spec; the others are kept from the
    stored question (`imports.specs_keep_stored`, where the import rule lives).
    With `dry_run` nothing is written: the report says what the import would create and update.
    """
    quiz = Quiz.objects.filter(slug=quiz_slug).first()
    if quiz is None and not create:
        raise ContentError(f"No quiz with slug {quiz_slug!r}.")
    if quiz is None:
        quiz = Quiz(
            slug=quiz_slug,
            title=quiz_slug.replace("-", " ").capitalize(),
            audience=Audience.TRAINEE,
            is_published=False,
        )
    specs = specs_keep_stored(quiz=quiz, specs=specs, carried=carried)
    item_check = specs_check(quiz=quiz_slug, specs=specs)
    if item_check.has_errors() and not allow_flaws:
        raise FlawedQuestions(item_check)
    report = SyncReport(item_check=item_check)
    if dry_run:
        stored = {q.name: q for q in quiz.questions.filter(name__in=[s.name for s in specs])} if quiz.pk else {}
        if quiz.pk is None:
            report.created.append(f"quiz {quiz.slug}")
        for spec in specs:
            _record(report, f"question {quiz.slug}/{spec.name}", _question_outcome(stored.get(spec.name), spec))
        return report
    if quiz.pk is None:
        quiz.save()
        report.created.append(f"quiz {quiz.slug}")
    positions = dict(quiz.questions.values_list("name", "position"))
    next_position = max(positions.values(), default=0) + 1
    for spec in specs:
        position = positions.get(spec.name)
        if position is None:
            position, next_position = next_position, next_position + 1
        _record(report, f"question {quiz.slug}/{spec.name}", question_upsert(quiz=quiz, spec=spec, position=position))
    return report
