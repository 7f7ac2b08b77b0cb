"""The data every page of the axe test is shown with: the real content, and each role's work
in the states a user meets (a quiz under way and one submitted, self-tests in tutor and timed
mode, a patient part-way through the check with a wrong answer, one who has finished, records
for the clinician, statistics for the educator).

Only what a visitor needs is built (`scene_build(visitor)`): the content for everyone, the
trainee's history for the trainee and the educator's statistics, patients for patients and
for the clinician.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.management import call_command

from quizzes import roles
from quizzes.consent import services as consent_services
from quizzes.consent.selectors import lesson_step, record_check_step
from quizzes.learning import services as learning_services
from quizzes.models import ConsentRecord, Lesson, Pathway, Quiz, SelfTest, Topic
from quizzes.selftest import answers
from quizzes.selftest import services as selftest_services
from tests.consent.factories import answer_check, chosen_for

PATHWAY = "kyphoplasty"
QUIZ_OPEN = "trainee-vcf-and-kyphoplasty"  # a quiz under way
QUIZ_DONE = "trainee-osteoporosis"  # a quiz submitted, with its result
PATIENTS = ["patient_en", "patient_es", "patient_done_en", "patient_done_es"]


@dataclass
class Patient:
    """A patient's way in (the link's token) and their record."""

    token: str
    record: ConsentRecord
    wrong_answer: int | None = None  # the id of an answer event that was wrong (its feedback page)


@dataclass
class Scene:
    pathway: Pathway
    users: dict = field(default_factory=dict)  # visitor -> user, for those who log in with a password
    patients: dict = field(default_factory=dict)  # visitor -> Patient
    attempt: object = None  # a submitted attempt
    tests: dict = field(default_factory=dict)  # "tutor", "timed", "finished" -> SelfTest

    @property
    def patient_lesson(self) -> Lesson:
        return Lesson.objects.filter(audience="patient").order_by("position", "pk").first()

    @property
    def trainee_lesson(self) -> Lesson:
        return Lesson.objects.filter(audience="trainee").order_by("position", "pk").first()


def scene_build(visitor: str) -> Scene:
    """The content, plus what `visitor` (a key of axe_pages.VISITORS) sees."""
    call_command("load_content", stdout=io.StringIO())
    roles.roles_sync()  # the groups, in case the flush between tests took them
    scene = Scene(pathway=Pathway.objects.get(slug=PATHWAY))
    if visitor in {"trainee", "educator"}:
        _trainee_work(scene)
    if visitor == "educator":
        scene.users["educator"] = _staff_user("educator", roles.EDUCATOR, is_staff=True)
    if visitor == "clinician":
        scene.users["clinician"] = _staff_user("clinician", roles.CLINICIAN)
    if visitor.startswith("patient") or visitor == "clinician":
        _patients(scene, visitor)
    return scene


def _staff_user(username: str, role: str, *, is_staff: bool = False):
    user = get_user_model().objects.create_user(username=f"axe-{username}", is_staff=is_staff)
    roles.role_assign(user=user, role=role)
    return user


# Trainee ----------------------------------------------------------------------------------------


def _trainee_work(scene: Scene) -> None:
    user = get_user_model().objects.create_user(username="demo-trainee")
    roles.role_assign(user=user, role=roles.TRAINEE)
    scene.users["trainee"] = user
    # Weeks of finished self-tests, due reviews and peers: progress, percentiles, review queue.
    call_command("demo_history", weeks=2, peers=3, stdout=io.StringIO())
    done = Quiz.objects.get(slug=QUIZ_DONE)
    attempt = learning_services.attempt_get_or_start(user=user, quiz=done, rng=random.Random(1))
    # The first choice shown of each question: some right, some wrong, so the result shows both.
    chosen = {r.position: frozenset({r.snapshot["choices"][0]["id"]}) for r in attempt.responses.all()}
    scene.attempt = learning_services.attempt_submit(attempt=attempt, answers=chosen)
    learning_services.attempt_get_or_start(user=user, quiz=Quiz.objects.get(slug=QUIZ_OPEN), rng=random.Random(2))
    topics = list(Topic.objects.order_by("pk")[:3])
    for mode in (SelfTest.Mode.TUTOR, SelfTest.Mode.TIMED):
        scene.tests[mode] = selftest_services.selftest_create(
            user=user, topics=topics, pool=SelfTest.Pool.ALL, count=5, mode=mode, rng=random.Random(3)
        )
    # Tutor: the first question answered wrongly and checked (its feedback shows), the second flagged.
    tutor = scene.tests[SelfTest.Mode.TUTOR]
    first = tutor.items.get(position=1)
    wrong = [c["id"] for c in first.snapshot["choices"] if Decimal(c["fraction"]) <= 0][:1]
    answers.selftest_answer(user=user, test_id=tutor.pk, position=1, chosen=wrong)
    answers.selftest_answer(user=user, test_id=tutor.pk, position=2, flagged=True)
    timed = scene.tests[SelfTest.Mode.TIMED]
    answers.selftest_answer(user=user, test_id=timed.pk, position=1, chosen=[_first_id(timed)])
    scene.tests["finished"] = SelfTest.objects.filter(user=user, finished_at__isnull=False).order_by("-pk").first()


def _first_id(test: SelfTest) -> int:
    return test.items.get(position=1).snapshot["choices"][0]["id"]


# Patients ---------------------------------------------------------------------------------------


def _patients(scene: Scene, visitor: str) -> None:
    """The patient visiting (the clinician: all of them). In each language one is part-way
    through the check, a wrong answer just given; another has finished, with a point to discuss."""
    for key in PATIENTS if visitor == "clinician" else [visitor]:
        language, finished = key[-2:], "done" in key
        issued = consent_services.enrolment_create(label=f"Axe {key}", pathway=scene.pathway, language=language)
        record = consent_services.record_get_or_start(enrolment=issued.enrolment)
        _read_every_step(record)
        wrong = _answer_wrong(record)
        if finished:
            record = answer_check(record, right=True)
        scene.patients[key] = Patient(token=issued.token, record=record, wrong_answer=wrong)


def _read_every_step(record: ConsentRecord) -> None:
    for lesson in record.content["lessons"]:
        number = 1
        while (step := lesson_step(record=record, slug=lesson["slug"], number=number)) is not None:
            consent_services.record_step_reached(record=record, step=step)
            number += 1


def _answer_wrong(record: ConsentRecord) -> int:
    step = record_check_step(record=record, events=list(record.events.all()))
    chosen = chosen_for(record.content, step.ask.question, right=False)
    return consent_services.record_answer(record_id=record.pk, ask=step.ask, chosen=chosen).pk
