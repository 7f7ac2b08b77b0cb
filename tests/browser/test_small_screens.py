"""Layout on small screens: a phone, and a desktop browser zoomed to 200% (WCAG 1.4.10 reflow)."""

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from quizzes.learning import services

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
# A 1280x800 window at 200% zoom lays pages out in 640x400 CSS pixels.
ZOOM_200 = {"viewport": {"width": 640, "height": 400}}

# Lists the elements sticking out on the right, so a failure says what to fix.
OVERFLOW_JS = """() => {
  const root = document.documentElement;
  const wide = [...document.body.querySelectorAll("*")]
    .filter(el => el.getBoundingClientRect().right > root.clientWidth + 0.5)
    .slice(0, 5)
    .map(el => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + (el.className ? "." + el.className : ""));
  return {scrollWidth: root.scrollWidth, clientWidth: root.clientWidth, wide};
}"""


def assert_no_horizontal_scroll(page: Page) -> None:
    layout = page.evaluate(OVERFLOW_JS)
    assert layout["scrollWidth"] <= layout["clientWidth"], f"{page.url} scrolls sideways: {layout}"


@pytest.fixture
def submitted_attempt(patient_quiz, learner):
    attempt = services.attempt_get_or_start(user=learner, quiz=patient_quiz)
    # The first choice shown for every question: a mix of right and wrong, so feedback shows too.
    answers = {r.position: frozenset({r.snapshot["choices"][0]["id"]}) for r in attempt.responses.all()}
    return services.attempt_submit(attempt=attempt, answers=answers)


def test_quiz_page_fits_a_phone_and_its_submit_button_can_be_reached(
    patient_quiz, learner, log_in, live_server, new_context, pytestconfig
):
    context = new_context(**PHONE)
    log_in(context, learner)
    page = context.new_page()
    page.goto(f"{live_server.url}{patient_quiz.get_absolute_url()}")
    expect(page.locator("fieldset.question")).to_have_count(4)
    # For a look by eye. Taken before scrolling: the sticky progress bar would otherwise be
    # drawn over the first question in a full-page capture.
    shots = Path(pytestconfig.getoption("--output")).absolute()
    shots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=shots / "phone-quiz-page.png", full_page=True)

    assert_no_horizontal_scroll(page)
    submit = page.get_by_role("button", name="Submit answers")
    submit.scroll_into_view_if_needed()
    expect(submit).to_be_visible()
    expect(submit).to_be_in_viewport()
    box = submit.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390, f"submit button is cut off: {box}"


@pytest.mark.parametrize("which", ["home", "lesson", "result"])
def test_page_does_not_scroll_sideways_at_200_percent_zoom(
    which, submitted_attempt, learner, log_in, live_server, new_context
):
    path = {
        "home": "/",
        "lesson": submitted_attempt.quiz.lessons.get().get_absolute_url(),
        "result": submitted_attempt.get_absolute_url(),
    }[which]
    context = new_context(**ZOOM_200)
    log_in(context, learner)
    page = context.new_page()
    page.goto(f"{live_server.url}{path}")
    expect(page).to_have_url(f"{live_server.url}{path}")  # logged in: no detour to the login page
    expect(page.get_by_role("heading", level=1)).to_be_visible()

    assert_no_horizontal_scroll(page)
