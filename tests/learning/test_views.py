import re
from decimal import Decimal

import pytest
from django.db import DatabaseError
from django.urls import reverse

from quizzes.learning import services
from quizzes.models import Attempt, LessonProgress, Quiz, Response
from tests.factories import (
    PASSWORD,
    LessonFactory,
    LessonSectionFactory,
    QuizFactory,
    UserFactory,
    multiple_question,
    shown_value,
)

pytestmark = pytest.mark.django_db


def take_url(quiz):
    return reverse("quizzes:quiz_take", args=[quiz.slug])


def open_attempt(client, quiz):
    response = client.get(take_url(quiz))
    assert response.status_code == 200
    return response, Attempt.objects.get(quiz=quiz, submitted_at__isnull=True)


def choice_value(response_row, text):
    """What the page sends for the choice with this text: its value as shown."""
    choices = response_row.snapshot["choices"]
    return shown_value(choices, next(c["id"] for c in choices if c["text"] == text))


def all_right(attempt):
    data = {"attempt": attempt.pk}
    for r in Response.objects.filter(attempt=attempt):
        choices = r.snapshot["choices"]
        data[f"q{r.position}"] = [shown_value(choices, c["id"]) for c in choices if Decimal(c["fraction"]) > 0]
    return data


# Home, lessons --------------------------------------------------------------------------------


def test_home_groups_lessons_and_quizzes_by_audience(client):
    LessonFactory(title="Patient lesson", audience="patient")
    LessonFactory(title="Trainee lesson", audience="trainee")
    QuizFactory(title="Trainee quiz", audience="trainee", questions=1)
    html = client.get("/").content.decode()
    patients, trainees = html.split('id="group-trainee"')
    assert "Patient lesson" in patients and "Trainee lesson" not in patients
    assert "Trainee lesson" in trainees and "Trainee quiz" in trainees


def test_home_shows_learners_best_score_and_pass(auth_client, user):
    quiz = QuizFactory(title="Bones quiz", questions=2, pass_mark=50)
    _, attempt = open_attempt(auth_client, quiz)
    auth_client.post(take_url(quiz), all_right(attempt))
    html = auth_client.get("/").content.decode()
    assert "Best score 100%" in html
    assert "Passed" in html


def test_lesson_page_renders_sections_safely_and_records_the_view(auth_client, user):
    lesson = LessonFactory(title="Your spine")
    LessonSectionFactory(lesson=lesson, slug="intro", title="Intro", body="**Bold** <script>alert(1)</script>")
    response = auth_client.get(lesson.get_absolute_url())
    html = response.content.decode()
    assert "<strong>Bold</strong>" in html
    assert "<script>alert(1)" not in html
    assert 'id="intro"' in html
    assert LessonProgress.objects.filter(user=user, lesson=lesson).exists()


def test_unknown_lesson_and_quiz_are_404(auth_client):
    assert auth_client.get("/lessons/nope/").status_code == 404
    assert auth_client.get("/quizzes/nope/").status_code == 404
    assert auth_client.get("/attempts/999999/").status_code == 404


def test_unpublished_quiz_is_404(auth_client):
    quiz = QuizFactory(questions=1, is_published=False)
    assert auth_client.get(take_url(quiz)).status_code == 404


def test_quiz_needs_login(client):
    quiz = QuizFactory(questions=1)
    response = client.get(take_url(quiz))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# Taking a quiz --------------------------------------------------------------------------------


def test_quiz_page_never_contains_answers_fractions_or_feedback(auth_client):
    quiz = QuizFactory(questions=3)
    multiple_question(quiz)
    response, _ = open_attempt(auth_client, quiz)
    html = response.content.decode()
    assert "Stem of question" in html
    for secret in ["EXPLANATION-SECRET", "FEEDBACK-RIGHT", "FEEDBACK-WRONG", "fb r1", "fraction", "0.5000000"]:
        assert secret not in html
    assert 'type="checkbox"' in html and 'type="radio"' in html


def test_quiz_page_values_choices_by_their_place_never_by_id(auth_client):
    quiz = QuizFactory(questions=3)
    _, attempt = open_attempt(auth_client, quiz)
    html = auth_client.get(take_url(quiz)).content.decode()
    for row in Response.objects.filter(attempt=attempt):
        values = re.findall(rf'name="q{row.position}" id="q{row.position}-(\d+)" value="(\d+)"', html)
        count = len(row.snapshot["choices"])
        assert values == [(str(n), str(n)) for n in range(1, count + 1)]


