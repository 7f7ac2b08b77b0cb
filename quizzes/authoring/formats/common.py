"""What the GIFT and Aiken readers share: their result, their error records, names and rules.

Pure standard library. The questions they produce are plain dicts in the JSON exchange format
(README, "Question exchange format"), so an importer can treat all three formats alike.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

# Question.name is a SlugField(max_length=100); a derived name leaves room for a "-NN" suffix.
NAME_MAX_LENGTH = 100
DERIVED_NAME_MAX_LENGTH = 50
# How far the right answers of a multiple-answer question may add up away from 1; the same
# tolerance as the loader's, so three answers at 0.3333333 are fine.
FRACTION_SUM_TOLERANCE = 0.0001
TRUE_FALSE_TEXTS = ("True", "False")

# PHP's trim() strips these and nothing else (no non-breaking or other Unicode spaces).
_PHP_WHITESPACE = " \t\n\r\0\x0b"


def php_trim(value: str) -> str:
    """Strip what PHP's trim() strips, so texts come out as Moodle's importer leaves them."""
    return value.strip(_PHP_WHITESPACE)


@dataclass(frozen=True)
class FormatError:
    """A reason the file cannot be imported, at a 1-based line of the file."""

    line: int
    message: str
    hint: str = ""

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" + (f" Hint: {self.hint}" if self.hint else "")


@dataclass(frozen=True)
class FormatWarning:
    """Something imported as the format defines it but perhaps not as the author meant it."""

    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass(frozen=True)
class SkippedQuestion:
    """A question of a type the app does not support, left out of the import."""

    line: int
    qtype: str  # Moodle's name for the type: shortanswer, numerical, match, essay, description
    label: str  # the same in words: "short answer", "numerical", ...
    excerpt: str  # the start of its text, to find it in the file

    def __str__(self) -> str:
        return f"line {self.line}: {self.label} question skipped (not supported): {self.excerpt}"


@dataclass
class ParseResult:
    """What a reader found: questions to import, questions skipped, errors and warnings.

    `questions[i]` is one question in the JSON exchange format and `lines[i]` the line where
    it starts. A file with any error must import nothing; the questions read so far are kept
    only so that a preview can show them.
    """

    questions: list[dict[str, Any]] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    skipped: list[SkippedQuestion] = field(default_factory=list)
    errors: list[FormatError] = field(default_factory=list)
    warnings: list[FormatWarning] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when the file has no errors, so its questions may be imported."""
        return not self.errors

    def add(self, question: dict[str, Any], line: int) -> None:
        """Keep one parsed question with the line it starts on."""
        self.questions.append(question)
        self.lines.append(line)


def slugify(value: str, max_length: int = NAME_MAX_LENGTH) -> str:
    """Lower-case ASCII words joined by hyphens, cut at a word boundary to max_length."""
    ascii_text = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > max_length:
        cut = slug[:max_length]
        if slug[max_length] != "-" and "-" in cut:
            cut = cut.rsplit("-", 1)[0]
        slug = cut.strip("-")
    return slug


def unique_name(base: str, taken: set[str]) -> str:
    """`base`, or `base-2`, `base-3`, ... whichever is not taken yet; records it as taken."""
    name, number = base, 1
    while name in taken:
        number += 1
        name = f"{base}-{number}"
    taken.add(name)
    return name


def name_from_text(text: str, taken: set[str]) -> str:
    """A kebab-case name made from the start of a question's text, unique among `taken`."""
    return unique_name(slugify(text, DERIVED_NAME_MAX_LENGTH) or "question", taken)


@dataclass(frozen=True)
class RuleError:
    """A broken exchange-format rule; `answer` is the index of the answer at fault, if one is."""

    message: str
    answer: int | None = None


def rule_errors(question: Mapping[str, Any]) -> list[RuleError]:
    """Why a question breaks the exchange format's rules (README); empty when it keeps them.

    The same rules as the loader's: a single-answer question has exactly one answer at full
    mark and the rest at 0 or below; a multiple-answer question's positive fractions add up
    to 1; a true/false question has the answers True and False, one at 1 and one at 0.
    """
    answers = question["answers"]
    fractions = [a["fraction"] for a in answers]
    for index, fraction in enumerate(fractions):
        if fraction > 1 or fraction < -1:
            return [RuleError("Each weight must be between -100% and 100%.", index)]
    if question["type"] == "truefalse":
        if sorted(a["text"] for a in answers) != sorted(TRUE_FALSE_TEXTS) or sorted(fractions) != [0, 1]:
            return [RuleError('A true/false question has the answers "True" and "False", one right and one wrong.')]
        return []
    if len(answers) < 2:
        return [RuleError("A question needs at least two answers.")]
    if question["single"]:
        right = [i for i, f in enumerate(fractions) if f == 1]
        if len(right) != 1:
            return [
                RuleError(
                    f"A single-answer question has exactly one right answer (=); this one has {len(right)}. "
                    "For several right answers leave out = and weight them, e.g. ~%50%.",
                    right[1] if len(right) > 1 else None,
                )
            ]
        partial = [i for i, f in enumerate(fractions) if 0 < f < 1]
        if partial:
            return [
                RuleError(
                    f"A single-answer question gives marks only for its one right answer; a partial weight "
                    f"({format_percent(fractions[partial[0]])}%) has no place in it. Leave out = to make it a "
                    "multiple-answer question, or drop the weight.",
                    partial[0],
                )
            ]
        return []
    positive = sum(f for f in fractions if f > 0)
    if positive == 0:
        return [
            RuleError(
                "The question has no right answer. Mark the one right answer with =, "
                "or weight the right answers of a multiple-answer question (~%50%)."
            )
        ]
    if abs(positive - 1) > FRACTION_SUM_TOLERANCE:
        return [
            RuleError(
                "In a multiple-answer question the right answers' weights must add up to 100% "
                f"(they add up to {format_percent(positive)}%)."
            )
        ]
    return []


def format_percent(fraction: float) -> str:
    """A fraction as a percentage with up to 5 decimals and no trailing zeros: 33.33333, -50."""
    text = f"{fraction * 100:.5f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def names_taken(names: Iterable[str | None]) -> set[str]:
    """The names already given, so derived names can avoid them."""
    return {n for n in names if n}
