"""The question as every rule reads it, and `rule`, which makes a function one of the checks."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from .language import Text, lead_in_sentences
from .model import Item, Kind, Language, Rule, Severity


@dataclass(frozen=True)
class Prepared:
    """An `Item` with its texts normalised once, and which choices are in the key."""

    item: Item
    spanish: bool
    stem: Text
    lead_in: str
    choices: tuple[Text, ...]
    correct: tuple[bool, ...]

    @property
    def key(self) -> list[Text]:
        return [c for c, ok in zip(self.choices, self.correct, strict=True) if ok]

    @property
    def distractors(self) -> list[Text]:
        return [c for c, ok in zip(self.choices, self.correct, strict=True) if not ok]


def prepare(item: Item) -> Prepared:
    return Prepared(
        item=item,
        spanish=item.language == Language.ES,
        stem=Text.of(item.stem),
        lead_in=" ".join(s for _, s in lead_in_sentences(item.stem)),
        choices=tuple(Text.of(c.text) for c in item.choices),
        correct=tuple(c.is_correct for c in item.choices),
    )


def has_choices(p: Prepared) -> bool:
    """Rules about the wording of choices skip true/false: its two choices are fixed."""
    return p.item.kind != Kind.TRUEFALSE and len(p.choices) > 0


# A check yields one message for each flaw it finds.
Check = Callable[[Prepared], Iterable[str]]


@dataclass(frozen=True)
class RuleCheck:
    """A rule and the check that finds its flaws."""

    rule: Rule
    find: Check


def rule(rule_id: str, severity: Severity, description: str, hint: str) -> Callable[[Check], RuleCheck]:
    """Give the decorated check its rule. The package's `__init__` lists the rules that run, in order."""

    def make(find: Check) -> RuleCheck:
        return RuleCheck(Rule(rule_id, severity, description, hint), find)

    return make