def test_full_journey_submit_shows_review_and_lists_result(auth_client):
    quiz = QuizFactory(questions=2, pass_mark=100)
    section = LessonSectionFactory(slug="dxa", title="The DXA scan")
    quiz.questions.update(section=section)
    quiz.questions.first().save()  # re-render explanation_html
    _, attempt = open_attempt(auth_client, quiz)
    rows = list(Response.objects.filter(attempt=attempt))
    data = all_right(attempt)
    data[f"q{rows[0].position}"] = [choice_value(rows[0], "Wrong B")]

    response = auth_client.post(take_url(quiz), data)

    assert response.status_code == 302
    assert response["Location"] == reverse("quizzes:attempt_result", args=[attempt.pk])
    html = auth_client.get(response["Location"]).content.decode()
    assert "Your score: 50%" in html
    assert "Not passed yet" in html
    assert "FEEDBACK-WRONG-B" in html  # feedback of the chosen wrong choice
    assert "FEEDBACK-WRONG-A" not in html  # not of choices left alone
    assert "EXPLANATION-SECRET" in html
    assert f'href="{section.get_absolute_url()}"' in html
    results = auth_client.get(reverse("quizzes:my_results")).content.decode()
    assert reverse("quizzes:attempt_result", args=[attempt.pk]) in results
    assert "50%" in results


def test_second_submission_changes_nothing_and_shows_stored_result(auth_client):
    quiz = QuizFactory(questions=2)
    _, attempt = open_attempt(auth_client, quiz)
    auth_client.post(take_url(quiz), all_right(attempt))
    replay = auth_client.post(take_url(quiz), {"attempt": attempt.pk, "confirm_unanswered": "1"}, follow=True)
    assert replay.redirect_chain[-1][0] == reverse("quizzes:attempt_result", args=[attempt.pk])
    assert "already submitted" in replay.content.decode()
    attempt.refresh_from_db()
    assert attempt.score == 100
    assert Attempt.objects.filter(quiz=quiz).count() == 1


def test_unanswered_questions_get_a_warning_before_submitting(auth_client):
    quiz = QuizFactory(questions=3)
    _, attempt = open_attempt(auth_client, quiz)
    rows = list(Response.objects.filter(attempt=attempt))
    picked = choice_value(rows[0], "Right")
    response = auth_client.post(take_url(quiz), {"attempt": attempt.pk, f"q{rows[0].position}": picked})
    html = response.content.decode()
    assert response.status_code == 200
    assert "You have not answered 2 questions" in html
    assert f'value="{picked}" checked' in html  # nothing the learner ticked is lost
    attempt.refresh_from_db()
    assert not attempt.is_submitted

    confirmed = auth_client.post(
        take_url(quiz), {"attempt": attempt.pk, f"q{rows[0].position}": picked, "confirm_unanswered": "1"}
    )
    assert confirmed.status_code == 302
    attempt.refresh_from_db()
    assert attempt.score == Decimal("33.33")


def test_answered_bar_counts_and_points_to_the_first_unanswered_without_javascript(auth_client):
    quiz = QuizFactory(questions=3)
    page, attempt = open_attempt(auth_client, quiz)
    assert "0 of 3 answered" in page.content.decode()
    assert 'id="jump-unanswered" href="#question-1"' in page.content.decode()
    assert 'id="jump-submit" href="#submit-quiz"' in page.content.decode()
    rows = list(Response.objects.filter(attempt=attempt).order_by("position"))
    data = {"attempt": attempt.pk, "q1": choice_value(rows[0], "Right"), "q3": choice_value(rows[2], "Right")}
    html = auth_client.post(take_url(quiz), data).content.decode()
    assert "2 of 3 answered" in html
    assert 'id="jump-unanswered" href="#question-2"' in html


def test_result_can_show_only_the_questions_missed(auth_client):
    quiz = QuizFactory(questions=3)
    _, attempt = open_attempt(auth_client, quiz)
    rows = list(Response.objects.filter(attempt=attempt).order_by("position"))
    data = all_right(attempt) | {"q2": [choice_value(rows[1], "Wrong B")]}
    result = auth_client.post(take_url(quiz), data)["Location"]

    everything = auth_client.get(result).content.decode()
    assert everything.count('class="card mb-3 review-item"') == 3
    assert "All questions (3)" in everything and "Only the questions I missed (1)" in everything
    missed = auth_client.get(f"{result}?show=missed").content.decode()
    assert missed.count('class="card mb-3 review-item"') == 1
    assert 'id="review-2"' in missed and 'id="review-1"' not in missed
    assert 'aria-current="page" href="?show=missed#answers"' in missed


