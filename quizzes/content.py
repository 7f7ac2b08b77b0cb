"""Content files and the question exchange format: parse, validate, and write to the database.

`load_content` reads YAML files (see quizzes/content/README.md); `import_questions` and
`export_questions` speak a Moodle-like JSON list. Both end in the same `question_upsert`, so a
question is validated and versioned by one set of rules whichever way it arrives.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, replace
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction

from . import grading
from .models import Audience, Choice, Lesson, LessonSection, Pathway, PathwayStep, Question, Quiz, Topic

CONTENT_DIR = Path(__file__).resolve().parent / "content"
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
FRACTION_PLACES = Decimal("0.0000001")
DIFFICULTIES = {d.value for d in Question.Difficulty}


class ContentError(ValueError):
    """A content file or import that breaks a rule; the message says where and why."""


@dataclass(frozen=True)
class ChoiceSpec:
    text: str
    fraction: Decimal
    feedback: str = ""


@dataclass(frozen=True)
class QuestionSpec:
    name: str
    kind: grading.Kind
    stem: str
    choices: tuple[ChoiceSpec, ...]
    explanation: str = ""
    source: str = ""
    topic: str | None = None
    difficulty: str = Question.Difficulty.MEDIUM.value
    section: str | None = None  # "lesson-slug#section-slug"
    critical: bool = False
    point: str = ""
    # {"es": {"stem": ..., "explanation": ..., "choices": [{"text": ..., "feedback": ...}]}}
    translations: dict = field(default_factory=dict, compare=False)

    def content_hash(self) -> str:
        data = asdict(self)
        return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


@dataclass
class SyncReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0

    def merge(self, other: SyncReport) -> None:
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged


# Parsing and validation ---------------------------------------------------------------------


def _require(data: dict, key: str, where: str) -> Any:
    value = data.get(key)
    if value in (None, ""):
        raise ContentError(f"{where}: '{key}' is required.")
    return value


def _slug(value: Any, where: str, key: str) -> str:
    if not isinstance(value, str) or not SLUG.match(value):
        raise ContentError(f"{where}: '{key}' must be lower-case words joined by hyphens, got {value!r}.")
    return value


def _fraction(value: Any, where: str) -> Decimal:
    try:
        fraction = Decimal(str(value))
    except InvalidOperation:
        raise ContentError(f"{where}: fraction {value!r} is not a number.") from None
    if not fraction.is_finite():
        raise ContentError(f"{where}: fraction {value!r} is not a number.")
    if abs(fraction) > 1:
        raise ContentError(f"{where}: fraction {value!r} must be between -1 and 1.")
    # The precision the database keeps, so 1, 1.0 and 1.0000000 are one value.
    return fraction.quantize(FRACTION_PLACES)


def _choice_specs(items: list[dict], where: str) -> tuple[ChoiceSpec, ...]:
    """Choices from a content file or an import: text, fraction and feedback."""
    return tuple(
        ChoiceSpec(
            text=str(_require(c, "text", where)).strip(),
            fraction=_fraction(c.get("fraction", 0), where),
            feedback=str(c.get("feedback") or "").strip(),
        )
        for c in items
    )


def question_spec_validate(spec: QuestionSpec, where: str) -> QuestionSpec:
    """Raise ContentError unless the question follows the rules for its kind."""
    _slug(spec.name, where, "name")
    if not spec.stem.strip():
        raise ContentError(f"{where}: the question text is empty.")
    if spec.difficulty not in DIFFICULTIES:
        raise ContentError(f"{where}: difficulty must be one of {sorted(DIFFICULTIES)}.")
    if any(not c.text.strip() for c in spec.choices):
        raise ContentError(f"{where}: a choice has no text.")
    errors = grading.fraction_errors(spec.kind, [(c.text, c.fraction) for c in spec.choices])
    if errors:
        raise ContentError(f"{where}: {' '.join(errors)}")
    return spec


def _kind(value: Any, where: str) -> grading.Kind:
    try:
        return grading.Kind(value)
    except ValueError:
        raise ContentError(f"{where}: type must be single, multiple or truefalse, got {value!r}.") from None


def question_spec_from_yaml(data: dict, where: str) -> QuestionSpec:
    name = _require(data, "name", where)
    where = f"{where} question '{name}'"
    choices = data.get("choices") or []
    if not isinstance(choices, list):
        raise ContentError(f"{where}: 'choices' must be a list.")
    return question_spec_validate(
        QuestionSpec(
            name=name,
            kind=_kind(_require(data, "type", where), where),
            stem=str(_require(data, "stem", where)).strip(),
            explanation=str(data.get("explanation") or "").strip(),
            source=str(data.get("source") or "").strip(),
            topic=data.get("topic"),
            difficulty=data.get("difficulty") or Question.Difficulty.MEDIUM.value,
            section=data.get("section"),
            critical=bool(data.get("critical", False)),
            point=data.get("point") or "",
            choices=_choice_specs(choices, where),
        ),
        where,
    )


def _read_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ContentError(f"{path.name}: not valid YAML ({exc}).") from None


@dataclass
class Bundle:
    topics: list[dict] = field(default_factory=list)
    lessons: list[dict] = field(default_factory=list)
    quizzes: list[dict] = field(default_factory=list)
    pathways: list[dict] = field(default_factory=list)


TRANSLATED_LANGUAGES = ("es",)


def _translation(directory: Path, language: str, kind: str, slug: str) -> dict | None:
    path = directory / language / kind / f"{slug}.yaml"
    if not path.exists():
        return None
    data = _read_yaml(path) or {}
    if data.get("slug") != slug:
        raise ContentError(f"{language}/{kind}/{path.name}: slug must be {slug!r}.")
    return data


def _mirror(items: list, english: list, key: str, where: str) -> None:
    if [i.get(key) for i in items] != [e[key] if isinstance(e, dict) else getattr(e, key) for e in english]:
        raise ContentError(f"{where}: the {key}s must match the English file, in the same order.")


def _lesson_translations(directory: Path, data: dict) -> None:
    """Attach each language's lesson and section text to the English lesson data."""
    data["translations"] = {}
    for language in TRANSLATED_LANGUAGES:
        tr = _translation(directory, language, "lessons", data["slug"])
        if tr is None:
            continue
        where = f"{language}/lessons/{data['slug']}.yaml"
        _mirror(tr.get("sections") or [], data["sections"], "slug", where)
        data["translations"][language] = {"title": _require(tr, "title", where), "summary": tr.get("summary", "")}
        for section, translated in zip(data["sections"], tr["sections"], strict=True):
            section.setdefault("translations", {})[language] = {
                "title": _require(translated, "title", where),
                "body": str(_require(translated, "body", where)).strip(),
            }


