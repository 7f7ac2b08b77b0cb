"""Consent pathways built by hand with the ORM, and helpers to drive a patient's check.

Every text carries a marker that says what it is (`EXPLAIN-q0`, `FEEDBACK-RIGHT-q0`,
`SECTION-BODY-...`), so a test can look for it in a page; choice texts are neutral ("Choice A")
so the check page gives nothing away. Everything has Spanish text too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from quizzes.consent import frozen, services
from quizzes.consent.selectors import record_next_ask
from quizzes.consent.services import IssuedAccess
from quizzes.models import (
    Audience,
    Choice,
    ConsentRecord,
    Lesson,
    LessonSection,
    Pathway,
    PathwayStep,
    Question,
    Quiz,
)
from tests.factories import shown_value


@dataclass
class BuiltPathway:
    pathway: Pathway
    quiz: Quiz
    lessons: list[Lesson] = field(default_factory=list)
    sections: list[LessonSection] = field(default_factory=list)
    questions: list[Question] = field(default_factory=list)

    def question(self, index: int) -> Question:
        return self.questions[index]


def build_pathway(
    *,
    slug: str = "consent",
    questions: int = 5,
    critical: tuple[int, ...] = (0,),
    siblings: dict[int, int] | None = None,
    lessons: int = 2,
    spanish: bool = True,
    pass_mark: int = 70,
    max_rounds: int = 3,
) -> BuiltPathway:
    """A pathway of `lessons` lessons (two sections each) and a check of `questions` questions.

    Question i is named `{slug}-q{i}` and checks point `p{i}`, unless `siblings` maps it to
    another question index, whose point it then shares (so it is kept in reserve for re-asking).
    Questions listed in `critical` are critical. Each question checks a section, in turn.
    Each question has one right choice ("Choice A", fraction 1) and two wrong ones (fraction 0).
    """
    siblings = siblings or {}

    def es(**texts):
        return {"es": texts} if spanish else {}

    quiz = Quiz.objects.create(
        slug=f"{slug}-check",
        title="Check",
        audience=Audience.PATIENT,
        pass_mark=pass_mark,
        translations=es(title="Preguntas"),
    )
    pathway = Pathway.objects.create(
        slug=slug,
        title="Getting ready for kyphoplasty",
        check_quiz=quiz,
        max_rounds=max_rounds,
        translations=es(title="Preparación para la cifoplastia"),
    )
    built = BuiltPathway(pathway=pathway, quiz=quiz)
    for n in range(1, lessons + 1):
        lesson = Lesson.objects.create(
            slug=f"{slug}-lesson-{n}",
            title=f"Lesson {n} about your spine",
            audience=Audience.PATIENT,
            position=n,
            summary=f"What lesson {n} covers.",
            translations=es(title=f"Lección {n} sobre su columna", summary=f"Lo que cubre la lección {n}."),
        )
        PathwayStep.objects.create(pathway=pathway, lesson=lesson, position=n)
        built.lessons.append(lesson)
        for m in (1, 2):
            built.sections.append(
                LessonSection.objects.create(
                    lesson=lesson,
                    slug=f"part-{m}",
                    title=f"Part {m} of lesson {n}",
                    body=f"SECTION-BODY-{n}-{m}: your bones are alive.",
                    position=m,
                    translations=es(title=f"Parte {m}", body=f"CUERPO-{n}-{m}: sus huesos están vivos."),
                )
            )
    for i in range(questions):
        name = f"{slug}-q{i}"
        point = f"p{siblings.get(i, i)}"
        question = Question.objects.create(
            quiz=quiz,
            name=name,
            position=i + 1,
            kind=Question.Kind.SINGLE,
            stem=f"STEM-{name}: what is true?",
            explanation=f"EXPLAIN-{name}: here is why.",
            critical=i in critical,
            point=point,
            section=built.sections[i % len(built.sections)] if built.sections else None,
            translations=es(stem=f"PREGUNTA-{name}: ¿qué es cierto?", explanation=f"EXPLICA-{name}: por esto."),
        )
        for position, (letter, fraction, kind) in enumerate(
            [("A", Decimal(1), "RIGHT"), ("B", Decimal(0), "WRONG"), ("C", Decimal(0), "WRONG")], start=1
        ):
            Choice.objects.create(
                question=question,
                position=position,
                text=f"Choice {letter}",
                fraction=fraction,
                feedback=f"FEEDBACK-{kind}-{letter}-{name}",
                translations=es(text=f"Opción {letter}", feedback=f"COMENTARIO-{letter}-{name}"),
            )
        built.questions.append(question)
    return built


def enrol(pathway: Pathway, *, label: str = "Patient A", **kwargs) -> IssuedAccess:
    return services.enrolment_create(label=label, pathway=pathway, **kwargs)


def choice_id(content: dict, question_name: str, *, right: bool) -> int:
    """The id of a right (or a wrong) choice of a question in a record's frozen content."""
    question = frozen.question(content, question_name)
    return next(c["id"] for c in question["choices"] if (Decimal(c["fraction"]) > 0) == right)


def chosen_for(content: dict, question_name: str, *, right: bool) -> frozenset[int]:
    """What to tick to answer a question right (every right choice) or wrong (one wrong choice)."""
    question = frozen.question(content, question_name)
    if right:
        return frozenset(c["id"] for c in question["choices"] if Decimal(c["fraction"]) > 0)
    return frozenset({choice_id(content, question_name, right=False)})


def shown_values(record: ConsentRecord, ask, ids) -> list[str]:
    """What the check page sends for the choices `ids` of this ask: their values as shown."""
    shown = frozen.choices_in_order(record.pk, ask, frozen.question(record.content, ask.question))
    return sorted(shown_value(shown, i) for i in ids)


def next_ask(record: ConsentRecord):
    return record_next_ask(record=record, events=list(record.events.all()))


def view_lessons(record: ConsentRecord) -> None:
    for lesson in record.content["lessons"]:
        services.record_lesson_viewed(record=record, lesson_slug=lesson["slug"])


def answer_check(record: ConsentRecord, *, right=True, limit: int | None = None) -> ConsentRecord:
    """Answer the check as it asks; `right` is a bool or a function of the Ask. Stops after `limit`."""
    answered = 0
    while limit is None or answered < limit:
        ask = next_ask(record)
        if ask is None:
            break
        is_right = right(ask) if callable(right) else right
        chosen = chosen_for(record.content, ask.question, right=is_right)
        services.record_answer(record_id=record.pk, ask=ask, chosen=chosen)
        answered += 1
    return ConsentRecord.objects.get(pk=record.pk)


def started_record(pathway: Pathway, *, label: str = "Patient A", lessons_read: bool = True) -> ConsentRecord:
    record = services.record_get_or_start(enrolment=enrol(pathway, label=label).enrolment)
    if lessons_read:
        view_lessons(record)
    return record
