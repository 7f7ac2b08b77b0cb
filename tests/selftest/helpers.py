"""Shared set-up for the self-test, progress and review tests."""

from decimal import Decimal

from django.urls import reverse

from quizzes.models import Audience, SelfTest
from tests.factories import (
    LessonFactory,
    LessonSectionFactory,
    QuestionFactory,
    QuizFactory,
    TopicFactory,
    shown_value,
)


def make_bank(*, topics=2, per_topic=5, audience=Audience.TRAINEE):
    """A trainee quiz with `per_topic` single-answer questions in each of `topics` topics."""
    quiz = QuizFactory(audience=audience)
    section = LessonSectionFactory(lesson=LessonFactory(audience=Audience.TRAINEE))
    made = [TopicFactory() for _ in range(topics)]
    questions = [QuestionFactory(quiz=quiz, topic=topic, section=section) for topic in made for _ in range(per_topic)]
    return made, questions


def right_id(item) -> int:
    return next(c["id"] for c in item.snapshot["choices"] if Decimal(c["fraction"]) == 1)


def wrong_id(item) -> int:
    return next(c["id"] for c in item.snapshot["choices"] if Decimal(c["fraction"]) <= 0)


def take_url(test, position=None):
    url = reverse("quizzes:selftest_take", args=[test.pk])
    return f"{url}?q={position}" if position else url


def new_test(user, topics, *, count=5, mode=SelfTest.Mode.TUTOR, pool=SelfTest.Pool.ALL, seconds=90, rng=None):
    from quizzes.selftest import services

    return services.selftest_create(
        user=user, topics=topics, pool=pool, count=count, mode=mode, seconds_per_question=seconds, rng=rng
    )


def right_value(item) -> str:
    """What the question page sends for the item's right choice: its value as shown."""
    return shown_value(item.snapshot["choices"], right_id(item))


def wrong_value(item) -> str:
    return shown_value(item.snapshot["choices"], wrong_id(item))


def first_item(test, position=1):
    from quizzes.models import SelfTestItem

    return SelfTestItem.objects.get(test=test, position=position)


def answer(user, test, position, chosen, **kwargs):
    """Save a choice (by id) through the answer service."""
    from quizzes.selftest import answers

    return answers.selftest_answer(user=user, test_id=test.pk, position=position, chosen=chosen, **kwargs)


def shown_question(page: str, position: int) -> str:
    """The part of a test page (which holds every question) that is question `position`."""
    start = page.index(f'id="st-q-{position}"')
    after = page.find('class="selftest-question"', start)
    return page[start : after if after != -1 else page.index('id="prev-button"', start)]
