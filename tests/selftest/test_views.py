"""Self-test pages: access, the builder, taking, finishing, review, and their query budgets."""

import json
import random
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from quizzes.models import SelfTest
from quizzes.rules.taking import DEADLINE_GRACE
from quizzes.selftest import services
from tests.factories import UserFactory
from tests.selftest.helpers import (
    answer,
    first_item,
    make_bank,
    new_test,
    right_id,
    right_value,
    shown_question,
    take_url,
    wrong_id,
    wrong_value,
)

pytestmark = pytest.mark.django_db


pytestmark = pytest.mark.django_db

JSON = {"HTTP_ACCEPT": "application/json"}


# Views: access ----------------------------------------------------------------------------------


@pytest.fixture
def patient_client(client):
    client.force_login(UserFactory(role="patient"))
    return client


@pytest.fixture
def other_test(topics):
    return new_test(UserFactory(), topics, mode=SelfTest.Mode.TIMED)


def page_urls(test):
    return [
        reverse("quizzes:selftest_new"),
        take_url(test),
        reverse("quizzes:selftest_finish", args=[test.pk]),
        reverse("quizzes:selftest_review", args=[test.pk]),
        reverse("quizzes:progress"),
        reverse("quizzes:review_queue"),
        reverse("quizzes:progress_chart", args=["topic-scores"]),
    ]


def test_patients_are_refused_everywhere(patient_client, other_test):
    for url in page_urls(other_test):
        assert patient_client.get(url).status_code == 403, url


def test_anonymous_visitors_are_sent_to_log_in(client, other_test):
    for url in page_urls(other_test):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_another_trainees_test_is_404_everywhere(auth_client, other_test):
    item = first_item(other_test)
    for url in page_urls(other_test)[1:4]:
        assert auth_client.get(url).status_code == 404, url
    response = auth_client.post(take_url(other_test), {"position": 1, "q1": [right_value(item)]})
    assert response.status_code == 404
    assert auth_client.post(reverse("quizzes:selftest_finish", args=[other_test.pk])).status_code == 404
    item.refresh_from_db()
    other_test.refresh_from_db()
    assert item.chosen == []
    assert not other_test.is_finished


def test_nav_links_show_for_trainees(auth_client):
    page = auth_client.get("/").content.decode()
    assert reverse("quizzes:selftest_new") in page and reverse("quizzes:progress") in page


def test_nav_links_hidden_from_patients(patient_client):
    page = patient_client.get("/").content.decode()
    assert reverse("quizzes:selftest_new") not in page


# Views: builder ---------------------------------------------------------------------------------


def builder_data(chosen, **overrides):
    data = {"topics": [t.pk for t in chosen], "count": 5, "pool": "all", "mode": "tutor", "seconds_per_question": 90}
    data.update(overrides)
    return data


def test_builder_shows_topics_as_checkboxes_all_ticked(auth_client, topics):
    page = auth_client.get(reverse("quizzes:selftest_new")).content.decode()
    for topic in topics:
        assert f'value="{topic.pk}"' in page
        assert f"{topic.title} (5)" in page
    assert page.count('type="checkbox"') == 2
    assert page.count("checked") >= 2


def test_builder_starts_a_test_on_its_first_question(auth_client, user, topics):
    response = auth_client.post(reverse("quizzes:selftest_new"), builder_data(topics, mode="timed", count=3))
    test = SelfTest.objects.get(user=user)
    assert response["Location"] == take_url(test, 1)
    assert (test.mode, test.items.count(), test.seconds_per_question) == ("timed", 3, 90)


def test_builder_says_so_when_fewer_questions_match(auth_client, topics):
    response = auth_client.post(reverse("quizzes:selftest_new"), builder_data(topics[:1], count=40), follow=True)
    assert "Only 5 questions matched" in response.content.decode()


