"""A trainee's timed self-test in real Chromium: build, answer, close the tab, resume, flag,
finish, review, then see the dashboard and the spaced-review queue change. And the deadline:
an answer picked after the time is up (plus the grace) is refused by the server, whatever the
countdown in the page shows."""

import re
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.core.cache import caches
from django.utils import timezone
from playwright.sync_api import Page, expect

from quizzes.models import Question, QuestionProgress, SelfTest, Topic
from quizzes.rules.taking import DEADLINE_GRACE
from tests.browser.selftest_bank import LEFT_OUT, TOPICS, pick

TAKE_URL = re.compile(r"/selftest/(\d+)/\?q=(\d+)$")
COUNT = 10
# Positions answered wrongly on purpose: they go to box 1 of the spaced review.
WRONG = {3, 8}
FLAGGED = 5
HALF_WAY = 5


def _item_shown(page: Page, test: SelfTest, position: int):
    """The test's item whose stem the page shows, checked against the page's position."""
    legend = page.locator(f"#st-q-{position} legend")
    expect(legend).to_be_visible()
    expect(legend).to_contain_text(f"Question {position} of {COUNT}")
    shown = legend.inner_text()
    items = [i for i in test.items.all() if i.snapshot["stem"] in shown]
    assert len(items) == 1, f"no single item has the stem shown: {shown!r}"
    assert items[0].position == position
    return items[0]


def _answer(page: Page, test: SelfTest, position: int) -> dict:
    """Pick the right answer (a wrong one at the WRONG positions) and wait for the autosave."""
    item = _item_shown(page, test, position)
    choice = pick(item, right=position not in WRONG)
    page.get_by_label(choice["text"], exact=True).check()
    expect(page.locator("#save-status")).to_have_text("Answer saved.")
    expect(page.locator(f'[data-nav="{position}"]')).to_have_attribute("data-answered", "1")
    return choice


def _charts_not_served(route) -> None:
    """Answer the dashboard's two chart images in the browser, without the server.

    live_server shares the in-memory SQLite test database's single connection between all of
    its request threads, and the two charts are fetched in parallel: two threads in the same
    connection at once can deadlock in CPython's sqlite3 (one holds the connection's mutex and
    waits for the GIL inside a Python SQL function, the other holds the GIL and waits for the
    mutex). The charts have their own tests; here they are only pictures.
    """
    route.fulfill(status=200, content_type="image/svg+xml", body='<svg xmlns="http://www.w3.org/2000/svg"/>')


def _nav(page: Page, position: int):
    return page.locator(f'#navigator [data-nav="{position}"]')


