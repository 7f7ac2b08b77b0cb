"""The item-writing check (`rules/item_writing.py`) run over questions wherever they are.

One function per place a question can be: parsed specs (`specs_check`), a content folder
(`bundle_check`), one content quiz file (`quiz_file_check`), an exchange file
(`exchange_file_check`), any mix of those paths (`paths_check`) and the database
(`stored_check`). Each returns a `CheckReport`: the findings per question and language.

English is always checked. A translation is checked in its own language with the English
fractions, choice by choice in the same order: a translation changes the words, never the key.
A question's recorded exceptions (`allow`) apply to every language it is written in.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..models import Question
from ..rules import item_writing
from ..rules.item_writing import Finding, Item, ItemChoice, Severity
from .exchange import carried_keys, exchange_file_read, questions_parse_exchange
from .files import Bundle, bundle_read, quiz_file_read
from .imports import specs_keep_stored
from .selectors import questions_for_checking, quiz_find
from .specs import ContentError, QuestionSpec, allow_from_stored

ENGLISH = item_writing.Language.EN.value
# The languages the rules can read; a translation into another language is not checked.
CHECKED_LANGUAGES = frozenset(language.value for language in item_writing.Language)


@dataclass(frozen=True)
class QuestionCheck:
    """The findings for one question in one language. `quiz` is the quiz's slug, or the name
    of the exchange file the question came from when it was not checked for a quiz."""

    quiz: str
    question: str
    language: str
    findings: tuple[Finding, ...]

    @property
    def label(self) -> str:
        return f"{self.quiz}/{self.question} [{self.language}]"


@dataclass(frozen=True)
class CheckReport:
    """Every question checked, with its findings (most have none), in the order read."""

    checks: tuple[QuestionCheck, ...] = ()

    def __add__(self, other: CheckReport) -> CheckReport:
        return CheckReport(self.checks + other.checks)

    def findings(self) -> Iterator[tuple[QuestionCheck, Finding]]:
        """Each finding with the question it was found in."""
        for check in self.checks:
            for finding in check.findings:
                yield check, finding

    @property
    def questions(self) -> int:
        """How many questions were checked, each counted once whatever its languages."""
        return len({(c.quiz, c.question) for c in self.checks})

    @property
    def errors(self) -> int:
        return sum(f.severity == Severity.ERROR for _, f in self.findings())

    @property
    def warnings(self) -> int:
        return sum(f.severity == Severity.WARNING for _, f in self.findings())

    def has_errors(self) -> bool:
        """Whether any finding is an error: what blocks a load or an import and fails the command."""
        return item_writing.has_errors(f for _, f in self.findings())

    def lines(self, *, hints: bool = True) -> list[str]:
        """The findings as text, grouped under the question they were found in."""
        out: list[str] = []
        for check in self.checks:
            if not check.findings:
                continue
            out.append(check.label)
            for finding in check.findings:
                out.append(f"  {finding.severity.value:<7} {finding.rule}: {finding.message}")
                if hints:
                    out.append(f"          hint: {finding.hint}")
        return out

    def summary(self) -> str:
        """One line: how many questions were checked and what was found."""
        texts = len(self.checks)
        return (
            f"Checked {_count(self.questions, 'question')} ({_count(texts, 'text')} in all languages): "
            f"{_count(self.errors, 'error')}, {_count(self.warnings, 'warning')}."
        )

    def rule_counts(self) -> list[str]:
        """How often each rule was found, errors first, as lines under the summary."""
        counts = Counter((f.severity.value, f.rule) for _, f in self.findings())
        order = {Severity.ERROR.value: 0, Severity.WARNING.value: 1}
        ranked = sorted(counts.items(), key=lambda item: (order[item[0][0]], -item[1], item[0][1]))
        return [f"  {rule:<20} {_count(n, severity)}" for (severity, rule), n in ranked]

    def as_json(self) -> dict[str, Any]:
        """The report as plain data: the counts, and one object per finding."""
        return {
            "questions": self.questions,
            "texts": len(self.checks),
            "errors": self.errors,
            "warnings": self.warnings,
            "findings": [
                {
                    "quiz": check.quiz,
                    "question": check.question,
                    "language": check.language,
                    "rule": finding.rule,
                    "severity": finding.severity.value,
                    "message": finding.message,
                    "hint": finding.hint,
                }
                for check, finding in self.findings()
            ],
        }


class FlawedQuestions(ContentError):
    """The item-writing check found errors in questions about to be stored; `report` lists them."""

    def __init__(self, report: CheckReport):
        self.report = report
        flawed = len({(c.quiz, c.question) for c, f in report.findings() if f.severity == Severity.ERROR})
        super().__init__(f"{_count(report.errors, 'item-writing error')} in {_count(flawed, 'question')}.")


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _item(name: str, kind: str, stem: str, texts: Sequence[str], fractions: Sequence[Decimal], **kw) -> Item:
    choices = tuple(ItemChoice(text=t, fraction=f) for t, f in zip(texts, fractions, strict=True))
    return Item(name=name, kind=kind, stem=stem, choices=choices, **kw)


def _spec_items(spec: QuestionSpec) -> Iterator[tuple[str, Item]]:
    """The question as each language's learners read it: English, then its translations."""
    allow = spec.allowed_rules()
    fractions = [c.fraction for c in spec.choices]
    kind = spec.kind.value
    scoring = spec.scoring or "partial"
    yield (
        ENGLISH,
        _item(spec.name, kind, spec.stem, [c.text for c in spec.choices], fractions, allow=allow, scoring=scoring),
    )
    for language, text in spec.translations.items():
        if language in CHECKED_LANGUAGES and language != ENGLISH:
            texts = [c["text"] for c in text["choices"]]
            yield language, _item(spec.name, kind, text["stem"], texts, fractions, language=language, allow=allow)


