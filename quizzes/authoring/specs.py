"""Questions as the content files and the exchange format describe them: parsed and checked.

Every way a question arrives (a content file, an import, the admin) ends in a `QuestionSpec`
checked by these rules, so a question is validated by one set of rules whichever way it came.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from ..models import Question
from ..rules import grading, item_writing

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
FRACTION_PLACES = Decimal("0.0000001")
DIFFICULTIES = {d.value for d in Question.Difficulty}


class ContentError(ValueError):
    """A content file or import that breaks a rule; the message says where and why."""


@dataclass(frozen=True)
class ChoiceSpec:
    text: str
    fraction: Decimal
    feedback: str = ""


@dataclass(frozen=True)
class AllowSpec:
    """An item-writing rule that does not apply to one question, with the reason it does not."""

    rule: str
    reason: str


@dataclass(frozen=True)
class QuestionSpec:
    name: str
    kind: grading.Kind
    stem: str
    choices: tuple[ChoiceSpec, ...]
    explanation: str = ""
    source: str = ""
    topic: str | None = None
    difficulty: str = Question.Difficulty.MEDIUM.value
    section: str | None = None  # "lesson-slug#section-slug"
    critical: bool = False
    point: str = ""
    practice: bool = False  # extra practice a patient may choose, never asked in a consent check
    # "partial" or "all_or_nothing"; empty when the source did not say (partial, or kept as stored)
    scoring: str = ""
    # {"es": {"stem": ..., "explanation": ..., "choices": [{"text": ..., "feedback": ...}]}}
    translations: dict = field(default_factory=dict, compare=False)
    allow: tuple[AllowSpec, ...] = ()

    def content_hash(self) -> str:
        """A digest of what learners see and how it is marked: a change to it bumps the version.

        `allow` is neither, so recording an exception restarts nobody's attempt, and the hashes
        stored before it existed still match.
        """
        data = asdict(self)
        del data["allow"]
        if not data["practice"]:
            del data["practice"]  # so questions written before the flag keep their hash and version
        if data["scoring"] in ("", grading.Scoring.PARTIAL):
            del data["scoring"]  # likewise for questions written before scoring modes
        return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()

    def allowed_rules(self) -> frozenset[str]:
        """The ids of the item-writing rules this question is excused from."""
        return frozenset(a.rule for a in self.allow)


# Parsing and validation ---------------------------------------------------------------------


def _require(data: dict, key: str, where: str) -> Any:
    value = data.get(key)
    if value in (None, ""):
        raise ContentError(f"{where}: '{key}' is required.")
    return value


def _slug(value: Any, where: str, key: str) -> str:
    if not isinstance(value, str) or not SLUG.match(value):
        raise ContentError(f"{where}: '{key}' must be lower-case words joined by hyphens, got {value!r}.")
    return value


def _fraction(value: Any, where: str) -> Decimal:
    try:
        fraction = Decimal(str(value))
    except InvalidOperation:
        raise ContentError(f"{where}: fraction {value!r} is not a number.") from None
    if not fraction.is_finite():
        raise ContentError(f"{where}: fraction {value!r} is not a number.")
    if abs(fraction) > 1:
        raise ContentError(f"{where}: fraction {value!r} must be between -1 and 1.")
    # The precision the database keeps, so 1, 1.0 and 1.0000000 are one value.
    return fraction.quantize(FRACTION_PLACES)


def _choice_specs(items: list[dict], where: str) -> tuple[ChoiceSpec, ...]:
    """Choices from a content file or an import: text, fraction and feedback."""
    return tuple(
        ChoiceSpec(
            text=str(_require(c, "text", where)).strip(),
            fraction=_fraction(c.get("fraction", 0), where),
            feedback=str(c.get("feedback") or "").strip(),
        )
        for c in items
    )


def allow_specs(value: Any, where: str) -> tuple[AllowSpec, ...]:
    """Read an `allow:` list of {rule, reason}: each rule a known id, each with its reason."""
    if value in (None, ""):
        return ()
    if not isinstance(value, list):
        raise ContentError(f"{where}: 'allow' must be a list of {{rule, reason}} entries.")
    allowed: list[AllowSpec] = []
    for entry in value:
        if not isinstance(entry, dict) or set(entry) - {"rule", "reason"}:
            raise ContentError(f"{where}: each 'allow' entry has a 'rule' and a 'reason', got {entry!r}.")
        rule = entry.get("rule")
        reason = entry.get("reason")
        if not isinstance(rule, str) or item_writing.unknown_rules([rule]):
            known = ", ".join(item_writing.RULES)
            raise ContentError(f"{where}: 'allow' names an unknown rule {rule!r}; the rules are: {known}.")
        if not isinstance(reason, str) or not reason.strip():
            raise ContentError(f"{where}: 'allow' of {rule!r} needs a 'reason': say why the rule does not apply.")
        if rule in {a.rule for a in allowed}:
            raise ContentError(f"{where}: 'allow' lists {rule!r} twice.")
        allowed.append(AllowSpec(rule=rule, reason=" ".join(reason.split())))
    return tuple(allowed)


def allow_from_stored(value: Any) -> tuple[AllowSpec, ...]:
    """A question's stored exceptions as specs, without checking them again.

    An exception naming a rule retired since it was recorded is carried along, not refused.
    """
    entries = value if isinstance(value, list) else []
    return tuple(
        AllowSpec(rule=str(e["rule"]), reason=str(e.get("reason") or ""))
        for e in entries
        if isinstance(e, dict) and e.get("rule")
    )


def question_spec_validate(spec: QuestionSpec, where: str) -> QuestionSpec:
    """Raise ContentError unless the question follows the rules for its kind."""
    _slug(spec.name, where, "name")
    if not spec.stem.strip():
        raise ContentError(f"{where}: the question text is empty.")
    if spec.difficulty not in DIFFICULTIES:
        raise ContentError(f"{where}: difficulty must be one of {sorted(DIFFICULTIES)}.")
    if spec.practice and spec.critical:
        raise ContentError(f"{where}: a practice question cannot be critical: critical points are in the check.")
    if any(not c.text.strip() for c in spec.choices):
        raise ContentError(f"{where}: a choice has no text.")
    if spec.scoring and spec.scoring not in set(grading.Scoring):
        raise ContentError(f"{where}: scoring must be one of {', '.join(grading.Scoring)}, got {spec.scoring!r}.")
    errors = grading.fraction_errors(spec.kind, [(c.text, c.fraction) for c in spec.choices])
    if errors:
        raise ContentError(f"{where}: {' '.join(errors)}")
    return spec


def _kind(value: Any, where: str) -> grading.Kind:
    try:
        return grading.Kind(value)
    except ValueError:
        raise ContentError(f"{where}: type must be single, multiple or truefalse, got {value!r}.") from None


def question_spec_from_yaml(data: dict, where: str) -> QuestionSpec:
    name = _require(data, "name", where)
    where = f"{where} question '{name}'"
    choices = data.get("choices") or []
    if not isinstance(choices, list):
        raise ContentError(f"{where}: 'choices' must be a list.")
    return question_spec_validate(
        QuestionSpec(
            name=name,
            kind=_kind(_require(data, "type", where), where),
            stem=str(_require(data, "stem", where)).strip(),
            explanation=str(data.get("explanation") or "").strip(),
            source=str(data.get("source") or "").strip(),
            topic=data.get("topic"),
            difficulty=data.get("difficulty") or Question.Difficulty.MEDIUM.value,
            section=data.get("section"),
            critical=bool(data.get("critical", False)),
            point=data.get("point") or "",
            practice=bool(data.get("practice", False)),
            scoring=data.get("scoring") or "",
            choices=_choice_specs(choices, where),
            allow=allow_specs(data.get("allow"), where),
        ),
        where,
    )
