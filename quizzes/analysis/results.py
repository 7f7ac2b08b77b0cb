"""A quiz's results as CSV, streamed: one row per attempt, or one per attempt and question.

The data behind every statistic, for spreadsheets, research and moving to another system
(`export_results`, `export_responses`, and the download buttons on the statistics page). Each
export is one query read with `iterator()` and written row by row by a csv writer over a
generator, so memory stays flat whatever the number of attempts, and the number of queries
does not grow with it.

A cell a spreadsheet would read as a formula (text starting with =, +, -, @, a tab or a
carriage return: a learner can choose a username like "=HYPERLINK(...)") is written with a
leading apostrophe, as OWASP advises for CSV injection.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from datetime import datetime
from decimal import Decimal
from typing import Any

from ..models import Attempt, Quiz, Response

RESULT_COLUMNS = ("attempt_id", "learner", "started", "submitted", "duration_seconds", "score", "passed")
RESPONSE_COLUMNS = (
    "attempt_id",
    "learner",
    "question_id",
    "question_version",
    "chosen_choice_ids",
    "chosen_texts",
    "mark",
)
EXPORTS = {"results": RESULT_COLUMNS, "responses": RESPONSE_COLUMNS}
# Rows fetched from the database at a time.
CHUNK = 2000
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Between several chosen choices in one cell (ids and texts); a choice's text may hold commas.
SEPARATOR = " | "


def safe_cell(value: Any) -> Any:
    """A text cell that a spreadsheet would run as a formula, made inert with a leading apostrophe."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _when(value: datetime | None) -> str:
    return value.isoformat(timespec="seconds") if value is not None else ""


def _number(value: Decimal | None) -> str:
    """A decimal without trailing zeros: 1, 0.5, 0.3333333, 87.5."""
    if value is None:
        return ""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def result_rows(*, quiz: Quiz) -> Iterator[tuple]:
    """One row per attempt at the quiz, oldest first (RESULT_COLUMNS); open attempts have no submission."""
    attempts = (
        Attempt.objects.filter(quiz=quiz)
        .order_by("id")
        .values_list("id", "user__username", "started_at", "submitted_at", "score", "passed")
    )
    for attempt_id, learner, started, submitted, score, passed in attempts.iterator(chunk_size=CHUNK):
        duration = round((submitted - started).total_seconds()) if submitted else ""
        yield (
            attempt_id,
            learner,
            _when(started),
            _when(submitted),
            duration,
            _number(score),
            "" if passed is None else ("yes" if passed else "no"),
        )


def response_rows(*, quiz: Quiz) -> Iterator[tuple]:
    """One row per attempt and question, in attempt and question order (RESPONSE_COLUMNS).

    The question's id and version are the ones asked (`Response.question_version`); the chosen
    texts come from the copy the attempt kept, so later edits never change them.
    """
    responses = (
        Response.objects.filter(attempt__quiz=quiz)
        .order_by("attempt_id", "position")
        .values_list("attempt_id", "attempt__user__username", "question_version", "snapshot", "chosen", "mark")
    )
    for attempt_id, learner, version, snapshot, chosen, mark in responses.iterator(chunk_size=CHUNK):
        texts = {c["id"]: c["text"] for c in snapshot.get("choices", [])}
        yield (
            attempt_id,
            learner,
            snapshot.get("question_id", ""),
            version,
            SEPARATOR.join(str(c) for c in chosen),
            SEPARATOR.join(texts.get(c, "") for c in chosen),
            _number(mark),
        )


class _Line:
    """A file-like object whose write returns the line, so a csv writer yields text as it goes."""

    def write(self, value: str) -> str:
        return value


def csv_lines(columns: Iterable[str], rows: Iterable[tuple]) -> Iterator[str]:
    """The header then each row as one CSV line, every cell made safe from formula injection."""
    writer = csv.writer(_Line())  # lines end in CRLF (RFC 4180), so a CR in a cell is quoted too
    yield writer.writerow(columns)
    for row in rows:
        yield writer.writerow([safe_cell(cell) for cell in row])


def export_lines(*, quiz: Quiz, export: str) -> Iterator[str]:
    """The CSV lines of one export of a quiz: "results" or "responses"."""
    rows = result_rows(quiz=quiz) if export == "results" else response_rows(quiz=quiz)
    return csv_lines(EXPORTS[export], rows)
