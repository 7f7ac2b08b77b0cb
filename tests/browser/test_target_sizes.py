"""Every interactive target is big enough to hit (WCAG 2.2, 2.5.8): at least 44 x 44 CSS px on
the patient pages (older patients, on phones) and at least 24 x 24 CSS px on the trainee pages,
measured from the bounding boxes in real Chromium. What counts as a target, and the one
exemption (a link inside running text), is written out above `TARGETS_JS` in interaction.py."""

import re

import pytest
from playwright.sync_api import Page, expect

from quizzes import roles
from quizzes.learning import services as learning_services
from quizzes.models import ConsentRecord, SelfTest
from quizzes.selftest import services as selftest_services
from tests.browser.interaction import undersized_targets
from tests.consent.factories import answer_check, build_pathway, enrol
from tests.selftest.helpers import make_bank

PATIENT_MIN = 44
TRAINEE_MIN = 24
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1280, "height": 800}}


def assert_targets(page: Page, minimum: int, where: str) -> None:
    found = undersized_targets(page, minimum)
    assert not found["small"], f"{where}: targets under {minimum} px: {found['small']}"


# Patient pages ----------------------------------------------------------------------------------


@pytest.fixture
def patient(transactional_db):
    roles.roles_sync()  # the groups, in case the flush between tests took them
    built = build_pathway(questions=3, lessons=1)
    return enrol(built.pathway)


def test_patient_pages_have_targets_of_44_px(patient, live_server, new_context):
    context = new_context(**PHONE)
    page = context.new_page()
    base = live_server.url
    seen = []

    def measure(name: str) -> None:
        expect(page.locator("h1").first).to_be_visible()
        assert_targets(page, PATIENT_MIN, name)
        seen.append(name)

    page.goto(f"{base}/consent/")
    measure("code form")
    page.goto(f"{base}/consent/not-a-link/")
    measure("link problem")

    page.goto(f"{base}/consent/{patient.token}/")
    page.wait_for_url(re.compile(r"/consent/pathway/$"))
    measure("pathway home")
    page.locator("#pathway-go-on").click()
    measure("lesson step")
    while "/check/" not in page.url:
        page.locator("#step-next").click()
        page.wait_for_load_state()
    measure("check question")
    page.get_by_label("Choice B", exact=True).check()
    page.get_by_role("button", name="Check my answer").click()
    page.wait_for_url(re.compile(r"/answers/\d+/$"))
    measure("feedback")

    record = ConsentRecord.objects.get(enrolment=patient.enrolment)
    answer_check(record, right=True)
    page.goto(f"{base}/consent/pathway/done/")
    measure("done")

    page.goto(f"{base}/consent/pathway/")
    measure("pathway home, completed")
    assert len(seen) == 8
    context.close()


def test_stop_for_now_and_the_page_after_it_have_targets_of_44_px(patient, live_server, new_context):
    context = new_context(**PHONE)
    page = context.new_page()
    page.goto(f"{live_server.url}/consent/{patient.token}/")
    page.wait_for_url(re.compile(r"/consent/pathway/$"))
    stop = page.get_by_role("button", name="Stop for now")
    box = stop.bounding_box()
    assert box["width"] >= PATIENT_MIN and box["height"] >= PATIENT_MIN, box
    stop.click()
    expect(page.locator("h1")).to_be_visible()
    assert_targets(page, PATIENT_MIN, "after stopping")
    context.close()


# Trainee pages ----------------------------------------------------------------------------------


def _charts_not_served(route) -> None:
    """The progress page's two chart images, answered in the browser (see the self-test
    journey: live_server's single SQLite connection can deadlock on two parallel requests)."""
    route.fulfill(status=200, content_type="image/svg+xml", body='<svg xmlns="http://www.w3.org/2000/svg"/>')


@pytest.fixture
def trainee_work(patient_quiz, learner):
    """A submitted quiz (half right), an open timed self-test and a finished one."""
    attempt = learning_services.attempt_get_or_start(user=learner, quiz=patient_quiz)
    answers = {r.position: frozenset({r.snapshot["choices"][0]["id"]}) for r in attempt.responses.all()}
    attempt = learning_services.attempt_submit(attempt=attempt, answers=answers)
    (topic,), _ = make_bank(topics=1, per_topic=3)
    create = selftest_services.selftest_create
    finished = create(user=learner, topics=[topic], pool=SelfTest.Pool.ALL, count=3, mode=SelfTest.Mode.TUTOR)
    selftest_services.selftest_finish(user=learner, test_id=finished.pk)
    timed = create(user=learner, topics=[topic], pool=SelfTest.Pool.ALL, count=3, mode=SelfTest.Mode.TIMED)
    return {"quiz": patient_quiz, "attempt": attempt, "timed": timed, "finished": finished}


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_trainee_pages_have_targets_of_24_px(size, trainee_work, learner, log_in, live_server, new_context):
    context = new_context(**(PHONE if size == "phone" else DESKTOP))
    context.route("**/progress/chart/*", _charts_not_served)
    log_in(context, learner)
    page = context.new_page()
    lesson = trainee_work["quiz"].lessons.get()
    timed, finished = trainee_work["timed"].pk, trainee_work["finished"].pk
    pages = {
        "home": "/",
        "lesson": lesson.get_absolute_url(),
        "quiz": trainee_work["quiz"].get_absolute_url(),
        "result": trainee_work["attempt"].get_absolute_url(),
        "result, missed only": f"{trainee_work['attempt'].get_absolute_url()}?show=missed",
        "my results": "/me/results/",
        "self-test builder": "/selftest/new/",
        "self-test question": f"/selftest/{timed}/?q=1",
        "self-test finish": f"/selftest/{timed}/finish/",
        "self-test review": f"/selftest/{finished}/review/",
        "progress": "/progress/",
        "spaced review": "/review/",
    }
    for name, path in pages.items():
        page.goto(f"{live_server.url}{path}")
        expect(page.locator("h1").first).to_be_visible()
        assert_targets(page, TRAINEE_MIN, f"{name} ({size})")
    context.close()


def test_builder_topic_boxes_are_at_least_24_px(trainee_work, learner, log_in, live_server, page: Page):
    log_in(page.context, learner)
    page.goto(f"{live_server.url}/selftest/new/")
    topic = trainee_work["timed"].topics.get()
    box = page.get_by_label(f"{topic.title} (3)").bounding_box()
    assert box["width"] >= TRAINEE_MIN and box["height"] >= TRAINEE_MIN, box


def test_a_tap_in_the_answer_cards_padding_picks_the_answer(patient_quiz, learner, log_in, live_server, page: Page):
    log_in(page.context, learner)
    page.goto(f"{live_server.url}{patient_quiz.get_absolute_url()}")
    card = page.locator("#question-1 label.answer-card").nth(1)
    box = card.bounding_box()
    # The far right end of the card, well away from the radio and from the text.
    page.mouse.click(box["x"] + box["width"] - 4, box["y"] + box["height"] - 4)
    expect(card.locator("input")).to_be_checked()
