"""The answer block of a GIFT question: its type in Moodle's order, true/false and multiple-choice answers."""

from __future__ import annotations

from typing import Any

from .common import FormatWarning, ParseResult, format_percent, php_trim
from .gift_syntax import LOOKS_LIKE_WEIGHT, WEIGHT, GiftError, Span, moodle_grade, weight_fraction, with_format

TRUE_FALSE = ("T", "TRUE", "F", "FALSE")


def question_type(answers: str) -> str:
    """Moodle's question type for an answer block (general feedback already taken off)."""
    if answers == "":
        return "essay"
    if answers[0] == "#":
        return "numerical"
    if "~" in answers:
        return "multichoice"
    if "=" in answers and "->" in answers:
        return "match"
    return "truefalse" if truefalse_check(answers) in TRUE_FALSE else "shortanswer"


def truefalse_check(answers: str) -> str:
    """What Moodle compares with T, TRUE, F and FALSE: the answers up to a first # past the start."""
    return php_trim(answers[: answers.find("#")]) if answers.find("#") > 0 else answers


def read_truefalse(answers: Span, default: str, formats: set[str]) -> list[dict[str, Any]]:
    """{T}, {TRUE}, {F}, {FALSE}, then #feedback when wrong, then #feedback when right."""
    bits = answers.text.split("#", 2)
    offsets = [0]
    for bit in bits[:-1]:
        offsets.append(offsets[-1] + len(bit) + 1)
    parts = [with_format(answers.cut(o, o + len(b)).strip(), default) for o, b in zip(offsets, bits, strict=True)]
    formats.update(fmt for _, fmt in parts)
    answer = parts[0][0]
    wrong = parts[1][0] if len(parts) > 1 else ""
    right = parts[2][0] if len(parts) > 2 else ""
    is_true = answer in ("T", "TRUE")
    return [
        {"text": "True", "fraction": 1.0 if is_true else 0.0, "feedback": right if is_true else wrong},
        {"text": "False", "fraction": 0.0 if is_true else 1.0, "feedback": wrong if is_true else right},
    ]


def _split_answers(answers: Span) -> list[Span]:
    """Moodle's str_replace("=", "~=") then explode("~"): a piece starts at each ~ or =."""
    pieces: list[Span] = []
    start = 0
    for index, char in enumerate(answers.text):
        if char in "~=":
            pieces.append(answers.cut(start, index))
            start = index + 1 if char == "~" else index
    pieces.append(answers.cut(start))
    if not php_trim(pieces[0].text):
        pieces = pieces[1:]
    return pieces


def read_multichoice(
    answers: Span, default: str, formats: set[str], match_grades: str, result: ParseResult, lines: list[int]
) -> list[dict[str, Any]] | None:
    """The answers of a multiple-choice block, with their weights snapped to Moodle's grades.

    `lines` receives the line each answer starts on.
    """
    pieces = [p.strip() for p in _split_answers(answers)]
    if len(pieces) < 2:
        result.errors.append(GiftError(answers.line, "Not enough answers: a multiple-choice question needs two."))
        return None
    parsed: list[dict[str, Any]] = []
    failed = False
    for piece in pieces:
        if not piece.text or piece.text == "=":
            result.errors.append(GiftError(piece.line, "An answer with no text (a stray ~ or =?)."))
            failed = True
            continue
        weight: float | None
        if piece.text[0] == "=":
            weight, body = 1.0, piece.cut(1)
            if WEIGHT.match(body.text):
                result.warnings.append(
                    FormatWarning(
                        piece.line,
                        "=%n% is read as Moodle reads it: full marks, with the %n% kept in the answer's "
                        "text. Write ~%n% for a weighted answer.",
                    )
                )
        elif WEIGHT.match(piece.text):
            end = piece.text.find("%", 1)
            weight = weight_fraction(piece.text[1:end])
            body = piece.cut(end + 1)
            if weight is None:
                result.errors.append(GiftError(piece.line, f"The weight %{piece.text[1:end]}% is not a number."))
                failed = True
                continue
        else:
            weight, body = 0.0, piece
            if LOOKS_LIKE_WEIGHT.match(piece.text):
                result.warnings.append(
                    FormatWarning(
                        piece.line,
                        f"{piece.text.split('%')[1].strip()!r} between % signs is not a weight Moodle reads; "
                        "the answer counts as wrong and keeps it in its text.",
                    )
                )
        grade = moodle_grade(weight, match_grades)
        if grade is None:
            result.errors.append(
                GiftError(
                    piece.line,
                    f"The weight {format_percent(weight)}% is not one of the grades Moodle accepts.",
                    "Use one of 100, 90, 83.33333, 80, 75, 70, 66.66667, 60, 50, 40, 33.33333, 30, 25, 20, "
                    "16.66667, 14.28571, 12.5, 11.11111, 10, 5 or 0, or its negative.",
                )
            )
            failed = True
            continue
        hash_at = body.text.find("#")
        if hash_at >= 0:
            answer_text, answer_format = with_format(body.cut(0, hash_at).strip(), default)
            feedback, feedback_format = with_format(body.cut(hash_at + 1).strip(), default)
        else:
            answer_text, answer_format = with_format(body.strip(), default)
            feedback, feedback_format = "", default
        if not answer_text:
            result.errors.append(GiftError(piece.line, "An answer with no text (a stray ~ or =?)."))
            failed = True
            continue
        formats.update((answer_format, feedback_format))
        parsed.append({"text": answer_text, "fraction": grade, "feedback": feedback})
        lines.append(piece.line)
    return None if failed else parsed
