"""What the item-writing checker takes in and gives out: a question, its choices, findings, rules."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum


class Kind(StrEnum):
    SINGLE = "single"
    MULTIPLE = "multiple"
    TRUEFALSE = "truefalse"


class Language(StrEnum):
    EN = "en"
    ES = "es"


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class ItemChoice:
    """One choice as the learner sees it, with its share of the mark (positive = in the key)."""

    text: str
    fraction: Decimal | float | int = 0

    @property
    def is_correct(self) -> bool:
        """In the key: a positive fraction. A fraction that cannot be compared is not."""
        try:
            return bool(self.fraction > 0)
        except (TypeError, InvalidOperation):
            return False


@dataclass(frozen=True)
class Item:
    """What the checker needs of one question. `allow` holds rule ids that do not apply to it."""

    name: str
    kind: Kind
    stem: str
    choices: tuple[ItemChoice, ...]
    language: Language = Language.EN
    allow: frozenset[str] = frozenset()
    scoring: str = "partial"  # or "all_or_nothing" (grading.Scoring)

    def __post_init__(self) -> None:
        # Accept plain strings and any iterables from callers; store the canonical types.
        object.__setattr__(self, "kind", Kind(self.kind))
        object.__setattr__(self, "language", Language(self.language))
        object.__setattr__(self, "choices", tuple(self.choices))
        object.__setattr__(self, "allow", frozenset(self.allow))


@dataclass(frozen=True)
class Finding:
    """One flaw found in one question: which rule, how serious, what was seen, how to fix it."""

    rule: str
    severity: Severity
    message: str
    hint: str


@dataclass(frozen=True)
class Rule:
    """A rule's id, default severity, one-line description and the advice shown with it."""

    id: str
    severity: Severity
    description: str
    hint: str