def test_missed_only_result_of_a_perfect_attempt_says_none_were_missed(auth_client):
    quiz = QuizFactory(questions=2)
    _, attempt = open_attempt(auth_client, quiz)
    result = auth_client.post(take_url(quiz), all_right(attempt))["Location"]
    html = auth_client.get(f"{result}?show=missed").content.decode()
    assert 'class="card mb-3 review-item"' not in html
    assert "You missed none" in html


@pytest.mark.parametrize("bad", ["not-a-number", "", "1.5", "-1"])
def test_non_integer_choice_is_a_clear_error_not_a_500(auth_client, bad):
    quiz = QuizFactory(questions=1)
    _, attempt = open_attempt(auth_client, quiz)
    response = auth_client.post(take_url(quiz), {"attempt": attempt.pk, "q1": bad, "confirm_unanswered": "1"})
    if bad == "":
        assert response.status_code == 302  # an empty value is simply unanswered
    else:
        assert response.status_code == 400
        assert "not one of this question" in response.content.decode()
        attempt.refresh_from_db()
        assert not attempt.is_submitted


def test_a_value_the_question_did_not_show_is_refused(auth_client):
    quiz = QuizFactory(questions=2)
    _, attempt = open_attempt(auth_client, quiz)
    rows = list(Response.objects.filter(attempt=attempt))
    beyond = str(len(rows[0].snapshot["choices"]) + 1)
    response = auth_client.post(
        take_url(quiz), {"attempt": attempt.pk, f"q{rows[0].position}": beyond, f"q{rows[1].position}": "1"}
    )
    assert response.status_code == 400
    assert "not one of this question" in response.content.decode()
    assert not Attempt.objects.get(pk=attempt.pk).is_submitted


def test_several_choices_on_a_single_answer_question_are_refused(auth_client):
    quiz = QuizFactory(questions=1)
    _, attempt = open_attempt(auth_client, quiz)
    row = Response.objects.get(attempt=attempt)
    response = auth_client.post(
        take_url(quiz), {"attempt": attempt.pk, "q1": [choice_value(row, "Right"), choice_value(row, "Wrong A")]}
    )
    assert response.status_code == 400
    assert "Choose only one answer" in response.content.decode()


def test_repeated_choices_count_once_and_never_exceed_full_mark(auth_client):
    quiz = QuizFactory()
    multiple_question(quiz)
    _, attempt = open_attempt(auth_client, quiz)
    row = Response.objects.get(attempt=attempt)
    right = choice_value(row, "Right 1")
    response = auth_client.post(take_url(quiz), {"attempt": attempt.pk, "q1": [right, right, right]})
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.mark == Decimal("0.5")
    assert row.chosen == [next(c["id"] for c in row.snapshot["choices"] if c["text"] == "Right 1")]


def test_missing_question_counts_as_unanswered(auth_client):
    quiz = QuizFactory(questions=2)
    _, attempt = open_attempt(auth_client, quiz)
    data = all_right(attempt)
    data.pop("q2")
    data["confirm_unanswered"] = "1"
    auth_client.post(take_url(quiz), data)
    attempt.refresh_from_db()
    assert attempt.score == 50


def test_posting_into_another_users_attempt_is_404(client):
    quiz = QuizFactory(questions=1)
    owner, intruder = UserFactory(), UserFactory()
    attempt = services.attempt_get_or_start(user=owner, quiz=quiz)
    client.force_login(intruder)
    assert client.post(take_url(quiz), {"attempt": attempt.pk}).status_code == 404
    assert client.post(take_url(quiz), {"attempt": "abc"}).status_code == 404
    assert not Attempt.objects.get(pk=attempt.pk).is_submitted


def test_another_users_result_is_404_not_403(client):
    quiz = QuizFactory(questions=1)
    owner, intruder = UserFactory(), UserFactory()
    attempt = services.attempt_get_or_start(user=owner, quiz=quiz)
    services.attempt_submit(attempt=attempt, answers={})
    client.force_login(intruder)
    assert client.get(reverse("quizzes:attempt_result", args=[attempt.pk])).status_code == 404