def test_timed_test_closed_half_way_resumes_then_review_progress_and_spaced_review_change(
    bank, trainee, log_in, live_server, page: Page
):
    base = live_server.url
    log_in(page.context, trainee)
    page.context.route("**/progress/chart/*", _charts_not_served)

    # Before: nothing seen, nothing due.
    page.goto(f"{base}/progress/")
    expect(page.locator("#bank-seen")).to_have_text("0 of 15")
    expect(page.locator("#review-due")).to_have_text("Review due (0)")

    # Build: two of the three topics, 10 questions, timed.
    page.goto(f"{base}/selftest/new/")
    page.get_by_label(f"{LEFT_OUT[1]} ({LEFT_OUT[2]})").uncheck()
    for title, count in TOPICS.values():
        expect(page.get_by_label(f"{title} ({count})")).to_be_checked()
    page.get_by_label("Number of questions").fill(str(COUNT))
    page.get_by_label("Timed: feedback at the end").check()
    page.get_by_role("button", name="Start the test").click()
    page.wait_for_url(TAKE_URL)
    test = SelfTest.objects.get(pk=int(TAKE_URL.search(page.url).group(1)))
    assert (test.mode, test.items.count(), test.user_id) == (SelfTest.Mode.TIMED, COUNT, trainee.pk)
    assert {i.topic.slug for i in test.items.select_related("topic")} == set(TOPICS)
    expect(page.locator("#timer")).to_have_text(re.compile(r"^1[45]:\d\d$"))  # 10 x 90 s

    # Answer half of it; each answer is saved as soon as it is picked.
    picked = {}
    for position in range(1, HALF_WAY + 1):
        picked[position] = _answer(page, test, position)
        if position < HALF_WAY:
            page.get_by_role("button", name="Next").click()
            page.wait_for_url(re.compile(rf"\?q={position + 1}$"))
    expect(page.locator("#answered-count")).to_have_text(f"{HALF_WAY} of {COUNT} answered")

    # The tab is closed without pressing anything: the autosaves are all there is.
    context = page.context
    page.close()
    answered = {i.position: i.chosen for i in test.items.filter(answered_at__isnull=False)}
    assert answered == {p: [choice["id"]] for p, choice in picked.items()}

    # A new tab on the test (or another device): it resumes after the last answer, 1-5 marked
    # answered; a reload stays on the question shown, and Previous shows 5 with its answer ticked.
    page = context.new_page()
    page.goto(f"{base}/selftest/{test.pk}/")
    _item_shown(page, test, HALF_WAY + 1)
    page.reload()
    _item_shown(page, test, HALF_WAY + 1)
    page.get_by_role("button", name="Previous").click()
    page.wait_for_url(re.compile(rf"\?q={HALF_WAY}$"))
    _item_shown(page, test, HALF_WAY)
    expect(page.get_by_label(picked[HALF_WAY]["text"], exact=True)).to_be_checked()
    expect(page.locator("#answered-count")).to_have_text(f"{HALF_WAY} of {COUNT} answered")
    for position in range(1, COUNT + 1):
        is_answered = position <= HALF_WAY
        expect(_nav(page, position)).to_have_attribute("data-answered", "1" if is_answered else "0")
        state = "answered" if is_answered else "not answered"
        expect(_nav(page, position)).to_have_attribute("aria-label", f"Question {position}, {state}")
    expect(_nav(page, 2)).to_have_class(re.compile(r"\bbtn-primary\b"))
    expect(_nav(page, 7)).to_have_class(re.compile(r"\bbtn-outline-secondary\b"))

    # Flag this one: the button and the navigator say so, and so does the database.
    page.get_by_role("button", name="Flag for review").click()
    expect(page.locator("#flag-button")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#save-status")).to_have_text("Flagged for review.")  # the server has it
    expect(_nav(page, FLAGGED)).to_have_text(f"{FLAGGED}⚑")
    expect(_nav(page, FLAGGED)).to_have_attribute("aria-label", f"Question {FLAGGED}, answered, flagged")
    assert list(test.items.filter(flagged=True).values_list("position", flat=True)) == [FLAGGED]

    # The rest, then finish.
    for position in range(HALF_WAY + 1, COUNT + 1):
        page.get_by_role("button", name="Next").click()
        page.wait_for_url(re.compile(rf"\?q={position}$"))
        picked[position] = _answer(page, test, position)
    expect(page.locator("#answered-count")).to_have_text(f"{COUNT} of {COUNT} answered")
    page.get_by_role("button", name="Finish the test").click()
    expect(page.get_by_text(f"You have answered {COUNT} of {COUNT} questions.")).to_be_visible()
    expect(page.get_by_text(f"Flagged: {FLAGGED}")).to_be_visible()
    page.get_by_role("button", name="Finish and see my results").click()

    # The review: every question as shown, the verdict, the explanation.
    page.wait_for_url(f"{base}/selftest/{test.pk}/review/")
    test.refresh_from_db()
    assert test.is_finished and test.score == Decimal("80.00")
    expect(page.locator("#score")).to_have_text("Your score: 80%")
    expect(page.get_by_text(f"{COUNT - len(WRONG)} of {COUNT} fully correct.")).to_be_visible()
    reviews = page.locator(".review-item")
    expect(reviews).to_have_count(COUNT)
    for item in test.items.order_by("position"):
        review = page.locator(f"#review-{item.position}")
        expect(review).to_contain_text(item.snapshot["stem"])
        expect(review.locator(".explanation")).to_contain_text(Question.objects.get(pk=item.question_id).explanation)
        verdict = "✗ Not correct" if item.position in WRONG else "✓ Correct"
        expect(review.locator(".outcome")).to_have_text(verdict)
        expect(review.locator(".is-correct")).to_contain_text(pick(item, right=True)["text"])
    expect(page.locator(f"#review-{FLAGGED}")).to_contain_text("flagged")

    # The dashboard: 10 of 15 seen, the two topics' rows filled in, the left-out one empty.
    page.get_by_role("link", name="My progress").click()
    expect(page.locator("#bank-seen")).to_have_text(f"{COUNT} of 15")
    items = list(test.items.select_related("topic"))
    for slug, (title, count) in TOPICS.items():
        mine = [i for i in items if i.topic.slug == slug]
        right = sum(1 for i in mine if i.position not in WRONG)
        row = page.locator("#topic-table tbody tr").filter(has_text=title)
        expect(row.locator("td").nth(0)).to_have_text(f"{len(mine)}/{count}")
        percent = (Decimal(right * 100) / len(mine)).quantize(Decimal(1), rounding=ROUND_HALF_UP)
        expect(row.locator("td").nth(1)).to_have_text(f"{percent}%")
    left_out = page.locator("#topic-table tbody tr").filter(has_text=LEFT_OUT[1])
    expect(left_out.locator("td").nth(0)).to_have_text(f"0/{LEFT_OUT[2]}")
    # Wrong answers come back after 1 day: in review, but not due yet.
    expect(page.locator("#review-due")).to_have_text("Review due (0)")
    page.locator("#review-due").click()
    expect(page.locator("#due-count")).to_have_text("0 questions due")
    expect(page.get_by_text("Nothing is due now. The next question is due")).to_be_visible()
    box_one = page.locator("table tbody tr").filter(has=page.get_by_role("rowheader", name="1", exact=True))
    expect(box_one.locator("td")).to_have_text(["1 day", "2"])
    wrong_ids = {i.question_id for i in items if i.position in WRONG}
    in_review = QuestionProgress.objects.filter(user=trainee, box__gt=0)
    assert set(in_review.values_list("question_id", flat=True)) == wrong_ids
    assert all(timedelta(hours=23) < p.due_at - timezone.now() <= timedelta(days=1) for p in in_review)

    # A day later (moved in the database): both are due, here and on the dashboard.
    in_review.update(due_at=timezone.now() - timedelta(minutes=1))
    page.reload()
    expect(page.locator("#due-count")).to_have_text("2 questions due")
    expect(page.get_by_role("button", name="Start the review")).to_be_visible()
    page.get_by_role("link", name="Back to my progress").click()
    expect(page.locator("#review-due")).to_have_text("Review due (2)")


def test_an_answer_picked_after_the_deadline_is_refused_by_the_server(bank, trainee, log_in, live_server, page: Page):
    from quizzes.selftest import services

    topics = list(Topic.objects.filter(slug__in=TOPICS))
    test = services.selftest_create(user=trainee, topics=topics, pool="all", count=2, mode="timed")
    first, second = test.items.order_by("position")
    log_in(page.context, trainee)

    # In time: saved.
    page.goto(f"{live_server.url}/selftest/{test.pk}/?q=1")
    page.get_by_label(pick(first, right=True)["text"], exact=True).check()
    expect(page.locator("#save-status")).to_have_text("Answer saved.")
    page.get_by_role("button", name="Next").click()
    page.wait_for_url(re.compile(r"\?q=2$"))
    expect(page.locator("#timer")).to_have_text(re.compile(r"^[23]:\d\d$"))  # 2 x 90 s, counting down

    # Time runs out on the server (the deadline, and the grace, are in the past); the page's
    # countdown knows nothing of it and still shows minutes left.
    # The app never moves a deadline, so saves read it from the test's cached answer sheet: a
    # test that moves it must also drop those copies (live_server runs in this process).
    SelfTest.objects.filter(pk=test.pk).update(deadline=timezone.now() - DEADLINE_GRACE - timedelta(seconds=1))
    for cache in caches.all():
        cache.clear()
    page.get_by_label(pick(second, right=True)["text"], exact=True).check()
    status = page.locator("#save-status")
    expect(status).to_contain_text("this answer arrived too late and was not counted")
    expect(status).to_have_class(re.compile(r"\btext-danger\b"))
    expect(page.locator("#timer")).not_to_have_text("0:00")

    # The page moves on by itself: opening the expired test finishes it with what was saved.
    # (The database is read only once the browser has stopped talking to the server: live_server's
    # threads share the test database's single connection with this one.)
    page.wait_for_url(f"{live_server.url}/selftest/{test.pk}/review/", timeout=10_000)
    expect(page.get_by_text("Time was up, so your test was finished with the answers you had saved.")).to_be_visible()
    expect(page.locator("#score")).to_have_text("Your score: 50%")
    expect(page.locator("#review-1 .outcome")).to_have_text("✓ Correct")
    expect(page.locator("#review-2 .outcome")).to_contain_text("Not answered")
    test.refresh_from_db()
    first.refresh_from_db()
    second.refresh_from_db()
    assert test.is_finished and test.score == Decimal("50.00")
    assert first.chosen == [pick(first, right=True)["id"]] and first.mark == 1
    # The late pick was never stored: no choice, no answer time, marked as unanswered (0).
    assert (second.chosen, second.answered_at, second.mark) == ([], None, Decimal(0))
    assert not QuestionProgress.objects.filter(user=trainee, question_id=second.question_id).exists()


def test_tutor_choice_is_saved_when_picked_and_checked_only_on_check(bank, trainee, log_in, live_server, page: Page):
    from quizzes.selftest import services

    topics = list(Topic.objects.filter(slug__in=TOPICS))
    test = services.selftest_create(user=trainee, topics=topics, pool="all", count=2, mode="tutor")
    first = test.items.get(position=1)
    wrong = pick(first, right=False)
    log_in(page.context, trainee)

    page.goto(f"{live_server.url}/selftest/{test.pk}/?q=1")
    page.get_by_label(wrong["text"], exact=True).check()
    expect(page.locator("#save-status")).to_have_text("Choice saved. Press “Check answer” to see if it is right.")
    expect(page.locator(".choice-feedback")).to_have_count(0)  # no feedback before checking

    # The tab is closed: the choice is kept, still unchecked.
    context = page.context
    page.close()
    page = context.new_page()
    page.goto(f"{live_server.url}/selftest/{test.pk}/?q=1")
    expect(page.get_by_label(wrong["text"], exact=True)).to_be_checked()
    page.get_by_role("button", name="Check answer").click()
    expect(page.locator("#st-q-1 .choice-feedback").first).to_have_text(wrong["feedback"])
    expect(page.locator("#st-q-1 .choice-feedback")).to_have_count(len(first.snapshot["choices"]) - 1)  # wrong ones
    expect(page.locator('#st-q-1 input[type="radio"]')).to_have_count(0)  # answered: locked
    expect(page.locator("#feedback-outcome")).to_be_focused()
