"""Discarding an unfinished self-test: `services.selftest_abandon`, `views.selftest_discard`, and
the lists and statistics that leave a discarded test out."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from quizzes.models import QuestionProgress, SelfTest
from quizzes.rules.taking import DEADLINE_GRACE
from quizzes.selftest import progress, selectors, services
from quizzes.selftest.services import SelfTestClosed, SelfTestDiscarded
from tests.factories import UserFactory
from tests.selftest.helpers import answer, first_item, new_test, right_id, right_value, take_url

pytestmark = pytest.mark.django_db


def discard_url(test):
    return reverse("quizzes:selftest_discard", args=[test.pk])


# Service ----------------------------------------------------------------------------------------


def test_abandon_keeps_the_test_and_its_answers_and_marks_it_abandoned(user, topics):
    test = new_test(user, topics, count=3)
    answer(user, test, 1, [right_id(first_item(test))])
    services.selftest_abandon(user=user, test_id=test.pk)
    test.refresh_from_db()
    assert test.is_abandoned and not test.is_finished and test.score is None
    assert test.items.count() == 3 and first_item(test).chosen  # kept, never deleted


def test_abandoning_twice_keeps_the_first_time(user, topics):
    test = new_test(user, topics)
    first = services.selftest_abandon(user=user, test_id=test.pk).abandoned_at
    again = services.selftest_abandon(user=user, test_id=test.pk, now=timezone.now() + timedelta(hours=1))
    assert again.abandoned_at == first


def test_a_finished_test_cannot_be_abandoned(user, topics):
    test = new_test(user, topics)
    services.selftest_finish(user=user, test_id=test.pk)
    with pytest.raises(SelfTestClosed):
        services.selftest_abandon(user=user, test_id=test.pk)
    test.refresh_from_db()
    assert test.is_finished and not test.is_abandoned


def test_another_trainees_test_cannot_be_abandoned(user, topics):
    test = new_test(UserFactory(), topics)
    with pytest.raises(SelfTest.DoesNotExist):
        services.selftest_abandon(user=user, test_id=test.pk)


@pytest.mark.parametrize("mode", [SelfTest.Mode.TUTOR, SelfTest.Mode.TIMED])
def test_an_abandoned_test_takes_no_answer_and_cannot_be_finished(user, topics, mode):
    test = new_test(user, topics, mode=mode)
    services.selftest_abandon(user=user, test_id=test.pk)
    item = first_item(test)
    with pytest.raises(SelfTestDiscarded):
        answer(user, test, 1, [right_id(item)], pending=mode == SelfTest.Mode.TUTOR)
    with pytest.raises(SelfTestDiscarded):
        services.selftest_finish(user=user, test_id=test.pk)
    item.refresh_from_db()
    assert item.chosen == [] and item.mark is None


def test_an_expired_abandoned_test_is_never_finished(user, topics):
    test = new_test(user, topics, mode=SelfTest.Mode.TIMED, seconds=10)
    test = services.selftest_abandon(user=user, test_id=test.pk)
    later = timezone.now() + timedelta(hours=1) + DEADLINE_GRACE
    assert services.selftest_finish_all_expired(user=user, now=later) == 0
    assert not services.selftest_finish_if_expired(user=user, test=test, now=later)
    test.refresh_from_db()
    assert not test.is_finished


def test_an_abandoned_review_session_lets_a_new_one_start(user, topics):
    test = new_test(user, topics, count=2)
    answer(
        user,
        test,
        1,
        [next(c["id"] for c in first_item(test).snapshot["choices"] if c["id"] != right_id(first_item(test)))],
    )
    QuestionProgress.objects.filter(user=user).update(due_at=timezone.now() - timedelta(days=1))
    session = services.review_session_start(user=user)
    services.selftest_abandon(user=user, test_id=session.pk)
    assert services.review_session_start(user=user).pk != session.pk


# Lists and statistics ---------------------------------------------------------------------------


def test_abandoned_tests_leave_every_list_and_the_weekly_scores(user, topics):
    kept, dropped = new_test(user, topics, count=2), new_test(user, topics, count=2)
    answer(user, dropped, 1, [right_id(first_item(dropped))])
    services.selftest_abandon(user=user, test_id=dropped.pk)
    listed = selectors.selftest_list_for_user(user=user)
    assert [t.pk for t in listed] == [kept.pk]
    board = progress.dashboard(user=user, now=timezone.now())
    assert [t.pk for t in board.open_tests] == [kept.pk] and board.finished_tests == []
    assert progress.topic_score_series(user=user) == ([], {})


@pytest.mark.parametrize("page", ["quizzes:home", "quizzes:progress", "quizzes:selftest_new"])
def test_pages_offer_discarding_an_open_test_and_then_no_longer_list_it(auth_client, user, topics, page):
    test = new_test(user, topics)
    html = auth_client.get(reverse(page)).content.decode()
    assert f'href="{take_url(test)}"' in html and discard_url(test) in html
    services.selftest_abandon(user=user, test_id=test.pk)
    html = auth_client.get(reverse(page)).content.decode()
    assert take_url(test) not in html and discard_url(test) not in html


# View -------------------------------------------------------------------------------------------


def test_discard_asks_first_then_discards_on_post_and_goes_back(auth_client, user, topics):
    test = new_test(user, topics)
    page = auth_client.get(discard_url(test), {"next": reverse("quizzes:progress")})
    assert page.status_code == 200
    assert 'id="confirm-discard"' in page.content.decode() and 'name="csrfmiddlewaretoken"' in page.content.decode()
    test.refresh_from_db()
    assert not test.is_abandoned  # asking changes nothing
    response = auth_client.post(discard_url(test), {"next": reverse("quizzes:progress")})
    assert response.status_code == 302 and response["Location"] == reverse("quizzes:progress")
    test.refresh_from_db()
    assert test.is_abandoned


def test_discard_never_sends_to_another_site(auth_client, user, topics):
    test = new_test(user, topics)
    response = auth_client.post(discard_url(test), {"next": "https://example.com/"})
    assert response["Location"] == reverse("quizzes:home")


def test_discard_needs_the_csrf_token(client, user, topics):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(user)
    test = new_test(user, topics)
    assert strict.post(discard_url(test)).status_code == 403
    test.refresh_from_db()
    assert not test.is_abandoned


def test_another_trainees_test_is_404_to_discard(auth_client, topics):
    test = new_test(UserFactory(), topics)
    assert auth_client.get(discard_url(test)).status_code == 404
    assert auth_client.post(discard_url(test)).status_code == 404
    test.refresh_from_db()
    assert not test.is_abandoned


def test_discard_takes_only_get_and_post(auth_client, user, topics):
    test = new_test(user, topics)
    assert auth_client.put(discard_url(test)).status_code == 405
    assert auth_client.delete(discard_url(test)).status_code == 405


def test_a_finished_test_is_not_discarded_and_shows_its_review(auth_client, user, topics):
    test = new_test(user, topics)
    services.selftest_finish(user=user, test_id=test.pk)
    response = auth_client.post(discard_url(test), follow=True)
    assert response.redirect_chain[-1][0] == reverse("quizzes:selftest_review", args=[test.pk])
    assert "cannot be discarded" in response.content.decode()


def test_a_discarded_test_cannot_be_opened_or_answered(auth_client, user, topics):
    test = new_test(user, topics)
    services.selftest_abandon(user=user, test_id=test.pk)
    for url in (take_url(test), reverse("quizzes:selftest_finish", args=[test.pk]), discard_url(test)):
        response = auth_client.get(url)
        assert response.status_code == 302 and response["Location"] == reverse("quizzes:selftest_new"), url
    item = first_item(test)
    auth_client.post(take_url(test), {"position": 1, "q1": [right_value(item)], "action": "check"})
    item.refresh_from_db()
    assert item.chosen == []
