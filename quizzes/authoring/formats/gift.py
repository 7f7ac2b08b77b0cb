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
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from .common import (
    NAME_MAX_LENGTH,
    FormatError,
    FormatWarning,
    ParseResult,
    RuleError,
    SkippedQuestion,
    format_percent,
    name_from_text,
    names_taken,
    php_trim,
    rule_errors,
    slugify,
)

__all__ = ["MOODLE_GRADES", "GiftError", "ParseResult", "dump", "parse"]


class GiftError(FormatError):
    """An error in a GIFT file, at a 1-based line."""


# question_bank::fraction_options_full(): the grades Moodle's import accepts.
_POSITIVE_GRADES = (
    1.0,
    0.9,
    0.8333333,
    0.8,
    0.75,
    0.7,
    0.6666667,
    0.6,
    0.5,
    0.4,
    0.3333333,
    0.3,
    0.25,
    0.2,
    0.1666667,
    0.1428571,
    0.125,
    0.1111111,
    0.1,
    0.05,
)
MOODLE_GRADES: tuple[float, ...] = (*_POSITIVE_GRADES, 0.0, *(-g for g in reversed(_POSITIVE_GRADES)))
# match_grade_options(): "Slightly fuzzy test, never check floats for equality."
GRADE_TOLERANCE = 0.00001

_FORMATS = ("moodle", "html", "plain", "markdown")
# Moodle's $giftanswerweightregex, unchanged.
_WEIGHT = re.compile(r"^%-*([0-9]{1,2})\.?([0-9]*)%")
_LOOKS_LIKE_WEIGHT = re.compile(r"^%\s*-?\s*[0-9.]+\s*%")
_CONTEXT_SEGMENT = re.compile(r"^\$[a-z]+\$$")
_BLANK = "_____"
_TRUE_FALSE = ("T", "TRUE", "F", "FALSE")

# While a block is parsed, an escaped character stands as one private-use character, so that
# it is never taken for syntax (Moodle uses "&&058;"-style placeholders for the same purpose).
_ESCAPES = {":": "\ue000", "#": "\ue001", "=": "\ue002", "{": "\ue003", "}": "\ue004", "~": "\ue005", "n": "\ue006"}
_UNESCAPE = str.maketrans({v: ("\n" if k == "n" else k) for k, v in _ESCAPES.items()})
_RESERVED = re.compile("[\ue000-\ue006]")

_UNSUPPORTED = {
    "description": "description",
    "essay": "essay",
    "numerical": "numerical",
    "match": "matching",
    "shortanswer": "short answer",
}


@dataclass(frozen=True)
class _Span:
    """A piece of a block's text that remembers the file line of each of its characters."""

    text: str
    lines: tuple[int, ...]
    fallback: int  # the line to report when the span is empty

    @property
    def line(self) -> int:
        """The line the span starts on."""
        return self.lines[0] if self.lines else self.fallback

    def cut(self, start: int, stop: int | None = None) -> _Span:
        """The characters from start to stop, like text[start:stop]."""
        stop = len(self.text) if stop is None else stop
        here = self.lines[start] if start < len(self.lines) else (self.lines[-1] if self.lines else self.fallback)
        return _Span(self.text[start:stop], self.lines[start:stop], here)

    def strip(self) -> _Span:
        """The span without what PHP's trim() strips at either end."""
        stripped = self.text.lstrip(" \t\n\r\0\x0b")
        start = len(self.text) - len(stripped)
        return self.cut(start, start + len(php_trim(stripped)))


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
    for block in _blocks(text):
        span = _join(block)
        if not span.text:
            continue
        reserved = _RESERVED.search(span.text)
        if reserved:
            result.errors.append(
                GiftError(span.lines[reserved.start()], f"Unexpected private-use character U+{ord(reserved[0]):04X}.")
            )
            continue
        span = _escape(span)
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
            topic = _topic(category.text.translate(_UNESCAPE))
            continue
        draft = _read_question(span, topic, strict=strict, match_grades=match_grades, result=result)
        if draft is not None:
            drafts.append(draft)
    _settle_names(drafts, result)
    return result


def _blocks(text: str) -> Iterator[list[tuple[int, str]]]:
    """The file's questions: runs of non-blank lines, each line trimmed, with its number."""
    block: list[tuple[int, str]] = []
    for number, raw in enumerate(re.split(r"\r\n|\r|\n", text.removeprefix("\ufeff")), start=1):
        line = php_trim(raw)
        if line:
            block.append((number, line))
        elif block:
            yield block
            block = []
    if block:
        yield block


