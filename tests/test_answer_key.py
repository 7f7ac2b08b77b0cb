"""No answer key before submission: while a learner's quiz attempt, timed and tutor self-tests
and a patient's consent check are open, nothing they can reach (pages followed link by link,
the quiz page cached and not, the answers' JSON, error pages, headers) holds a fraction, a
sign of which choice is right, feedback or an explanation.

The questions' feedback and explanations carry sentinels (tests/world.py, and
tests/consent/factories.py for the patient's check); every choice of a trainee question is
called "Choice n", so only the page's markup could tell the right one.
"""

from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from quizzes.consent import services as consent_services
from quizzes.consent.forms import ask_token
from quizzes.learning import services as learning_services
from quizzes.models import SelfTest
from quizzes.selftest import services as selftest_services
from tests.consent.factories import enrol, next_ask, view_lessons
from tests.factories import UserFactory
from tests.world import EXPLANATION, FEEDBACK, world_fixture

pytestmark = pytest.mark.django_db
world = world_fixture()

SENTINELS = [EXPLANATION, FEEDBACK, "EXPLAIN-", "EXPLICA-", "FEEDBACK-RIGHT", "FEEDBACK-WRONG", "COMENTARIO-"]
# What the review templates use to show an answer; none may be on a page before submission.
MARKERS = re.compile(
    r"fraction|is-correct|is-chosen-wrong|choice-feedback|class=\"explanation|Correct answer|Not correct"
    r"|Partly correct|practice-result|data-(correct|right|mark)|\"(correct|mark|outcome)\"\s*:",
    re.IGNORECASE,
)
CHOICE_INPUT = re.compile(r"<input[^>]*\bname=\"(q\d+|choice)\"[^>]*>")
NOT_FOLLOWED = ("/static/", "/admin/", "/accounts/logout/", "/consent/leave/")


def leaks(response) -> list[str]:
    """What in a response could tell a learner the answers."""
    found = []
    headers = "\n".join(f"{name}: {value}" for name, value in response.items())
    body = response.content.decode(errors="replace")
    for where, text in (("headers", headers), ("body", body)):
        found += [f"{where}: {s}" for s in SENTINELS if s in text]
        found += [f"{where}: marker {m.group(0)!r}" for m in MARKERS.finditer(text)]
    values: dict[str, list[str]] = {}
    for match in CHOICE_INPUT.finditer(body):
        tag = match.group(0)
        value = re.search(r"\bvalue=\"([^\"]*)\"", tag)
        values.setdefault(match.group(1), []).append(value.group(1) if value else "")
    for name, shown in values.items():
        shown = [v for v in shown if v != ""]  # the "nothing ticked" field a self-test always sends
        if shown != [str(n) for n in range(1, len(shown) + 1)]:
            found.append(f"choices of {name} are sent as {shown}, not as their places 1, 2, ...")
    return found


def crawl(client, starts, *, limit=80):
    """GET every page reachable by links (and redirects) from `starts`, as this client."""
    seen, queue, responses = set(), list(starts), []
    while queue and len(seen) < limit:
        url = queue.pop(0)
        if url in seen or url.startswith(NOT_FOLLOWED):
            continue
        seen.add(url)
        response = client.get(url)
        responses.append((url, response))
        if response.status_code in (301, 302):
            queue.append(response["Location"])
        if response.get("Content-Type", "").startswith("text/html"):
            for link in re.findall(r"(?:href|src)=\"([^\"#]+)", response.content.decode()):
                target = html.unescape(link)
                if target.startswith("/") and not urlsplit(target).netloc:
                    queue.append(target)
    return responses


@pytest.fixture
def learner(world):
    """A trainee with everything open: a quiz attempt, a timed and a tutor self-test, nothing submitted."""
    user = UserFactory(username="open-learner")
    attempt = learning_services.attempt_start(user=user, quiz=world.open_quiz)
    make = selftest_services.selftest_create
    timed = make(
        user=user, topics=world.topics, pool="all", count=4, mode=SelfTest.Mode.TIMED, seconds_per_question=600
    )
    tutor = make(user=user, topics=world.topics, pool="all", count=4, mode=SelfTest.Mode.TUTOR, seconds_per_question=60)
    return user, attempt, timed, tutor


def _assert_no_leaks(responses):
    problems = [f"{url} ({r.status_code}) {leak}" for url, r in responses for leak in leaks(r)]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("shared_cache", [False, True], ids=["uncached", "cached"])