def _stored_items(question: Question) -> Iterator[tuple[str, Item]]:
    """A stored question as each language's learners read it; a translation missing any text is skipped."""
    choices = list(question.choices.all())
    allow = {a.rule for a in allow_from_stored(question.item_check_allow)}
    fractions = [c.fraction for c in choices]
    kind = question.kind
    yield (
        ENGLISH,
        _item(
            question.name,
            kind,
            question.stem,
            [c.text for c in choices],
            fractions,
            allow=allow,
            scoring=question.scoring,
        ),
    )
    translations = question.translations if isinstance(question.translations, dict) else {}
    for language in sorted(CHECKED_LANGUAGES - {ENGLISH}):
        stem = (translations.get(language) or {}).get("stem")
        texts = [(c.translations or {}).get(language, {}).get("text") for c in choices]
        if stem and all(texts):
            yield language, _item(question.name, kind, stem, texts, fractions, language=language, allow=allow)


def _report(quiz: str, name: str, items: Iterable[tuple[str, Item]], strict: bool) -> Iterator[QuestionCheck]:
    for language, item in items:
        yield QuestionCheck(quiz, name, language, tuple(item_writing.check(item, strict=strict)))


def specs_check(*, quiz: str, specs: Iterable[QuestionSpec], strict: bool = False) -> CheckReport:
    """Check questions read from a file (content or exchange) before they are stored."""
    return CheckReport(tuple(c for spec in specs for c in _report(quiz, spec.name, _spec_items(spec), strict)))


def bundle_check(bundle: Bundle, *, quiz: str | None = None, strict: bool = False) -> CheckReport:
    """Check every quiz of a content folder read by `bundle_read`, or only the one named `quiz`."""
    report = CheckReport()
    for data in bundle.quizzes:
        if quiz is None or data["slug"] == quiz:
            report += specs_check(quiz=data["slug"], specs=data["specs"], strict=strict)
    return report


def quiz_file_check(path: Path, *, strict: bool = False) -> CheckReport:
    """Check one content quiz file, with its Spanish twin when it has one (see `quiz_file_read`)."""
    data = quiz_file_read(path)
    return specs_check(quiz=data["slug"], specs=data["specs"], strict=strict)


def exchange_file_check(path: Path, *, quiz: str | None = None, strict: bool = False) -> CheckReport:
    """Check an exchange file. With `quiz`, check it as an import into that quiz would store it:
    a question already there keeps its recorded exceptions."""
    payload = exchange_file_read(path)
    specs = questions_parse_exchange(payload)
    stored = quiz_find(slug=quiz) if quiz else None
    if stored is not None:
        specs = specs_keep_stored(quiz=stored, specs=specs, carried=[carried_keys(item) for item in payload])
    return specs_check(quiz=quiz or path.name, specs=specs, strict=strict)


def paths_check(paths: Iterable[Path], *, quiz: str | None = None, strict: bool = False) -> CheckReport:
    """Check content folders, content quiz files (.yaml) and exchange files (.json).

    `quiz` keeps only that quiz of the content files, and checks exchange files as an import
    into it; a `quiz` that no content file holds is a ContentError.
    """
    report = CheckReport()
    content_files = 0
    for path in paths:
        if path.is_dir():
            content_files += 1
            report += bundle_check(bundle_read(path), quiz=quiz, strict=strict)
        elif path.suffix in (".yaml", ".yml"):
            content_files += 1
            if not path.exists():
                raise ContentError(f"No file at {path}.")
            checked = quiz_file_check(path, strict=strict)
            report += CheckReport(tuple(c for c in checked.checks if quiz is None or c.quiz == quiz))
        elif path.suffix == ".json":
            report += exchange_file_check(path, quiz=quiz, strict=strict)
        else:
            raise ContentError(f"{path}: give a content folder, a quiz file (.yaml) or an exchange file (.json).")
    if quiz is not None and content_files and not any(c.quiz == quiz for c in report.checks):
        raise ContentError(f"No quiz with slug {quiz!r} in the content files given.")
    return report


def question_check(question: Question, *, strict: bool = False) -> CheckReport:
    """Check one stored question in each of its languages, honouring its recorded exceptions."""
    return CheckReport(tuple(_report(question.quiz.slug, question.name, _stored_items(question), strict)))


def stored_check(*, quiz: str | None = None, strict: bool = False) -> CheckReport:
    """Check the questions in the database, or only those of the quiz with the slug `quiz`."""
    if quiz is not None and quiz_find(slug=quiz) is None:
        raise ContentError(f"No quiz with slug {quiz!r} in the database.")
    report = CheckReport()
    for question in questions_for_checking(quiz_slug=quiz):
        report += question_check(question, strict=strict)
    return report
