"""The question exchange format (README, "Question exchange format"): a question to and from it.

JSON is the format itself and carries everything a question has, its Spanish included, so that
export then import gives the same question. GIFT and Aiken files are read by `formats/` into the
same shape (with fewer keys) and come through the same checks here; `imports.py` reads files and
decides what a file that leaves keys out keeps of the stored question.

Every imported text is made safe here, in `_safe_texts`, by the one nh3 policy of
`rules/text.py`: a stem, choice or feedback becomes plain text, an explanation keeps only safe
HTML.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..models import LessonSection, Question, Topic
from ..rules import grading
from ..rules.text import markdown_source_clean, text_from_html
from .files import TRANSLATED_LANGUAGES
from .specs import (
    DIFFICULTIES,
    ContentError,
    QuestionSpec,
    _choice_specs,
    _require,
    allow_from_stored,
    allow_specs,
    question_spec_validate,
)

# The keys every exchange question has; the others are optional (a file may leave them out).
BASE_KEYS = frozenset({"name", "text", "type", "single", "answers", "general_feedback"})
# Optional key -> the QuestionSpec field it fills.
OPTIONAL_KEYS = {
    "topic": "topic",
    "source": "source",
    "difficulty": "difficulty",
    "section": "section",
    "critical": "critical",
    "point": "point",
    "practice": "practice",
    "allow": "allow",
    "translations": "translations",
    "scoring": "scoring",
}


# The optional keys written as the stored question holds them.
_PLAIN_KEYS = ("topic", "source", "difficulty", "section", "critical", "point", "practice", "scoring")


def section_ref(section: LessonSection | None) -> str | None:
    """A lesson section as the exchange format and the content files name it: "lesson#section"."""
    return f"{section.lesson.slug}#{section.slug}" if section is not None else None


def stored_translations(question: Question) -> dict[str, dict]:
    """A stored question's translations in the spec's shape (text, explanation and every choice)."""
    choices = list(question.choices.all())
    return {
        language: {
            **text,
            "choices": [
                {
                    "text": c.translations.get(language, {}).get("text", ""),
                    "feedback": c.translations.get(language, {}).get("feedback", ""),
                }
                for c in choices
            ],
        }
        for language, text in (question.translations or {}).items()
    }


def question_to_exchange(question: Question) -> dict[str, Any]:
    """One question in the JSON exchange shape, with everything it has (README, "Question exchange format").

    Needs the question's topic, section with its lesson, and choices (`selectors.questions_for_export`).
    """
    kind = grading.Kind(question.kind)
    values = stored_values(question)
    return {
        "name": question.name,
        "text": question.stem,
        "type": "truefalse" if kind == grading.Kind.TRUEFALSE else "multichoice",
        "single": kind != grading.Kind.MULTIPLE,
        "answers": [
            {"text": c.text, "fraction": float(c.fraction), "feedback": c.feedback} for c in question.choices.all()
        ],
        "general_feedback": question.explanation,
        **{key: values[key] for key in _PLAIN_KEYS},
        "allow": list(question.item_check_allow or []),
        "translations": {
            language: {
                "text": text.get("stem", ""),
                "general_feedback": text.get("explanation", ""),
                "answers": text["choices"],
            }
            for language, text in values["translations"].items()
        },
    }


def _safe_texts(data: dict) -> dict:
    """The question's texts with HTML made safe: plain text, except the explanation (Markdown)."""

    def answers(items: Any) -> Any:
        if not isinstance(items, list):
            return items
        return [
            {
                **a,
                "text": text_from_html(str(a.get("text") or "")),
                "feedback": text_from_html(str(a.get("feedback") or "")),
            }
            if isinstance(a, dict)
            else a
            for a in items
        ]

    return {
        **data,
        "text": text_from_html(str(data.get("text") or "")),
        "general_feedback": markdown_source_clean(str(data.get("general_feedback") or "")),
        "answers": answers(data.get("answers")),
    }


def _translations(value: Any, answers: int, where: str) -> dict[str, dict]:
    """`translations` of an exchange question, in the spec's shape: {"es": {stem, explanation, choices}}."""
    if value in (None, {}):
        return {}
    if not isinstance(value, dict):
        raise ContentError(f"{where}: 'translations' must map a language to its text, as {{\"es\": {{...}}}}.")
    translations = {}
    for language, data in value.items():
        at = f"{where} ({language})"
        if language not in TRANSLATED_LANGUAGES:
            raise ContentError(f"{at}: no translations into {language!r}; the languages are {TRANSLATED_LANGUAGES}.")
        if not isinstance(data, dict):
            raise ContentError(f"{at}: a translation holds 'text', 'general_feedback' and 'answers'.")
        data = _safe_texts(data)
        items = data.get("answers")
        if not isinstance(items, list) or len(items) != answers or not all(isinstance(a, dict) for a in items):
            raise ContentError(f"{at}: 'answers' must list the text of each of the {answers} answers, in order.")
        translations[language] = {
            "stem": str(_require(data, "text", at)).strip(),
            "explanation": str(data.get("general_feedback") or "").strip(),
            "choices": [
                {"text": str(_require(a, "text", at)).strip(), "feedback": str(a.get("feedback") or "").strip()}
                for a in items
            ],
        }
    return translations


