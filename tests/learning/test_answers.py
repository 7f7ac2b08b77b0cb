"""Quiz answers saved as they are chosen: the save, reopening the page, and submitting."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from quizzes.models import Attempt, Response
from tests.factories import QuizFactory, UserFactory, multiple_question, shown_value
from tests.learning.test_views import all_right, open_attempt, take_url

pytestmark = pytest.mark.django_db
JSON = {"headers": {"accept": "application/json"}}


def save_url(quiz):
    return reverse("quizzes:quiz_save", args=[quiz.slug])


def value_of(row: Response, *, right: bool) -> str:
    choices = row.snapshot["choices"]
    return shown_value(choices, next(c["id"] for c in choices if (Decimal(c["fraction"]) > 0) == right))


def rows(attempt) -> list[Response]:
    return list(Response.objects.filter(attempt=attempt).order_by("position"))


def test_a_choice_is_saved_and_the_reopened_page_shows_it_ticked(auth_client):
    quiz = QuizFactory(questions=3)
    _, attempt = open_attempt(auth_client, quiz)
    first, second, _third = rows(attempt)
    data = {"attempt": attempt.pk, "q1": ["", value_of(first, right=False)], "q2": ["", value_of(second, right=True)]}
    answer = auth_client.post(save_url(quiz), data, **JSON)
    assert answer.json() == {"saved": True, "positions": [1, 2]}
    first.refresh_from_db()
    assert first.chosen and first.mark is None  # kept, not graded
    page = auth_client.get(take_url(quiz)).content.decode()
    assert f'id="q1-{value_of(first, right=False)}" value="{value_of(first, right=False)}" checked' in page
    assert f'id="q2-{value_of(second, right=True)}" value="{value_of(second, right=True)}" checked' in page
    assert "2 of 3 answered" in page
    assert "FEEDBACK-" not in page and "EXPLANATION-SECRET" not in page


def test_a_question_sent_empty_is_cleared(auth_client):
    quiz = QuizFactory(questions=2)
    _, attempt = open_attempt(auth_client, quiz)
    first = rows(attempt)[0]
    auth_client.post(save_url(quiz), {"attempt": attempt.pk, "q1": ["", value_of(first, right=True)]}, **JSON)
    auth_client.post(save_url(quiz), {"attempt": attempt.pk, "q1": [""]}, **JSON)
    first.refresh_from_db()
    assert first.chosen == []


def test_a_saved_page_is_not_served_from_the_cache_unticked(auth_client, settings):
    settings.CACHE_IS_SHARED = True
    quiz = QuizFactory(questions=2)
    _, attempt = open_attempt(auth_client, quiz)
    auth_client.get(take_url(quiz))  # cached now, nothing ticked
    first = rows(attempt)[0]
    auth_client.post(save_url(quiz), {"attempt": attempt.pk, "q1": ["", value_of(first, right=True)]}, **JSON)
    assert f'value="{value_of(first, right=True)}" checked' in auth_client.get(take_url(quiz)).content.decode()


def test_submit_grades_what_was_saved_plus_what_the_page_sends(auth_client):
    quiz = QuizFactory(questions=2, pass_mark=100)
    _, attempt = open_attempt(auth_client, quiz)
    first, second = rows(attempt)
    auth_client.post(save_url(quiz), {"attempt": attempt.pk, "q1": ["", value_of(first, right=True)]}, **JSON)
    # The page sends only question 2 (question 1 was saved before, e.g. on another device).
    auth_client.post(take_url(quiz), {"attempt": attempt.pk, "q2": ["", value_of(second, right=True)]})
    attempt.refresh_from_db()
    assert attempt.score == 100 and attempt.passed


def test_what_the_page_sends_wins_over_what_was_saved(auth_client):
    quiz = QuizFactory(questions=1)
    _, attempt = open_attempt(auth_client, quiz)
    (only,) = rows(attempt)
    auth_client.post(save_url(quiz), {"attempt": attempt.pk, "q1": ["", value_of(only, right=True)]}, **JSON)
    auth_client.post(
        take_url(quiz), {"attempt": attempt.pk, "q1": ["", value_of(only, right=False)], "confirm_unanswered": "1"}
    )
    attempt.refresh_from_db()
    assert attempt.score == 0


def test_a_submitted_attempt_takes_no_more_saves(auth_client):
    quiz = QuizFactory(questions=2)
    _, attempt = open_attempt(auth_client, quiz)
    auth_client.post(take_url(quiz), all_right(attempt))
    first = rows(attempt)[0]
    before = first.chosen
    answer = auth_client.post(save_url(quiz), {"attempt": attempt.pk, "q1": ["", value_of(first, right=False)]}, **JSON)
    assert answer.status_code == 409 and answer.json()["reload"] is True
    first.refresh_from_db()
    assert first.chosen == before


def test_a_value_the_question_did_not_show_saves_nothing(auth_client):
    quiz = QuizFactory(questions=2)
    _, attempt = open_attempt(auth_client, quiz)
    first = rows(attempt)[0]
    data = {"attempt": attempt.pk, "q1": ["", value_of(first, right=True)], "q2": ["", "99"]}
    answer = auth_client.post(save_url(quiz), data, **JSON)
    assert answer.status_code == 400 and not answer.json()["saved"]
    assert all(r.chosen == [] for r in rows(attempt))


def test_two_answers_to_a_one_answer_question_are_refused(auth_client):
    quiz = QuizFactory(questions=1)
    _, attempt = open_attempt(auth_client, quiz)
    data = {"attempt": attempt.pk, "q1": ["", "1", "2"]}
    assert auth_client.post(save_url(quiz), data, **JSON).status_code == 400


def test_several_answers_to_a_multiple_answer_question_are_kept(auth_client):
    quiz = QuizFactory(questions=0)
    multiple_question(quiz)
    _, attempt = open_attempt(auth_client, quiz)
    assert auth_client.post(save_url(quiz), {"attempt": attempt.pk, "q1": ["", "1", "3"]}, **JSON).json()["saved"]
    assert len(rows(attempt)[0].chosen) == 2


def test_someone_elses_attempt_is_a_404_and_unchanged(client, auth_client):
    quiz = QuizFactory(questions=1)
    _, attempt = open_attempt(auth_client, quiz)
    other = UserFactory()
    client.force_login(other)
    assert client.post(save_url(quiz), {"attempt": attempt.pk, "q1": ["", "1"]}, **JSON).status_code == 404
    assert rows(attempt)[0].chosen == []


@pytest.mark.parametrize("attempt", ["", "x", "999999"])
def test_no_or_a_bad_attempt_is_a_404(auth_client, attempt):
    quiz = QuizFactory(questions=1)
    open_attempt(auth_client, quiz)
    assert auth_client.post(save_url(quiz), {"attempt": attempt, "q1": ["", "1"]}, **JSON).status_code == 404


def test_the_save_needs_the_csrf_token_and_a_post(user):
    quiz = QuizFactory(questions=1)
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    page = client.get(take_url(quiz))
    attempt = Attempt.objects.get(user=user)
    assert client.post(save_url(quiz), {"attempt": attempt.pk, "q1": ["", "1"]}, **JSON).status_code == 403
    assert client.get(save_url(quiz)).status_code == 405
    token = page.cookies["csrftoken"].value
    data = {"attempt": attempt.pk, "q1": ["", "1"], "csrfmiddlewaretoken": token}
    assert client.post(save_url(quiz), data, **JSON).status_code == 200


def test_a_save_is_one_statement_per_question_once_the_sheet_is_cached(auth_client, django_assert_max_num_queries):
    quiz = QuizFactory(questions=30)
    _, attempt = open_attempt(auth_client, quiz)
    auth_client.post(save_url(quiz), {"attempt": attempt.pk, "q1": ["", "1"]}, **JSON)  # reads the sheet
    with django_assert_max_num_queries(3 + 1):  # session, user, permissions; the UPDATE
        assert auth_client.post(save_url(quiz), {"attempt": attempt.pk, "q2": ["", "2"]}, **JSON).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_a_save_arriving_while_the_attempt_is_submitted_waits_and_changes_nothing(user):
    """The submission grades the rows in its transaction; a save meeting it waits, then is refused."""
    import threading

    from django.db import connection, transaction

    from quizzes.learning import answers, services

    quiz = QuizFactory(questions=2)
    attempt = services.attempt_start(user=user, quiz=quiz)
    first = rows(attempt)[0]
    right, wrong = value_of(first, right=True), value_of(first, right=False)
    outcome = {}

    def late_save():
        try:
            answers.attempt_answers_save(user=user, attempt_id=attempt.pk, shown={1: [wrong]})
            outcome["saved"] = True
        except answers.AttemptClosed:
            outcome["refused"] = True
        finally:
            connection.close()

    right_id = first.snapshot["choices"][int(right) - 1]["id"]
    with transaction.atomic():
        services.attempt_submit(attempt=Attempt.objects.get(pk=attempt.pk), answers={1: frozenset({right_id})})
        saver = threading.Thread(target=late_save)
        saver.start()
        saver.join(timeout=0.5)
        if connection.vendor == "postgresql":
            assert saver.is_alive()  # held back by the submission's row locks
    saver.join(timeout=30)
    assert outcome == {"refused": True}
    first.refresh_from_db()
    assert first.chosen == [right_id] and first.mark == 1