def test_builder_explains_an_empty_pool(auth_client, topics):
    response = auth_client.post(reverse("quizzes:selftest_new"), builder_data(topics, pool="flagged"))
    assert response.status_code == 400
    assert "You have not flagged any questions in these topics." in response.content.decode()
    assert not SelfTest.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("count", 0, "greater than or equal to 1"),
        ("count", 101, "less than or equal to 100"),
        ("seconds_per_question", 5, "greater than or equal to 10"),
        ("topics", [], "Choose at least one topic."),
        ("topics", [999999], "Select a valid choice"),
        ("pool", "everything", "Select a valid choice"),
    ],
)
def test_builder_refuses_bad_input(auth_client, topics, field, value, message):
    response = auth_client.post(reverse("quizzes:selftest_new"), builder_data(topics, **{field: value}))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not SelfTest.objects.exists()


# Views: taking ----------------------------------------------------------------------------------


def test_timed_page_never_shows_answers_or_feedback(auth_client, user, topics):
    test = new_test(user, topics, count=3, mode=SelfTest.Mode.TIMED)
    item = first_item(test)
    for _ in range(2):  # before and after answering
        page = auth_client.get(take_url(test, 1)).content.decode()
        assert "FEEDBACK-" not in page
        assert "EXPLANATION-SECRET" not in page
        assert "Correct answer" not in page
        assert "fraction" not in page
        assert item.snapshot["stem"] in page
        answer(user, test, 1, [wrong_id(item)])
    assert f'value="{wrong_value(item)}" checked' in page


def test_tutor_page_shows_no_feedback_before_answering(auth_client, user, topics):
    test = new_test(user, topics, count=3)
    page = auth_client.get(take_url(test, 1)).content.decode()
    assert "FEEDBACK-" not in page and "EXPLANATION-SECRET" not in page
    assert "Check answer" in page


def test_tutor_choice_is_saved_as_it_is_made_and_checked_only_on_check(auth_client, user, topics):
    test = new_test(user, topics, count=3)
    item = first_item(test)
    data = {"position": 1, "q1": ["", wrong_value(item)]}
    response = auth_client.post(take_url(test), {**data, "action": "save"}, **JSON)
    assert response.json() == {"saved": True, "position": 1, "answered": True, "pending": True}
    # Reopened (a closed tab, or moving on with Next): the choice is still ticked, not checked.
    auth_client.post(take_url(test), {**data, "action": "next"})
    page = auth_client.get(take_url(test, 1)).content.decode()
    assert f'value="{wrong_value(item)}" checked' in page
    assert "FEEDBACK-" not in page and 'id="check-answer-1"' in page
    # Not checked, but answered: the navigator and the finish page count it.
    finish = auth_client.get(reverse("quizzes:selftest_finish", args=[test.pk]))
    assert (finish.context["answered"], finish.context["unanswered"]) == (1, [2, 3])
    auth_client.post(take_url(test), {**data, "action": "check"})
    first = shown_question(auth_client.get(take_url(test, 1)).content.decode(), 1)
    assert "Not correct" in first and 'type="radio"' not in first


def test_tutor_answer_shows_every_choices_feedback_and_the_explanation(auth_client, user, topics):
    test = new_test(user, topics, count=3)
    item = first_item(test)
    response = auth_client.post(take_url(test), {"position": 1, "q1": ["", wrong_value(item)], "action": "check"})
    assert response["Location"] == take_url(test, 1)
    page = auth_client.get(response["Location"]).content.decode()
    for tag in ("FEEDBACK-RIGHT", "FEEDBACK-WRONG-A", "FEEDBACK-WRONG-B", "FEEDBACK-WRONG-C"):
        assert tag in page
    assert "EXPLANATION-SECRET" in page
    assert "Source: WHO, 1994" in page
    assert item.question.section.get_absolute_url() in page
    assert "Not correct" in page
    assert 'type="radio"' not in shown_question(page, 1)  # locked


def test_choices_are_shown_in_the_stored_order(auth_client, user, topics):
    test = new_test(user, topics, count=3, rng=random.Random(7))
    item = first_item(test)
    page = auth_client.get(take_url(test, 1)).content.decode()
    positions = [page.index(f">{c['text']}</span></label>") for c in item.snapshot["choices"]]
    assert positions == sorted(positions)