def _optional_fields(data: dict, answers: int, where: str) -> dict[str, Any]:
    """The optional keys present in `data`, checked, as QuestionSpec fields."""
    fields: dict[str, Any] = {}
    topic = data.get("topic")
    if topic is not None and not isinstance(topic, str):
        raise ContentError(f"{where}: 'topic' must be a topic slug or null.")
    fields["topic"] = topic or None
    for key in ("source", "point"):
        if key in data:
            fields[key] = str(data[key] or "").strip()
    if "difficulty" in data:
        if data["difficulty"] not in DIFFICULTIES:
            raise ContentError(f"{where}: 'difficulty' must be one of {sorted(DIFFICULTIES)}.")
        fields["difficulty"] = data["difficulty"]
    if "section" in data:
        section = data["section"]
        if section is not None and (not isinstance(section, str) or "#" not in section):
            raise ContentError(f"{where}: 'section' must be \"lesson-slug#section-slug\" or null.")
        fields["section"] = section or None
    for key in ("critical", "practice"):
        if key in data:
            if not isinstance(data[key], bool):
                raise ContentError(f"{where}: '{key}' must be true or false.")
            fields[key] = data[key]
    if "scoring" in data:
        fields["scoring"] = str(data["scoring"] or "")  # checked with the rest of the spec
    if "allow" in data:
        fields["allow"] = allow_specs(data["allow"], where)
    if "translations" in data:
        fields["translations"] = _translations(data["translations"], answers, where)
    return fields


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
    data = _safe_texts(data)
    answers = data.get("answers")
    if not isinstance(answers, list) or not all(isinstance(a, dict) for a in answers):
        raise ContentError(f"{where}: 'answers' must be a list of objects.")
    return question_spec_validate(
        QuestionSpec(
            name=name if isinstance(name, str) else str(name),
            kind=kind,
            stem=str(_require(data, "text", where)).strip(),
            explanation=str(data.get("general_feedback") or "").strip(),
            choices=_choice_specs(answers, where),
            **_optional_fields(data, len(answers), where),
        ),
        where,
    )


def carried_keys(data: Any) -> frozenset[str]:
    """The optional keys an exchange question holds: what it says, rather than leaves to the stored question."""
    return frozenset(data) & frozenset(OPTIONAL_KEYS) if isinstance(data, dict) else frozenset()


def exchange_file_read(path: Path) -> Any:
    """The JSON held in an exchange file, or a ContentError that says what is wrong with it."""
    try:
        return exchange_text_read(path.read_bytes().decode("utf-8"), path.name)
    except FileNotFoundError:
        raise ContentError(f"No file at {path}.") from None
    except UnicodeDecodeError as exc:
        raise ContentError(f"{path} is not valid JSON: {exc}") from None


def exchange_text_read(text: str, filename: str) -> Any:
    """The JSON held in an exchange file's text, or a ContentError naming the line at fault."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ContentError(f"{filename} is not valid JSON: {exc}") from None


def questions_parse_exchange(payload: Any) -> list[QuestionSpec]:
    """Every question of an exchange payload, each checked on its own rules; no database needed."""
    if not isinstance(payload, list):
        raise ContentError("The file must hold a JSON list of questions.")
    specs = [question_spec_from_exchange(item, f"question {i}") for i, item in enumerate(payload, start=1)]
    names = [s.name for s in specs]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ContentError(f"Question names must be unique; repeated: {', '.join(duplicates)}.")
    return specs


def specs_unknown_references(specs: list[QuestionSpec]) -> dict[int, str]:
    """Questions whose topic or lesson section does not exist: index -> what is wrong."""
    topics = set(Topic.objects.filter(slug__in={s.topic for s in specs if s.topic}).values_list("slug", flat=True))
    wanted = {s.section for s in specs if s.section}
    sections = {
        f"{lesson}#{section}"
        for lesson, section in LessonSection.objects.filter(
            lesson__slug__in={w.partition("#")[0] for w in wanted}
        ).values_list("lesson__slug", "slug")
    }
    problems = {}
    for i, spec in enumerate(specs):
        if spec.topic and spec.topic not in topics:
            problems[i] = f"unknown topic {spec.topic!r}."
        elif spec.section and spec.section not in sections:
            problems[i] = f"unknown lesson section {spec.section!r}."
    return problems


def questions_from_exchange(payload: Any) -> list[QuestionSpec]:
    """Check a whole import before anything is written: each question, and that its topic and section exist."""
    specs = questions_parse_exchange(payload)
    problems = specs_unknown_references(specs)
    for i, problem in problems.items():
        raise ContentError(f"Question '{specs[i].name}': {problem}")
    return specs


def stored_values(question: Question) -> dict[str, Any]:
    """What a stored question holds for each optional key, as QuestionSpec fields."""
    return {
        "topic": question.topic.slug if question.topic else None,
        "source": question.source,
        "difficulty": question.difficulty,
        "section": section_ref(question.section),
        "critical": question.critical,
        "point": question.point,
        "practice": question.practice,
        "scoring": question.scoring,
        "allow": allow_from_stored(question.item_check_allow),
        "translations": stored_translations(question),
    }