def test_attempt_posted_to_another_quizs_url_is_404(auth_client):
    quiz, other = QuizFactory(questions=1), QuizFactory(questions=1)
    _, attempt = open_attempt(auth_client, quiz)
    assert auth_client.post(take_url(other), {"attempt": attempt.pk}).status_code == 404


def test_open_attempt_result_page_sends_back_to_the_quiz(auth_client):
    quiz = QuizFactory(questions=1)
    _, attempt = open_attempt(auth_client, quiz)
    response = auth_client.get(reverse("quizzes:attempt_result", args=[attempt.pk]))
    assert response.status_code == 302
    assert response["Location"] == take_url(quiz)


# Query budgets --------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [10, 100])
def test_quiz_page_queries_do_not_grow_with_quiz_size(auth_client, django_assert_max_num_queries, size):
    quiz = QuizFactory(questions=size)
    # session, user, quiz, its lessons, question versions, open attempt + responses, then on the
    # first visit: lock user, re-check, questions, choices, insert attempt, insert responses
    with django_assert_max_num_queries(12):
        first = auth_client.get(take_url(quiz))
    assert first.content.decode().count("data-question") == size
    with django_assert_max_num_queries(8):  # resuming: no writes
        auth_client.get(take_url(quiz))


@pytest.mark.parametrize("size", [10, 100])
def test_submission_queries_do_not_grow_with_quiz_size(auth_client, django_assert_max_num_queries, size):
    quiz = QuizFactory(questions=size)
    _, attempt = open_attempt(auth_client, quiz)
    data = all_right(attempt)
    # session, user, quiz, lessons, attempt + responses, lock attempt, responses, bulk update, update
    with django_assert_max_num_queries(12):
        response = auth_client.post(take_url(quiz), data)
    assert response.status_code == 302
    attempt.refresh_from_db()
    assert attempt.score == 100


@pytest.mark.parametrize("size", [10, 100])
def test_taking_a_quiz_again_queries_do_not_grow_with_quiz_size(auth_client, django_assert_max_num_queries, size):
    quiz = QuizFactory(questions=size)
    _, attempt = open_attempt(auth_client, quiz)
    auth_client.post(take_url(quiz), all_right(attempt))
    # session, quiz, open attempt, questions, choices (the two from the cache when it is shared),
    # savepoint, insert attempt, insert responses, release
    with django_assert_max_num_queries(9):
        response = auth_client.post(take_url(quiz), {"action": "start"})
    assert response.status_code == 302
    assert Attempt.objects.filter(quiz=quiz, submitted_at__isnull=True).count() == 1


def test_result_and_home_queries_are_flat(auth_client, django_assert_max_num_queries):
    quiz = QuizFactory(questions=60)
    for _ in range(5):
        LessonSectionFactory(lesson=LessonFactory())
    _, attempt = open_attempt(auth_client, quiz)
    auth_client.post(take_url(quiz), all_right(attempt))
    with django_assert_max_num_queries(6):
        auth_client.get(reverse("quizzes:attempt_result", args=[attempt.pk]))
    with django_assert_max_num_queries(8):
        auth_client.get("/")
    with django_assert_max_num_queries(6):
        auth_client.get(reverse("quizzes:my_results"))


# Accounts and health --------------------------------------------------------------------------


def test_signup_logs_the_new_learner_in(client, django_user_model):
    response = client.post(
        reverse("signup"), {"username": "newbie", "password1": PASSWORD, "password2": PASSWORD}, follow=True
    )
    assert response.status_code == 200
    assert response.context["user"].username == "newbie"


def test_login_and_logout(client, user):
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("logout")).status_code == 200  # a page with a button, not a GET logout
    client.post(reverse("logout"))
    assert client.get(reverse("quizzes:my_results")).status_code == 302


