"""The question exchange format (README, "Question exchange format"): to and from specs.

JSON is the format itself; GIFT and Aiken files are read by `formats/` into the same shape and
come through the same checks here, so every format imports by one set of rules.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..models import Question, Quiz, Topic
from ..rules import grading
from .formats import aiken, gift
from .formats.common import FormatWarning, SkippedQuestion
from .specs import ContentError, QuestionSpec, _choice_specs, _require, allow_from_stored, question_spec_validate


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
        "scoring": question.scoring,
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
            scoring=str(data.get("scoring") or ""),
            choices=_choice_specs(answers, where),
        ),
        where,
    )


def exchange_file_read(path: Path) -> Any:
    """The JSON held in an exchange file, or a ContentError that says what is wrong with it."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ContentError(f"No file at {path}.") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ContentError(f"{path} is not valid JSON: {exc}") from None


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


def questions_from_exchange(payload: Any) -> list[QuestionSpec]:
    """Check a whole import before anything is written: each question, and that its topic exists."""
    specs = questions_parse_exchange(payload)
    known = set(Topic.objects.filter(slug__in={s.topic for s in specs if s.topic}).values_list("slug", flat=True))
    for spec in specs:
        if spec.topic and spec.topic not in known:
            raise ContentError(f"Question '{spec.name}': unknown topic {spec.topic!r}.")
    return specs


def specs_keep_stored(*, quiz: Quiz, specs: list[QuestionSpec]) -> list[QuestionSpec]:
    """Imported specs completed from the quiz's stored questions of the same name.

    The exchange format has no source, section, difficulty, practice flag or item-check exceptions: a question
    already in the quiz keeps its stored ones, and a new question starts without them. A file that
    does not say how a question is scored (GIFT, Aiken) keeps the stored scoring too.
    """
    if quiz.pk is None:  # a quiz this import is about to create has nothing stored
        return list(specs)
    names = [s.name for s in specs]
    stored = {q.name: q for q in quiz.questions.select_related("section__lesson").filter(name__in=names)}
    completed = []
    for spec in specs:
        question = stored.get(spec.name)
        if question is not None:
            spec = replace(
                spec,
                source=question.source,
                difficulty=question.difficulty,
                practice=question.practice,
                scoring=spec.scoring or question.scoring,
                section=f"{question.section.lesson.slug}#{question.section.slug}" if question.section else None,
                allow=allow_from_stored(question.item_check_allow),
            )
        completed.append(spec)
    return completed


FILE_FORMATS = ("json", "gift", "aiken")
_READERS = {"gift": gift.parse, "aiken": aiken.parse}


@dataclass
class FileRead:
    """The questions of a file, checked and ready to import, with what its reader left out or noticed."""

    specs: list[QuestionSpec]
    skipped: list[SkippedQuestion] = field(default_factory=list)
    warnings: list[FormatWarning] = field(default_factory=list)


def questions_from_file(path: Path, file_format: str, *, strict: bool = False) -> FileRead:
    """Every question of a JSON, GIFT or Aiken file as specs, or a ContentError listing every error.

    JSON goes through `questions_from_exchange` as it always has. GIFT and Aiken are read by
    `formats/`; each question then gets the JSON format's checks, and its topic (a GIFT
    `$CATEGORY:`) must exist. Errors name the line of the file. With `strict`, a question of a
    type the app does not support is an error instead of a skipped question.
    """
    if file_format == "json":
        return FileRead(questions_from_exchange(exchange_file_read(path)))
    reader = _READERS.get(file_format)
    if reader is None:
        raise ContentError(f"Unknown format {file_format!r}; the formats are: {', '.join(FILE_FORMATS)}.")
    try:
        text = path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise ContentError(f"No file at {path}.") from None
    except UnicodeDecodeError as exc:
        raise ContentError(f"{path} is not UTF-8 text: {exc}") from None
    result = reader(text, strict=strict)
    errors = [(e.line, str(e)) for e in result.errors]
    specs: list[tuple[int, QuestionSpec]] = []
    for question, line in zip(result.questions, result.lines, strict=True):
        try:
            specs.append((line, question_spec_from_exchange(question, f"line {line}")))
        except ContentError as exc:
            errors.append((line, str(exc)))
    known = set(Topic.objects.filter(slug__in={s.topic for _, s in specs if s.topic}).values_list("slug", flat=True))
    for line, spec in specs:
        if spec.topic and spec.topic not in known:
            errors.append(
                (
                    line,
                    f"line {line} ('{spec.name}'): unknown topic {spec.topic!r} (from the $CATEGORY: above it). "
                    "Hint: use a topic's slug as the category's last part, or remove the $CATEGORY: line.",
                )
            )
    if errors:
        errors.sort(key=lambda e: e[0])
        count = f"{len(errors)} error" + ("s" if len(errors) > 1 else "")
        raise ContentError(f"{path.name} has {count}:\n" + "\n".join(f"  {message}" for _, message in errors))
    return FileRead([spec for _, spec in specs], skipped=result.skipped, warnings=result.warnings)


def questions_to_file(questions: list[Question], file_format: str) -> str:
    """A quiz's questions as the text of a JSON or GIFT file (README, "Question exchange format")."""
    exchanged = [question_to_exchange(q) for q in questions]
    if file_format == "json":
        return json.dumps(exchanged, indent=2, ensure_ascii=False) + "\n"
    if file_format == "gift":
        try:
            return gift.dump(exchanged)
        except ValueError as exc:
            raise ContentError(str(exc)) from None
    raise ContentError(f"Cannot export as {file_format!r}; the formats are: json, gift.")
