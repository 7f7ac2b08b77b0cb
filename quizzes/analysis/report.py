"""An analysis as people and programs read it: page rows, JSON, CSV and a text table.

Shared by the educator's page (views.py) and `manage.py item_analysis`, so both show the same
numbers, flags and wording.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ..models import Question
from ..rules.item_stats import ChoiceStats, Flag, FlagKind, QuestionStats, to_json
from .selectors import Analysis

ATTEMPTS_COUNTED = {
    "first": _("each learner's first finished attempt"),
    "last": _("each learner's last finished attempt"),
    "best": _("each learner's best finished attempt (the earliest of equal scores)"),
    "all": _("every finished attempt"),
}
SOURCES = {
    "quiz": _("quiz attempts"),
    "selftest": _("self-tests that drew the quiz's questions"),
    "all": _("quiz attempts and self-tests"),
}
FLAG_LABELS = {
    FlagKind.TOO_EASY: _("Too easy"),
    FlagKind.TOO_HARD: _("Too hard"),
    FlagKind.REVIEW: _("Hard: review"),
    FlagKind.WEAK_DISCRIMINATION: _("Weak discrimination"),
    FlagKind.NEGATIVE_DISCRIMINATION: _("Negative discrimination"),
    FlagKind.NON_FUNCTIONING_DISTRACTOR: _("Non-functioning distractor"),
    FlagKind.LOW_RELIABILITY: _("Low reliability"),
}


# Flags where the item-writing check (check_questions, shown on the question's admin page)
# often finds the cause: a cue to the answer, a weak or implausible distractor.
_WRITING_FLAGS = {
    FlagKind.TOO_EASY,
    FlagKind.WEAK_DISCRIMINATION,
    FlagKind.NEGATIVE_DISCRIMINATION,
    FlagKind.NON_FUNCTIONING_DISTRACTOR,
}


@dataclass(frozen=True)
class FlagView:
    """A flag as the page shows it: what, how far past its threshold, and whether the
    item-writing findings are worth a look."""

    kind: str
    label: str
    value: float
    threshold: float
    choice_id: int | None
    see_writing: bool

    @classmethod
    def of(cls, flag: Flag) -> FlagView:
        return cls(
            flag.kind.value, flag_label(flag), flag.value, flag.threshold, flag.choice_id, flag.kind in _WRITING_FLAGS
        )


@dataclass(frozen=True)
class ChoiceRow:
    text: str
    stats: ChoiceStats
    flags: list[FlagView] = field(default_factory=list)


@dataclass(frozen=True)
class QuestionRow:
    number: int
    question: Question
    stats: QuestionStats
    edit_url: str
    flags: list[FlagView]
    choices: list[ChoiceRow]
    versions: tuple[int, ...] = ()  # the versions answered, when other than just the current one

    @property
    def see_writing(self) -> bool:
        return any(f.see_writing for f in self.flags)


def flag_label(flag: Flag) -> str:
    return str(FLAG_LABELS[flag.kind])


def question_edit_url(question_id: int) -> str:
    """The question's admin page, where its item-writing findings (check_questions) show too."""
    return reverse("admin:quizzes_question_change", args=[question_id])


def question_rows(analysis: Analysis) -> list[QuestionRow]:
    """One row per question in quiz order, with its flags and its choices (and theirs)."""
    by_question: dict[int | None, list[Flag]] = {}
    for f in analysis.flags:
        by_question.setdefault(f.question_id, []).append(f)
    rows = []
    for number, (question, stats) in enumerate(zip(analysis.questions, analysis.stats.questions, strict=True), 1):
        texts = {c.id: c.text for c in question.choices.all()}
        flags = by_question.get(question.id, [])
        choices = [
            ChoiceRow(
                text=texts.get(c.choice_id, _("(a choice deleted since)")),
                stats=c,
                flags=[FlagView.of(f) for f in flags if f.choice_id == c.choice_id],
            )
            for c in stats.choices
        ]
        views = [FlagView.of(f) for f in flags]
        versions = analysis.versions.get(question.id, ())
        if versions in ((), (question.version,)):
            versions = ()
        rows.append(QuestionRow(number, question, stats, question_edit_url(question.id), views, choices, versions))
    return rows


def quiz_flags(analysis: Analysis) -> list[FlagView]:
    return [FlagView.of(f) for f in analysis.flags if f.question_id is None]


def as_json(analysis: Analysis) -> dict[str, Any]:
    """The JSON report (README, "Item analysis"): Moodle's statistics in percent, null where undefined."""
    data = to_json(analysis.stats, analysis.flags, attempts_counted=analysis.attempts_counted)
    quiz = analysis.quiz
    data["quiz"] = {"slug": quiz.slug, "title": quiz.title, "source": analysis.source, **data["quiz"]}
    texts = {c.id: c.text for q in analysis.questions for c in q.choices.all()}
    for question in data["questions"]:
        for choice in question["choices"]:
            choice["text"] = texts.get(choice["choice_id"])
    return data


