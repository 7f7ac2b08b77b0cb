"""One small site with every role and something of each kind owned by two users, A and B.

Built once per module by the access matrix, the answer-key and the fuzz tests
(`world_fixture`): the module's tests run inside a transaction that is rolled back at the end,
and each request they make runs in a savepoint of its own (`isolated`), so one request never
sees what another changed.

Texts that must never reach a learner before submission carry sentinels: `EXPLANATION-SECRET`
and `FEEDBACK-SECRET` (trainee questions, whose choices are all called "Choice n") and
`EXPLAIN-`, `FEEDBACK-` (the patient's check, tests/consent/factories.py).
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.db import transaction
from django.test import Client, override_settings

from quizzes import roles
from quizzes.consent import services as consent_services
from quizzes.learning import services as learning_services
from quizzes.models import Audience, LessonSection, Question, SelfTest
from quizzes.selftest import services as selftest_services
from tests.consent.factories import answer_check, build_pathway, enrol, next_ask, view_lessons
from tests.factories import LessonFactory, LessonSectionFactory, QuestionFactory, QuizFactory, TopicFactory

EXPLANATION = "EXPLANATION-SECRET"
FEEDBACK = "FEEDBACK-SECRET"
ROLES = ["anon", "patient_a", "patient_b", "trainee_a", "trainee_b", "educator", "clinician"]
MISSING_PK = 987654321
MISSING_SLUG = "no-such-thing"


@dataclass
class World:
    users: dict = field(default_factory=dict)  # role -> User (no "anon")
    sessions: dict = field(default_factory=dict)  # role -> session key
    objects: dict = field(default_factory=dict)  # "kind@A" -> model instance
    secrets: dict = field(default_factory=dict)  # "token@A", "code@A" -> str
    quiz: object = None  # trainee quiz with submitted attempts
    open_quiz: object = None  # trainee quiz with open attempts
    lesson: object = None  # trainee lesson linked from the quizzes
    pathway: object = None
    topics: list = field(default_factory=list)

    def client(self, role: str) -> Client:
        """A fresh client signed in as `role` (anonymous for "anon"), sharing nothing with others."""
        client = Client()
        if role != "anon":
            client.cookies[django_settings.SESSION_COOKIE_NAME] = self.sessions[role]
        return client


def _trainee_content(world: World) -> None:
    topics = [TopicFactory(), TopicFactory()]
    lesson = LessonFactory(audience=Audience.TRAINEE, slug="spine-basics")
    section = LessonSectionFactory(lesson=lesson)
    quizzes = []
    for slug in ("done-quiz", "open-quiz"):
        quiz = QuizFactory(slug=slug)
        quiz.lessons.add(lesson)
        for i in range(4):
            QuestionFactory(
                quiz=quiz,
                position=i + 1,
                topic=topics[i % 2],
                section=section,
                explanation=f"{EXPLANATION}-{slug}-{i}",
                # Neutral texts: only the fraction and the feedback say which choice is right.
                choices=[(f"Choice {n}", Decimal(n == 1), f"{FEEDBACK}-{slug}-{i}-{n}") for n in range(1, 5)],
            )
        quizzes.append(quiz)
    world.quiz, world.open_quiz = quizzes
    world.lesson, world.topics = lesson, topics


def _trainee_records(world: World, owner: str, user) -> None:
    done = learning_services.attempt_start(user=user, quiz=world.quiz)
    world.objects[f"attempt@{owner}"] = learning_services.attempt_submit(attempt=done, answers={})
    world.objects[f"open_attempt@{owner}"] = learning_services.attempt_start(user=user, quiz=world.open_quiz)
    make = selftest_services.selftest_create
    finished = make(
        user=user, topics=world.topics, pool="all", count=3, mode=SelfTest.Mode.TUTOR, seconds_per_question=60
    )
    world.objects[f"done_selftest@{owner}"] = selftest_services.selftest_finish(user=user, test_id=finished.pk)
    world.objects[f"selftest@{owner}"] = make(
        user=user, topics=world.topics, pool="all", count=3, mode=SelfTest.Mode.TIMED, seconds_per_question=600
    )
    world.objects[f"tutor_selftest@{owner}"] = make(
        user=user, topics=world.topics, pool="all", count=3, mode=SelfTest.Mode.TUTOR, seconds_per_question=60
    )


def _patients(world: World, clinician) -> None:
    built = build_pathway(slug="kypho", questions=4, critical=(0,))
    LessonSection.objects.create(
        lesson=built.lessons[0], slug="more-1", title="More", body="MORE-BODY", position=1, optional=True
    )
    Question.objects.filter(pk=built.question(3).pk).update(practice=True)
    world.pathway = built.pathway
    for owner in ("A", "B"):
        issued = enrol(built.pathway, label=f"Patient {owner}", created_by=clinician)
        world.users[f"patient_{owner.lower()}"] = issued.enrolment.user
        world.secrets[f"token@{owner}"], world.secrets[f"code@{owner}"] = issued.token, issued.code
        world.objects[f"enrolment@{owner}"] = issued.enrolment
        record = consent_services.record_get_or_start(enrolment=issued.enrolment)
        view_lessons(record)
        record = answer_check(record, right=False, limit=1)  # a wrong answer: a feedback page
        world.objects[f"event@{owner}"] = record.events.filter(kind="answer").latest("pk")
        if owner == "B":
            record = answer_check(record, right=True)  # completed: ready for sign-off
        world.objects[f"record@{owner}"] = record
    assert next_ask(world.objects["record@A"]) is not None
    signed = consent_services.record_get_or_start(enrolment=enrol(built.pathway, label="Patient C").enrolment)
    view_lessons(signed)
    consent_services.record_sign_off(record=answer_check(signed, right=True), by=clinician, note="Seen.")


def _sign_in_records() -> None:
    """One row of each of django-axes' tables, so the admin has something to show of each."""
    seen = {"user_agent": "test", "ip_address": "192.0.2.1", "username": "someone", "http_accept": "*/*"}
    AccessAttempt.objects.create(**seen, path_info="/accounts/login/", failures_since_start=1)
    AccessLog.objects.create(**seen, path_info="/accounts/login/")
    AccessFailureLog.objects.create(**seen, path_info="/accounts/login/")


