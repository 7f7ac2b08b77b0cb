"""GIFT's syntax as Moodle reads it: grades and weights, escapes, blocks and spans, format prefixes, categories.

The pieces `gift` (reading) and `gift_writer` (writing) share. See `gift` for the reading rules.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from .common import FormatError, php_trim, slugify


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

TEXT_FORMATS = ("moodle", "html", "plain", "markdown")
# Moodle's $giftanswerweightregex, unchanged.
WEIGHT = re.compile(r"^%-*([0-9]{1,2})\.?([0-9]*)%")
LOOKS_LIKE_WEIGHT = re.compile(r"^%\s*-?\s*[0-9.]+\s*%")
_CONTEXT_SEGMENT = re.compile(r"^\$[a-z]+\$$")

# While a block is parsed, an escaped character stands as one private-use character, so that
# it is never taken for syntax (Moodle uses "&&058;"-style placeholders for the same purpose).
_ESCAPES = {":": "\ue000", "#": "\ue001", "=": "\ue002", "{": "\ue003", "}": "\ue004", "~": "\ue005", "n": "\ue006"}
UNESCAPE = str.maketrans({v: ("\n" if k == "n" else k) for k, v in _ESCAPES.items()})
RESERVED = re.compile("[\ue000-\ue006]")


@dataclass(frozen=True)
class Span:
    """A piece of a block's text that remembers the file line of each of its characters."""

    text: str
    lines: tuple[int, ...]
    fallback: int  # the line to report when the span is empty

    @property
    def line(self) -> int:
        """The line the span starts on."""
        return self.lines[0] if self.lines else self.fallback

    def cut(self, start: int, stop: int | None = None) -> Span:
        """The characters from start to stop, like text[start:stop]."""
        stop = len(self.text) if stop is None else stop
        here = self.lines[start] if start < len(self.lines) else (self.lines[-1] if self.lines else self.fallback)
        return Span(self.text[start:stop], self.lines[start:stop], here)

    def strip(self) -> Span:
        """The span without what PHP's trim() strips at either end."""
        stripped = self.text.lstrip(" \t\n\r\0\x0b")
        start = len(self.text) - len(stripped)
        return self.cut(start, start + len(php_trim(stripped)))


def blocks(text: str) -> Iterator[list[tuple[int, str]]]:
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


def join_block(block: list[tuple[int, str]]) -> Span:
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
    return Span("".join(text), tuple(lines), block[0][0]).strip()


def hide_escapes(span: Span) -> Span:
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
    return Span("".join(text), tuple(lines), span.fallback)


def category_topic(path: str) -> str | None:
    """The topic of a Moodle category path: its last segment, slugified (`//` is a literal /)."""
    segments = [php_trim(s.replace("\0", "/")) for s in path.replace("//", "\0").split("/")]
    if segments and _CONTEXT_SEGMENT.match(segments[0]):
        segments = segments[1:]
    while segments and segments[0] == "top":
        segments = segments[1:]
    segments = [s for s in segments if s]
    return (slugify(segments[-1]) or None) if segments else None


def with_format(span: Span, default: str) -> tuple[str, str]:
    """Moodle's parse_text_with_format: a leading [format] is taken off; then unescape and trim.

    Like Moodle, the prefix counts only at the very start: after `####` a space before
    `[html]` leaves it in the text.
    """
    text, fmt = span.text, default
    if text.startswith("["):
        end = text.find("]")
        if end > 0 and text[1:end] in TEXT_FORMATS:
            text, fmt = text[end + 1 :], text[1:end]
    return php_trim(text.translate(UNESCAPE)), fmt


def weight_fraction(value: str) -> float | None:
    """The fraction of a weight between % signs (PHP's "$weight/100"); None if not a number."""
    try:
        return float(value) / 100
    except ValueError:
        return None


def moodle_grade(weight: float, match_grades: str) -> float | None:
    """Moodle's match_grade_options: the grade within 0.00001, the nearest one, or None."""
    if match_grades == "nearest":
        return min(MOODLE_GRADES, key=lambda grade: abs(weight - grade))
    for grade in MOODLE_GRADES:
        if abs(weight - grade) < GRADE_TOLERANCE:
            return grade
    return None
