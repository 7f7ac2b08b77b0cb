"""Question versions: whether a question has been answered, recording a save, and the
difference between two versions.

One rule, for the admin and for `question_upsert` alike: saving a question whose current
version somebody has already answered (a quiz response, a self-test item, or a consent record
frozen with it) makes a new version; saving one nobody has answered updates its current version
in place. Whatever was answered keeps its own snapshot, so it shows the version asked.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.safestring import SafeString, mark_safe

from ..models import ConsentRecord, Question, QuestionVersion, Response, SelfTestItem


def version_snapshot(question: Question) -> dict[str, Any]:
    """What a version keeps of a question: text, choices with fractions and feedback, scoring,
    and the translations of all of them (the backfill migration wrote this same shape)."""
    return {
        "name": question.name,
        "kind": question.kind,
        "scoring": question.scoring,
        "stem": question.stem,
        "explanation": question.explanation,
        "source": question.source,
        "topic": question.topic.slug if question.topic else None,
        "translations": question.translations,
        "choices": [
            {
                "id": c.id,
                "position": c.position,
                "text": c.text,
                "fraction": str(c.fraction),
                "feedback": c.feedback,
                "translations": c.translations,
            }
            for c in sorted(question.choices.all(), key=lambda c: (c.position, c.id))
        ],
    }


def question_answered(*, question: Question, current: QuestionVersion | None) -> bool:
    """Whether anyone was asked the question at its current version: a quiz response, a
    self-test item (items frozen before snapshots carried a version count for every version), or
    a consent record started since the version was first saved (it froze this text)."""
    if Response.objects.filter(question=question, question_version=question.version).exists():
        return True
    asked = Q(snapshot__version=question.version) | ~Q(snapshot__has_key="version")
    if SelfTestItem.objects.filter(asked, question=question).exists():
        return True
    records = ConsentRecord.objects.filter(enrolment__pathway__check_quiz_id=question.quiz_id)
    if current is not None:
        records = records.filter(started_at__gte=current.created_at)
    return records.exists()


@transaction.atomic
def question_version_save(*, question: Question, user=None) -> QuestionVersion:
    """Record the question as just saved (call it after its choices are saved).

    Unchanged: nothing happens. Answered at its current version: the version number goes up and
    a new version is kept. Otherwise the current version is updated in place (or recorded, for
    a question saved before versions were kept).
    """
    question = Question.objects.select_for_update(of=("self",)).select_related("topic").get(pk=question.pk)
    snapshot = version_snapshot(question)
    current = QuestionVersion.objects.filter(question=question, number=question.version).first()
    if current is not None and current.snapshot == snapshot:
        return current
    if question_answered(question=question, current=current):
        question.version += 1
        Question.objects.filter(pk=question.pk).update(version=question.version)
        current = None
    if current is None:
        return QuestionVersion.objects.create(
            question=question, number=question.version, snapshot=snapshot, saved_by=user
        )
    current.snapshot = snapshot
    current.saved_by = user
    current.save(update_fields=["snapshot", "saved_by", "saved_at"])
    return current


# The difference between two versions --------------------------------------------------------


@dataclass(frozen=True)
class VersionDiff:
    """Two versions side by side: one table per part that differs (text, choices, feedback...)."""

    old: QuestionVersion
    new: QuestionVersion
    tables: list[tuple[str, SafeString]]


def _percent(fraction: str) -> str:
    value = float(fraction) * 100
    return f"{value:.5f}".rstrip("0").rstrip(".") + " %"


def _lines(snapshot: dict[str, Any]) -> dict[str, list[str]]:
    """A version as labelled lists of lines, so difflib can compare part with part."""
    es = snapshot.get("translations", {}).get("es", {})
    parts: dict[str, list[str]] = {
        "Question": [f"Kind: {snapshot['kind']}", f"Scoring: {snapshot.get('scoring', 'partial')}"],
        "Text": snapshot["stem"].splitlines(),
        "Explanation": snapshot["explanation"].splitlines(),
        "Text (Spanish)": (es.get("stem") or "").splitlines(),
        "Explanation (Spanish)": (es.get("explanation") or "").splitlines(),
        "Choices": [],
    }
    for n, c in enumerate(snapshot["choices"], start=1):
        c_es = c.get("translations", {}).get("es", {})
        parts["Choices"] += [
            f"{n}. [{_percent(c['fraction'])}] {c['text']}",
            f"   Feedback: {c['feedback']}",
            f"   Spanish: {c_es.get('text', '')}",
            f"   Spanish feedback: {c_es.get('feedback', '')}",
        ]
    return parts


def version_diff(*, old: QuestionVersion, new: QuestionVersion) -> VersionDiff:
    """Each part that differs between two versions, as a side-by-side HTML table (difflib
    escapes the text it shows)."""
    differ = difflib.HtmlDiff(wrapcolumn=60)
    before, after = _lines(old.snapshot), _lines(new.snapshot)
    tables = [
        (label, mark_safe(differ.make_table(before[label], after[label], f"v{old.number}", f"v{new.number}")))  # noqa: S308 - HtmlDiff escapes
        for label in before
        if before[label] != after[label]
    ]
    return VersionDiff(old=old, new=new, tables=tables)
