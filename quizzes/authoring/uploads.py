"""The upload page's import: a preview that writes nothing, then the import of exactly what was previewed.

Both steps go through the rules `import_questions` uses (`imports.questions_from_text`, then
`services.questions_import`), so the page and the command import by one rule. The confirmation
re-reads the same text with the same options in one transaction, and rolls back if the outcome
is not the one the preview showed (someone changed the quiz in between).
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field

from django.db import transaction

from ..rules import grading
from .formats.common import FormatWarning, SkippedQuestion, format_percent
from .imports import ImportProblem, questions_from_text
from .item_checks import FlawedQuestions
from .services import SyncReport, questions_import
from .specs import ContentError, QuestionSpec

KIND_LABELS = {
    grading.Kind.SINGLE: "one answer",
    grading.Kind.MULTIPLE: "several answers",
    grading.Kind.TRUEFALSE: "true or false",
}


@dataclass(frozen=True)
class Upload:
    """What an educator asked to import: the file's text and the options chosen with it."""

    text: str
    file_format: str
    quiz_slug: str
    create: bool = False
    strict: bool = False
    allow_flaws: bool = False

    def digest(self) -> str:
        """SHA-256 of the text and options: the confirmation must carry the same one."""
        return hashlib.sha256(repr(sorted(asdict(self).items())).encode()).hexdigest()


@dataclass(frozen=True)
class ChoiceRow:
    text: str
    percent: str  # "100 %", "50 %", "-25 %"
    feedback: str


@dataclass(frozen=True)
class QuestionRow:
    """One question as it will be stored, and what the import does with it."""

    line: int | None
    name: str
    kind: str
    stem: str
    explanation: str
    topic: str | None
    outcome: str  # "new", "changed" or "unchanged" ("" while the file has errors)
    choices: tuple[ChoiceRow, ...]


@dataclass
class Preview:
    """Everything the preview page shows; `can_import` when the confirmation may go ahead."""

    upload: Upload
    questions: list[QuestionRow] = field(default_factory=list)
    skipped: list[SkippedQuestion] = field(default_factory=list)
    warnings: list[FormatWarning] = field(default_factory=list)
    errors: list[ImportProblem] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)
    findings_summary: str = ""
    creates_quiz: bool = False
    expected: tuple[list[str], list[str]] = ([], [])

    @property
    def can_import(self) -> bool:
        return not self.errors


class PreviewOutdated(ContentError):
    """The import would no longer do what its preview showed."""


def _rows(specs: list[QuestionSpec], lines: list[int | None], outcomes: dict[str, str]) -> list[QuestionRow]:
    return [
        QuestionRow(
            line=line,
            name=spec.name,
            kind=KIND_LABELS[spec.kind],
            stem=spec.stem,
            explanation=spec.explanation,
            topic=spec.topic,
            outcome=outcomes.get(spec.name, ""),
            choices=tuple(
                ChoiceRow(c.text, f"{format_percent(float(c.fraction))} %", c.feedback) for c in spec.choices
            ),
        )
        for spec, line in zip(specs, lines, strict=True)
    ]


def _outcomes(report: SyncReport, quiz_slug: str) -> dict[str, str]:
    prefix = f"question {quiz_slug}/"
    named = {label.removeprefix(prefix): "new" for label in report.created if label.startswith(prefix)}
    named.update({label.removeprefix(prefix): "changed" for label in report.updated if label.startswith(prefix)})
    return named


def _import(upload: Upload, *, dry_run: bool) -> SyncReport:
    read = questions_from_text(upload.text, upload.file_format, strict=upload.strict)
    read.raise_errors("The file")
    return questions_import(
        quiz_slug=upload.quiz_slug,
        specs=read.specs,
        carried=read.carried,
        create=upload.create,
        allow_flaws=upload.allow_flaws,
        dry_run=dry_run,
    )


def import_preview(*, upload: Upload) -> Preview:
    """What importing `upload` would store, with every error, skip, warning and flaw; writes nothing."""
    read = questions_from_text(upload.text, upload.file_format, strict=upload.strict)
    preview = Preview(upload, skipped=read.skipped, warnings=read.warnings, errors=list(read.errors))
    report = None
    if not read.errors:
        try:
            report = _import(upload, dry_run=True)
        except FlawedQuestions as exc:
            preview.findings, preview.findings_summary = exc.report.lines(hints=True), exc.report.summary()
            preview.errors.append(
                ImportProblem(None, f"The item-writing check found {exc}", "Fix them, or tick “Import with flaws”.")
            )
        except ContentError as exc:
            preview.errors.append(ImportProblem(None, str(exc)))
    if report is not None:
        preview.findings, preview.findings_summary = report.item_check.lines(hints=True), report.item_check.summary()
        preview.creates_quiz = f"quiz {upload.quiz_slug}" in report.created
        preview.expected = (report.created, report.updated)
    preview.questions = _rows(read.specs, read.lines, _outcomes(report, upload.quiz_slug) if report else {})
    return preview


@transaction.atomic
def import_confirm(*, upload: Upload, expected: tuple[list[str], list[str]]) -> SyncReport:
    """Import `upload` as its preview showed it, all or nothing.

    Raises PreviewOutdated, writing nothing, when the import would create or change other
    questions than the preview listed in `expected` (created, updated).
    """
    report = _import(upload, dry_run=False)
    if (report.created, report.updated) != (list(expected[0]), list(expected[1])):
        raise PreviewOutdated("The quiz changed since the preview: look at the new preview before importing.")
    return report
