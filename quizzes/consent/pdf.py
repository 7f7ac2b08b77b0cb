"""The consent education record as a PDF to file, laid out with reportlab's built-in fonts,
whose Latin-1 coverage includes Spanish."""

from __future__ import annotations

import io
from datetime import date, datetime
from typing import Any
from xml.sax.saxutils import escape

from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from ..models import Enrolment
from .record import record_report

FOOTER = "This record supports, and does not replace, the consent conversation with the patient."


def _when(value: datetime | date | None) -> str:
    """A time in the clinic's zone, named, with its offset from UTC: "2026-03-02 09:30 CET (UTC+01:00)"."""
    if value is None:
        return "-"
    if isinstance(value, datetime):
        local = timezone.localtime(value)
        offset = local.strftime("%z")
        return f"{local:%Y-%m-%d %H:%M} {local.tzname()} (UTC{offset[:3]}:{offset[3:]})"
    return value.isoformat()


def _p(text: Any, style) -> Paragraph:
    return Paragraph(escape(str(text)), style)


def _shown(text: str, english: str, style) -> Paragraph:
    """What the patient saw, with the English under it when they saw another language."""
    markup = escape(text)
    if english:
        markup += f"<br/><i>English: {escape(english)}</i>"
    return Paragraph(markup, style)


def _signature_lines(small) -> Table:
    """Blank lines to sign by hand when the record is filed with the consent form."""
    rows = [[_p(f"{who}'s signature", small), "", _p("Date", small), ""] for who in ("Clinician", "Patient")]
    table = Table(rows, colWidths=[40 * mm, 75 * mm, 15 * mm, 40 * mm], rowHeights=14 * mm)
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                ("LINEBELOW", (1, 0), (1, -1), 0.5, colors.black),
                ("LINEBELOW", (3, 0), (3, -1), 0.5, colors.black),
            ]
        )
    )
    return table


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
        ("Times in", timezone.get_current_timezone_name()),
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

        story.append(_p("Lessons read to the end", h2))
        if report.lessons_viewed:
            rows = [["Viewed at", "Lesson"]] + [
                [_p(_when(r.at), small), _shown(r.text, r.text_en, small)] for r in report.lessons_viewed
            ]
            story.append(_table(rows, [45 * mm, 125 * mm]))
        else:
            story.append(_p("No lesson viewed.", body))

        story.append(_p("Comprehension check", h2))
        rows = [["Question", "Critical", "Tries", "Final answer"]] + [
            [_shown(q.stem, q.stem_en, small), "yes" if q.critical else "", str(q.tries), yes_no[q.last_correct]]
            for q in report.questions
        ]
        story.append(_table(rows, [110 * mm, 20 * mm, 15 * mm, 25 * mm]))

        story.append(_p("Discussion points", h2))
        if report.discussion:
            for q in report.discussion:
                story.append(_shown(f"- {q.stem}{' (critical)' if q.critical else ''}", q.stem_en, body))
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

    story += [_p("Signatures", h2), _signature_lines(small)]

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
