"""Long quizzes and timed tests in real Chromium: the sticky "n of N answered" bar counts as
answers are chosen and its jumps reach the first unanswered question and Submit; the time left
stays in view while the page scrolls and is announced (politely) at 5 minutes and 1 minute."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from quizzes.models import SelfTest
from quizzes.selftest import services as selftest_services
from tests.selftest.helpers import make_bank

# Reduced motion: Bootstrap then scrolls at once instead of smoothly, so positions can be read.
SMALL = {"viewport": {"width": 390, "height": 600}, "reduced_motion": "reduce"}


def test_answered_bar_counts_stays_in_view_and_jumps(patient_quiz, learner, log_in, live_server, new_context):
    context = new_context(**SMALL)
    log_in(context, learner)
    page = context.new_page()
    page.goto(f"{live_server.url}{patient_quiz.get_absolute_url()}")
    count = page.locator("#progress-text")
    jump = page.locator("#jump-unanswered")
    expect(count).to_have_text("0 of 4 answered")
    expect(jump).to_have_attribute("href", "#question-1")

    # Answer 1, 2 and 4 (the first choice of each), leaving 3.
    for position in (1, 2, 4):
        page.locator(f"#question-{position} label.answer-card").first.click()
    expect(count).to_have_text("3 of 4 answered")
    expect(jump).to_have_attribute("href", "#question-3")

    # Scrolled to the end, the bar is still at the top of the screen.
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    bar = page.locator("#answered-bar").bounding_box()
    assert 0 <= bar["y"] <= 1, f"the answered bar scrolled away: {bar}"

    jump.click()
    question = page.locator("#question-3")
    expect(question.locator("input").first).to_be_focused()
    expect(question).to_be_in_viewport()
    box, bar = question.bounding_box(), page.locator("#answered-bar").bounding_box()
    assert box["y"] >= bar["y"] + bar["height"] - 1, "the question's top is hidden under the bar"

    page.evaluate("window.scrollTo(0, 0)")
    page.locator("#jump-submit").click()
    expect(page.locator("#submit-quiz")).to_be_focused()
    expect(page.locator("#submit-quiz")).to_be_in_viewport()

    page.locator("#question-3 label.answer-card").first.click()
    expect(count).to_have_text("4 of 4 answered")
    expect(jump).to_be_hidden()
    context.close()


@pytest.fixture
def timed_test(transactional_db, learner):
    (topic,), _ = make_bank(topics=1, per_topic=3)
    return selftest_services.selftest_create(
        user=learner, topics=[topic], pool=SelfTest.Pool.ALL, count=3, mode=SelfTest.Mode.TIMED
    )


def _deadline_in(test: SelfTest, seconds: int) -> None:
    SelfTest.objects.filter(pk=test.pk).update(deadline=timezone.now() + timedelta(seconds=seconds))


def test_time_left_stays_in_view_and_is_announced_at_5_and_1_minutes(
    timed_test, learner, log_in, live_server, new_context
):
    context = new_context(**SMALL)
    log_in(context, learner)
    page: Page = context.new_page()
    announce = page.locator("#timer-announce")
    url = f"{live_server.url}/selftest/{timed_test.pk}/?q=1"

    # 5:03 left: nothing said yet (no announcement every second), then "less than 5 minutes".
    _deadline_in(timed_test, 303)
    page.goto(url)
    expect(announce).to_have_attribute("aria-live", "polite")
    expect(announce).to_have_text("")
    page.wait_for_timeout(1000)
    expect(announce).to_have_text("")
    expect(announce).to_have_text("Less than 5 minutes left.", timeout=6000)

    # The time left stays on screen while the page scrolls.
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    box = page.locator("#timer-box").bounding_box()
    assert 0 <= box["y"] <= 1, f"the timer scrolled away: {box}"
    expect(page.locator("#timer")).to_be_in_viewport()

    # The next question does not say it again; the last minute is said once.
    page.goto(f"{live_server.url}/selftest/{timed_test.pk}/?q=2")
    page.wait_for_timeout(1500)
    expect(announce).to_have_text("")
    _deadline_in(timed_test, 62)
    page.goto(url)
    expect(announce).to_have_text("")
    expect(announce).to_have_text("Less than 1 minute left.", timeout=6000)
    context.close()


def test_time_announcements_are_in_spanish(timed_test, learner, log_in, live_server, new_context):
    context = new_context(**SMALL, locale="es-ES", extra_http_headers={"Accept-Language": "es"})
    log_in(context, learner)
    page = context.new_page()
    _deadline_in(timed_test, 61)
    page.goto(f"{live_server.url}/selftest/{timed_test.pk}/?q=1")
    expect(page.locator("#timer-announce")).to_have_text("Queda menos de 1 minuto.", timeout=6000)
    context.close()