def test_nothing_a_trainee_can_reach_before_submitting_gives_the_answers(client, settings, learner, shared_cache):
    settings.CACHE_IS_SHARED = shared_cache  # with a shared cache the quiz page is served from it
    user, attempt, timed, tutor = learner
    client.force_login(user)
    quiz_url = attempt.quiz.get_absolute_url()
    starts = [
        reverse("quizzes:home"),
        quiz_url,
        quiz_url,  # the second time from the cache, when there is one
        *(
            reverse(f"quizzes:{name}", args=[t.pk])
            for t in (timed, tutor)
            for name in ("selftest_take", "selftest_finish")
        ),
        reverse("quizzes:progress"),
        reverse("quizzes:review_queue"),
        reverse("quizzes:my_results"),
    ]
    responses = [("quiz page", client.get(quiz_url)), *crawl(client, starts)]
    assert {r.status_code for _url, r in responses} <= {200, 302}
    assert any(url.startswith("/lessons/") for url, _r in responses), "the lessons linked from the quiz"
    assert sum(url.startswith(f"/selftest/{timed.pk}/?q=") for url, _r in responses) >= 4, "the navigator"
    assert sum(b'name="q1"' in r.content for _url, r in responses) >= 3, "the quiz and self-test questions"
    _assert_no_leaks(responses)


def test_saving_answers_and_a_refused_submission_give_nothing_away(client, learner):
    user, attempt, timed, tutor = learner
    client.force_login(user)
    quiz_url = attempt.quiz.get_absolute_url()
    json = {"HTTP_ACCEPT": "application/json"}
    responses = []
    for test in (timed, tutor):
        take = reverse("quizzes:selftest_take", args=[test.pk])
        responses += [
            ("save (JSON)", client.post(take, {"position": 1, "q1": "2"}, **json)),
            ("save again (JSON)", client.post(take, {"position": 1, "q1": "3", "flag": "1"}, **json)),
            ("bad save (JSON)", client.post(take, {"position": 1, "q1": "99"}, **json)),
            ("save, next", client.post(take, {"position": 2, "q2": "1", "action": "next"}, follow=True)),
            ("question 1 with its answer", client.get(take + "?q=1")),
            ("finish page", client.get(reverse("quizzes:selftest_finish", args=[test.pk]))),
        ]
    responses += [
        ("an answer not shown", client.post(quiz_url, {"attempt": attempt.pk, "q1": "99"})),
        ("unanswered questions", client.post(quiz_url, {"attempt": attempt.pk, "q1": "1"})),
        ("quiz page with ticks", client.get(quiz_url)),
    ]
    assert [r.status_code for _name, r in responses].count(400) >= 3
    _assert_no_leaks(responses)
    tutor_json = responses[6][1].json()
    assert tutor_json == {"saved": True, "position": 1, "answered": True, "pending": True}


def test_nothing_a_patient_can_reach_during_the_check_gives_the_answers(client, world):
    access = enrol(world.pathway, label="Patient in the check")
    record = consent_services.record_get_or_start(enrolment=access.enrolment)
    view_lessons(record)
    client.get(reverse("quizzes:consent_link", args=[access.token]))
    check = reverse("quizzes:pathway_check")
    responses = crawl(client, [reverse("quizzes:pathway_resume"), reverse("quizzes:pathway_home"), check])
    token = ask_token(record.pk, next_ask(record))
    responses += [
        ("no choice", client.post(check, {"ask": token})),
        ("a choice not shown", client.post(check, {"ask": token, "choice": "9"})),
        ("practice, unanswered", client.get(reverse("quizzes:pathway_practice", args=[1]))),
        ("check again", client.get(check)),
    ]
    assert any(url == check and b'name="choice"' in r.content for url, r in responses)
    _assert_no_leaks(responses)


def test_the_same_checks_find_the_answers_on_a_review(world):
    """After finishing, the review shows the answers: what the checks above look for is there."""
    test = world.objects["done_selftest@A"]
    review = world.client("trainee_a").get(reverse("quizzes:selftest_review", args=[test.pk]))
    found = leaks(review)

    assert any(EXPLANATION in leak for leak in found)
    assert any(FEEDBACK in leak for leak in found)
    assert any("is-correct" in leak for leak in found)
