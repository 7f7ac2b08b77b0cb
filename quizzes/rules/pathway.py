"""The consent pathway's core path, free of Django: lesson steps, where to resume, and how long
the required part takes.

Works on a record's frozen content (see `consent/frozen.py`): lessons with sections, each
section optionally `optional` ("More about this"), and questions, each optionally `practice`
(extra practice a patient may choose). Content frozen before these flags existed has neither:
every section is then a step and every question is in the check.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from . import teachback

# How fast the patients we write for read: older readers with limited health literacy read
# 100-130 words a minute; the estimate takes the slow end.
WORDS_PER_MINUTE = 100
# The budget for the core path, per pathway and language (quizzes/content/README.md).
MAX_CORE_WORDS = 2000
MAX_CORE_QUESTIONS = 12

_TAG = re.compile(r"<[^>]+>")
_WORD = re.compile(r"\w+")


def words(text: str) -> int:
    """Words in a text or an HTML fragment (tags are not words)."""
    return len(_WORD.findall(_TAG.sub(" ", text or "")))


@dataclass(frozen=True)
class Step:
    """One step of a lesson: a required section, with the optional parts that go with it."""

    number: int
    section: Mapping[str, Any]
    more: tuple[Mapping[str, Any], ...] = ()


def lesson_steps(lesson: Mapping[str, Any]) -> list[Step]:
    """A lesson's steps: one per required section, in order. An optional section goes with the
    required section before it (or the first one, if it comes first)."""
    required = [s for s in lesson["sections"] if not s.get("optional")]
    more: dict[str, list] = {s["slug"]: [] for s in required}
    owner = required[0]["slug"] if required else None
    for section in lesson["sections"]:
        if not section.get("optional"):
            owner = section["slug"]
        elif owner is not None:
            more[owner].append(section)
    return [Step(number=n, section=s, more=tuple(more[s["slug"]])) for n, s in enumerate(required, start=1)]


def core_items(questions: Sequence[Mapping[str, Any]]) -> list[teachback.Item]:
    """The check's questions as teach-back reads them; practice questions are never asked."""
    return [
        teachback.Item(name=q["name"], point=q["point"], critical=q["critical"])
        for q in questions
        if not q.get("practice")
    ]


@dataclass(frozen=True)
class Resume:
    """Where a patient goes on: a lesson step, or (lesson None) the questions."""

    lesson: str | None
    step: int = 1


def resume_at(
    lessons: Sequence[Mapping[str, Any]], reached: Collection[tuple[str, str]], read: Collection[str]
) -> Resume:
    """The first lesson not read to the end, at the furthest step reached in it (the step the
    patient stopped on); the questions once every lesson is read. `reached` holds (lesson slug,
    section slug) pairs; `read` the lessons read to their last step."""
    for lesson in lessons:
        if lesson["slug"] in read:
            continue
        steps = lesson_steps(lesson)
        furthest = max((s.number for s in steps if (lesson["slug"], s.section["slug"]) in reached), default=1)
        return Resume(lesson=lesson["slug"], step=furthest)
    return Resume(lesson=None)


@dataclass(frozen=True)
class CoreSize:
    """What the core path asks of a patient: required words, lessons, round-1 questions, and
    the minutes it takes at WORDS_PER_MINUTE (rounded up to five)."""

    words: int
    lessons: int
    questions: int

    @property
    def minutes(self) -> int:
        return 5 * max(1, math.ceil(self.words / WORDS_PER_MINUTE / 5))

    @property
    def within_budget(self) -> bool:
        return self.words <= MAX_CORE_WORDS and self.questions <= MAX_CORE_QUESTIONS


def core_size(content: Mapping[str, Any], *, confirmation_words: int) -> CoreSize:
    """Count the core path of frozen content: each lesson's title and required sections, and
    each round-1 question's stem and choices plus the short confirmation shown after a right
    answer (`confirmation_words`). Optional parts and practice questions are not counted."""
    total = 0
    for lesson in content["lessons"]:
        total += words(lesson["title"])
        for step in lesson_steps(lesson):
            total += words(step.section["title"]) + words(step.section["body_html"])
    by_name = {q["name"]: q for q in content["questions"]}
    slots = teachback.slots_of(core_items(content["questions"]))
    for slot in slots:
        q = by_name[slot.name]
        total += words(q["stem"]) + sum(words(c["text"]) for c in q["choices"]) + confirmation_words
    return CoreSize(words=total, lessons=len(content["lessons"]), questions=len(slots))