def _quiz_translations(directory: Path, data: dict) -> None:
    """Attach each language's quiz and question text to the English quiz data."""
    data["translations"] = {}
    for language in TRANSLATED_LANGUAGES:
        tr = _translation(directory, language, "quizzes", data["slug"])
        if tr is None:
            continue
        where = f"{language}/quizzes/{data['slug']}.yaml"
        _mirror(tr.get("questions") or [], data["specs"], "name", where)
        data["translations"][language] = {
            "title": _require(tr, "title", where),
            "description": tr.get("description", ""),
        }
        specs = []
        for spec, translated in zip(data["specs"], tr["questions"], strict=True):
            at = f"{where} question '{spec.name}'"
            choices = translated.get("choices") or []
            if len(choices) != len(spec.choices):
                raise ContentError(f"{at}: {len(choices)} choices, the English question has {len(spec.choices)}.")
            text = {
                "stem": str(_require(translated, "stem", at)).strip(),
                "explanation": str(translated.get("explanation") or "").strip(),
                "choices": [
                    {"text": str(_require(c, "text", at)).strip(), "feedback": str(c.get("feedback") or "").strip()}
                    for c in choices
                ],
            }
            specs.append(replace(spec, translations={**spec.translations, language: text}))
        data["specs"] = specs


def bundle_read(directory: Path = CONTENT_DIR) -> Bundle:
    """Read and check every content file; nothing is written."""
    bundle = Bundle()
    topics_file = directory / "topics.yaml"
    if topics_file.exists():
        bundle.topics = _read_yaml(topics_file) or []
    topic_slugs = {_slug(t.get("slug"), "topics.yaml", "slug") for t in bundle.topics}
    sections: set[str] = set()
    for path in sorted((directory / "lessons").glob("*.yaml")):
        data = _read_yaml(path) or {}
        where = f"lessons/{path.name}"
        _slug(_require(data, "slug", where), where, "slug")
        _require(data, "title", where)
        if data.get("audience") not in Audience.values:
            raise ContentError(f"{where}: audience must be one of {Audience.values}.")
        if data.get("topic") and data["topic"] not in topic_slugs:
            raise ContentError(f"{where}: unknown topic {data['topic']!r}.")
        seen = set()
        for section in _require(data, "sections", where):
            slug = _slug(_require(section, "slug", where), where, "section slug")
            if slug in seen:
                raise ContentError(f"{where}: section '{slug}' appears twice.")
            seen.add(slug)
            _require(section, "title", f"{where} section '{slug}'")
            _require(section, "body", f"{where} section '{slug}'")
            sections.add(f"{data['slug']}#{slug}")
        _lesson_translations(directory, data)
        bundle.lessons.append(data)
    lesson_slugs = {lesson["slug"] for lesson in bundle.lessons}
    for path in sorted((directory / "quizzes").glob("*.yaml")):
        data = _read_yaml(path) or {}
        where = f"quizzes/{path.name}"
        _slug(_require(data, "slug", where), where, "slug")
        _require(data, "title", where)
        if data.get("audience") not in Audience.values:
            raise ContentError(f"{where}: audience must be one of {Audience.values}.")
        pass_mark = data.get("pass_mark", 70)
        if not isinstance(pass_mark, int) or not 0 <= pass_mark <= 100:
            raise ContentError(f"{where}: pass_mark must be a whole number from 0 to 100.")
        for slug in data.get("lessons") or []:
            if slug not in lesson_slugs:
                raise ContentError(f"{where}: unknown lesson {slug!r}.")
        specs = [question_spec_from_yaml(q, where) for q in _require(data, "questions", where)]
        names = [s.name for s in specs]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ContentError(f"{where}: question names must be unique; repeated: {', '.join(duplicates)}.")
        for spec in specs:
            if spec.topic and spec.topic not in topic_slugs:
                raise ContentError(f"{where} question '{spec.name}': unknown topic {spec.topic!r}.")
            if spec.section and spec.section not in sections:
                raise ContentError(f"{where} question '{spec.name}': unknown section {spec.section!r}.")
        data["specs"] = specs
        _quiz_translations(directory, data)
        bundle.quizzes.append(data)
    quiz_slugs = {q["slug"] for q in bundle.quizzes}
    for path in sorted((directory / "pathways").glob("*.yaml")):
        data = _read_yaml(path) or {}
        where = f"pathways/{path.name}"
        _slug(_require(data, "slug", where), where, "slug")
        _require(data, "title", where)
        for slug in _require(data, "lessons", where):
            if slug not in lesson_slugs:
                raise ContentError(f"{where}: unknown lesson {slug!r}.")
        if _require(data, "check", where) not in quiz_slugs:
            raise ContentError(f"{where}: unknown quiz {data['check']!r}.")
        bundle.pathways.append(data)
    return bundle


