"""Reading a question file (JSON, GIFT or Aiken) for an import, and what it keeps of stored questions.

One place for the import rule, used by `import_questions`, `check_questions` and the upload page:

- A file is read whole; every error is collected with its line (GIFT, Aiken) and a hint, and
  a file with any error imports nothing.
- A question is matched by name. A key the file does not carry (GIFT and Aiken carry no
  Spanish, source, section, difficulty, critical flag, consent point or exceptions; an older
  JSON file may leave keys out) keeps the stored question's value; a new question starts
  without it.
- A file that does not carry a question's Spanish cannot change the English of a question that
  has Spanish: the Spanish would then say something else. Such a change is an error naming the
  question; JSON, which carries both, or the admin changes the two together.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..models import Question, Quiz
from .exchange import (
    OPTIONAL_KEYS,
    carried_keys,
    exchange_text_read,
    question_spec_from_exchange,
    question_to_exchange,
    specs_unknown_references,
    stored_values,
)
from .formats import aiken, gift
from .formats.common import FormatWarning, SkippedQuestion
from .specs import ContentError, QuestionSpec

FILE_FORMATS = ("json", "gift", "aiken")
_READERS = {"gift": gift.parse, "aiken": aiken.parse}


@dataclass(frozen=True)
class ImportProblem:
    """A reason a file cannot be imported: its line when the format has lines, what is wrong, a hint."""

    line: int | None
    message: str
    hint: str = ""

    def __str__(self) -> str:
        where = f"line {self.line}: " if self.line is not None and not self.message.startswith("line ") else ""
        return where + self.message + (f" Hint: {self.hint}" if self.hint else "")


@dataclass
class FileRead:
    """A file's questions as specs, with their lines and the optional keys each carries; what was
    skipped, noticed and wrong. Import only when `errors` is empty."""

    specs: list[QuestionSpec] = field(default_factory=list)
    lines: list[int | None] = field(default_factory=list)
    carried: list[frozenset[str]] = field(default_factory=list)
    skipped: list[SkippedQuestion] = field(default_factory=list)
    warnings: list[FormatWarning] = field(default_factory=list)
    errors: list[ImportProblem] = field(default_factory=list)

    def raise_errors(self, filename: str) -> None:
        """A ContentError listing every error, if there is one."""
        if self.errors:
            count = f"{len(self.errors)} error" + ("s" if len(self.errors) > 1 else "")
            raise ContentError(f"{filename} has {count}:\n" + "\n".join(f"  {e}" for e in self.errors))


def _json_read(text: str, filename: str) -> FileRead:
    read = FileRead()
    try:
        payload = exchange_text_read(text, filename)
    except ContentError as exc:
        read.errors.append(ImportProblem(None, str(exc), "Export a quiz with export_questions to see the shape."))
        return read
    if not isinstance(payload, list):
        read.errors.append(ImportProblem(None, "The file must hold a JSON list of questions."))
        return read
    for i, item in enumerate(payload, start=1):
        try:
            read.specs.append(question_spec_from_exchange(item, f"question {i}"))
        except ContentError as exc:
            read.errors.append(ImportProblem(None, str(exc)))
            continue
        read.lines.append(None)
        read.carried.append(carried_keys(item))
    return read


def _format_read(text: str, file_format: str, strict: bool) -> FileRead:
    result = _READERS[file_format](text, strict=strict)
    read = FileRead(skipped=result.skipped, warnings=result.warnings)
    read.errors = [ImportProblem(e.line, e.message, e.hint) for e in result.errors]
    for question, line in zip(result.questions, result.lines, strict=True):
        try:
            read.specs.append(question_spec_from_exchange(question, f"line {line}"))
        except ContentError as exc:
            read.errors.append(ImportProblem(line, str(exc)))
            continue
        read.lines.append(line)
        # GIFT and Aiken carry a topic only when a $CATEGORY: gives one, and nothing else optional.
        read.carried.append(frozenset({"topic"}) if question.get("topic") else frozenset())
    return read


def questions_from_text(text: str, file_format: str, *, strict: bool = False) -> FileRead:
    """Every question of a JSON, GIFT or Aiken text as specs, with every error at its line.

    Each question gets the exchange format's checks, and its topic and lesson section must
    exist. With `strict`, a question of a type the app does not support is an error instead of
    a skipped question. Nothing is written.
    """
    if file_format not in FILE_FORMATS:
        raise ContentError(f"Unknown format {file_format!r}; the formats are: {', '.join(FILE_FORMATS)}.")
    read = _json_read(text, "The file") if file_format == "json" else _format_read(text, file_format, strict)
    names = [s.name for s in read.specs]
    for name in sorted({n for n in names if names.count(n) > 1}):
        read.errors.append(
            ImportProblem(read.lines[names.index(name)], f"The name {name!r} is used twice.", "Names must be unique.")
        )
    for i, problem in specs_unknown_references(read.specs).items():
        line, name = read.lines[i], read.specs[i].name
        where = f"line {line} ('{name}')" if line is not None else f"Question '{name}'"
        hint = "Use an existing topic's slug (in GIFT, the $CATEGORY:'s last part), or leave it out."
        read.errors.append(ImportProblem(line, f"{where}: {problem}", hint))
    read.errors.sort(key=lambda e: e.line or 0)
    return read


def questions_from_file(path: Path, file_format: str, *, strict: bool = False) -> FileRead:
    """`questions_from_text` of a file; a ContentError listing every error when it has any."""
    try:
        text = path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise ContentError(f"No file at {path}.") from None
    except UnicodeDecodeError as exc:
        raise ContentError(f"{path} is not UTF-8 text: {exc}") from None
    read = questions_from_text(text, file_format, strict=strict)
    read.raise_errors(path.name)
    return read


def _english(question: Question) -> tuple[Any, ...]:
    choices = tuple((c.text, c.fraction, c.feedback) for c in question.choices.all())
    return question.kind, question.stem, question.explanation, choices


def _spec_english(spec: QuestionSpec) -> tuple[Any, ...]:
    return spec.kind.value, spec.stem, spec.explanation, tuple((c.text, c.fraction, c.feedback) for c in spec.choices)


# GIFT writes weights as Moodle's grades, to 5 decimals of a percent: a stored 0.3333334 comes back
# as 0.3333333. A fraction this close to the stored one is the stored one.
_SAME_FRACTION = Decimal("0.00001")


def _stored_fractions(spec: QuestionSpec, question: Question) -> QuestionSpec:
    """`spec` with each choice's fraction set to the stored one where a file could only round it."""
    stored = list(question.choices.all())
    if len(stored) != len(spec.choices):
        return spec
    choices = tuple(
        replace(c, fraction=s.fraction) if c.text == s.text and abs(c.fraction - s.fraction) < _SAME_FRACTION else c
        for c, s in zip(spec.choices, stored, strict=True)
    )
    return replace(spec, choices=choices)