def test_repeated_wrong_passwords_lock_the_account_for_a_while(client, user, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": user.username, "password": "wrong"})
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many tries" in response.content.decode()


def test_healthz_reports_database_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"


def test_healthz_is_503_when_database_is_unreachable(client, monkeypatch):
    from django.db import connection

    def broken_cursor(*args, **kwargs):
        raise DatabaseError("connection refused")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503


def test_pages_send_a_content_security_policy(client):
    assert "default-src 'self'" in client.get("/")["Content-Security-Policy"]


def test_reopening_a_submitted_quiz_offers_the_result_instead_of_a_new_attempt(auth_client):
    quiz = QuizFactory(questions=2)
    _, attempt = open_attempt(auth_client, quiz)
    auth_client.post(take_url(quiz), all_right(attempt))
    html = auth_client.get(take_url(quiz)).content.decode()
    assert "You submitted this quiz" in html
    assert reverse("quizzes:attempt_result", args=[attempt.pk]) in html
    assert Attempt.objects.filter(quiz=quiz).count() == 1

    again = auth_client.post(take_url(quiz), {"action": "start"})
    assert again.status_code == 302
    assert Attempt.objects.filter(quiz=quiz, submitted_at__isnull=True).count() == 1
    assert "data-question" in auth_client.get(take_url(quiz)).content.decode()


# The whole-page cache (served without queries when the cache is shared between workers) ------


@pytest.fixture
def shared_cache(settings):
    settings.CACHE_IS_SHARED = True


def test_cached_quiz_page_is_served_without_attempt_queries(auth_client, shared_cache, django_assert_max_num_queries):
    quiz = QuizFactory(questions=20)
    open_attempt(auth_client, quiz)
    with django_assert_max_num_queries(3):  # session, user, permissions
        again = auth_client.get(take_url(quiz))
    assert again.content.decode().count("data-question") == 20
    # The CSRF token is fresh on every response, never the cached placeholder.
    assert "kq-csrf-token-placeholder" not in again.content.decode()
    assert 'name="csrfmiddlewaretoken" value="' in again.content.decode()


def test_submitting_drops_the_cached_page(auth_client, shared_cache):
    quiz = QuizFactory(questions=2)
    _, attempt = open_attempt(auth_client, quiz)
    auth_client.post(take_url(quiz), all_right(attempt))
    assert "You submitted this quiz" in auth_client.get(take_url(quiz)).content.decode()


def test_editing_a_question_outdates_cached_pages(auth_client, shared_cache):
    quiz = QuizFactory(questions=2)
    open_attempt(auth_client, quiz)
    question = quiz.questions.first()
    question.stem = "A freshly edited stem?"
    question.save()
    assert "A freshly edited stem?" in auth_client.get(take_url(quiz)).content.decode()


def test_one_learners_cached_page_is_never_shown_to_another(client, shared_cache):
    quiz = QuizFactory(questions=2)
    first, second = UserFactory(username="first-learner"), UserFactory(username="second-learner")
    client.force_login(first)
    client.get(take_url(quiz))
    client.force_login(second)
    html = client.get(take_url(quiz)).content.decode()
    assert "second-learner" in html and "first-learner" not in html
    assert Attempt.objects.filter(quiz=quiz).count() == 2


def test_permissions_are_cached_and_a_role_change_takes_effect_at_once(client, django_assert_max_num_queries):
    from quizzes import roles

    user = UserFactory(role="none")
    client.force_login(user)
    assert client.get(reverse("quizzes:my_results")).status_code == 403
    roles.role_assign(user=user, role=roles.TRAINEE)
    assert client.get(reverse("quizzes:my_results")).status_code == 200
    with django_assert_max_num_queries(3):  # session, user, the attempts list: no permission query
        client.get(reverse("quizzes:my_results"))
    user.groups.clear()
    assert client.get(reverse("quizzes:my_results")).status_code == 403


def test_a_cached_permission_set_follows_the_superuser_flag(client):
    user = UserFactory(role="none")
    client.force_login(user)
    assert client.get(reverse("quizzes:my_results")).status_code == 403  # an empty set is cached
    user.is_superuser = True
    user.save()
    assert client.get(reverse("quizzes:my_results")).status_code == 200
    user.is_superuser = False
    user.save()
    assert client.get(reverse("quizzes:my_results")).status_code == 403


def test_deactivating_a_cached_user_signs_them_out_at_once(auth_client, user):
    assert auth_client.get(reverse("quizzes:my_results")).status_code == 200  # user now cached
    user.is_active = False
    user.save()
    response = auth_client.get(reverse("quizzes:my_results"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# The result page from the cache ------------------------------------------------------------------


def submitted(client, quiz, changes=None):
    """Take and submit `quiz` (all right, but for `changes`: position -> choice text); its result URL."""
    _, attempt = open_attempt(client, quiz)
    rows = {r.position: r for r in Response.objects.filter(attempt=attempt)}
    data = all_right(attempt) | {f"q{p}": [choice_value(rows[p], text)] for p, text in (changes or {}).items()}
    return client.post(take_url(quiz), data)["Location"]


def without_token(html):
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', 'name="csrfmiddlewaretoken" value=""', html)


def attempt_reads(captured):
    """The queries that read an attempt or its answers (a result rendered afresh needs them)."""
    return [q["sql"] for q in captured if "quizzes_attempt" in q["sql"] or "quizzes_response" in q["sql"]]


@pytest.fixture(params=["shared", "per-process"])
def any_cache(request, settings):
    settings.CACHE_IS_SHARED = request.param == "shared"
    return request.param


def test_a_result_seen_again_comes_from_the_cache_without_attempt_queries(
    auth_client, shared_cache, django_assert_max_num_queries
):
    result = submitted(auth_client, QuizFactory(questions=20))
    auth_client.get(result)
    with django_assert_max_num_queries(3) as captured:  # session, user, permissions: nothing else
        again = auth_client.get(result)
    assert attempt_reads(captured) == []
    assert again.content.decode().count('class="card mb-3 review-item"') == 20


def test_a_per_process_cache_checks_the_attempt_in_one_query(auth_client, django_assert_max_num_queries):
    result = submitted(auth_client, QuizFactory(questions=20))
    auth_client.get(result)
    with django_assert_max_num_queries(4) as captured:  # session, user, permissions, the stamp
        auth_client.get(result)
    assert len(attempt_reads(captured)) == 1  # the stamp, not the attempt with its answers


def test_the_cached_result_is_the_page_rendered_afresh(auth_client, any_cache):
    result = submitted(auth_client, QuizFactory(questions=5), {2: "Wrong B"})
    fresh = auth_client.get(result).content.decode()
    cached = auth_client.get(result).content.decode()
    assert without_token(cached) == without_token(fresh)
    assert "kq-csrf-token-placeholder" not in cached
    assert 'name="csrfmiddlewaretoken" value=""' not in cached  # a real token in every form


def test_a_cached_result_is_404_for_another_learner(client, any_cache):
    quiz = QuizFactory(questions=2)
    owner, intruder = UserFactory(username="owner-learner"), UserFactory(username="intruder-learner")
    client.force_login(owner)
    result = submitted(client, quiz)
    assert "Your score: 100%" in client.get(result).content.decode()  # now cached
    client.force_login(intruder)
    assert client.get(result).status_code == 404
    assert client.get(f"{result}?show=missed").status_code == 404
    # Not even under the owner's former name, with the same role: the page belongs to an id.
    UserFactory._meta.model.objects.filter(pk=owner.pk).update(username="renamed-owner")
    intruder.username = "owner-learner"
    intruder.save()
    assert client.get(result).status_code == 404


def test_a_cached_result_follows_the_learners_language(auth_client, any_cache):
    result = submitted(auth_client, QuizFactory(questions=2))
    assert "Your score: 100%" in auth_client.get(result, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Su puntaje: 100%" in auth_client.get(result, HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Your score: 100%" in auth_client.get(result, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Su puntaje: 100%" in auth_client.get(result, HTTP_ACCEPT_LANGUAGE="es").content.decode()


def test_a_message_shows_on_a_cached_result_and_only_once(auth_client, any_cache):
    quiz = QuizFactory(questions=2)
    result = submitted(auth_client, quiz)
    auth_client.get(result)  # now cached
    attempt_id = int(result.strip("/").rsplit("/", 1)[-1])
    replay = auth_client.post(take_url(quiz), {"attempt": attempt_id}, follow=True)
    assert replay.redirect_chain[-1][0] == result
    assert "This quiz was already submitted" in replay.content.decode()
    again = auth_client.get(result).content.decode()
    assert "This quiz was already submitted" not in again
    assert "Your score: 100%" in again


def test_the_missed_only_filter_works_from_the_cache(auth_client, any_cache):
    result = submitted(auth_client, QuizFactory(questions=3), {2: "Wrong B"})
    for _ in range(2):  # rendered, then from the cache
        everything = auth_client.get(result).content.decode()
        missed = auth_client.get(f"{result}?show=missed").content.decode()
        assert everything.count('class="card mb-3 review-item"') == 3
        assert missed.count('class="card mb-3 review-item"') == 1 and 'id="review-2"' in missed
        assert 'aria-current="page" href="?show=missed#answers"' in missed


def test_a_deleted_attempts_cached_result_is_gone(auth_client, any_cache):
    result = submitted(auth_client, QuizFactory(questions=2))
    auth_client.get(result)
    Attempt.objects.all().delete()
    assert auth_client.get(result).status_code == 404


def test_a_renamed_quiz_shows_its_new_title_on_a_cached_result(auth_client, any_cache):
    quiz = QuizFactory(questions=2, title="Old title")
    result = submitted(auth_client, quiz)
    assert "<h1>Old title</h1>" in auth_client.get(result).content.decode()
    quiz.title = "New title"
    quiz.save()
    assert "<h1>New title</h1>" in auth_client.get(result).content.decode()


def test_a_per_process_cache_sees_a_title_changed_by_another_worker(auth_client):
    quiz = QuizFactory(questions=2, title="Old title")
    result = submitted(auth_client, quiz)
    auth_client.get(result)
    Quiz.objects.filter(pk=quiz.pk).update(title="New title")  # no signal reaches this worker
    assert "<h1>New title</h1>" in auth_client.get(result).content.decode()


def test_a_cached_result_shows_the_learners_name_and_menu_as_they_are_now(auth_client, user, any_cache):
    from quizzes import roles

    result = submitted(auth_client, QuizFactory(questions=2))
    assert f"Log out ({user.username})" in auth_client.get(result).content.decode()
    user.username = "renamed-learner"
    user.save()
    html = auth_client.get(result).content.decode()
    stats = f'href="{reverse("quizzes:quiz_stats_list")}"'
    assert "Log out (renamed-learner)" in html and stats not in html
    roles.role_assign(user=user, role=roles.EDUCATOR)
    assert stats in auth_client.get(result).content.decode()


def test_the_result_page_works_with_a_cache_that_keeps_nothing(auth_client, settings):
    settings.CACHES = {**settings.CACHES, "default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    result = submitted(auth_client, QuizFactory(questions=2))
    for _ in range(2):
        assert "Your score: 100%" in auth_client.get(result).content.decode()


# A trainee's home -------------------------------------------------------------------------------


def trainee_work(user, n):
    """`n` of each: questions due for review, self-tests in progress, quizzes in progress."""
    from django.utils import timezone

    from quizzes.models import QuestionProgress
    from tests.selftest.helpers import make_bank, new_test

    topics, questions = make_bank(topics=1, per_topic=n)
    due = timezone.now() - timezone.timedelta(days=1)
    QuestionProgress.objects.bulk_create(QuestionProgress(user=user, question=q, box=1, due_at=due) for q in questions)
    tests = [new_test(user, topics, count=1) for _ in range(n)]
    quizzes = [QuizFactory(title=f"Open quiz {i}", audience="trainee", questions=2) for i in range(n)]
    for quiz in quizzes:
        services.attempt_get_or_start(user=user, quiz=quiz)
    return tests, quizzes


def test_trainee_home_shows_their_own_work_before_any_lesson(auth_client, user):
    LessonFactory(title="Patient lesson", audience="patient")
    LessonFactory(title="Trainee lesson", audience="trainee")
    tests, quizzes = trainee_work(user, 2)
    html = auth_client.get("/").content.decode()
    desk, trainee, patient = (
        html.index(mark) for mark in ('id="trainee-desk"', 'id="group-trainee"', 'id="group-patient"')
    )
    assert desk < trainee < patient
    work = html[desk:trainee]
    assert "2 questions due" in work
    assert all(reverse("quizzes:selftest_take", args=[t.pk]) in work for t in tests)
    assert all(f"Continue: {q.title}" in work for q in quizzes)


def test_visitors_and_patients_see_no_trainee_work(client):
    LessonFactory(title="Patient lesson", audience="patient")
    html = client.get("/").content.decode()
    assert 'id="trainee-desk"' not in html
    assert "Learn about your bones" in html


@pytest.mark.parametrize("n", [1, 6])
def test_trainee_home_queries_do_not_grow_with_their_work(auth_client, user, n, django_assert_max_num_queries):
    trainee_work(user, n)
    for _ in range(3):
        LessonSectionFactory(lesson=LessonFactory())
    # session, user, permissions, lessons, sections, quizzes, attempt statuses, lessons read,
    # reviews due, tests in progress
    with django_assert_max_num_queries(10):
        response = auth_client.get("/")
    assert response.status_code == 200
    assert len(response.context["desk"].open_tests) == n