# Writing ------------------------------------------------------------------------------------


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

    A change to what learners see or how it is marked bumps the version and replaces the
    choices. Stored attempts are untouched: they keep their own snapshots.
    """
    digest = spec.content_hash()
    question = Question.objects.filter(quiz=quiz, name=spec.name).first()
    if question is not None and question.content_hash == digest:
        if question.position != position:
            question.position = position
            question.save(update_fields=["position"])
        return "unchanged"
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
        "translations": {lang: {k: v for k, v in t.items() if k != "choices"} for lang, t in spec.translations.items()},
        "content_hash": digest,
    }
    if question is None:
        question = Question(quiz=quiz, name=spec.name, **values)
        outcome = "created"
    else:
        _update_fields(question, values)
        question.version += 1
        question.choices.all().delete()
        outcome = "updated"
    question.save()
    Choice.objects.bulk_create(
        Choice(
            question=question,
            position=i,
            text=c.text,
            fraction=c.fraction,
            feedback=c.feedback,
            translations={lang: t["choices"][i - 1] for lang, t in spec.translations.items()},
        )
        for i, c in enumerate(spec.choices, start=1)
    )
    return outcome


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
    """Write a checked bundle to the database. Running it twice changes nothing the second time."""
    report = SyncReport()
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


# Exchange format (import_questions / export_questions) ---------------------------------------


def question_to_exchange(question: Question) -> dict[str, Any]:
    """One question in the JSON exchange shape (see README, "Question exchange format")."""
    kind = grading.Kind(question.kind)
    return {
        "name": question.name,
        "text": question.stem,
        "type": "truefalse" if kind == grading.Kind.TRUEFALSE else "multichoice",
        "single": kind != grading.Kind.MULTIPLE,
        "answers": [
            {"text": c.text, "fraction": float(c.fraction), "feedback": c.feedback} for c in question.choices.all()
        ],
        "general_feedback": question.explanation,
        "topic": question.topic.slug if question.topic else None,
    }


def question_spec_from_exchange(data: Any, where: str) -> QuestionSpec:
    """Read one question of the exchange shape, with a clear error naming where it failed."""
    if not isinstance(data, dict):
        raise ContentError(f"{where}: each question must be a JSON object.")
    name = _require(data, "name", where)
    where = f"{where} ('{name}')"
    qtype = data.get("type")
    if qtype == "truefalse":
        kind = grading.Kind.TRUEFALSE
    elif qtype == "multichoice":
        single = data.get("single", True)
        if not isinstance(single, bool):
            raise ContentError(f"{where}: 'single' must be true or false.")
        kind = grading.Kind.SINGLE if single else grading.Kind.MULTIPLE
    else:
        raise ContentError(f'{where}: \'type\' must be "multichoice" or "truefalse", got {qtype!r}.')
    answers = data.get("answers")
    if not isinstance(answers, list) or not all(isinstance(a, dict) for a in answers):
        raise ContentError(f"{where}: 'answers' must be a list of objects.")
    topic = data.get("topic")
    if topic is not None and not isinstance(topic, str):
        raise ContentError(f"{where}: 'topic' must be a topic slug or null.")
    return question_spec_validate(
        QuestionSpec(
            name=name if isinstance(name, str) else str(name),
            kind=kind,
            stem=str(_require(data, "text", where)).strip(),
            explanation=str(data.get("general_feedback") or "").strip(),
            topic=topic or None,
            choices=_choice_specs(answers, where),
        ),
        where,
    )


def questions_from_exchange(payload: Any) -> list[QuestionSpec]:
    """Check a whole import before anything is written."""
    if not isinstance(payload, list):
        raise ContentError("The file must hold a JSON list of questions.")
    specs = [question_spec_from_exchange(item, f"question {i}") for i, item in enumerate(payload, start=1)]
    names = [s.name for s in specs]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ContentError(f"Question names must be unique; repeated: {', '.join(duplicates)}.")
    known = set(Topic.objects.filter(slug__in={s.topic for s in specs if s.topic}).values_list("slug", flat=True))
    for spec in specs:
        if spec.topic and spec.topic not in known:
            raise ContentError(f"Question '{spec.name}': unknown topic {spec.topic!r}.")
    return specs


@transaction.atomic
def questions_import(*, quiz: Quiz, specs: list[QuestionSpec]) -> SyncReport:
    """Add or update imported questions after the quiz's existing ones; all or nothing."""
    current = {q.name: q for q in quiz.questions.select_related("section__lesson", "topic")}
    report = SyncReport()
    next_position = max((q.position for q in current.values()), default=0) + 1
    for spec in specs:
        question = current.get(spec.name)
        if question is None:
            position, next_position = next_position, next_position + 1
        else:
            # The exchange format has no source, section or difficulty: keep the stored ones.
            position = question.position
            spec = replace(
                spec,
                source=question.source,
                difficulty=question.difficulty,
                section=f"{question.section.lesson.slug}#{question.section.slug}" if question.section else None,
            )
        _record(report, f"question {quiz.slug}/{spec.name}", question_upsert(quiz=quiz, spec=spec, position=position))
    return report
