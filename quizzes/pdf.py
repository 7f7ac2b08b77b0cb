"""The consent education record as a report: for the clinician's page and as a PDF to file.

`record_report` reads only what `selectors.enrolment_get_for_staff` fetched (the record, its
sign-off and its events), so it makes no queries of its own. `record_pdf` lays the same
report out with reportlab's built-in fonts, whose Latin-1 coverage includes Spanish.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from xml.sax.saxutils import escape

from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from . import consent_content, selectors, teachback
from .models import ConsentRecord, Enrolment, RecordEvent, SignOff
from .roles import staff_name

FOOTER = "This record supports, and does not replace, the consent conversation with the patient."


@dataclass(frozen=True)
class QuestionRow:
    """One point of the check: the question first asked for it, how often and how it ended."""

    slot: str
    stem: str
    critical: bool
    tries: int
    last_correct: bool | None


@dataclass(frozen=True)
class TimelineRow:
    at: datetime
    kind: str
    text: str
    round: int | None = None
    correct: bool | None = None
    chosen: tuple[str, ...] = ()


@dataclass(frozen=True)
class RecordReport:
    enrolment: Enrolment
    record: ConsentRecord | None
    signoff: SignOff | None
    status: str
    status_label: str
    access: str
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


def enrolment_access(enrolment: Enrolment, now: datetime | None = None) -> str:
    """Whether the patient's link and code still work: "open", "expired" or "revoked"."""
    if enrolment.revoked_at is not None:
        return "revoked"
    return "open" if enrolment.expires_at > (now or timezone.now()) else "expired"


def _questions_by_name(content: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {q["name"]: q for q in content.get("questions", [])}


def _question_rows(content: dict[str, Any], answers: list[RecordEvent]) -> list[QuestionRow]:
    questions = _questions_by_name(content)
    rows = []
    for slot in teachback.slots_of(consent_content.items(content)):
        tried = sorted((a for a in answers if a.slot == slot.name), key=lambda a: (a.round or 0, a.at))
        rows.append(
            QuestionRow(
                slot=slot.name,
                stem=questions[slot.name]["stem"],
                critical=slot.critical,
                tries=len(tried),
                last_correct=tried[-1].correct if tried else None,
            )
        )
    return rows


def _timeline_row(content: dict[str, Any], event: RecordEvent) -> TimelineRow:
    if event.kind == RecordEvent.Kind.LESSON_VIEWED:
        lesson = consent_content.lesson(content, event.lesson)
        return TimelineRow(at=event.at, kind=event.kind, text=lesson["title"] if lesson else event.lesson)
    question = _questions_by_name(content).get(event.question, {"stem": event.question, "choices": []})
    texts = {c["id"]: c["text"] for c in question["choices"]}
    return TimelineRow(
        at=event.at,
        kind=event.kind,
        text=question["stem"],
        round=event.round,
        correct=event.correct,
        chosen=tuple(texts.get(choice_id, str(choice_id)) for choice_id in event.chosen),
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
        "access": enrolment_access(enrolment),
        "enrolled_by": staff_name(enrolment.created_by) if enrolment.created_by else "",
    }
    if record is None:
        return RecordReport(signoff=None, **common)
    events = list(record.events.all())
    questions = _question_rows(record.content, [e for e in events if e.kind == RecordEvent.Kind.ANSWER])
    by_slot = {row.slot: row for row in questions}
    timeline = [_timeline_row(record.content, e) for e in events]
    signoff = getattr(record, "signoff", None)
    return RecordReport(
        signoff=signoff,
        signed_off_by=staff_name(signoff.by) if signoff else "",
        questions=questions,
        discussion=[by_slot[name] for name in record.discussion_points if name in by_slot],
        lessons_viewed=[row for row in timeline if row.kind == RecordEvent.Kind.LESSON_VIEWED],
        timeline=timeline,
        **common,
    )


# PDF ----------------------------------------------------------------------------------------------


def _when(value: datetime | date | None) -> str:
    if value is None:
        return "-"
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M %Z")
    return value.isoformat()


def _p(text: Any, style) -> Paragraph:
    return Paragraph(escape(str(text)), style)


def _footer(canvas, doc) -> None:
    canvas.saveState()
    canvas.setFont("Helvetica", 8)
    canvas.setFillColor(colors.grey)
    canvas.drawString(doc.leftMargin, 10 * mm, FOOTER)
    canvas.drawRightString(A4[0] - doc.rightMargin, 10 * mm, f"Page {doc.page}")
    canvas.restoreState()


def _table(rows: list[list[Any]], widths: list[float], *, header: bool = True) -> Table:
    style = [
        ("FONTSIZE", (0, 0), (-1, -1), 9),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
    ]
    if header:
        style += [("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"), ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke)]
    table = Table(rows, colWidths=widths, repeatRows=1 if header else 0)
    table.setStyle(TableStyle(style))
    return table


