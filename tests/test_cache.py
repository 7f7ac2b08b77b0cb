"""The one cache module: what each forget call outdates."""

import pytest
from django.core.cache import cache, caches

from quizzes import cache as keys

pytestmark = pytest.mark.django_db


def test_forget_learner_page_drops_it_in_every_language(settings):
    for code, _name in settings.LANGUAGES:
        cache.set(keys.quiz_page_key(7, "q", code), "page")
    keys.forget_learner_page(user_id=7, slug="q")
    assert all(cache.get(keys.quiz_page_key(7, "q", code)) is None for code, _name in settings.LANGUAGES)


def test_forget_quiz_pages_replaces_the_quiz_generation():
    keys.quiz_generation_ensure("q")
    before = cache.get(keys.quiz_generation_key("q"))
    keys.forget_quiz_pages(slug="q")
    assert cache.get(keys.quiz_generation_key("q")) not in (None, before)


def test_forget_all_permissions_replaces_the_generation():
    before = keys.permissions_generation()
    keys.forget_all_permissions()
    assert keys.permissions_generation() != before


def test_an_answer_sheet_is_read_once_then_kept_in_both_caches():
    reads = []

    def read():
        reads.append(1)
        return {"sheet": 1}

    assert keys.answer_sheet_get(5, read) == {"sheet": 1}
    assert keys.answer_sheet_get(5, read) == {"sheet": 1}
    assert len(reads) == 1
    caches["local"].clear()
    assert keys.answer_sheet_get(5, read) == {"sheet": 1}  # from the shared cache
    assert len(reads) == 1
    keys.forget_answer_sheet(test_id=5)
    keys.answer_sheet_get(5, read)
    assert len(reads) == 2


def test_no_sheet_is_stored_for_a_test_that_does_not_exist():
    assert keys.answer_sheet_get(6, lambda: None) is None
    assert keys.answer_sheet_get(6, lambda: {"now": "there"}) == {"now": "there"}


def test_a_quizs_frozen_questions_are_read_once_and_outdated_by_any_change(settings, django_assert_num_queries):
    from quizzes.learning import selectors
    from tests.factories import QuizFactory

    settings.CACHE_IS_SHARED = True
    quiz = QuizFactory(questions=3)
    first = selectors.quiz_frozen_questions(quiz=quiz)
    with django_assert_num_queries(0):
        assert selectors.quiz_frozen_questions(quiz=quiz) == first
    question = quiz.questions.order_by("position").first()
    question.stem = "A freshly edited stem?"
    question.save()
    assert selectors.quiz_frozen_questions(quiz=quiz)[0]["snapshot"]["stem"] == "A freshly edited stem?"