def test_choice_values_are_places_in_the_order_shown_never_choice_ids(auth_client, user, topics):
    """Ids follow the order the content was written in, where the right answer often comes
    first: the page must not carry them before the answers are revealed."""
    test = new_test(user, topics, count=3, mode=SelfTest.Mode.TIMED)
    item = first_item(test)
    page = auth_client.get(take_url(test, 1)).content.decode()
    inputs = re.findall(r'<input class="form-check-input"[^>]*name="q1" id="([^"]+)" value="([^"]+)"', page)
    count = len(item.snapshot["choices"])
    assert inputs == [(f"q1-{n}", str(n)) for n in range(1, count + 1)]
    # The values the page sends back are read as the choices it showed.
    shown = item.snapshot["choices"][count - 1]
    response = auth_client.post(take_url(test), {"position": 1, "q1": [str(count)], "action": "save"}, **JSON)
    assert response.status_code == 200
    assert first_item(test).chosen == [shown["id"]]


def test_saving_without_javascript_moves_on(auth_client, user, topics):
    test = new_test(user, topics, count=3, mode=SelfTest.Mode.TIMED)
    item = first_item(test)
    response = auth_client.post(take_url(test), {"position": 1, "q1": ["", right_value(item)], "action": "next"})
    assert response["Location"] == take_url(test, 2)
    item.refresh_from_db()
    assert item.chosen == [right_id(item)]
    response = auth_client.post(take_url(test), {"position": 2, "q2": [""], "action": "prev"})
    assert response["Location"] == take_url(test, 1)
    response = auth_client.post(take_url(test), {"position": 1, "q1": ["", right_value(item)], "goto": 3})
    assert response["Location"] == take_url(test, 3)
    response = auth_client.post(take_url(test), {"position": 3, "q3": [""], "action": "finish"})
    assert response["Location"] == reverse("quizzes:selftest_finish", args=[test.pk])


def test_saving_with_javascript_answers_json(auth_client, user, topics):
    test = new_test(user, topics, count=3, mode=SelfTest.Mode.TIMED)
    item = first_item(test)
    response = auth_client.post(
        take_url(test), {"position": 1, "q1": ["", right_value(item)], "action": "save"}, **JSON
    )
    assert response.status_code == 200
    assert response.json() == {"saved": True, "position": 1, "answered": True, "pending": False}


def test_flag_button_toggles_the_flag(auth_client, user, topics):
    test = new_test(user, topics, count=3, mode=SelfTest.Mode.TIMED)
    response = auth_client.post(take_url(test), {"position": 2, "q2": [""], "flag": "1"})
    assert response["Location"] == take_url(test, 2)
    assert first_item(test, 2).flagged
    page = auth_client.get(take_url(test, 2)).content.decode()
    assert "Flagged (remove flag)" in page
    assert "Question 2, not answered, flagged" in page


def test_late_save_is_refused_with_a_message_and_the_test_is_finished_on_opening(auth_client, user, topics):
    test = new_test(user, topics, count=3, mode=SelfTest.Mode.TIMED)
    item = first_item(test)
    SelfTest.objects.filter(pk=test.pk).update(deadline=timezone.now() - DEADLINE_GRACE - timedelta(seconds=1))
    response = auth_client.post(take_url(test), {"position": 1, "q1": [right_value(item)], "action": "save"}, **JSON)
    assert response.status_code == 409
    body = response.json()
    assert body["saved"] is False
    assert "too late" in body["error"]
    assert body["redirect"] == take_url(test)
    item.refresh_from_db()
    assert item.chosen == []
    response = auth_client.post(
        take_url(test), {"position": 1, "q1": [right_value(item)], "action": "next"}, follow=True
    )
    assert "too late and was not counted" in response.content.decode()
    # Following the redirect opened the test, which finished it.
    assert response.redirect_chain[-1][0] == reverse("quizzes:selftest_review", args=[test.pk])
    test.refresh_from_db()
    assert test.is_finished and test.score == 0


def test_expired_test_is_finished_when_opened(auth_client, user, topics):
    test = new_test(user, topics, count=3, mode=SelfTest.Mode.TIMED)
    answer(user, test, 1, [right_id(first_item(test))])
    SelfTest.objects.filter(pk=test.pk).update(deadline=timezone.now() - timedelta(minutes=5))
    response = auth_client.get(take_url(test, 2), follow=True)
    assert response.redirect_chain[-1][0] == reverse("quizzes:selftest_review", args=[test.pk])
    assert "Time was up" in response.content.decode()
    test.refresh_from_db()
    assert test.is_finished
    assert test.score == Decimal("33.33")


