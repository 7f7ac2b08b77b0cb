"""Reads for consent education: pathways to freeze, a patient's enrolment and record, the
clinician's list."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Case, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from ..models import ConsentRecord, Enrolment, LessonSection, Pathway, PathwayStep, Question, RecordEvent
from ..rules import pathway as core
from ..rules import teachback
from ..snapshots import snapshot_mark
from . import frozen

# The short confirmation after a right answer, counted in the core path's words.
RIGHT_ANSWER = _("That is right.")


def pathway_get_for_freezing(*, pk: int) -> Pathway:
    """A pathway with every lesson, section, question and choice its record will copy."""
    return (
        Pathway.objects.select_related("check_quiz")
        .prefetch_related(
            Prefetch("steps", queryset=PathwayStep.objects.select_related("lesson").order_by("position")),
            Prefetch("steps__lesson__sections", queryset=LessonSection.objects.order_by("position")),
            Prefetch(
                "check_quiz__questions",
                queryset=Question.objects.select_related("section__lesson")
                .prefetch_related("choices")
                .order_by("position"),
            ),
        )
        .get(pk=pk)
    )


def pathway_check_language(*, pathway: Pathway, language: str) -> None:
    """Raise MissingTranslation unless every text of the pathway exists in `language`."""
    frozen.pathway_content(pathway=pathway_get_for_freezing(pk=pathway.pk), language=language)


def enrolment_for_patient(*, user) -> Enrolment | None:
    """The signed-in patient's own enrolment, with its record if started."""
    return Enrolment.objects.select_related("pathway", "record").filter(user=user).first()


def record_events(*, record: ConsentRecord) -> list[RecordEvent]:
    """A record's timeline, oldest first."""
    return list(record.events.all())


def record_answers(events) -> list[teachback.Answer]:
    """The answers among a record's events, as teach-back reads them."""
    return [
        teachback.Answer(slot=e.slot, question=e.question, round=e.round, correct=bool(e.correct))
        for e in events
        if e.kind == RecordEvent.Kind.ANSWER
    ]


def record_next_ask(*, record: ConsentRecord, events) -> teachback.Ask | None:
    """What the check asks next, given the record's events (None once it is over)."""
    return teachback.next_ask(frozen.items(record.content), record_answers(events), record.max_rounds)


PATIENT_STATUSES = {
    "not_started": _("Not started"),
    ConsentRecord.Status.IN_PROGRESS: ConsentRecord.Status.IN_PROGRESS.label,
    ConsentRecord.Status.MASTERY: ConsentRecord.Status.MASTERY.label,
    ConsentRecord.Status.NEEDS_DISCUSSION: ConsentRecord.Status.NEEDS_DISCUSSION.label,
}


AWAITING_SIGNOFF = "awaiting_signoff"

# What the clinician's list can show: the records to act on (the default), then each status.
LIST_FILTERS = {AWAITING_SIGNOFF: _("Awaiting sign-off"), **PATIENT_STATUSES}

# `services.sign_off_refusal` says None to exactly these records, as a query: completed and not
# signed off.
_AWAITING_SIGNOFF = Q(record__completed_at__isnull=False, record__signoff__isnull=True)


def enrolment_list(*, status: str | None = None, search: str = "") -> QuerySet[Enrolment]:
    """Enrolled patients for the clinician's list, optionally filtered: those awaiting sign-off
    first, then newest first."""
    qs = Enrolment.objects.select_related("pathway", "record", "record__signoff", "created_by")
    if status == AWAITING_SIGNOFF:
        qs = qs.filter(_AWAITING_SIGNOFF)
    elif status == "not_started":
        qs = qs.filter(record__isnull=True)
    elif status in ConsentRecord.Status.values:
        qs = qs.filter(record__status=status)
    if search:
        qs = qs.filter(label__icontains=search)
    awaiting_first = Case(When(_AWAITING_SIGNOFF, then=Value(0)), default=Value(1), output_field=IntegerField())
    return qs.order_by(awaiting_first, "-created_at", "-id")