def world_build() -> World:
    """Every role, and for A and B: attempts, self-tests, enrolments, consent records and events."""
    world = World()
    user_model = get_user_model()
    for role in ("trainee_a", "trainee_b", "educator", "clinician"):
        user = user_model.objects.create_user(username=role, password=f"{role}-password-1")
        group = role.split("_")[0]
        roles.role_assign(user=user, role=group)
        if group == roles.EDUCATOR:
            user.is_staff = True  # educators write content in the admin (as demo_setup makes them)
            user.save()
        world.users[role] = user
    _trainee_content(world)
    for owner in ("A", "B"):
        _trainee_records(world, owner, world.users[f"trainee_{owner.lower()}"])
    _patients(world, world.users["clinician"])
    learning_services.lesson_record_view(user=world.users["trainee_a"], lesson=world.lesson)
    _sign_in_records()
    for role, user in world.users.items():
        client = Client()
        backend = "quizzes.backends.EnrolmentBackend" if role.startswith("patient") else None
        client.force_login(user, backend=backend)
        world.sessions[role] = client.session.session_key
    return world


def clear_caches() -> None:
    for cache in caches.all():
        cache.clear()


@contextlib.contextmanager
def isolated():
    """Run a request whose writes are undone afterwards, with the caches emptied on both sides."""
    clear_caches()
    with transaction.atomic():
        yield
        transaction.set_rollback(True)
    clear_caches()


def world_fixture():
    """A module-scoped fixture building the world once; everything is rolled back at the end."""

    @pytest.fixture(scope="module")
    def world(django_db_setup, django_db_blocker):
        fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
        with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=fast):
            with transaction.atomic():
                clear_caches()
                yield world_build()
                transaction.set_rollback(True)
            clear_caches()

    return world
