"""The frozen content of a consent education record: built once, hashed, never changed.

A record keeps every lesson and question text the patient saw, in their language, and the
SHA-256 of that content, so the clinician's record proves exactly what was taught even after
the lessons are edited.
"""

from __future__ import annotations

import hashlib
import json
import random
from dataclasses import dataclass, field
from typing import Any

from ..models import Lesson, LessonSection, Pathway, Question
from ..rules import pathway as core
from ..rules import teachback
from ..rules.text import render_markdown


class MissingTranslation(LookupError):
    """Some pathway text has no version in the patient's language."""


def _text(obj, field: str, language: str, translated: dict | None = None) -> str:
    if language == "en":
        return getattr(obj, field)
    value = (translated if translated is not None else obj.translations.get(language, {})).get(field)
    if not value:
        raise MissingTranslation(f"{obj._meta.model_name} {obj.pk}: no {language} text for {field!r}")
    return value


def _text_if_any(obj, field: str, language: str, translated: dict | None = None) -> str:
    """Like `_text`, for a field that may be empty in English (then it is empty in every language)."""
    return _text(obj, field, language, translated) if getattr(obj, field) else ""


def _section(section: LessonSection, language: str) -> dict[str, Any]:
    return {
        "slug": section.slug,
        "title": _text(section, "title", language),
        "body_html": render_markdown(_text(section, "body", language)),
        "optional": section.optional,
    }


def _lesson(lesson: Lesson, language: str) -> dict[str, Any]:
    return {
        "slug": lesson.slug,
        "title": _text(lesson, "title", language),
        "summary": _text_if_any(lesson, "summary", language),
        "sections": [_section(s, language) for s in lesson.sections.all()],
    }


def _question(question: Question, language: str) -> dict[str, Any]:
    translated = question.translations.get(language, {})
    return {
        "name": question.name,
        "kind": question.kind,
        "scoring": question.scoring,
        "critical": question.critical,
        "point": question.point,
        "practice": question.practice,
        "stem": _text(question, "stem", language, translated),
        "explanation_html": render_markdown(_text_if_any(question, "explanation", language, translated)),
        "section": (
            {"lesson": question.section.lesson.slug, "slug": question.section.slug} if question.section else None
        ),
        "choices": [
            {
                "id": c.id,
                "text": _text(c, "text", language),
                "fraction": str(c.fraction),
                "feedback": _text_if_any(c, "feedback", language),
            }
            for c in question.choices.all()
        ],
    }


def pathway_content(*, pathway: Pathway, language: str) -> dict[str, Any]:
    """Everything the patient will see on the pathway, in their language (needs the prefetches
    made by `selectors.pathway_get_for_freezing`)."""
    return {
        "pathway": {"slug": pathway.slug, "title": _text(pathway, "title", language)},
        "language": language,
        "pass_mark": pathway.check_quiz.pass_mark,
        "lessons": [_lesson(step.lesson, language) for step in pathway.steps.all()],
        "questions": [_question(q, language) for q in pathway.check_quiz.questions.all()],
        **english_twin(pathway=pathway, language=language),
    }


def english_twin(*, pathway: Pathway, language: str) -> dict[str, Any]:
    """For a record in another language, the English of what the patient saw under `"english"`:
    titles, question stems and choices, so any clinician can read the record. Inside the
    content, so the hash covers it too; nothing for an English record."""
    if language == "en":
        return {}
    return {
        "english": {
            "pathway": {"title": pathway.title},
            "lessons": [{"slug": step.lesson.slug, "title": step.lesson.title} for step in pathway.steps.all()],
            "questions": [
                {"name": q.name, "stem": q.stem, "choices": [{"id": c.id, "text": c.text} for c in q.choices.all()]}
                for q in pathway.check_quiz.questions.all()
            ],
        }
    }


def content_digest(content: dict[str, Any]) -> str:
    """SHA-256 of the content in a canonical JSON form: the version printed on the record."""
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def items(content: dict[str, Any]) -> list[teachback.Item]:
    """The check's questions (practice questions are never asked in it)."""
    return core.core_items(content["questions"])


def practice_questions(content: dict[str, Any]) -> list[dict[str, Any]]:
    """The extra practice questions a patient may choose, in order."""
    return [q for q in content["questions"] if q.get("practice")]


def question(content: dict[str, Any], name: str) -> dict[str, Any]:
    return next(q for q in content["questions"] if q["name"] == name)


def lesson(content: dict[str, Any], slug: str) -> dict[str, Any] | None:
    return next((lesson for lesson in content["lessons"] if lesson["slug"] == slug), None)


@dataclass(frozen=True)
class EnglishTexts:
    """Lookups into a record's English twin; empty for an English record or one frozen before
    records kept the English (then the page shows only what the patient saw)."""

    lessons: dict[str, str] = field(default_factory=dict)  # lesson slug -> title
    stems: dict[str, str] = field(default_factory=dict)  # question name -> stem
    choices: dict[int, str] = field(default_factory=dict)  # choice id -> text


def english_texts(content: dict[str, Any]) -> EnglishTexts:
    """The English of a record's titles, stems and choices, by slug, name and choice id."""
    twin = content.get("english") or {}
    questions = twin.get("questions", [])
    return EnglishTexts(
        lessons={lesson["slug"]: lesson["title"] for lesson in twin.get("lessons", [])},
        stems={q["name"]: q["stem"] for q in questions},
        choices={c["id"]: c["text"] for q in questions for c in q["choices"]},
    )


def section(content: dict[str, Any], ref: dict[str, str] | None) -> dict[str, Any] | None:
    """The frozen lesson section a question checks, with its lesson's title."""
    if not ref:
        return None
    found = lesson(content, ref["lesson"])
    if found is None:
        return None
    for s in found["sections"]:
        if s["slug"] == ref["slug"]:
            return {**s, "lesson_slug": found["slug"], "lesson_title": found["title"]}
    return None


def choices_in_order(record_id: int, ask: teachback.Ask, q: dict[str, Any]) -> list[dict[str, Any]]:
    """The choices as shown for one ask: reshuffled every round, the same on every reload."""
    choices = list(q["choices"])
    if q["kind"] != "truefalse":
        random.Random(f"{record_id}:{ask.slot}:{ask.question}:{ask.round}").shuffle(choices)
    return choices
