"""The consent education record as a tagged PDF (PDF/UA-1) to file with the consent form.

WeasyPrint lays out `quizzes/consent/staff/record_pdf.html` with its print stylesheet
(`static/css/record_pdf.css`), in the patient's language: the labels, the document language
(/Lang) and the title follow it, and a screen reader reads the tags in the HTML's order. The
discussion points, the questions table and the sign-off are the record page's own partials.
WeasyPrint fetches nothing but local static files (`LocalStaticFetcher`).
"""

from __future__ import annotations

import mimetypes
import posixpath
from datetime import date, datetime
from pathlib import Path
from urllib.parse import unquote

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone, translation
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from ..models import ConsentRecord, Enrolment
from .record import record_report

TEMPLATE = "quizzes/consent/staff/record_pdf.html"
PDF_VARIANT = "pdf/ua-1"
# The document's base URL: never resolved (".invalid" is reserved), only mapped to local files.
STATIC_BASE = "https://pdf.invalid/static/"


class LocalStaticFetcher(URLFetcher):
    """Serves the app's static files (found as `collectstatic` finds them) from disk and refuses
    every other URL, so rendering a record never touches the network."""

    def fetch(self, url, headers=None):
        if not url.startswith(STATIC_BASE):
            raise ValueError(f"the record PDF loads local static files only, not {url}")
        name = posixpath.normpath(unquote(url.removeprefix(STATIC_BASE).split("?")[0].split("#")[0]))
        found = None if name.startswith(("..", "/")) else finders.find(name)
        if not found:
            raise ValueError(f"no static file {name!r}")
        content_type = mimetypes.guess_type(found)[0] or "application/octet-stream"
        return URLFetcherResponse(url, Path(found).read_bytes(), {"Content-Type": content_type})


def when(value: datetime | date | None) -> str:
    """A time in the clinic's zone, named, with its offset from UTC: "2026-03-02 09:30 CET (UTC+01:00)"
    (empty for none)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        local = timezone.localtime(value)
        offset = local.strftime("%z")
        return f"{local:%Y-%m-%d %H:%M} {local.tzname()} (UTC{offset[:3]}:{offset[3:]})"
    return value.isoformat()


def pathway_titles(enrolment: Enrolment, record: ConsentRecord | None) -> tuple[str, str]:
    """The pathway's title as the patient sees it (as frozen, once started) and its English when
    the patient reads another language (empty for a record frozen before records kept it)."""
    if record is not None:
        english = (record.content.get("english") or {}).get("pathway", {}).get("title", "")
        return record.content["pathway"]["title"], english
    pathway = enrolment.pathway
    return pathway.title_in(enrolment.language), "" if enrolment.language == "en" else pathway.title


def record_pdf_html(enrolment: Enrolment) -> str:
    """The record as the HTML the PDF is laid out from, in the patient's language."""
    with translation.override(enrolment.language):
        report = record_report(enrolment)
        record = report.record
        pathway_title, pathway_title_en = pathway_titles(enrolment, record)
        context = {
            "enrolment": enrolment,
            "report": report,
            "record": record,
            "language": enrolment.language,
            "pathway_title": pathway_title,
            "pathway_title_en": pathway_title_en,
            "planned": when(enrolment.planned_date),
            "time_zone": timezone.get_current_timezone_name(),
            "started": when(record.started_at) if record else "",
            "completed": when(record.completed_at) if record else "",
            "signed_at": when(report.signoff.at) if report.signoff else "",
            "lessons_viewed": [(when(row.at), row) for row in report.lessons_viewed],
        }
        return render_to_string(TEMPLATE, context)


def record_pdf(enrolment: Enrolment) -> bytes:
    """The record as a tagged PDF (PDF/UA-1) to file with the signed consent form."""
    html = HTML(string=record_pdf_html(enrolment), base_url=STATIC_BASE, url_fetcher=LocalStaticFetcher())
    return html.write_pdf(pdf_variant=PDF_VARIANT)
