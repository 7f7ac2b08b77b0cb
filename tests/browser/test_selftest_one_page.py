"""A self-test is one page load: the questions are all in the page, the browser moves between
them (Next, Previous, the navigator, Back), and each answer is one small save. With the network
dropped the answer waits and is saved when it is back; without JavaScript the test still works
one question per page."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from quizzes.models import SelfTest, Topic
from quizzes.selftest import services
from tests.browser.selftest_bank import TOPICS, pick

pytestmark = pytest.mark.django_db(transaction=True)


def _new_test(trainee, *, count: int, mode: str) -> SelfTest:
    topics = list(Topic.objects.filter(slug__in=TOPICS))
    return services.selftest_create(user=trainee, topics=topics, pool="all", count=count, mode=mode)


def _label(page: Page, test: SelfTest, position: int, *, right: bool):
    choice = pick(test.items.get(position=position), right=right)
    return page.locator(f"#st-q-{position}").get_by_label(choice["text"], exact=True)


def test_a_whole_tutor_test_takes_one_page_load_and_one_request_per_answer(bank, trainee, log_in, live_server, page):
    test = _new_test(trainee, count=4, mode=SelfTest.Mode.TUTOR)
    take = f"{live_server.url}/selftest/{test.pk}/"
    log_in(page.context, trainee)
    sent = []
    page.on("request", lambda request: sent.append((request.method, request.url, request.resource_type)))

    page.goto(f"{take}?q=1")
    _label(page, test, 1, right=True).check()
    expect(page.locator("#save-status")).to_have_text("Choice saved. Press “Check answer” to see if it is right.")
    page.get_by_role("button", name="Check answer").click()
    expect(page.locator("#feedback-outcome")).to_have_text("✓ Correct")
    expect(page.locator("#feedback-outcome")).to_be_focused()
    expect(page.locator('[data-nav="1"]')).to_have_attribute("data-answered", "1")

    page.get_by_role("button", name="Next").click()
    page.wait_for_url(f"{take}?q=2")
    expect(page.locator("#question-heading")).to_contain_text("Question 2 of 4")
    expect(page.locator("#question-heading")).to_be_focused()
    expect(page).to_have_title(re.compile(r"^Question 2 of 4"))
    _label(page, test, 2, right=False).check()
    expect(page.locator("#save-status")).to_contain_text("Choice saved.")

    page.locator('#navigator [data-nav="4"]').click()
    page.wait_for_url(f"{take}?q=4")
    expect(page.locator("#next-button")).to_be_hidden()
    expect(page.locator('#navigator [data-nav="4"]')).to_have_attribute("aria-current", "step")
    page.go_back()  # the browser's Back: the question before
    page.wait_for_url(f"{take}?q=2")
    expect(page.locator("#st-q-2")).to_be_visible()
    expect(page.locator("#st-q-4")).to_be_hidden()

    # A reload shows the same question, with the choice kept (not checked yet).
    page.reload()
    expect(page.locator("#st-q-2")).to_be_visible()
    expect(_label(page, test, 2, right=False)).to_be_checked()
    expect(page.locator("#st-q-1 .outcome")).to_have_text("✓ Correct")  # checked before: its feedback
    page.get_by_role("button", name="Check answer").click()
    expect(page.locator("#st-q-2 .outcome")).to_have_text("✗ Not correct")

    documents = [(method, url) for method, url, kind in sent if kind == "document"]
    saves = [url for method, url, kind in sent if method == "POST" and kind == "fetch"]
    assert documents == [("GET", f"{take}?q=1"), ("GET", f"{take}?q=2")], "navigating loads no page"
    assert saves == [take] * 4  # pick, check, pick, check
    first, second = test.items.order_by("position")[:2]
    assert (first.mark, second.mark) == (1, 0)


def test_an_answer_chosen_offline_is_saved_when_the_network_is_back(bank, trainee, log_in, live_server, page):
    test = _new_test(trainee, count=3, mode=SelfTest.Mode.TIMED)
    log_in(page.context, trainee)
    page.goto(f"{live_server.url}/selftest/{test.pk}/?q=1")
    before = timezone.now()
    _label(page, test, 1, right=True).check()
    expect(page.locator("#save-status")).to_have_text("Answer saved.")
    saved = timezone.now()
    page.wait_for_timeout(1200)
    page.get_by_role("button", name="Next").click()

    page.context.set_offline(True)
    _label(page, test, 2, right=False).check()
    status = page.locator("#save-status")
    expect(status).to_contain_text("Could not save your answer")
    expect(status).to_have_class(re.compile(r"\btext-danger\b"))
    expect(page.locator('[data-nav="2"]')).to_have_attribute("data-answered", "0")
    page.context.set_offline(False)
    expect(status).to_have_text("Answer saved.", timeout=10_000)
    expect(page.locator('[data-nav="2"]')).to_have_attribute("data-answered", "1")

    first, second = test.items.order_by("position")[:2]
    assert second.chosen == [pick(second, right=False)["id"]]
    # The answer's time is when it was chosen: moving on does not save it again.
    assert before <= first.answered_at <= saved + timedelta(milliseconds=50)


def test_without_javascript_the_test_is_taken_one_question_per_page(bank, trainee, log_in, live_server, new_context):
    context = new_context(java_script_enabled=False)
    log_in(context, trainee)
    page = context.new_page()
    test = _new_test(trainee, count=3, mode=SelfTest.Mode.TIMED)
    take = f"{live_server.url}/selftest/{test.pk}/"
    page.goto(f"{take}?q=1")
    expect(page.locator("#st-q-2")).to_be_hidden()
    for position in (1, 2):
        _label(page, test, position, right=position == 1).check()
        page.get_by_role("button", name="Next").click()
        page.wait_for_url(f"{take}?q={position + 1}")
        expect(page.locator(f"#st-q-{position + 1}")).to_be_visible()
    page.get_by_role("button", name="Flag for review").click()
    expect(page.locator("#flag-button")).to_have_attribute("aria-pressed", "true")
    page.locator('#navigator [data-nav="1"]').click()
    page.wait_for_url(f"{take}?q=1")
    expect(_label(page, test, 1, right=True)).to_be_checked()
    page.get_by_role("button", name="Finish the test").click()
    expect(page.get_by_text("You have answered 2 of 3 questions.")).to_be_visible()
    page.get_by_role("button", name="Finish and see my results").click()
    expect(page.locator("#score")).to_have_text("Your score: 33.33%")
    test.refresh_from_db()
    assert test.is_finished and test.items.get(position=3).flagged