def enrolment_get_for_staff(*, pk: int) -> Enrolment:
    """One enrolment with its record, sign-off and timeline; 404 if unknown."""
    return get_object_or_404(
        Enrolment.objects.select_related("pathway", "record", "record__signoff__by", "created_by").prefetch_related(
            "record__events"
        ),
        pk=pk,
    )


def _read_and_reached(events) -> tuple[set[str], set[tuple[str, str]]]:
    read = {e.lesson for e in events if e.kind == RecordEvent.Kind.LESSON_VIEWED}
    reached = {(e.lesson, e.section) for e in events if e.kind == RecordEvent.Kind.STEP}
    return read, reached


def pathway_lessons(*, record: ConsentRecord, events) -> tuple[list[dict], dict | None]:
    """The record's lessons, each with whether it was read to its last step (`viewed`) and its
    steps reached of all, and the first one not read to the end yet."""
    read, reached = _read_and_reached(events)
    lessons = []
    for lesson in record.content["lessons"]:
        steps = core.lesson_steps(lesson)
        done = lesson["slug"] in read
        steps_reached = sum(1 for s in steps if (lesson["slug"], s.section["slug"]) in reached)
        lessons.append(
            {
                **lesson,
                "viewed": done,
                "steps_total": len(steps),
                "steps_reached": len(steps) if done else steps_reached,
            }
        )
    return lessons, next((lesson for lesson in lessons if not lesson["viewed"]), None)


def record_resume(*, record: ConsentRecord, events) -> core.Resume:
    """Where the patient stopped: the lesson step, or the questions."""
    read, reached = _read_and_reached(events)
    return core.resume_at(record.content["lessons"], reached, read)


def core_size(content: dict) -> core.CoreSize:
    """How much the core path of frozen (or about to be frozen) content asks, in its language."""
    with translation.override(content["language"]):
        confirmation = str(RIGHT_ANSWER)
    return core.core_size(content, confirmation_words=core.words(confirmation))


def pathway_core_size(*, pathway: Pathway, language: str) -> core.CoreSize:
    """The core path of a pathway as a patient enrolled now in `language` would meet it."""
    return core_size(frozen.pathway_content(pathway=pathway_get_for_freezing(pk=pathway.pk), language=language))


def access_sheet(*, issued, absolute_url) -> dict:
    """What the printed access sheet shows, once: the link and code in clear, how long the
    pathway takes in the patient's language, and how to reach the clinic. `absolute_url` turns
    a path into the address the patient types (the request's `build_absolute_uri`)."""
    enrolment = issued.enrolment
    return {
        "enrolment": enrolment,
        "pathway_title": enrolment.pathway.title_in(enrolment.language),
        "link": absolute_url(reverse("quizzes:consent_link", args=[issued.token])),
        "code": Enrolment.format_code(issued.code),
        "code_url": absolute_url(reverse("quizzes:consent_code")),
        "size": pathway_core_size(pathway=enrolment.pathway, language=enrolment.language),
        "clinic_name": settings.CLINIC_NAME,
        "clinic_phone": settings.CLINIC_PHONE,
    }


@dataclass(frozen=True)
class LessonStep:
    """One step of a lesson as the patient reads it."""

    lesson: dict
    step: core.Step
    steps_total: int
    next_lesson: dict | None
    lesson_number: int
    lessons_total: int

    @property
    def is_last(self) -> bool:
        return self.step.number == self.steps_total


def lesson_step(*, record: ConsentRecord, slug: str, number: int) -> LessonStep | None:
    """Step `number` of the record's lesson `slug`; None if there is no such lesson or step."""
    lessons = record.content["lessons"]
    index = next((i for i, lesson in enumerate(lessons) if lesson["slug"] == slug), None)
    if index is None:
        return None
    steps = core.lesson_steps(lessons[index])
    if not 1 <= number <= len(steps):
        return None
    return LessonStep(
        lesson=lessons[index],
        step=steps[number - 1],
        steps_total=len(steps),
        next_lesson=lessons[index + 1] if index + 1 < len(lessons) else None,
        lesson_number=index + 1,
        lessons_total=len(lessons),
    )


