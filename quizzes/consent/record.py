"""The consent education record as a report: what the clinician's page and the PDF show.

`record_report` reads only what `selectors.enrolment_get_for_staff` fetched (the record, its
sign-off and its events), so it makes no queries of its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..models import ConsentRecord, Enrolment, RecordEvent, SignOff
from ..roles import staff_name
from ..rules import teachback
from . import frozen, selectors, services


@dataclass(frozen=True)
class QuestionRow:
    """One point of the check: the question first asked for it, how often and how it ended."""

    slot: str
    stem: str
    critical: bool
    tries: int
    last_correct: bool | None
    stem_en: str = ""  # the English, when the patient saw another language (and the record kept it)


@dataclass(frozen=True)
class TimelineRow:
    at: datetime
    kind: str
    text: str
    round: int | None = None
    correct: bool | None = None
    chosen: tuple[str, ...] = ()
    text_en: str = ""  # the English of `text` and `chosen`, as in QuestionRow
    chosen_en: tuple[str, ...] = ()


@dataclass(frozen=True)
class RecordReport:
    enrolment: Enrolment
    record: ConsentRecord | None
    signoff: SignOff | None
    status: str
    status_label: str
    access: str
    language: str = "en"  # the language the patient saw
    enrolled_by: str = ""  # staff names, as roles.staff_name gives them
    signed_off_by: str = ""
    questions: list[QuestionRow] = field(default_factory=list)
    discussion: list[QuestionRow] = field(default_factory=list)
    lessons_viewed: list[TimelineRow] = field(default_factory=list)
    timeline: list[TimelineRow] = field(default_factory=list)


def enrolment_record(enrolment: Enrolment) -> ConsentRecord | None:
    """The enrolment's record, or None before the patient starts (no extra query when selected)."""
    return getattr(enrolment, "record", None)


def enrolment_status(enrolment: Enrolment) -> str:
    """One of `selectors.PATIENT_STATUSES`' keys."""
    record = enrolment_record(enrolment)
    return "not_started" if record is None else str(record.status)


def _questions_by_name(content: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {q["name"]: q for q in content.get("questions", [])}


def _question_rows(
    content: dict[str, Any], english: frozen.EnglishTexts, answers: list[RecordEvent]
) -> list[QuestionRow]:
    questions = _questions_by_name(content)
    rows = []
    for slot in teachback.slots_of(frozen.items(content)):
        tried = sorted((a for a in answers if a.slot == slot.name), key=lambda a: (a.round or 0, a.at))
        rows.append(
            QuestionRow(
                slot=slot.name,
                stem=questions[slot.name]["stem"],
                critical=slot.critical,
                tries=len(tried),
                last_correct=tried[-1].correct if tried else None,
                stem_en=english.stems.get(slot.name, ""),
            )
        )
    return rows


def _timeline_row(content: dict[str, Any], english: frozen.EnglishTexts, event: RecordEvent) -> TimelineRow:
    if event.kind == RecordEvent.Kind.LESSON_VIEWED:
        lesson = frozen.lesson(content, event.lesson)
        return TimelineRow(
            at=event.at,
            kind=event.kind,
            text=lesson["title"] if lesson else event.lesson,
            text_en=english.lessons.get(event.lesson, ""),
        )
    if event.kind == RecordEvent.Kind.MORE_OPENED:
        part = frozen.section(content, {"lesson": event.lesson, "slug": event.section})
        text = f"{part['lesson_title']}: {part['title']}" if part else f"{event.lesson}#{event.section}"
        return TimelineRow(at=event.at, kind=event.kind, text=text)
    question = _questions_by_name(content).get(event.question, {"stem": event.question, "choices": []})
    texts = {c["id"]: c["text"] for c in question["choices"]}
    return TimelineRow(
        at=event.at,
        kind=event.kind,
        text=question["stem"],
        round=event.round,
        correct=event.correct,
        chosen=tuple(texts.get(choice_id, str(choice_id)) for choice_id in event.chosen),
        text_en=english.stems.get(event.question, ""),
        chosen_en=tuple(english.choices[c] for c in event.chosen if c in english.choices),
    )


def record_report(enrolment: Enrolment) -> RecordReport:
    """Everything the clinician sees about one patient, from the prefetched enrolment."""
    record = enrolment_record(enrolment)
    status = enrolment_status(enrolment)
    common = {
        "enrolment": enrolment,
        "record": record,
        "status": status,
        "status_label": str(selectors.PATIENT_STATUSES[status]),
        "access": enrolment.access(),
        "enrolled_by": staff_name(enrolment.created_by) if enrolment.created_by else "",
    }
    if record is None:
        return RecordReport(signoff=None, **common)
    events = list(record.events.all())
    english = frozen.english_texts(record.content)
    questions = _question_rows(record.content, english, [e for e in events if e.kind == RecordEvent.Kind.ANSWER])
    by_slot = {row.slot: row for row in questions}
    # Lesson steps are many; the timeline keeps lessons read to the end and optional parts opened.
    timeline = [_timeline_row(record.content, english, e) for e in events if e.kind != RecordEvent.Kind.STEP]
    signoff = getattr(record, "signoff", None)
    return RecordReport(
        signoff=signoff,
        signed_off_by=staff_name(signoff.by) if signoff else "",
        language=record.language,
        questions=questions,
        discussion=[by_slot[name] for name in record.discussion_points if name in by_slot],
        lessons_viewed=[row for row in timeline if row.kind == RecordEvent.Kind.LESSON_VIEWED],
        timeline=timeline,
        **common,
    )


def list_row(enrolment: Enrolment) -> dict:
    """One patient on the clinician's list: status, whether signed off or awaiting it, and access."""
    record = enrolment_record(enrolment)
    status = enrolment_status(enrolment)
    return {
        "enrolment": enrolment,
        "status": status,
        "status_label": str(selectors.PATIENT_STATUSES[status]),
        "signed_off": record is not None and getattr(record, "signoff", None) is not None,
        "awaiting_signoff": record is not None and services.sign_off_refusal(record) is None,
        "access": enrolment.access(),
    }
