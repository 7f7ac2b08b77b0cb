"""Aiken: single-answer multiple choice, read as Moodle's `question/format/aiken/format.php` reads it.

    What does a DXA scan measure?
    A. How dense your bones are
    B) How strong your muscles are
    ANSWER: A

Each line is trimmed, and lines shorter than two characters are skipped. A line that starts
with a capital letter and `.` or `)` is an option (the space after it is optional); a line
starting with `ANSWER:` ends the question, and the first character after the colon names the
right option. Any other line starts a new question, so a question's text is one line.
Aiken has no feedback, no names and no categories: names come from the text (kebab-case,
unique in the file), topics are left empty, and texts are kept as plain text.

Moodle reports a question with fewer than two options, and options or an ANSWER outside a
question. Where Moodle would quietly misread, this reader reports an error as well: a question
without an ANSWER line, an ANSWER letter that names no option (Moodle counts options by
position, so it also checks that the labels run A, B, C...), and `Answer:` not in capitals.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .common import FormatError, ParseResult, name_from_text, php_trim

__all__ = ["AikenError", "ParseResult", "parse"]


class AikenError(FormatError):
    """An error in an Aiken file, at a 1-based line."""


_OPTION = re.compile(r"^[A-Z][).][ \t]?")
_ANSWER = re.compile(r"^ANSWER:")
_ANSWER_ANY_CASE = re.compile(r"^answer\s*:", re.IGNORECASE)
_ONE_LINE = "An Aiken question's text is one line; options follow it, then ANSWER: and a letter."


@dataclass
class _Open:
    """The question being read: its text, line and options so far."""

    text: str
    line: int
    options: list[str] = field(default_factory=list)
    broken: bool = False  # an error is already reported for it


def parse(text: str, *, strict: bool = False) -> ParseResult:
    """Read an Aiken file into exchange-format questions, with errors at their lines.

    `strict` is accepted so every reader has the same signature; Aiken holds one question type
    only, so there is nothing to skip or refuse.
    """
    result = ParseResult()
    taken: set[str] = set()
    current: _Open | None = None
    for number, raw in enumerate(re.split(r"\r\n|\r|\n", text.removeprefix("\ufeff")), start=1):
        line = php_trim(raw)
        if len(line) < 2:
            continue
        if _OPTION.match(line):
            if current is None:
                result.errors.append(AikenError(number, "An option outside a question.", _ONE_LINE))
                continue
            label = line[0]
            expected = chr(ord("A") + len(current.options))
            if label != expected:
                result.errors.append(
                    AikenError(
                        number,
                        f"Option {label} where {expected} was expected.",
                        "Label the options A, B, C... in order: ANSWER names an option by its place.",
                    )
                )
                current.broken = True
            option = php_trim(line[2:])
            if not option:
                result.errors.append(AikenError(number, f"Option {label} has no text."))
                current.broken = True
            current.options.append(option)
            continue
        answer_line = _ANSWER.match(line)
        if not answer_line and _ANSWER_ANY_CASE.match(line):
            result.errors.append(AikenError(number, f"{line.split(':')[0]}: must be written ANSWER: in capitals."))
            answer_line = _ANSWER_ANY_CASE.match(line)
        if answer_line:
            if current is None:
                result.errors.append(AikenError(number, "An ANSWER line outside a question.", _ONE_LINE))
                continue
            _close(current, php_trim(line[line.find(":") + 1 :])[:1], number, result, taken)
            current = None
            continue
        if current is not None:
            result.errors.append(
                AikenError(
                    current.line, f"The question has no ANSWER line (the next one starts on line {number}).", _ONE_LINE
                )
            )
        current = _Open(line, number)
    if current is not None:
        result.errors.append(
            AikenError(current.line, "The question has no ANSWER line (the file ends first).", _ONE_LINE)
        )
    return result


def _close(question: _Open, letter: str, line: int, result: ParseResult, taken: set[str]) -> None:
    """Finish a question at its ANSWER line, or report why it cannot be imported."""
    if question.broken:
        return
    if len(question.options) < 2:
        result.errors.append(
            AikenError(
                line, f"The question on line {question.line} has {len(question.options)} option(s); it needs two."
            )
        )
        return
    last = chr(ord("A") + len(question.options) - 1)
    if not letter:
        result.errors.append(AikenError(line, "ANSWER: gives no letter."))
        return
    index = ord(letter) - ord("A")
    if not 0 <= index < len(question.options):
        hint = "Use a capital letter." if letter.isalpha() and letter.islower() else ""
        result.errors.append(AikenError(line, f"ANSWER: {letter} is not among the options A to {last}.", hint))
        return
    result.add(
        {
            "name": name_from_text(question.text, taken),
            "text": question.text,
            "type": "multichoice",
            "single": True,
            "answers": [
                {"text": option, "fraction": 1.0 if i == index else 0.0, "feedback": ""}
                for i, option in enumerate(question.options)
            ],
            "general_feedback": "",
            "topic": None,
        },
        question.line,
    )
