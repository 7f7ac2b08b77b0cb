"""attach_prefetched fills Django's private prefetch cache by hand; this fails if an upgrade of
Django changes the attributes it relies on."""

import pytest

from quizzes.models import Response
from quizzes.prefetch import attach_prefetched
from tests.factories import QuestionFactory, QuizFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_attached_rows_are_read_back_without_a_query(django_assert_num_queries):
    from quizzes.learning import services

    quiz = QuizFactory()
    QuestionFactory(quiz=quiz)
    attempt = services.attempt_start(user=UserFactory(), quiz=quiz)
    fresh = type(attempt).objects.get(pk=attempt.pk)
    rows = list(Response.objects.filter(attempt=fresh))
    attach_prefetched(fresh, "responses", rows)
    with django_assert_num_queries(0):
        assert list(fresh.responses.all()) == rows
        assert fresh.responses.count() == len(rows)


def test_a_new_attempt_renders_its_questions_without_reading_them_back(django_assert_num_queries):
    from quizzes.learning import services

    quiz = QuizFactory()
    for _ in range(3):
        QuestionFactory(quiz=quiz)
    attempt = services.attempt_start(user=UserFactory(), quiz=quiz)
    with django_assert_num_queries(0):
        assert [r.position for r in attempt.responses.all()] == [1, 2, 3]