def test_question_position_not_in_the_test_is_404(auth_client, user, topics):
    test = new_test(user, topics, count=3, mode=SelfTest.Mode.TIMED)
    assert auth_client.get(take_url(test, 4)).status_code == 404
    assert auth_client.get(take_url(test) + "?q=abc").status_code == 404
    assert auth_client.post(take_url(test), {"position": 4, "q4": ["1"]}).status_code == 404


def test_a_value_the_question_did_not_show_is_refused_and_not_stored(auth_client, user, topics):
    test = new_test(user, topics, count=3, mode=SelfTest.Mode.TIMED)
    beyond = str(len(first_item(test).snapshot["choices"]) + 1)
    response = auth_client.post(take_url(test), {"position": 1, "q1": [beyond], "action": "save"}, **JSON)
    assert response.status_code == 400
    assert "not one of this question's choices" in response.json()["error"]
    response = auth_client.post(take_url(test), {"position": 1, "q1": ["x"], "action": "next"}, follow=True)
    assert "not one of this question&#x27;s choices" in response.content.decode()
    assert first_item(test).chosen == []


def test_malformed_post_is_a_clear_400(auth_client, user, topics):
    test = new_test(user, topics, count=3, mode=SelfTest.Mode.TIMED)
    response = auth_client.post(take_url(test), {"position": "first"}, **JSON)
    assert response.status_code == 400
    assert response.json()["saved"] is False


def test_saving_into_a_finished_test_is_refused(auth_client, user, topics):
    test = new_test(user, topics, count=3, mode=SelfTest.Mode.TIMED)
    item = first_item(test)
    services.selftest_finish(user=user, test_id=test.pk)
    response = auth_client.post(take_url(test), {"position": 1, "q1": [right_value(item)], "action": "save"}, **JSON)
    assert response.status_code == 409
    assert "finished" in response.json()["error"]
    response = auth_client.post(
        take_url(test), {"position": 1, "q1": [right_value(item)], "action": "next"}, follow=True
    )
    assert response.status_code == 200
    assert "finished" in response.content.decode()
    assert first_item(test).chosen == []


def test_check_answer_by_script_gets_that_questions_feedback_and_nothing_before(auth_client, user, topics):
    test = new_test(user, topics, count=3)
    item = first_item(test)
    data = {"position": 1, "q1": ["", wrong_value(item)]}
    empty = auth_client.post(take_url(test), {"position": 1, "q1": [""], "action": "check"}, **JSON).json()
    assert empty == {"saved": True, "position": 1, "answered": False, "pending": False}
    saved = auth_client.post(take_url(test), {**data, "action": "save"}, **JSON).json()
    assert "feedback" not in saved and saved["pending"]
    checked = auth_client.post(take_url(test), {**data, "action": "check"}, **JSON).json()
    assert (checked["answered"], checked["pending"]) == (True, False)
    feedback = checked["feedback"]
    for tag in ("FEEDBACK-RIGHT", "FEEDBACK-WRONG-A", "EXPLANATION-SECRET", "Not correct", "Question 1 of 3"):
        assert tag in feedback
    assert 'id="feedback-outcome"' in feedback and item.snapshot["stem"] in feedback
    assert first_item(test, 2).snapshot["stem"] not in feedback  # that question's only
    # Sent again (a reply lost on the way): the same feedback, nothing changed.
    again = auth_client.post(take_url(test), {**data, "action": "check"}, **JSON).json()
    assert again["feedback"] == feedback


def test_changing_a_locked_tutor_answer_is_refused(auth_client, user, topics):
    test = new_test(user, topics, count=3)
    item = first_item(test)
    answer(user, test, 1, [wrong_id(item)])
    response = auth_client.post(take_url(test), {"position": 1, "q1": [right_value(item)], "action": "check"}, **JSON)
    assert response.status_code == 409
    item.refresh_from_db()
    assert item.chosen == [wrong_id(item)]