def _join(block: list[tuple[int, str]]) -> _Span:
    """A block's lines joined by newlines, comment lines blanked out as Moodle does, trimmed."""
    text: list[str] = []
    lines: list[int] = []
    for index, (number, line) in enumerate(block):
        if index:
            text.append("\n")
            lines.append(number)
        content = " " if line.startswith("//") else line
        text.append(content)
        lines.extend([number] * len(content))
    return _Span("".join(text), tuple(lines), block[0][0]).strip()


def _escape(span: _Span) -> _Span:
    """Replace escaped characters by stand-ins; `\\\\` becomes a plain, non-escaping backslash."""
    text: list[str] = []
    lines: list[int] = []
    source, index = span.text, 0
    while index < len(source):
        pair = source[index : index + 2]
        if pair == "\\\\":
            text.append("\\")
        elif len(pair) == 2 and pair[0] == "\\" and pair[1] in _ESCAPES:
            text.append(_ESCAPES[pair[1]])
        else:
            text.append(source[index])
            lines.append(span.lines[index])
            index += 1
            continue
        lines.append(span.lines[index])
        index += 2
    return _Span("".join(text), tuple(lines), span.fallback)


def _topic(path: str) -> str | None:
    """The topic of a Moodle category path: its last segment, slugified (`//` is a literal /)."""
    segments = [php_trim(s.replace("\0", "/")) for s in path.replace("//", "\0").split("/")]
    if segments and _CONTEXT_SEGMENT.match(segments[0]):
        segments = segments[1:]
    while segments and segments[0] == "top":
        segments = segments[1:]
    segments = [s for s in segments if s]
    return (slugify(segments[-1]) or None) if segments else None


def _with_format(span: _Span, default: str) -> tuple[str, str]:
    """Moodle's parse_text_with_format: a leading [format] is taken off; then unescape and trim.

    Like Moodle, the prefix counts only at the very start: after `####` a space before
    `[html]` leaves it in the text.
    """
    text, fmt = span.text, default
    if text.startswith("["):
        end = text.find("]")
        if end > 0 and text[1:end] in _FORMATS:
            text, fmt = text[end + 1 :], text[1:end]
    return php_trim(text.translate(_UNESCAPE)), fmt