def specs_keep_stored(
    *, quiz: Quiz, specs: list[QuestionSpec], carried: list[frozenset[str]] | None = None
) -> list[QuestionSpec]:
    """Imported specs completed from the quiz's stored questions of the same name (see the module's rule).

    `carried[i]` holds the optional keys the file gave for `specs[i]`; None means none of them.
    Raises ContentError naming every question whose English the file would change under a
    translation it does not carry.
    """
    if quiz.pk is None:  # a quiz this import is about to create has nothing stored
        return list(specs)
    carried = carried if carried is not None else [frozenset()] * len(specs)
    stored = {
        q.name: q
        for q in quiz.questions.select_related("topic", "section__lesson")
        .prefetch_related("choices")
        .filter(name__in=[s.name for s in specs])
    }
    completed, refused = [], []
    for spec, keys in zip(specs, carried, strict=True):
        question = stored.get(spec.name)
        if question is not None:
            values = stored_values(question)
            spec = replace(spec, **{f: values[f] for key, f in OPTIONAL_KEYS.items() if key not in keys})
            spec = _stored_fractions(spec, question)
            if "translations" not in keys and question.translations and _english(question) != _spec_english(spec):
                refused.append(spec.name)
        completed.append(spec)
    if refused:
        raise ContentError(
            f"{', '.join(refused)}: the file changes the English of question(s) that have a Spanish translation, "
            "which this file does not carry; the Spanish would no longer match. Hint: change them through "
            "JSON (export_questions --format json, edit both languages, import), or in the admin."
        )
    return completed


def questions_to_file(questions: list[Question], file_format: str) -> str:
    """A quiz's questions as the text of a JSON or GIFT file (README, "Question exchange format").

    GIFT carries the English questions only; JSON everything (`exchange.question_to_exchange`).
    """
    exchanged = [question_to_exchange(q) for q in questions]
    if file_format == "json":
        return json.dumps(exchanged, indent=2, ensure_ascii=False) + "\n"
    if file_format == "gift":
        try:
            return gift.dump(exchanged)
        except ValueError as exc:
            raise ContentError(str(exc)) from None
    raise ContentError(f"Cannot export as {file_format!r}; the formats are: json, gift.")