def test_the_page_holds_every_question_and_shows_the_one_asked_for(auth_client, user, topics):
    test = new_test(user, topics, count=4, mode=SelfTest.Mode.TIMED)
    answer(user, test, 2, [right_id(first_item(test, 2))])
    page = auth_client.get(take_url(test, 3)).content.decode()
    for item in test.items.order_by("position"):
        question = shown_question(page, item.position)
        assert item.snapshot["stem"] in question
        assert all(f">{c['text']}</span></label>" in question for c in item.snapshot["choices"])
        assert (" hidden>" not in question.split("\n", 1)[0]) == (item.position == 3)
    assert f'value="{right_value(first_item(test, 2))}" checked' in shown_question(page, 2)
    assert 'id="question-heading"' in shown_question(page, 3)  # focus lands on the question shown
    assert page.count('id="question-heading"') == 1
    assert "<title>Question 3 of 4" in page


def test_opening_a_test_writes_nothing_and_resumes_after_the_last_answer(auth_client, user, topics):
    """Where the trainee is lives in the address (the page moves between questions itself):
    the session is not touched, and a test opened afresh, on any device, resumes after its
    last answered question."""
    test = new_test(user, topics, count=5, mode=SelfTest.Mode.TIMED)
    before = dict(auth_client.session.items())
    assert auth_client.get(take_url(test, 4)).context["position"] == 4
    assert dict(auth_client.session.items()) == before
    answer(user, test, 2, [right_id(first_item(test, 2))])
    assert auth_client.get(take_url(test)).context["position"] == 3


def test_a_position_the_test_does_not_have_is_not_found(auth_client, user, topics):
    test = new_test(user, topics, count=3, mode=SelfTest.Mode.TIMED)
    for bad in ("0", "4", "x", "-1"):
        assert auth_client.get(f"{take_url(test)}?q={bad}").status_code == 404


def test_resume_in_a_new_session_goes_to_the_next_unanswered_question(client, user, topics):
    test = new_test(user, topics, count=5, mode=SelfTest.Mode.TIMED)
    for position in (1, 2):
        item = first_item(test, position)
        answer(user, test, position, [right_id(item)])
    client.force_login(user)
    assert client.get(take_url(test)).context["position"] == 3


def test_navigator_shows_answered_unanswered_and_flagged(auth_client, user, topics):
    test = new_test(user, topics, count=3, mode=SelfTest.Mode.TIMED)
    answer(user, test, 1, [right_id(first_item(test))])
    answer(user, test, 3, None, flagged=True)
    page = auth_client.get(take_url(test, 2)).content.decode()
    assert "Question 1, answered" in page
    assert 'aria-current="step"' in page
    assert "Question 3, not answered, flagged" in page
    assert "1 of 3 answered" in page


def test_timed_page_shows_the_time_left(auth_client, user, topics):
    test = new_test(user, topics, count=2, mode=SelfTest.Mode.TIMED, seconds=90)
    page = auth_client.get(take_url(test, 1)).content.decode()
    assert 'id="timer"' in page
    assert "2:59" in page or "3:00" in page


# Views: finishing and review --------------------------------------------------------------------


def test_finish_page_lists_unanswered_and_finishing_twice_is_harmless(auth_client, user, topics):
    test = new_test(user, topics, count=3, mode=SelfTest.Mode.TIMED)
    answer(user, test, 1, [right_id(first_item(test))])
    page = auth_client.get(reverse("quizzes:selftest_finish", args=[test.pk])).content.decode()
    assert "2 questions are not answered" in page
    url = reverse("quizzes:selftest_finish", args=[test.pk])
    first = auth_client.post(url)
    assert first["Location"] == reverse("quizzes:selftest_review", args=[test.pk])
    test.refresh_from_db()
    finished_at = test.finished_at
    second = auth_client.post(url, follow=True)
    assert "already finished" in second.content.decode()
    test.refresh_from_db()
    assert test.finished_at == finished_at


def test_review_shows_what_was_seen_chosen_and_right(auth_client, user, topics):
    test = new_test(user, topics, count=3, mode=SelfTest.Mode.TIMED, rng=random.Random(5))
    item = first_item(test)
    answer(user, test, 1, [wrong_id(item)], flagged=True)
    services.selftest_finish(user=user, test_id=test.pk)
    page = auth_client.get(reverse("quizzes:selftest_review", args=[test.pk])).content.decode()
    section = page[page.index('id="review-1"') : page.index('id="review-2"')]
    texts = [c["text"] for c in item.snapshot["choices"]]
    assert [section.index(f">{t}<") for t in texts] == sorted(section.index(f">{t}<") for t in texts)
    assert "Your answer" in section and "Correct answer" in section
    assert "FEEDBACK-WRONG-A" in section and "EXPLANATION-SECRET" in section
    assert "Source: WHO, 1994" in section
    assert item.question.section.get_absolute_url() in section
    assert "flagged" in section
    assert "Your score: 0%" in page


