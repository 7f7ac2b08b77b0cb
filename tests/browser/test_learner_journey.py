"""A new learner's whole visit, in real Chromium: sign up, read, take the quiz, see the result."""

import re
from decimal import ROUND_HALF_UP, Decimal

from playwright.sync_api import Page, expect

from quizzes.models import Attempt, Choice, Question

# What the learner ticks, by label text (the quiz is shuffled, so positions mean nothing).
# Osteoporosis and kyphoplasty right (1 + 1), bone density wrong (0), and one of the two right
# choices of the multiple-answer question (0.5): 2.5 / 4 = 62.50%, above the 60% pass mark.
FIRST_THREE = [
    "It makes them thin and fragile",
    "A blood sugar test",
    "Treating a painful spine compression fracture",
]
LAST = "Weight-bearing exercise"
WRONG_PICK_FEEDBACK = "A blood sugar test checks for diabetes, not bone density."
UNCHOSEN_FEEDBACK = "Eye examinations say nothing about your bones."


def expected_score(quiz, picked_texts) -> Decimal:
    """Score the way the quiz promises: per question the picked fractions summed and clamped
    to [0, 1], averaged over all questions, as a percentage rounded half-up to 2 places."""
    marks = []
    for question in Question.objects.filter(quiz=quiz):
        picked = Choice.objects.filter(question=question, text__in=picked_texts)
        marks.append(min(Decimal(1), max(Decimal(0), sum((c.fraction for c in picked), Decimal(0)))))
    return (sum(marks) / len(marks) * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def answer(page: Page, label: str) -> None:
    page.get_by_label(label, exact=True).check()


def test_new_learner_signs_up_reads_the_lesson_and_passes_the_quiz(patient_quiz, live_server, page: Page):
    quiz = patient_quiz
    score = expected_score(quiz, [*FIRST_THREE, LAST])
    passed = score >= quiz.pass_mark
    assert (score, passed) == (Decimal("62.50"), True), "the picks no longer test what the comment says"

    # Sign up: username and the password twice.
    page.goto(f"{live_server.url}/accounts/signup/")
    page.locator("#id_username").fill("new_patient")
    page.locator("#id_password1").fill("Calcium-Spine-2026!")
    page.locator("#id_password2").fill("Calcium-Spine-2026!")
    page.get_by_role("button", name="Create account").click()

    # Home page, logged in, lists the lesson and the quiz.
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_text("Welcome! Your account is ready.")).to_be_visible()
    expect(page.get_by_role("button", name="Log out (new_patient)")).to_be_attached()
    expect(page.get_by_role("link", name="Bone health basics")).to_be_visible()
    expect(page.get_by_role("link", name="Bone health check")).to_be_visible()
    expect(page.get_by_text("4 questions, pass mark 60%")).to_be_visible()

    # The lesson: both sections readable, then on to its quiz.
    page.get_by_role("link", name="Bone health basics").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bone health basics")
    expect(page.get_by_role("heading", name="What is osteoporosis?")).to_be_visible()
    expect(page.get_by_role("heading", name="Spine fractures and kyphoplasty")).to_be_visible()
    expect(page.get_by_text("Kyphoplasty makes a space in the broken bone")).to_be_visible()
    page.get_by_role("link", name="Bone health check").click()

    # The quiz page: nothing that gives the answers away has reached the browser.
    expect(page.get_by_role("heading", level=1)).to_have_text("Bone health check")
    expect(page.locator("fieldset.question")).to_have_count(4)
    html = page.content()
    for question in Question.objects.filter(quiz=quiz):
        assert question.explanation not in html, f"explanation of {question.name} sent before submitting"
    for feedback in Choice.objects.filter(question__quiz=quiz).exclude(feedback="").values_list("feedback", flat=True):
        assert feedback not in html, f"feedback sent before submitting: {feedback!r}"
    assert "Correct answer" not in html

    # Progress follows the ticks.
    progress = page.locator("#progress-text")
    expect(progress).to_have_text("0 of 4 answered")
    for n, label in enumerate(FIRST_THREE, start=1):
        answer(page, label)
        expect(progress).to_have_text(f"{n} of 4 answered")

    # Submitting with a question left shows the warning instead of sending the form.
    quiz_url = page.url
    page.get_by_role("button", name="Submit answers").click()
    warning = page.locator("#unanswered-warning")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("You have not answered 1 question. Unanswered questions count as wrong.")
    expect(warning).to_be_focused()
    expect(page.get_by_role("button", name="Submit anyway")).to_be_visible()
    assert page.url == quiz_url
    assert not Attempt.objects.filter(submitted_at__isnull=False).exists()

    # The last answer; more ticks within one multiple-answer question still count it once.
    answer(page, LAST)
    expect(progress).to_have_text("4 of 4 answered")
    expect(warning).to_be_hidden()
    answer(page, "Smoking")
    expect(progress).to_have_text("4 of 4 answered")
    page.get_by_label("Smoking", exact=True).uncheck()
    expect(progress).to_have_text("4 of 4 answered")

    page.get_by_role("button", name="Submit answers").click()
    page.wait_for_url(re.compile(r"/attempts/\d+/$"))
    attempt_id = int(re.search(r"/attempts/(\d+)/$", page.url).group(1))
    attempt = Attempt.objects.get(submitted_at__isnull=False)
    assert attempt.pk == attempt_id
    assert (attempt.score, attempt.passed) == (score, passed)

    # The result: score, verdict, explanations, feedback on the wrong pick, links back to the lesson.
    expect(page.locator("#score")).to_have_text(f"Your score: {score}%")
    expect(page.locator("#verdict")).to_have_text(f"Passed (pass mark {quiz.pass_mark}%)")
    for question in Question.objects.filter(quiz=quiz):
        expect(page.get_by_text(question.explanation)).to_be_visible()
    expect(page.get_by_text(WRONG_PICK_FEEDBACK)).to_be_visible()
    expect(page.get_by_text(UNCHOSEN_FEEDBACK)).to_have_count(0)
    read_again = page.get_by_role("link", name="Read again: Bone health basics: Spine fractures and kyphoplasty")
    expect(read_again).to_have_attribute("href", "/lessons/bone-health-basics/#spine-fractures")
    read_again.click()
    expect(page).to_have_url(f"{live_server.url}/lessons/bone-health-basics/#spine-fractures")
    expect(page.get_by_role("heading", name="Spine fractures and kyphoplasty")).to_be_in_viewport()

    # My results lists the attempt.
    page.get_by_role("link", name="My results").click()
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Bone health check")
    expect(rows.first).to_contain_text(f"{score}%")
    expect(rows.first).to_contain_text("Passed")
    expect(rows.first.get_by_role("link", name="Bone health check")).to_have_attribute(
        "href", f"/attempts/{attempt_id}/"
    )


def test_back_button_then_resubmit_keeps_the_single_stored_result(
    patient_quiz, learner, log_in, live_server, page: Page
):
    log_in(page.context, learner)
    page.goto(f"{live_server.url}{patient_quiz.get_absolute_url()}")
    for label in [*FIRST_THREE, LAST]:
        answer(page, label)
    page.get_by_role("button", name="Submit answers").click()
    page.wait_for_url(re.compile(r"/attempts/\d+/$"))
    first = Attempt.objects.get(submitted_at__isnull=False)

    page.go_back()
    expect(page).to_have_url(f"{live_server.url}{patient_quiz.get_absolute_url()}")
    # Back does not start a new attempt: the page says it was submitted and links the result.
    expect(page.get_by_text("You submitted this quiz")).to_be_visible()
    expect(page.get_by_role("button", name="Submit answers")).to_have_count(0)
    page.get_by_role("link", name="See your result").click()
    expect(page.locator("#score")).to_be_visible()
    assert Attempt.objects.count() == 1

    submitted = Attempt.objects.filter(submitted_at__isnull=False)
    assert submitted.count() == 1
    assert submitted.get().score == first.score
