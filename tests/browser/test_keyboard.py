"""A quiz, a tutor-mode self-test and the patient check, done with the keyboard alone (Tab,
Shift+Tab, Space, Enter and the arrow keys; no mouse click anywhere). After every action that
loads a page (Flag for review, Check answer, Next, a jump in the navigator, a patient's answer)
focus is on the new question's heading or on the feedback, not at the top of the page; and the
ring on a focused answer card is solid, at least 3:1 and drawn around the whole card."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from quizzes import roles
from quizzes.models import Attempt, SelfTest
from quizzes.selftest import services as selftest_services
from tests.browser.conftest import QUESTIONS
from tests.browser.interaction import active, assert_card_ring, choose_radio, focused_matches, tab_to
from tests.consent.factories import build_pathway, enrol
from tests.selftest.helpers import make_bank

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}


def right_texts(stem: str) -> list[str]:
    return [text for text, fraction, _ in QUESTIONS[stem][3] if Decimal(fraction) > 0]


def test_quiz_done_with_the_keyboard_alone(patient_quiz, learner, log_in, live_server, page: Page):
    log_in(page.context, learner)
    page.goto(f"{live_server.url}{patient_quiz.get_absolute_url()}")

    # The bar's jump puts focus on the first unanswered question's first answer.
    tab_to(page, "#jump-unanswered")
    page.keyboard.press("Enter")
    assert focused_matches(page, "#question-1 input"), active(page)
    assert_card_ring(page)

    for position in range(1, 5):
        assert focused_matches(page, f"#question-{position} input"), active(page)
        stem = page.locator(f"#question-{position} legend").inner_text().split("\n", 1)[1].strip()
        if QUESTIONS[stem][0] == "single":
            choose_radio(page, right_texts(stem)[0])
        else:  # checkboxes: Tab from one to the next, Space on each right one
            for _ in QUESTIONS[stem][3]:
                if active(page)["label"] in right_texts(stem):
                    page.keyboard.press("Space")
                page.keyboard.press("Tab")
            page.keyboard.press("Shift+Tab")
        assert_card_ring(page)
        expect(page.locator("#progress-text")).to_have_text(f"{position} of 4 answered")
        if position < 4:
            tab_to(page, f"#question-{position + 1} input")

    tab_to(page, "#submit-quiz")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/attempts/\d+/$"))
    attempt = Attempt.objects.get(submitted_at__isnull=False)
    assert attempt.score == 100


@pytest.fixture
def tutor_test(transactional_db, learner):
    (topic,), _ = make_bank(topics=1, per_topic=3)
    return selftest_services.selftest_create(
        user=learner, topics=[topic], pool=SelfTest.Pool.ALL, count=3, mode=SelfTest.Mode.TUTOR
    )


def heading_focused(page: Page, position: int, total: int = 3) -> None:
    heading = page.locator("#question-heading")
    expect(heading).to_contain_text(f"Question {position} of {total}")  # waits for the new page
    expect(heading).to_be_focused()


def feedback_focused(page: Page, outcome: str) -> None:
    feedback = page.locator("#feedback-outcome")
    expect(feedback).to_be_focused()  # waits for the new page
    expect(feedback).to_contain_text(outcome)


def answer_and_check(page: Page, n: int, *, back_to_answers: bool = False) -> None:
    """From the question heading (or, `back_to_answers`, from below them with Shift+Tab): to
    the answers, arrow to the right one, Tab to Check."""
    if back_to_answers:
        tab_to(page, f"#st-q-{n} input[type=radio]", back=True)
    else:
        page.keyboard.press("Tab")
    choose_radio(page, "Right")
    assert_card_ring(page)
    tab_to(page, f"#check-answer-{n}")
    page.keyboard.press("Enter")
    feedback_focused(page, "Correct")


def test_tutor_self_test_done_with_the_keyboard_alone(tutor_test, learner, log_in, live_server, page: Page):
    log_in(page.context, learner)
    page.goto(f"{live_server.url}/selftest/{tutor_test.pk}/?q=1")
    heading_focused(page, 1)  # arriving at a question puts focus on it

    # Flag for review: a toggle, so focus stays on it; then back to the question.
    tab_to(page, "#flag-button")
    page.keyboard.press("Enter")
    expect(page.locator("#flag-button")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#flag-button")).to_be_focused()

    answer_and_check(page, 1, back_to_answers=True)

    # Next: the next question's heading.
    tab_to(page, "button[value=next]")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"\?q=2$"))
    heading_focused(page, 2)
    answer_and_check(page, 2)

    # The navigator: a jump to question 3 lands on its heading.
    tab_to(page, '#navigator [data-nav="3"]')
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"\?q=3$"))
    heading_focused(page, 3)
    answer_and_check(page, 3)

    tab_to(page, "#finish-button")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/finish/$"))
    tab_to(page, "#confirm-finish")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/review/$"))
    expect(page.locator("#score")).to_have_text("Your score: 100%")
    test = SelfTest.objects.get(pk=tutor_test.pk)
    assert test.is_finished and test.items.get(position=1).flagged


def press_and_load(page: Page, key: str) -> None:
    """Press a key that follows a link or sends a form, and wait for the page it leads to."""
    with page.expect_navigation():
        page.keyboard.press(key)


@pytest.fixture
def patient_link(transactional_db):
    roles.roles_sync()  # the groups, in case the flush between tests took them
    built = build_pathway(questions=3, lessons=1)
    return f"/consent/{enrol(built.pathway).token}/"


def test_patient_check_done_with_the_keyboard_alone(patient_link, live_server, new_context):
    context = new_context(**PHONE)
    page = context.new_page()
    page.goto(f"{live_server.url}{patient_link}")

    # Through the lesson with Tab and Enter.
    page.wait_for_url(re.compile(r"/consent/pathway/$"))
    tab_to(page, "#pathway-go-on")
    press_and_load(page, "Enter")
    while "/check/" not in page.url:
        tab_to(page, "#step-next")
        press_and_load(page, "Enter")

    missed_once = False
    answers = praised = 0
    while "/check/" in page.url:
        # A new question: focus on its heading, or on "That is right." just above it.
        if focused_matches(page, "main > .alert"):
            assert active(page)["text"] == "That is right.", active(page)
            praised += 1
        else:
            assert focused_matches(page, "#question-stem"), f"focus is not on the question: {active(page)}"
        tab_to(page, "input[name=choice]")
        wanted = "Choice B" if not missed_once else "Choice A"  # the first answer is wrong on purpose
        choose_radio(page, wanted)
        assert_card_ring(page)
        tab_to(page, "button[type=submit]:not(.btn-outline-light)")  # "Check my answer", not "Stop for now"
        press_and_load(page, "Enter")
        answers += 1
        if not missed_once:
            missed_once = True
            assert "/answers/" in page.url
            assert focused_matches(page, "#feedback-title"), f"focus is not on the feedback: {active(page)}"
            assert active(page)["text"] == "Not quite. Let us look at this again."
            tab_to(page, "main a.btn-primary")  # "Next question"
            press_and_load(page, "Enter")
        assert answers < 10, "the check did not end"
    page.wait_for_url(re.compile(r"/consent/pathway/done/$"))
    assert praised >= 1, "no right answer was followed by another question"
    context.close()
