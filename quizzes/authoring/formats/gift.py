"""Moodle's GIFT format: read as Moodle's own importer reads it, written so it reads back the same.

The reading follows Moodle's `question/format/gift/format.php` (`readquestion`) and the base
importer in `question/format.php` (`readquestions`, `importprocess`), step by step:

- Questions are separated by blank lines. Each line is trimmed; a line starting with `//` is a
  comment. `\\~ \\= \\# \\{ \\} \\:` are literal characters, `\\n` is a newline, `\\\\` a backslash.
- A block starting with `$CATEGORY:` sets the category of the questions after it; its last path
  segment, slugified, becomes their `topic`.
- `::title::` names the question; without one the name is made from its text. Names here are
  kebab-case slugs, unique in the file.
- The answers sit between the first `{` and the first `}`. Text after the `}` makes it a
  missing-word question: the block becomes `_____` in the text. Inside the braces, the last
  `####` starts the general feedback.
- The type is decided in Moodle's order: no braces at all is a description; empty braces an
  essay; `{#...` numerical; any `~` multiple choice; `=` with `->` matching; `T`, `TRUE`,
  `F` or `FALSE` (capitals, before any `#`) true/false; anything else short answer.
- Multiple choice: the question is single-answer when its answers contain any `=` at all, and
  multiple-answer otherwise. An answer starting with `=` is worth 100 % and nothing else: in
  `=%50%text` the `%50%` stays part of the text. `~%n%` weighs an answer (`n` may be negative
  or have decimals); a plain `~` answer is worth 0. Feedback follows the first `#`.
- True/false: `{TRUE#first#second}` -- the first feedback is shown to whoever answers wrongly,
  the second to whoever answers rightly. So the first belongs to the wrong choice (False here)
  and the second to the right one.
- Weights must be one of Moodle's grades (100, 90, 83.33333, 80, 75, 70, 66.66667, 60, 50, 40,
  33.33333, 30, 25, 20, 16.66667, 14.28571, 12.5, 11.11111, 10, 5, 0 % and their negatives),
  within 0.00001 of a fraction; a weight within that distance becomes the grade. Any other
  weight is an error, as in Moodle's default "error if grade not listed" (with
  `match_grades="nearest"`, Moodle's other choice, it becomes the nearest grade).
- `[moodle]`, `[html]`, `[plain]` or `[markdown]` at the start of a text gives its format, and
  the question text's format is the default for the rest. The prefix is stripped; the text is
  kept as written (a warning notes HTML, which the app sanitizes rather than converts).

Where Moodle would import something garbled, this reader reports an error instead: a
`$CATEGORY:` line with a question right under it, braces left in the text after the answer
block, an empty answer or question text, a weight that is not a number, and questions that
break the exchange format's rules (one right answer in a single-answer question, weights
adding up to 100 %). It does not copy PHP's accidents either: a line holding just "0" is
not a blank line here, and text that happens to read like Moodle's placeholders ("&&058;")
stays as it is.
Unsupported types (short answer, numerical, matching, essay, description) are skipped and
listed, or are errors with `strict=True`; they are never imported as another type.

This module reads blocks and questions; `gift_syntax` holds the syntax both directions share,
`gift_answers` reads an answer block, and `gift_writer` writes (`dump`, re-exported here).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

from .common import (
    NAME_MAX_LENGTH,
    FormatWarning,
    ParseResult,
    RuleError,
    SkippedQuestion,
    name_from_text,
    names_taken,
    php_trim,
    rule_errors,
    slugify,
)
from .gift_answers import TRUE_FALSE, question_type, read_multichoice, read_truefalse, truefalse_check
from .gift_syntax import (
    GRADE_TOLERANCE,
    MOODLE_GRADES,
    RESERVED,
    UNESCAPE,
    GiftError,
    Span,
    blocks,
    category_topic,
    hide_escapes,
    join_block,
    with_format,
)
from .gift_writer import dump

__all__ = ["GRADE_TOLERANCE", "MOODLE_GRADES", "GiftError", "ParseResult", "dump", "parse"]

_BLANK = "_____"
_UNSUPPORTED = {
    "description": "description",
    "essay": "essay",
    "numerical": "numerical",
    "match": "matching",
    "shortanswer": "short answer",
}


@dataclass
class _Draft:
    """One question as read, before names are settled."""

    title: str | None  # the slugified ::title::, if there was one
    text: str
    line: int
    question: dict[str, Any]


def parse(text: str, *, strict: bool = False, match_grades: Literal["error", "nearest"] = "error") -> ParseResult:
    """Read a GIFT file into exchange-format questions, with skipped types, errors and warnings.

    `strict` makes a question of an unsupported type an error instead of a skipped question.
    `match_grades` is Moodle's import option for weights that are not one of its grades:
    "error" (Moodle's default) refuses them, "nearest" rounds them to the nearest grade.
    """
    result = ParseResult()
    drafts: list[_Draft] = []
    topic: str | None = None
    for block in blocks(text):
        span = join_block(block)
        if not span.text:
            continue
        reserved = RESERVED.search(span.text)
        if reserved:
            result.errors.append(
                GiftError(span.lines[reserved.start()], f"Unexpected private-use character U+{ord(reserved[0]):04X}.")
            )
            continue
        span = hide_escapes(span)
        if span.text.startswith("$CATEGORY:"):
            category = span.cut(len("$CATEGORY:")).strip()
            if "\n" in category.text:
                result.errors.append(
                    GiftError(
                        span.line,
                        "A $CATEGORY: line must be followed by a blank line; Moodle would read the "
                        "lines under it as part of the category's name.",
                    )
                )
                continue
            topic = category_topic(category.text.translate(UNESCAPE))
            continue
        draft = _read_question(span, topic, strict=strict, match_grades=match_grades, result=result)
        if draft is not None:
            drafts.append(draft)
    _settle_names(drafts, result)
    return result


def _read_question(
    span: Span, topic: str | None, *, strict: bool, match_grades: str, result: ParseResult
) -> _Draft | None:
    """One block that is not a category: a question, a skipped type, or errors."""
    line = span.line
    title: str | None = None
    if span.text.startswith("::"):
        span = span.cut(2)
        end = span.text.find("::")
        if end >= 0:
            title = php_trim(span.text[:end].translate(UNESCAPE)) or None
            span = span.cut(end + 2).strip()

    start, finish = span.text.find("{"), span.text.find("}")
    if start < 0 and finish < 0:
        return _unsupported("description", span.text, line, strict, result)
    if start < 0 or finish < 0 or finish < start:
        where = span.lines[start] if finish < 0 else span.lines[finish]
        message = "A { has no closing }." if finish < 0 else "A } has no opening { before it."
        hint = "A blank line ends a question: is there one inside it? A literal brace is written \\{ or \\}."
        result.errors.append(GiftError(where, message, hint))
        return None
    extra = span.text.find("{", start + 1)
    if 0 <= extra < finish:
        result.errors.append(
            GiftError(span.lines[extra], "A second { inside the answers.", "Write a literal brace as \\{ or \\}.")
        )
        return None
    after = re.search("[{}]", span.text[finish + 1 :])
    if after:
        result.errors.append(
            GiftError(
                span.lines[finish + 1 + after.start()],
                "Braces after the answers: a question has one {...} block.",
                "Write a literal brace as \\{ or \\}.",
            )
        )
        return None

    answers = span.cut(start + 1, finish).strip()
    if finish == len(span.text) - 1:
        question_text = span.cut(0, start)
    else:
        blank = Span(_BLANK, (span.lines[start],) * len(_BLANK), span.lines[start])
        head, tail = span.cut(0, start), span.cut(finish + 1)
        question_text = Span(head.text + blank.text + tail.text, head.lines + blank.lines + tail.lines, line)

    general = Span("", (), answers.line)
    separator = answers.text.rfind("####")
    if separator >= 0:
        general = answers.cut(separator + 4)
        answers = answers.cut(0, separator).strip()

    text, text_format = with_format(question_text, "moodle")
    general_feedback, general_format = with_format(general, text_format)

    qtype = question_type(answers.text)
    if qtype in _UNSUPPORTED:
        if qtype == "shortanswer" and truefalse_check(answers.text).upper() in TRUE_FALSE:
            result.warnings.append(
                FormatWarning(
                    line,
                    f"{{{truefalse_check(answers.text)}}} is a short answer for Moodle; write T, TRUE, F or FALSE "
                    "in capitals for a true/false question.",
                )
            )
        return _unsupported(qtype, text, line, strict, result)

    formats = {text_format, general_format}
    if not text:
        result.errors.append(GiftError(line, "The question has no text."))
        return None
    answer_lines: list[int] = []
    if qtype == "truefalse":
        parsed = read_truefalse(answers, text_format, formats)
    else:
        parsed = read_multichoice(answers, text_format, formats, match_grades, result, answer_lines)
    if parsed is None:
        return None
    question = {
        "name": "",
        "text": text,
        "type": qtype,
        "single": qtype == "truefalse" or "=" in answers.text,
        "answers": parsed,
        "general_feedback": general_feedback,
        "topic": topic,
    }
    broken = rule_errors(question)
    if broken:
        result.errors.extend(GiftError(_rule_line(error, line, answer_lines), error.message) for error in broken)
        return None
    if "html" in formats:
        result.warnings.append(
            FormatWarning(line, "Written in HTML ([html]): kept as it is, not converted to Markdown.")
        )
    if title is not None:
        title = slugify(title, NAME_MAX_LENGTH) or None
    return _Draft(title, text, line, question)


def _rule_line(error: RuleError, line: int, answer_lines: list[int]) -> int:
    """The line of the answer a broken rule points at, else the question's line."""
    return answer_lines[error.answer] if error.answer is not None and error.answer < len(answer_lines) else line


def _unsupported(qtype: str, text: str, line: int, strict: bool, result: ParseResult) -> None:
    """List a question of an unsupported type, or refuse it when strict."""
    label = _UNSUPPORTED[qtype]
    plain = php_trim(text.translate(UNESCAPE))
    excerpt = plain if len(plain) <= 60 else plain[:57] + "..."
    if strict:
        result.errors.append(
            GiftError(
                line, f"{label.capitalize()} questions are not supported.", "Remove it, or import without strict."
            )
        )
    else:
        result.skipped.append(SkippedQuestion(line, qtype, label, excerpt))


def _settle_names(drafts: list[_Draft], result: ParseResult) -> None:
    """Titles are kept (slugified); missing ones come from the text; every name unique."""
    first_line: dict[str, int] = {}
    for draft in drafts:
        if draft.title is None:
            continue
        if draft.title in first_line:
            result.errors.append(
                GiftError(
                    draft.line,
                    f"The name {draft.title!r} is used twice (first on line {first_line[draft.title]}).",
                    "Names are the key an import matches on; give each question its own ::title::.",
                )
            )
        first_line.setdefault(draft.title, draft.line)
    taken = names_taken(first_line)
    for draft in drafts:
        draft.question["name"] = draft.title or name_from_text(draft.text, taken)
        result.add(draft.question, draft.line)
