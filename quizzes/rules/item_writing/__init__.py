"""Item-writing checks: flaws that let a test-wise learner answer without the knowledge.

Pure and free of Django: an `Item` (plain data) in, a list of `Finding`s out. The rules are the
flaws that the NBME item-writing guide (Billings et al., *Constructing Written Test Questions
for the Health Sciences*, 6th ed., 2020) and the item-writing-flaw literature (Haladyna,
Downing & Rodriguez, Appl Meas Educ 2002; Tarrant et al., Nurse Educ Today 2006) describe and
that can be detected from the text alone. They read English and
Spanish; a rule that depends on words uses the item's language.

Severities. An *error* is a flaw that gives the answer away or makes the key arguable, found
with few false alarms: it should block the question. A *warning* is a likely flaw, or a pattern
that is sometimes justified: a person looks at it. `apply_strict` turns warnings into errors.

Errors give the answer away or make the key arguable (all/none of the above, combined or
duplicate choices, overlapping ranges, an "a"/"an" that fits only some choices), or make
learners misread the question (an unemphasised NOT). Warnings: a precise key is often long and
a myth is often absolute, so `longest-correct` and `absolute-terms` flag patterns a careful
writer sometimes needs; `overlapping-choices` also catches categories that are exclusive by
definition ("Osteoporosis" and "Severe osteoporosis"); `number-cue`, `clang-association` and
`unfocused-stem` judge meaning from surface words and misfire more often; and three-option
questions are defensible (Rodriguez, Educ Meas Issues Pract 2005), so `too-few-distractors` is
house style rather than a flaw that gives the answer away.

| id                    | severity | applies to        | finds                                                  |
| --------------------- | -------- | ----------------- | ------------------------------------------------------ |
| all-of-the-above      | error    | single, multiple  | "All of the above", "Todas las anteriores"             |
| none-of-the-above     | error    | single, multiple  | "None of the above", "Ninguna de las anteriores"       |
| combined-choice       | error    | single, multiple  | "Both A and B", "A and C", "Ambas"                     |
| duplicate-choices     | error    | single, multiple  | two choices with the same text once normalised         |
| overlapping-ranges    | error    | single, multiple  | numeric choices whose ranges overlap ("1-5", "5-10")   |
| negative-stem         | error    | all               | NOT / EXCEPT / NO / EXCEPTO in the lead-in, unemphasised |
| article-cue           | error    | single, multiple  | stem ends in "a"/"an" that fits only some choices (en) |
| overlapping-choices   | warning  | single, multiple  | one choice's whole text inside another's               |
| longest-correct       | warning  | single            | the key clearly longer than every distractor           |
| absolute-terms        | warning  | all               | always/never/only... only in wrong choices, or in a false true/false statement |
| number-cue            | warning  | single            | a plural lead-in ("Which are...", "¿Cuáles...?") with one key |
| clang-association     | warning  | single            | a word of the stem repeated in the key and no distractor |
| too-few-distractors   | warning  | single            | fewer than three plausible distractors                 |
| unfocused-stem        | warning  | single            | "Which of the following is true?", "¿Cuál es verdadera?" |
| tick-everything       | warning  | multiple          | ticking every choice earns marks (partial scoring, wrong choices not negative enough) |

Definitions the rules rely on:

- The *key* is the choices with a positive fraction; *distractors* are the others.
- The *lead-in* is the sentence(s) of the stem that end in "?", else its last sentence.
- Emphasis is a word in capitals (NOT, EXCEPTO) or inside Markdown bold or italics.
- "Clearly the longest": at least `LONGEST_RATIO` times the longest distractor and at least
  `LONGEST_MARGIN` characters longer, so that short answers of similar length never trip it.
- A choice is "plausible" unless it is empty, a duplicate, "all/none of the above" or a
  combination of other choices.

Not checked, on purpose: Spanish article gender ("un"/"una" before a choice). Gender cannot be
read reliably from a noun's ending (el problema, la mano, el día) without a lexicon, and our
Spanish stems do not end in an article; a wrong guess would be noise. In English, choices that
start with digits or with an acronym of two or more capitals are skipped by `article-cue`, as
their sound depends on how they are read ("an MRI", "a NICE guideline").

`Item.allow` names rules that do not apply to that question, for a reason recorded with it.

The package: `model` (what goes in and comes out), `language` (English and Spanish text),
`prepared` (the question as the rules read it), `choice_rules`, `stem_rules` and
`numeric_ranges`; here, the rules in the order they run and the entry points.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from types import MappingProxyType

from . import choice_rules, stem_rules
from .choice_rules import LONGEST_MARGIN, LONGEST_RATIO, MIN_DISTRACTORS
from .model import Finding, Item, ItemChoice, Kind, Language, Rule, Severity
from .prepared import RuleCheck, prepare

__all__ = [
    "LONGEST_MARGIN",
    "LONGEST_RATIO",
    "MIN_DISTRACTORS",
    "RULES",
    "Finding",
    "Item",
    "ItemChoice",
    "Kind",
    "Language",
    "Rule",
    "Severity",
    "apply_strict",
    "check",
    "has_errors",
    "unknown_rules",
]

# The rules in the order they run, which is the order of the findings.
_CHECKS: tuple[RuleCheck, ...] = (
    choice_rules.all_of_the_above,
    choice_rules.none_of_the_above,
    choice_rules.combined_choice,
    choice_rules.duplicate_choices,
    choice_rules.overlapping_choices,
    choice_rules.overlapping_ranges,
    choice_rules.longest_correct,
    choice_rules.absolute_terms,
    stem_rules.negative_stem,
    stem_rules.article_cue,
    stem_rules.number_cue,
    stem_rules.clang_association,
    choice_rules.too_few_distractors,
    stem_rules.unfocused_stem,
    choice_rules.tick_everything,
)
_REGISTRY: Mapping[str, RuleCheck] = {c.rule.id: c for c in _CHECKS}

RULES: Mapping[str, Rule] = MappingProxyType({rule_id: c.rule for rule_id, c in _REGISTRY.items()})


def check(item: Item, *, strict: bool = False) -> list[Finding]:
    """Every flaw found in `item`, in rule order, leaving out the rules named in `item.allow`.

    With `strict`, warnings are reported as errors (see `apply_strict`).
    """
    prepared = prepare(item)
    findings = [
        Finding(rule=c.rule.id, severity=c.rule.severity, message=message, hint=c.rule.hint)
        for c in _REGISTRY.values()
        if c.rule.id not in item.allow
        for message in c.find(prepared)
    ]
    return apply_strict(findings) if strict else findings


def apply_strict(findings: Iterable[Finding]) -> list[Finding]:
    """The same findings with every warning made an error, for `--strict`."""
    return [replace(f, severity=Severity.ERROR) for f in findings]


def has_errors(findings: Iterable[Finding]) -> bool:
    """Whether any finding is an error: a command's exit status in one call."""
    return any(f.severity == Severity.ERROR for f in findings)


def unknown_rules(rule_ids: Iterable[str]) -> frozenset[str]:
    """The ids in `rule_ids` that name no rule, so that a mistyped `allow` entry can be reported."""
    return frozenset(rule_ids) - RULES.keys()
