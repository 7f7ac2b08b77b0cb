"""The quiz page saves each answer as it is chosen: a closed tab or a dropped network loses nothing."""

import re

from playwright.sync_api import Browser, Page, expect

from quizzes.models import Attempt, Response

from .test_learner_journey import FIRST_THREE, LAST, answer


def saved_texts(attempt: Attempt) -> set[str]:
    texts = set()
    for row in Response.objects.filter(attempt=attempt):
        texts |= {c["text"] for c in row.snapshot["choices"] if c["id"] in row.chosen}
    return texts


def wait_saved(page: Page) -> None:
    expect(page.locator("#save-status")).to_have_text("Your answers are saved.", timeout=10_000)


def test_answers_chosen_before_the_tab_closes_are_ticked_when_the_quiz_is_reopened(
    patient_quiz, learner, log_in, live_server, browser: Browser
):
    url = f"{live_server.url}{patient_quiz.get_absolute_url()}"
    first = browser.new_context()
    log_in(first, learner)
    page = first.new_page()
    page.goto(url)
    for label in FIRST_THREE:
        answer(page, label)
    wait_saved(page)
    first.close()  # a closed tab, a crashed phone

    attempt = Attempt.objects.get(user=learner)
    assert saved_texts(attempt) == set(FIRST_THREE)
    again = browser.new_context()
    log_in(again, learner)
    page = again.new_page()
    page.goto(url)
    for label in FIRST_THREE:
        expect(page.get_by_label(label, exact=True)).to_be_checked()
    expect(page.locator("#progress-text")).to_have_text("3 of 4 answered")
    answer(page, LAST)
    page.get_by_role("button", name="Submit answers").click()
    page.wait_for_url(re.compile(r"/attempts/\d+/$"))
    attempt.refresh_from_db()
    assert attempt.submitted_at is not None
    assert saved_texts(attempt) == {*FIRST_THREE, LAST}
    again.close()


def test_an_answer_chosen_offline_is_saved_when_the_network_is_back(
    patient_quiz, learner, log_in, live_server, page: Page
):
    log_in(page.context, learner)
    page.goto(f"{live_server.url}{patient_quiz.get_absolute_url()}")
    answer(page, FIRST_THREE[0])
    wait_saved(page)

    page.context.set_offline(True)
    answer(page, FIRST_THREE[1])
    status = page.locator("#save-status")
    expect(status).to_contain_text("not saved yet", timeout=10_000)  # the learner is told
    attempt = Attempt.objects.get(user=learner)
    assert saved_texts(attempt) == {FIRST_THREE[0]}

    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    wait_saved(page)
    assert saved_texts(attempt) == {FIRST_THREE[0], FIRST_THREE[1]}