def record_pdf(enrolment: Enrolment) -> bytes:
    """The record as a PDF to file with the signed consent form."""
    report = record_report(enrolment)
    record = report.record
    styles = getSampleStyleSheet()
    body, h1, h2 = styles["BodyText"], styles["Title"], styles["Heading2"]
    small = body.clone("small", fontSize=9, leading=11)
    mono = body.clone("mono", fontName="Courier", fontSize=8.5)
    yes_no = {True: "right", False: "wrong", None: "-"}

    story: list[Any] = [_p("Consent education record", h1)]
    facts = [
        ("Patient label", enrolment.label),
        ("Pathway", enrolment.pathway.title),
        ("Language", enrolment.get_language_display()),
        ("Planned date", _when(enrolment.planned_date)),
        ("Status", report.status_label),
    ]
    if record is not None:
        facts += [
            ("Started", _when(record.started_at)),
            ("Completed", _when(record.completed_at)),
            ("Score", "-" if record.score is None else f"{record.score:.0f}% (pass mark {record.pass_mark}%)"),
            ("Rounds used", f"{record.rounds_used} of {record.max_rounds}"),
        ]
    story.append(_table([[_p(k, small), _p(v, small)] for k, v in facts], [45 * mm, 125 * mm], header=False))
    story.append(Spacer(1, 4 * mm))

    if record is None:
        story.append(_p("Not started yet: the patient has not opened the pathway.", body))
    else:
        story += [_p("Content version (SHA-256)", h2), Paragraph(escape(record.content_hash), mono)]

        story.append(_p("Lessons viewed", h2))
        if report.lessons_viewed:
            rows = [["Viewed at", "Lesson"]] + [[_when(r.at), _p(r.text, small)] for r in report.lessons_viewed]
            story.append(_table(rows, [45 * mm, 125 * mm]))
        else:
            story.append(_p("No lesson viewed.", body))

        story.append(_p("Comprehension check", h2))
        rows = [["Question", "Critical", "Tries", "Final answer"]] + [
            [_p(q.stem, small), "yes" if q.critical else "", str(q.tries), yes_no[q.last_correct]]
            for q in report.questions
        ]
        story.append(_table(rows, [110 * mm, 20 * mm, 15 * mm, 25 * mm]))

        story.append(_p("Discussion points", h2))
        if report.discussion:
            for q in report.discussion:
                story.append(_p(f"- {q.stem}{' (critical)' if q.critical else ''}", body))
        elif record.is_completed:
            story.append(_p("None: every point was answered right in the end.", body))
        else:
            story.append(_p("Not known yet: the check is not finished.", body))

    story.append(_p("Sign-off", h2))
    if report.signoff is not None:
        signoff = report.signoff
        story.append(_p(f"Reviewed with the patient by {report.signed_off_by} on {_when(signoff.at)}.", body))
        if signoff.note:
            story.append(Paragraph("Note: " + escape(signoff.note).replace("\n", "<br/>"), body))
    else:
        story.append(_p("Not yet signed off.", body))

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=18 * mm,
        bottomMargin=20 * mm,
        title="Consent education record",
        author="KyphoQuiz",
    )
    doc.build(story, onFirstPage=_footer, onLaterPages=_footer)
    return buffer.getvalue()