QUIZ_COLUMNS = ["mean", "median", "sd", "skewness", "kurtosis", "cic", "error_ratio", "standard_error"]
QUESTION_COLUMNS = [
    "facility",
    "sd",
    "random_guess",
    "intended_weight",
    "effective_weight",
    "discrimination",
    "discriminative_efficiency",
]
CHOICE_COLUMNS = ["credit", "count", "share", "mean_total"]
CSV_COLUMNS = [
    "level",
    "question_id",
    "name",
    "choice_id",
    "choice",
    "attempts",
    "attempts_counted",
    "source",
    *(f"quiz_{c}" for c in QUIZ_COLUMNS),
    *QUESTION_COLUMNS,
    *(f"choice_{c}" for c in CHOICE_COLUMNS),
    "flags",
]


def as_csv(analysis: Analysis) -> str:
    """One table: a "quiz" row, then each question's row followed by its choices' rows."""
    data = as_json(analysis)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    quiz = data["quiz"]

    def flags(entries: list[dict[str, Any]]) -> str:
        return " ".join(e["flag"] for e in entries)

    writer.writerow(
        {
            "level": "quiz",
            "name": quiz["slug"],
            "attempts": quiz["attempts"],
            "attempts_counted": quiz["attempts_counted"],
            "source": quiz["source"],
            **{f"quiz_{c}": quiz[c] for c in QUIZ_COLUMNS},
            "flags": flags(quiz["flags"]),
        }
    )
    for q in data["questions"]:
        own = [f for f in q["flags"] if "choice_id" not in f]
        row = {"level": "question", "question_id": q["question_id"], "name": q["name"], "attempts": q["attempts"]}
        writer.writerow({**row, **{c: q[c] for c in QUESTION_COLUMNS}, "flags": flags(own)})
        for c in q["choices"]:
            picked = [f for f in q["flags"] if f.get("choice_id") == c["choice_id"]]
            writer.writerow(
                {
                    "level": "choice",
                    "question_id": q["question_id"],
                    "name": q["name"],
                    "choice_id": c["choice_id"],
                    "choice": c["text"],
                    **{f"choice_{k}": c[k] for k in CHOICE_COLUMNS},
                    "flags": flags(picked),
                }
            )
    return out.getvalue()


def _cell(value: float | None, suffix: str = "") -> str:
    return "-" if value is None else f"{value:.2f}{suffix}"


_WIDTHS = (3, 32, 6, 8, 7, 6, 6, 6, 7, 7, 0)


def _line(cells: tuple[str, ...]) -> str:
    """Numbers right-aligned, the question's name left-aligned."""
    return "  ".join(c.ljust(w) if i == 1 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, _WIDTHS, strict=True)))


def as_table(analysis: Analysis) -> str:
    """A plain-text report for a terminal."""
    s, quiz = analysis.stats.quiz, analysis.quiz
    lines = [
        f"{quiz.title} ({quiz.slug})",
        f"Attempts counted: {ATTEMPTS_COUNTED[analysis.attempts_counted]}; source: {SOURCES[analysis.source]}.",
        f"Attempts {s.attempts}  mean {_cell(s.mean, '%')}  median {_cell(s.median, '%')}  sd {_cell(s.sd, '%')}  "
        f"skewness {_cell(s.skewness)}  kurtosis {_cell(s.kurtosis)}  CIC {_cell(s.cic, '%')}  "
        f"error ratio {_cell(s.error_ratio, '%')}  standard error {_cell(s.standard_error, '%')}",
    ]
    lines += [f"Quiz flag: {f.label} ({f.value:.2f}% < {f.threshold:g}%)" for f in quiz_flags(analysis)]
    lines.append(_line(("#", "question", "n", "facility", "sd", "guess", "int.w", "eff.w", "discr.", "d.eff", "flags")))
    for row in question_rows(analysis):
        q = row.stats
        cells = (
            str(row.number),
            q.name[:32],
            str(q.attempts),
            *(_cell(v) for v in (q.facility, q.sd, q.random_guess, q.intended_weight, q.effective_weight)),
            *(_cell(v) for v in (q.discrimination, q.discriminative_efficiency)),
            ", ".join(f.label for f in row.flags),
        )
        lines.append(_line(cells))
    lines.append("All figures in percent except n, skewness and kurtosis; '-' where a statistic is undefined.")
    return "\n".join(lines) + "\n"