def test_review_can_show_only_the_questions_missed(auth_client, user, topics):
    test = new_test(user, topics, count=3, mode=SelfTest.Mode.TIMED)
    for item in test.items.order_by("position"):
        right = next(c["id"] for c in item.snapshot["choices"] if Decimal(c["fraction"]) == 1)
        answer(user, test, item.position, [wrong_id(item)] if item.position == 2 else [right])
    services.selftest_finish(user=user, test_id=test.pk)
    url = reverse("quizzes:selftest_review", args=[test.pk])
    assert auth_client.get(url).content.decode().count('class="card mb-3 review-item"') == 3
    missed = auth_client.get(f"{url}?show=missed").content.decode()
    assert missed.count('class="card mb-3 review-item"') == 1
    assert 'id="review-2"' in missed and "Only the questions I missed (1)" in missed


def test_review_of_an_open_test_sends_back_to_it(auth_client, user, topics):
    test = new_test(user, topics, count=3)
    response = auth_client.get(reverse("quizzes:selftest_review", args=[test.pk]))
    assert response["Location"] == take_url(test)


def test_opening_a_finished_test_shows_its_review(auth_client, user, topics):
    test = new_test(user, topics, count=3)
    services.selftest_finish(user=user, test_id=test.pk)
    assert auth_client.get(take_url(test, 1))["Location"] == reverse("quizzes:selftest_review", args=[test.pk])


# Query budgets ----------------------------------------------------------------------------------


# Timed: session, user, permissions (each cached in production), the answer sheet (cached after
# the first save), and the one UPDATE. Tutor: session, user, permissions, savepoint, lock the
# test, the item, update the item, release; the answer is also recorded in progress: select it,
# savepoint + insert + release (first answer only), update; then the item's answer, for the
# feedback the reply carries.
SAVE_BUDGET = {SelfTest.Mode.TIMED: 5, SelfTest.Mode.TUTOR: 14}


@pytest.mark.parametrize("size", [10, 100])
@pytest.mark.parametrize("mode", [SelfTest.Mode.TIMED, SelfTest.Mode.TUTOR])
def test_saving_an_answer_costs_the_same_for_any_test_size(
    auth_client, user, django_assert_max_num_queries, size, mode
):
    topics, _ = make_bank(topics=2, per_topic=size // 2)  # enough rows for an N+1 to show
    test = new_test(user, topics, count=size, mode=mode)
    item = first_item(test, size)
    # Tutor: "Check answer", the costlier save (it marks the answer and records it in progress).
    action = "save" if mode == SelfTest.Mode.TIMED else "check"
    data = {"position": size, f"q{size}": ["", wrong_value(item)], "action": action}
    auth_client.get(take_url(test, size))  # the page was open: the test's questions are cached
    with django_assert_max_num_queries(SAVE_BUDGET[mode]):
        response = auth_client.post(take_url(test), data, **JSON)
    assert response.status_code == 200
    assert json.loads(response.content)["answered"] is True


@pytest.mark.parametrize("size", [10, 100])
def test_question_page_costs_the_same_for_any_test_size(auth_client, user, django_assert_max_num_queries, size):
    topics, _ = make_bank(topics=2, per_topic=size // 2)
    test = new_test(user, topics, count=size, mode=SelfTest.Mode.TIMED)
    # session, user, permissions, the test, every question's state, and the test's frozen
    # questions, which are cached from then on; nothing is written
    with django_assert_max_num_queries(6):
        response = auth_client.get(take_url(test, size // 2))
    assert response.status_code == 200
    assert response.content.decode().count("data-nav=") == size
    assert response.content.decode().count('class="selftest-question"') == size
    with django_assert_max_num_queries(5):
        assert auth_client.get(take_url(test, 1)).status_code == 200