def lesson_more(*, record: ConsentRecord, slug: str, section: str) -> dict | None:
    """A "More about this" part of the record's lesson, with the step it belongs to; None if
    the record has no such optional part."""
    lesson = frozen.lesson(record.content, slug)
    if lesson is None:
        return None
    for step in core.lesson_steps(lesson):
        for part in step.more:
            if part["slug"] == section:
                return {"lesson": lesson, "part": part, "step": step.number}
    return None


def practice_question(*, record: ConsentRecord, number: int) -> dict | None:
    """Practice question `number` (from 1) with its choices in a stable shown order; None if none."""
    questions = frozen.practice_questions(record.content)
    if not 1 <= number <= len(questions):
        return None
    question = questions[number - 1]
    ask = teachback.Ask(slot="practice", question=question["name"], round=0)
    return {
        "question": question,
        "ask": ask,
        "choices": frozen.choices_in_order(record.pk, ask, question),
        "number": number,
        "total": len(questions),
    }


def practice_feedback(question: dict, chosen: frozenset[int]) -> dict:
    """Whether a practice answer is right, and the choices picked (with their feedback)."""
    return {
        "correct": snapshot_mark(question, chosen) >= 1,
        "chosen": [c for c in question["choices"] if c["id"] in chosen],
    }


def record_check_progress(*, record: ConsentRecord, events, ask: teachback.Ask) -> teachback.RoundProgress:
    """How far the patient is in the round being asked."""
    return teachback.round_progress(frozen.items(record.content), record_answers(events), ask)


def record_answer_events(events) -> list[RecordEvent]:
    """The answers among a record's events, oldest first."""
    return [e for e in events if e.kind == RecordEvent.Kind.ANSWER]


def pathway_overview(*, record: ConsentRecord, events) -> dict:
    """What the pathway home shows: how long the core path takes, the lessons and how far each
    was read, the questions answered of all in round 1, where to go on, and the points to discuss."""
    lessons, next_lesson = pathway_lessons(record=record, events=events)
    answers = record_answers(events)
    return {
        "size": core_size(record.content),
        "lessons": lessons,
        "next_lesson": next_lesson,
        "resume": record_resume(record=record, events=events),
        "questions_total": len(teachback.slots_of(frozen.items(record.content))),
        "questions_answered": len({a.slot for a in answers if a.round == 1}),
        "going_over_again": any(a.round > 1 for a in answers),
        "discussion": [frozen.question(record.content, name)["stem"] for name in record.discussion_points],
        "check_started": bool(answers),
        "practice_total": len(frozen.practice_questions(record.content)),
    }


@dataclass(frozen=True)
class CheckStep:
    """Where the comprehension check stands: a lesson still to read first, else the question
    asked now (None once the check is over) with its choices in the order shown."""

    next_lesson: dict | None = None
    ask: teachback.Ask | None = None
    question: dict | None = None
    choices: list[dict] = field(default_factory=list)
    progress: teachback.RoundProgress | None = None


def record_check_step(*, record: ConsentRecord, events) -> CheckStep:
    """The check's next step for this record (lessons come first)."""
    _lessons, next_lesson = pathway_lessons(record=record, events=events)
    if next_lesson is not None:
        return CheckStep(next_lesson=next_lesson)
    ask = None if record.is_completed else record_next_ask(record=record, events=events)
    if ask is None:
        return CheckStep()
    question = frozen.question(record.content, ask.question)
    return CheckStep(
        ask=ask,
        question=question,
        choices=frozen.choices_in_order(record.pk, ask, question),
        progress=record_check_progress(record=record, events=events, ask=ask),
    )


def record_feedback(*, record: ConsentRecord, events, pk: int) -> dict | None:
    """What the feedback page shows for one of the record's answers; None if it has no such answer."""
    event = next((e for e in record_answer_events(events) if e.pk == pk), None)
    if event is None:
        return None
    question = frozen.question(record.content, event.question)
    return {
        "event": event,
        "question": question,
        "chosen": [c for c in question["choices"] if c["id"] in set(event.chosen)],
        "section": frozen.section(record.content, question["section"]),
        "ask": teachback.Ask(slot=event.slot, question=event.question, round=event.round),
    }