def _read_question(
    span: _Span, topic: str | None, *, strict: bool, match_grades: str, result: ParseResult
) -> _Draft | None:
    """One block that is not a category: a question, a skipped type, or errors."""
    line = span.line
    title: str | None = None
    if span.text.startswith("::"):
        span = span.cut(2)
        end = span.text.find("::")
        if end >= 0:
            title = php_trim(span.text[:end].translate(_UNESCAPE)) or None
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
        blank = _Span(_BLANK, (span.lines[start],) * len(_BLANK), span.lines[start])
        head, tail = span.cut(0, start), span.cut(finish + 1)
        question_text = _Span(head.text + blank.text + tail.text, head.lines + blank.lines + tail.lines, line)

    general = _Span("", (), answers.line)
    separator = answers.text.rfind("####")
    if separator >= 0:
        general = answers.cut(separator + 4)
        answers = answers.cut(0, separator).strip()

    text, text_format = _with_format(question_text, "moodle")
    general_feedback, general_format = _with_format(general, text_format)

    qtype = _qtype(answers.text)
    if qtype in _UNSUPPORTED:
        if qtype == "shortanswer" and _truefalse_check(answers.text).upper() in _TRUE_FALSE:
            result.warnings.append(
                FormatWarning(
                    line,
                    f"{{{_truefalse_check(answers.text)}}} is a short answer for Moodle; write T, TRUE, F or FALSE "
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
        parsed = _truefalse(answers, text_format, formats)
    else:
        parsed = _multichoice(answers, text_format, formats, match_grades, result, answer_lines)
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


def _qtype(answers: str) -> str:
    """Moodle's question type for an answer block (general feedback already taken off)."""
    if answers == "":
        return "essay"
    if answers[0] == "#":
        return "numerical"
    if "~" in answers:
        return "multichoice"
    if "=" in answers and "->" in answers:
        return "match"
    return "truefalse" if _truefalse_check(answers) in _TRUE_FALSE else "shortanswer"


def _truefalse_check(answers: str) -> str:
    """What Moodle compares with T, TRUE, F and FALSE: the answers up to a first # past the start."""
    return php_trim(answers[: answers.find("#")]) if answers.find("#") > 0 else answers


def _unsupported(qtype: str, text: str, line: int, strict: bool, result: ParseResult) -> None:
    """List a question of an unsupported type, or refuse it when strict."""
    label = _UNSUPPORTED[qtype]
    plain = php_trim(text.translate(_UNESCAPE))
    excerpt = plain if len(plain) <= 60 else plain[:57] + "..."
    if strict:
        result.errors.append(
            GiftError(
                line, f"{label.capitalize()} questions are not supported.", "Remove it, or import without strict."
            )
        )
    else:
        result.skipped.append(SkippedQuestion(line, qtype, label, excerpt))


def _truefalse(answers: _Span, default: str, formats: set[str]) -> list[dict[str, Any]]:
    """{T}, {TRUE}, {F}, {FALSE}, then #feedback when wrong, then #feedback when right."""
    bits = answers.text.split("#", 2)
    offsets = [0]
    for bit in bits[:-1]:
        offsets.append(offsets[-1] + len(bit) + 1)
    parts = [_with_format(answers.cut(o, o + len(b)).strip(), default) for o, b in zip(offsets, bits, strict=True)]
    formats.update(fmt for _, fmt in parts)
    answer = parts[0][0]
    wrong = parts[1][0] if len(parts) > 1 else ""
    right = parts[2][0] if len(parts) > 2 else ""
    is_true = answer in ("T", "TRUE")
    return [
        {"text": "True", "fraction": 1.0 if is_true else 0.0, "feedback": right if is_true else wrong},
        {"text": "False", "fraction": 0.0 if is_true else 1.0, "feedback": wrong if is_true else right},
    ]


def _split_answers(answers: _Span) -> list[_Span]:
    """Moodle's str_replace("=", "~=") then explode("~"): a piece starts at each ~ or =."""
    pieces: list[_Span] = []
    start = 0
    for index, char in enumerate(answers.text):
        if char in "~=":
            pieces.append(answers.cut(start, index))
            start = index + 1 if char == "~" else index
    pieces.append(answers.cut(start))
    if not php_trim(pieces[0].text):
        pieces = pieces[1:]
    return pieces


def _multichoice(
    answers: _Span, default: str, formats: set[str], match_grades: str, result: ParseResult, lines: list[int]
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
            if _WEIGHT.match(body.text):
                result.warnings.append(
                    FormatWarning(
                        piece.line,
                        "=%n% is read as Moodle reads it: full marks, with the %n% kept in the answer's "
                        "text. Write ~%n% for a weighted answer.",
                    )
                )
        elif _WEIGHT.match(piece.text):
            end = piece.text.find("%", 1)
            weight = _weight(piece.text[1:end])
            body = piece.cut(end + 1)
            if weight is None:
                result.errors.append(GiftError(piece.line, f"The weight %{piece.text[1:end]}% is not a number."))
                failed = True
                continue
        else:
            weight, body = 0.0, piece
            if _LOOKS_LIKE_WEIGHT.match(piece.text):
                result.warnings.append(
                    FormatWarning(
                        piece.line,
                        f"{piece.text.split('%')[1].strip()!r} between % signs is not a weight Moodle reads; "
                        "the answer counts as wrong and keeps it in its text.",
                    )
                )
        grade = _grade(weight, match_grades)
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
            answer_text, answer_format = _with_format(body.cut(0, hash_at).strip(), default)
            feedback, feedback_format = _with_format(body.cut(hash_at + 1).strip(), default)
        else:
            answer_text, answer_format = _with_format(body.strip(), default)
            feedback, feedback_format = "", default
        if not answer_text:
            result.errors.append(GiftError(piece.line, "An answer with no text (a stray ~ or =?)."))
            failed = True
            continue
        formats.update((answer_format, feedback_format))
        parsed.append({"text": answer_text, "fraction": grade, "feedback": feedback})
        lines.append(piece.line)
    return None if failed else parsed


def _weight(value: str) -> float | None:
    """The fraction of a weight between % signs (PHP's "$weight/100"); None if not a number."""
    try:
        return float(value) / 100
    except ValueError:
        return None


def _grade(weight: float, match_grades: str) -> float | None:
    """Moodle's match_grade_options: the grade within 0.00001, the nearest one, or None."""
    if match_grades == "nearest":
        return min(MOODLE_GRADES, key=lambda grade: abs(weight - grade))
    for grade in MOODLE_GRADES:
        if abs(weight - grade) < GRADE_TOLERANCE:
            return grade
    return None


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


# Writing ---------------------------------------------------------------------------------------


def dump(questions: Iterable[Mapping[str, Any]]) -> str:
    """Write exchange-format questions as GIFT that Moodle and `parse` read back the same.

    Texts are written in Markdown (`[markdown]` on the question text, which the rest inherit),
    with GIFT's special characters escaped and newlines as `\\n`. Weights are percentages with
    up to 5 decimals. Raises ValueError for a question GIFT cannot carry: an unknown type,
    true/false answers other than True and False, a weight that is not a Moodle grade, or a
    name used twice.
    """
    chunks: list[str] = []
    topic: str | None = None
    seen: set[str] = set()
    for question in questions:
        name = str(question["name"])
        if name in seen:
            raise ValueError(f"Question {name!r}: the name is used twice.")
        seen.add(name)
        if question.get("topic") != topic:
            topic = question.get("topic")
            chunks.append("$CATEGORY: $course$/top" + (f"/{topic.replace('/', '//')}" if topic else ""))
        chunks.append(_write_question(question))
    return "\n\n".join(chunks) + "\n" if chunks else ""


def _escape_text(text: str) -> str:
    """Moodle's repchar: escape \\ # = ~ { } : and write newlines as \\n."""
    text = text.replace("\\", "\\\\")
    for char in "#=~{}:":
        text = text.replace(char, "\\" + char)
    return text.replace("\r\n", "\n").replace("\r", "").replace("\n", "\\n")


def _guarded(text: str, *, answer: bool = False) -> str:
    """Escaped text, with [markdown] before it when it would otherwise lose its start.

    That is a text starting like a [format] prefix, and an answer starting with %, which would
    be read as a weight (%50%) or, after =, warned about.
    """
    if (text.startswith("[") and text[1 : max(text.find("]"), 0)] in _FORMATS) or (answer and text.startswith("%")):
        return "[markdown]" + _escape_text(text)
    return _escape_text(text)


def _write_question(question: Mapping[str, Any]) -> str:
    """One question: ::name::, the text in Markdown, then its answer block."""
    name = str(question["name"])
    head = f"::{_escape_text(name)}::[markdown]{_escape_text(str(question['text']))}"
    general = str(question.get("general_feedback") or "")
    general_part = f"####{_guarded(general)}" if general else ""
    answers = list(question["answers"])
    for answer in answers:
        if _grade(float(answer["fraction"]), "error") is None:
            raise ValueError(
                f"Question {name!r}: the weight {format_percent(float(answer['fraction']))}% is not a grade Moodle accepts."
            )
    if question["type"] == "truefalse":
        by_text = {a["text"]: a for a in answers}
        if sorted(by_text) != ["False", "True"] or len(answers) != 2:
            raise ValueError(f'Question {name!r}: a true/false question has the answers "True" and "False".')
        is_true = float(by_text["True"]["fraction"]) == 1
        right = str(by_text["True" if is_true else "False"].get("feedback") or "")
        wrong = str(by_text["False" if is_true else "True"].get("feedback") or "")
        body = "TRUE" if is_true else "FALSE"
        if wrong:
            body += "#" + _guarded(wrong)
        elif right:
            body += "#"
        if right:
            body += "#" + _guarded(right)
        return f"{head}{{{body}{general_part}}}"
    if question["type"] != "multichoice":
        raise ValueError(f"Question {name!r}: GIFT export knows multichoice and truefalse, not {question['type']!r}.")
    single = bool(question.get("single", True))
    lines = [head + "{"]
    for answer in answers:
        fraction = float(answer["fraction"])
        text = str(answer["text"])
        if fraction == 1 and single:
            mark = "="
        elif fraction == 0:
            mark = "~"
        else:
            mark = f"~%{format_percent(fraction)}%"
        feedback = str(answer.get("feedback") or "")
        lines.append("\t" + mark + _guarded(text, answer=True) + (f"#{_guarded(feedback)}" if feedback else ""))
    if general_part:
        lines.append("\t" + general_part)
    lines.append("}")
    return "\n".join(lines)
