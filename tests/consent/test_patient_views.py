"""Patient pages: signing in with a link or code, lessons, the check with teach-back, and who may see what."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from quizzes import roles
from quizzes.consent import frozen, selectors, services
from quizzes.consent.forms import ask_token
from quizzes.models import Attempt, ConsentRecord, Enrolment, LessonSection, Pathway, Question, RecordEvent
from quizzes.rules import pathway as core
from quizzes.rules.teachback import Ask
from tests.consent.factories import (
    answer_check,
    build_pathway,
    choice_id,
    chosen_for,
    enrol,
    next_ask,
    shown_values,
    started_record,
    view_lessons,
)
from tests.factories import QuizFactory, UserFactory

pytestmark = pytest.mark.django_db

HOME = reverse("quizzes:pathway_home")
RESUME = reverse("quizzes:pathway_resume")
DONE = reverse("quizzes:pathway_done")
CHECK = reverse("quizzes:pathway_check")
CODE = reverse("quizzes:consent_code")
ACCESS_PROBLEM = "Please call or visit your clinic"


@pytest.fixture(autouse=True)
def _no_failed_sign_ins_left_over():
    """django-axes counts failures in its tables; each test starts (and the rollback ends) clean."""
    axes_reset()
    assert not AccessAttempt.objects.exists()


@pytest.fixture
def built():
    # Slots: q0 (critical, sibling q1 on the same point), q2 (critical, no sibling), q3, q4.
    return build_pathway(questions=5, critical=(0, 2), siblings={1: 0})


@pytest.fixture
def access(built):
    return enrol(built.pathway, label="Patient A")


@pytest.fixture
def patient(client, access):
    """Patient A, signed in through the link."""
    response = client.get(link(access))
    assert response.status_code == 302
    return client


@pytest.fixture
def reader(patient, built):
    """Patient A, signed in, with every lesson read: the check is open."""
    for lesson in built.lessons:
        read_lesson(patient, lesson.slug)
    return patient


def link(access_or_token):
    token = getattr(access_or_token, "token", access_or_token)
    return reverse("quizzes:consent_link", args=[token])


def lesson_url(slug):
    return reverse("quizzes:pathway_lesson", args=[slug])


def step_url(slug, number):
    return reverse("quizzes:pathway_lesson_step", args=[slug, number])


def read_lesson(client, slug, steps=2):
    """Read a lesson step by step to its last step (factory lessons have two)."""
    for number in range(1, steps + 1):
        assert client.get(step_url(slug, number)).status_code == 200


def record_of(access):
    return ConsentRecord.objects.get(enrolment=access.enrolment)


def answer_events(access):
    return list(RecordEvent.objects.filter(record__enrolment=access.enrolment, kind=RecordEvent.Kind.ANSWER))


def post_answer(client, record, ask, *, right=True, choice=None):
    """Answer `ask` through the page as the form would send it."""
    data = {
        "ask": ask_token(record.pk, ask),
        "choice": choice
        if choice is not None
        else shown_values(record, ask, chosen_for(record.content, ask.question, right=right)),
    }
    return client.post(CHECK, data)


def answer_through_pages(client, access, *, right=True):
    """Work through the check page by page until it sends the patient to the ending."""
    while (response := client.get(CHECK)).status_code == 200:
        record = record_of(access)
        ask = next_ask(record)
        is_right = right(ask) if callable(right) else right
        assert post_answer(client, record, ask, right=is_right).status_code == 302
    return response


def without_csrf(response):
    html = response.content.decode()
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', 'name="csrfmiddlewaretoken"', html)


def signed_in_user_id(client):
    return client.session.get("_auth_user_id")


# Signing in ---------------------------------------------------------------------------------------------


def test_link_signs_the_patient_in_and_lands_on_the_pathway(client, access):
    response = client.get(link(access), follow=True)

    assert response.redirect_chain == [(RESUME, 302), (HOME, 302)]
    assert signed_in_user_id(client) == str(access.enrolment.user.pk)
    assert "Getting ready for kyphoplasty" in response.content.decode()
    assert "Lesson 1 about your spine" in response.content.decode()


@pytest.mark.parametrize(
    "typed",
    [lambda c: c, lambda c: c.lower(), lambda c: f"{c[:4]}-{c[4:]}", lambda c: f"{c[:4]}-{c[4:]}".lower()],
    ids=["as-printed", "lower-case", "with-dash", "lower-with-dash"],
)
def test_code_form_signs_the_patient_in(client, access, typed):
    response = client.post(CODE, {"code": typed(access.code)})

    assert response.status_code == 302
    assert response.url == RESUME
    assert signed_in_user_id(client) == str(access.enrolment.user.pk)


def test_code_page_asks_for_the_code(client):
    response = client.get(CODE)

    assert response.status_code == 200
    assert 'name="code"' in response.content.decode()


def test_empty_code_shows_the_form_again_without_signing_in(client, access):
    response = client.post(CODE, {"code": ""})

    assert response.status_code == 200
    assert 'name="code"' in response.content.decode()
    assert signed_in_user_id(client) is None


def _expire(access):
    Enrolment.objects.filter(pk=access.enrolment.pk).update(expires_at=timezone.now() - timedelta(seconds=1))


def _revoke(access):
    services.enrolment_revoke(enrolment=access.enrolment, by=UserFactory(role=roles.CLINICIAN))


# Lessons before the check --------------------------------------------------------------------------


def test_check_sends_the_patient_to_the_first_unread_lesson(patient, built):
    response = patient.get(CHECK)

    assert response.status_code == 302
    assert response.url == lesson_url(built.lessons[0].slug)


def test_check_sends_the_patient_to_the_next_unread_lesson_after_reading_one(patient, built):
    read_lesson(patient, built.lessons[0].slug)

    response = patient.get(CHECK)

    assert response.url == lesson_url(built.lessons[1].slug)


def test_a_lesson_is_read_one_section_at_a_time_with_next(patient, built):
    slug = built.lessons[0].slug
    assert patient.get(lesson_url(slug)).url == step_url(slug, 1)

    first = patient.get(step_url(slug, 1)).content.decode()
    second = patient.get(step_url(slug, 2)).content.decode()

    assert "SECTION-BODY-1-1" in first and "SECTION-BODY-1-2" not in first
    assert f'href="{step_url(slug, 2)}"' in first
    assert "SECTION-BODY-1-2" in second
    assert f'href="{step_url(built.lessons[1].slug, 1)}"' in second  # "Next lesson"


def test_a_lesson_counts_as_done_only_when_its_last_step_is_reached(patient, built):
    slug = built.lessons[0].slug
    patient.get(step_url(slug, 1))

    assert patient.get(CHECK).url == lesson_url(slug)
    assert "badge text-bg-success" not in patient.get(HOME).content.decode()

    patient.get(step_url(slug, 2))

    assert patient.get(CHECK).url == lesson_url(built.lessons[1].slug)


def test_a_returning_patient_lands_on_the_step_where_they_stopped(client, access, built):
    LessonSection.objects.create(lesson=built.lessons[1], slug="part-3", title="Part 3", body="BODY-2-3", position=3)
    client.get(link(access))
    read_lesson(client, built.lessons[0].slug)
    client.get(step_url(built.lessons[1].slug, 1))
    client.get(step_url(built.lessons[1].slug, 2))
    client.post(reverse("quizzes:pathway_leave"))

    response = Client().get(link(access), follow=True)

    assert response.redirect_chain[-1][0] == step_url(built.lessons[1].slug, 2)
    assert "SECTION-BODY-2-2" in response.content.decode()
    home = Client()
    home.get(link(access))
    assert "Part 2 of 3" in home.get(HOME).content.decode()


def test_a_step_beyond_the_lesson_is_404(patient, built):
    assert patient.get(step_url(built.lessons[0].slug, 3)).status_code == 404
    assert patient.get(step_url(built.lessons[0].slug, 0)).status_code == 404


def test_a_lesson_not_on_the_pathway_is_404(patient):
    assert patient.get(lesson_url("not-on-the-pathway")).status_code == 404


def test_check_opens_once_every_lesson_is_read(reader):
    assert reader.get(CHECK).status_code == 200


# One question at a time ---------------------------------------------------------------------------------


def test_check_shows_one_question_with_its_progress(reader, built):
    html = reader.get(CHECK).content.decode()

    assert html.count("<legend") == 1
    assert built.question(0).stem in html
    assert not any(q.stem in html for q in built.questions[1:])
    assert "Question 1 of 4" in html
    assert re.search(r'<progress[^>]*max="4"[^>]*value="0"', html)


def test_progress_moves_on_after_an_answer(reader, access, built):
    record = record_of(access)
    post_answer(reader, record, next_ask(record))

    html = reader.get(CHECK).content.decode()

    assert built.question(2).stem in html
    assert "Question 2 of 4" in html
    assert re.search(r'<progress[^>]*max="4"[^>]*value="1"', html)


def test_a_right_answer_is_confirmed_briefly_on_the_next_question(reader, access, built):
    record = record_of(access)

    response = post_answer(reader, record, next_ask(record), right=True)

    assert response.url == CHECK
    html = reader.get(CHECK).content.decode()
    assert "That is right." in html
    assert built.question(2).stem in html


def test_a_wrong_answer_leads_to_its_teach_back_page(reader, access):
    record = record_of(access)

    response = post_answer(reader, record, next_ask(record), right=False)

    (event,) = answer_events(access)
    assert response.url == reverse("quizzes:pathway_feedback", args=[event.pk])
    assert "Not quite" in reader.get(response.url).content.decode()


def test_check_page_never_shows_answers_fractions_feedback_or_explanations(reader, access):
    seen = 0
    while (response := reader.get(CHECK)).status_code == 200:
        html = response.content.decode()
        for leak in ("FEEDBACK-", "EXPLAIN-", "SECTION-BODY", "fraction"):
            assert leak not in html, f"{leak!r} on the check page"
        record = record_of(access)
        response = post_answer(reader, record, next_ask(record), right=seen % 2 == 0)  # walk later rounds too
        assert response.status_code == 302
        seen += 1
    assert seen > 4


def test_choices_are_plain_radio_buttons_valued_by_their_place_not_their_id(reader, access):
    record = record_of(access)
    ask = next_ask(record)
    shown = frozen.choices_in_order(record.pk, ask, frozen.question(record.content, ask.question))

    html = reader.get(CHECK).content.decode()

    # Ids follow the order the content was written in (right answer often first): never shown.
    inputs = re.findall(r"<input[^>]*name=\"choice\"[^>]*>", html)
    assert inputs == [f'<input type="radio" name="choice" value="{n}">' for n in range(1, len(shown) + 1)]
    labels = re.findall(r'name="choice" value="\d+"> <span class="choice-text">([^<]+)</span></label>', html)
    assert labels == [c["text"] for c in shown]


# Teach-back --------------------------------------------------------------------------------------------


def test_wrong_answer_on_a_critical_question_shows_the_explanation_and_the_lesson_section(reader, access, built):
    record = record_of(access)

    response = post_answer(reader, record, next_ask(record), right=False)
    html = reader.get(response.url).content.decode()

    assert "Not quite" in html
    assert f"EXPLAIN-{built.question(0).name}" in html
    assert "SECTION-BODY-1-1" in html  # q0 checks the first section of the first lesson
    assert "From the lesson: Part 1 of lesson 1" in html
    assert "We will ask about this again a little later." in html


def test_missed_critical_question_comes_back_later_as_its_sibling(reader, access, built):
    q0 = built.question(0).name
    record = record_of(access)
    post_answer(reader, record, next_ask(record), right=False)
    for _ in range(3):  # the rest of round one, right
        record = record_of(access)
        post_answer(reader, record, next_ask(record), right=True)

    html = reader.get(CHECK).content.decode()

    assert built.question(1).stem in html  # the sibling on the same point
    assert built.question(0).stem not in html
    assert "Going over it again: 1 of 1" in html
    assert next_ask(record_of(access)).slot == q0


def test_missed_question_without_a_sibling_comes_back_itself(reader, access, built):
    q2 = built.question(2).name
    for right in (True, False, True, True):  # round one: q2 wrong, the rest right
        record = record_of(access)
        post_answer(reader, record, next_ask(record), right=right)

    html = reader.get(CHECK).content.decode()

    assert built.question(2).stem in html
    assert "Going over it again: 1 of 1" in html
    assert next_ask(record_of(access)).question == q2


def test_right_answer_on_the_second_try_reaches_mastery(reader, access, built):
    q0 = built.question(0).name

    response = answer_through_pages(reader, access, right=lambda ask: ask.question != q0)

    assert response.url == DONE
    assert record_of(access).status == ConsentRecord.Status.MASTERY


# Finishing -------------------------------------------------------------------------------------------


def test_reaching_mastery_shows_the_finished_state(reader, access):
    answer_through_pages(reader, access, right=True)

    html = reader.get(HOME).content.decode()

    assert 'id="pathway-done"' in html
    assert "Well done" in html
    assert "Your clinic will see your answers" in html
    assert "You can close this page now." in html
    assert "Start the questions" not in html
    assert "Stop for now" not in html
    assert reader.get(CHECK).url == DONE
    assert "Stop for now" not in reader.get(DONE).content.decode()


def test_points_still_missed_are_shown_kindly_as_for_the_clinician(reader, access, built):
    q3 = built.question(3).name
    answer_through_pages(reader, access, right=lambda ask: ask.slot != q3)

    html = reader.get(DONE).content.decode()

    assert "Points to talk about" in html
    assert "Your clinician will go over these with you" in html
    assert built.question(3).stem in html
    assert record_of(access).discussion_points == [q3]


def test_the_last_feedback_page_leads_to_the_ending_not_to_more_questions(reader, access):
    response = None
    while reader.get(CHECK).status_code == 200:
        record = record_of(access)
        response = post_answer(reader, record, next_ask(record), right=False)

    html = reader.get(response.url).content.decode()

    assert "See what happens next" in html
    assert f'href="{DONE}"' in html
    assert CHECK not in html


def test_reused_link_after_completion_shows_the_completed_state(access, built):
    answer_check(started_record(built.pathway, label="unused"))  # another patient, to be sure
    record = services.record_get_or_start(enrolment=access.enrolment)
    view_lessons(record)
    answer_check(record, right=True)

    fresh = Client()
    response = fresh.get(link(access), follow=True)

    html = response.content.decode()
    assert 'id="pathway-done"' in html
    assert "Start the questions" not in html
    assert fresh.get(CHECK).url == DONE
    assert ConsentRecord.objects.filter(enrolment=access.enrolment).count() == 1
    assert len(answer_events(access)) == 4


# Bad input ------------------------------------------------------------------------------------------


def test_double_posting_the_same_answer_stores_one_event(reader, access):
    record = record_of(access)
    ask = next_ask(record)

    post_answer(reader, record, ask)
    post_answer(reader, record, ask)

    assert len(answer_events(access)) == 1


@pytest.mark.parametrize("right", [True, False], ids=["right", "wrong"])
def test_double_posting_the_same_answer_is_a_quiet_redirect_not_an_error(reader, access, right):
    record = record_of(access)
    ask = next_ask(record)
    post_answer(reader, record, ask, right=right)

    response = post_answer(reader, record, ask, right=right)

    assert response.status_code == 302
    if right:
        assert response.url == CHECK
    else:
        assert response.url == reverse("quizzes:pathway_feedback", args=[answer_events(access)[0].pk])
    assert len(answer_events(access)) == 1


def test_a_choice_from_another_question_is_refused_with_a_clear_message(reader, access, built):
    record = record_of(access)
    other = choice_id(record.content, built.question(3).name, right=True)

    response = post_answer(reader, record, next_ask(record), choice=other)

    assert response.status_code == 400
    assert "Please choose one of the answers shown." in response.content.decode()
    assert answer_events(access) == []


def test_no_choice_is_refused_with_a_clear_message(reader, access):
    record = record_of(access)
    ask = next_ask(record)

    response = reader.post(CHECK, {"ask": ask_token(record.pk, ask)})

    assert response.status_code == 400
    assert "Please choose an answer." in response.content.decode()
    assert answer_events(access) == []


def test_two_choices_on_a_single_answer_question_are_refused(reader, access):
    record = record_of(access)
    ask = next_ask(record)
    response = reader.post(CHECK, {"ask": ask_token(record.pk, ask), "choice": ["1", "2"]})

    assert response.status_code == 400
    assert "Please choose only one answer." in response.content.decode()
    assert answer_events(access) == []


def test_an_answer_for_another_slot_than_the_one_asked_stores_nothing(reader, access, built):
    record = record_of(access)
    q0 = built.question(0).name
    other = Ask(slot=built.question(2).name, question=built.question(2).name, round=1)
    data = {"ask": ask_token(record.pk, other)}
    data["choice"] = choice_id(record.content, q0, right=True)

    response = reader.post(CHECK, data)

    assert response.status_code == 302
    assert response.url == CHECK
    assert answer_events(access) == []


def test_feedback_page_of_an_unknown_event_is_404(reader):
    assert reader.get(reverse("quizzes:pathway_feedback", args=[999999])).status_code == 404


def test_feedback_page_of_a_lesson_view_event_is_404(reader, access):
    lesson_event = RecordEvent.objects.filter(record__enrolment=access.enrolment).first()

    assert reader.get(reverse("quizzes:pathway_feedback", args=[lesson_event.pk])).status_code == 404


# Who can reach what ------------------------------------------------------------------------------


@pytest.fixture
def others(built):
    """Patient B with a finished record, and a trainee with a submitted quiz attempt."""
    record_b = answer_check(started_record(built.pathway, label="PATIENT-B-LABEL"), right=False)
    trainee = UserFactory(username="trainee-t")
    quiz = QuizFactory(slug="trainee-quiz", questions=2)
    attempt = Attempt.objects.create(user=trainee, quiz=quiz, pass_mark=70, submitted_at=timezone.now())
    return {
        "enrolment_b": record_b.enrolment.pk,
        "event_b": record_b.events.filter(kind=RecordEvent.Kind.ANSWER).first().pk,
        "record_b": record_b.pk,
        "quiz": quiz.slug,
        "attempt": attempt.pk,
    }


REDIRECT_OR_FORBIDDEN = {302, 403}
# (method, path built from patient B's and the trainee's objects, what patient A may get)
FORBIDDEN_FOR_PATIENTS = [
    ("get", "/quizzes/{quiz}/", REDIRECT_OR_FORBIDDEN),
    ("post", "/quizzes/{quiz}/", REDIRECT_OR_FORBIDDEN),
    ("get", "/me/results/", REDIRECT_OR_FORBIDDEN),
    ("get", "/attempts/{attempt}/", REDIRECT_OR_FORBIDDEN | {404}),
    ("get", "/selftest/new/", REDIRECT_OR_FORBIDDEN | {501}),
    ("get", "/progress/", REDIRECT_OR_FORBIDDEN | {501}),
    ("get", "/review/", REDIRECT_OR_FORBIDDEN | {501}),
    ("get", "/staff/patients/", {403}),
    ("get", "/staff/patients/new/", {403}),
    ("post", "/staff/patients/new/", {403}),
    ("get", "/staff/patients/{enrolment_b}/", {403}),
    ("get", "/staff/patients/{enrolment_b}/pdf/", {403}),
    ("post", "/staff/patients/{enrolment_b}/signoff/", {403}),
    ("get", "/staff/patients/{enrolment_b}/revoke/", {403}),
    ("post", "/staff/patients/{enrolment_b}/revoke/", {403}),
    ("post", "/staff/patients/{enrolment_b}/lift-lockout/", {403}),
    ("post", "/staff/patients/{enrolment_a}/lift-lockout/", {403}),
    ("get", "/staff/patients/{enrolment_a}/", {403}),
    ("get", "/staff/patients/{enrolment_a}/pdf/", {403}),
    ("get", "/admin/", {302}),
    ("get", "/admin/quizzes/enrolment/", {302}),
    ("get", "/admin/quizzes/consentrecord/{record_b}/change/", {302}),
    ("get", "/consent/pathway/answers/{event_b}/", {404}),
]


@pytest.mark.parametrize(("method", "path", "allowed"), FORBIDDEN_FOR_PATIENTS, ids=lambda v: str(v))
def test_patient_a_cannot_reach_trainee_staff_admin_or_patient_b_pages(patient, access, others, method, path, allowed):
    url = path.format(enrolment_a=access.enrolment.pk, **others)

    response = getattr(patient, method)(url)

    assert response.status_code != 200
    assert response.status_code in allowed, f"{method.upper()} {url} gave {response.status_code}"
    assert b"PATIENT-B-LABEL" not in response.content
    if response.status_code == 302:
        assert urlsplit(response.url).path != url, f"{url} redirected to itself"


def test_the_walk_leaves_patient_b_untouched(patient, access, others):
    for method, path, _ in FORBIDDEN_FOR_PATIENTS:
        getattr(patient, method)(path.format(enrolment_a=access.enrolment.pk, **others))

    enrolment_b = Enrolment.objects.get(pk=others["enrolment_b"])
    assert enrolment_b.revoked_at is None
    assert not hasattr(enrolment_b.record, "signoff")


PATHWAY_PAGES = [
    "/consent/pathway/",
    "/consent/pathway/lessons/consent-lesson-1/",
    "/consent/pathway/lessons/consent-lesson-1/1/",
    "/consent/pathway/go-on/",
    "/consent/pathway/done/",
    "/consent/pathway/check/",
    "/consent/pathway/answers/{event_b}/",
]


@pytest.mark.parametrize("path", PATHWAY_PAGES)
def test_trainee_is_sent_to_the_code_page_from_every_pathway_page(client, others, path):
    client.force_login(UserFactory())

    response = client.get(path.format(**others))

    assert response.status_code == 302
    assert response.url == CODE


@pytest.mark.parametrize("path", PATHWAY_PAGES)
def test_anonymous_visitor_is_sent_to_the_code_page_from_every_pathway_page(client, others, path):
    response = client.get(path.format(**others))

    assert response.status_code == 302
    assert response.url == CODE


def test_trainee_cannot_answer_on_the_pathway(client, others):
    client.force_login(UserFactory())

    response = client.post(CHECK, {"ask": "x", "choice": 1})

    assert response.url == CODE
    assert not ConsentRecord.objects.filter(enrolment__user__username__startswith="learner").exists()


@pytest.mark.parametrize("end", [_revoke, _expire], ids=["revoked", "expired"])
def test_access_ended_mid_way_ends_the_patient_session(patient, access, built, end):
    read_lesson(patient, built.lessons[0].slug)

    end(access)
    response = patient.get(step_url(built.lessons[1].slug, 1))

    assert response.status_code == 403
    assert ACCESS_PROBLEM in response.content.decode()
    assert signed_in_user_id(patient) is None
    assert patient.get(HOME).url == CODE


def test_revoking_mid_check_stores_no_further_answer(reader, access):
    record = record_of(access)
    ask = next_ask(record)

    _revoke(access)
    response = post_answer(reader, record, ask)

    assert response.status_code == 403
    assert answer_events(access) == []


@pytest.mark.parametrize("path", ["/consent/pathway/", "/consent/pathway/lessons/consent-lesson-1/1/"])
def test_patient_pages_are_never_cached_on_a_shared_device(patient, path):
    response = patient.get(path)

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_check_and_feedback_pages_are_never_cached(reader, access):
    record = record_of(access)
    feedback = post_answer(reader, record, next_ask(record)).url

    for url in (CHECK, feedback):
        assert "no-store" in reader.get(url)["Cache-Control"]


# Spanish ------------------------------------------------------------------------------------------


def test_spanish_patient_sees_the_spanish_question_and_choices(client, built):
    access = enrol(built.pathway, language="es")
    client.get(link(access))
    for lesson in built.lessons:
        read_lesson(client, lesson.slug)

    html = client.get(CHECK).content.decode()

    assert f"PREGUNTA-{built.question(0).name}" in html
    assert "Opción A" in html
    assert built.question(0).stem not in html
    assert "Choice A" not in html


# Query counts ---------------------------------------------------------------------------------------

# Measured at 6 (check page), 11 (answer) and 6 (feedback) queries for 5 and for 40 questions; a
# query per question would add dozens with 40, so a little headroom still catches it.
CHECK_PAGE_BUDGET = 8
ANSWER_BUDGET = 13
FEEDBACK_PAGE_BUDGET = 8
HOME_PAGE_BUDGET = 8
STEP_PAGE_BUDGET = 10


@pytest.fixture(params=[5, 40], ids=["5-questions", "40-questions"])
def sized_reader(request, client):
    built = build_pathway(slug=f"sized-{request.param}", questions=request.param, critical=(0, 1))
    access = enrol(built.pathway)
    client.get(link(access))
    for lesson in built.lessons:
        read_lesson(client, lesson.slug)
    # Three answers given, some wrong: the timeline the pages read is not empty.
    answer_check(record_of(access), right=lambda ask: ask.slot.endswith(("0", "2", "4")), limit=3)
    return client, access


def test_home_and_step_query_counts_do_not_grow_with_the_questions(sized_reader, django_assert_max_num_queries):
    client, access = sized_reader
    slug = record_of(access).content["lessons"][0]["slug"]

    with django_assert_max_num_queries(HOME_PAGE_BUDGET):
        assert client.get(HOME).status_code == 200
    with django_assert_max_num_queries(STEP_PAGE_BUDGET):
        assert client.get(step_url(slug, 1)).status_code == 200


def test_check_page_query_count_does_not_grow_with_the_questions(sized_reader, django_assert_max_num_queries):
    client, _ = sized_reader

    with django_assert_max_num_queries(CHECK_PAGE_BUDGET):
        response = client.get(CHECK)

    assert response.status_code == 200


def test_answering_query_count_does_not_grow_with_the_questions(sized_reader, django_assert_max_num_queries):
    client, access = sized_reader
    record = record_of(access)
    ask = next_ask(record)

    with django_assert_max_num_queries(ANSWER_BUDGET):
        response = post_answer(client, record, ask)

    assert response.status_code == 302
    assert len(answer_events(access)) == 4


def test_feedback_page_query_count_does_not_grow_with_the_questions(sized_reader, django_assert_max_num_queries):
    client, access = sized_reader
    event = answer_events(access)[-1]

    with django_assert_max_num_queries(FEEDBACK_PAGE_BUDGET):
        response = client.get(reverse("quizzes:pathway_feedback", args=[event.pk]))

    assert response.status_code == 200


# Real content -------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "es"])
def test_kyphoplasty_pathway_can_be_finished_with_mastery_without_leaking_answers(client, language):
    call_command("load_content", verbosity=0)
    pathway = Pathway.objects.get(slug="kyphoplasty")
    access = enrol(pathway, language=language)
    client.get(link(access), follow=True)  # lands on the pathway, which starts the record
    record = record_of(access)
    for lesson in record.content["lessons"]:
        read_lesson(client, lesson["slug"], steps=len(core.lesson_steps(lesson)))

    asked = 0
    while (response := client.get(CHECK)).status_code == 200:
        record = record_of(access)
        ask = next_ask(record)
        question = next(q for q in record.content["questions"] if q["name"] == ask.question)
        html = response.content.decode()
        for choice in question["choices"]:
            assert not choice["feedback"] or choice["feedback"] not in html
        assert post_answer(client, record, ask).status_code == 302
        asked += 1

    record = record_of(access)
    assert record.status == ConsentRecord.Status.MASTERY
    core_points = {q["point"] or q["name"] for q in record.content["questions"] if not q["practice"]}
    assert asked == len(core_points) <= core.MAX_CORE_QUESTIONS
    assert 'id="pathway-done"' in client.get(HOME).content.decode()


# The core path: time, optional parts, practice ---------------------------------------------------


@pytest.fixture
def with_extras():
    """A pathway whose first lesson has an optional part after its first section, and a check
    with one practice question (q3)."""
    built = build_pathway(slug="extras", questions=4, critical=(0,))
    LessonSection.objects.create(
        lesson=built.lessons[0],
        slug="more-1",
        title="MORE-TITLE",
        body="MORE-BODY: the long version.",
        position=1,
        optional=True,
        translations={"es": {"title": "MAS-TITULO", "body": "MAS-CUERPO"}},
    )
    Question.objects.filter(pk=built.question(3).pk).update(practice=True)
    return built


def test_home_says_how_long_it_takes_and_how_many_questions_are_answered(client, with_extras):
    access = enrol(with_extras.pathway)
    client.get(link(access))
    html = client.get(HOME).content.decode()

    size = selectors.core_size(record_of(access).content)
    assert f"About {size.minutes} minutes: 2 short lessons and 3 questions" in html
    assert "0 of 3 answered" in html
    assert "Start the first lesson" in html


def test_an_optional_part_is_offered_on_its_step_and_noted_when_opened(client, with_extras):
    access = enrol(with_extras.pathway)
    client.get(link(access))
    slug = with_extras.lessons[0].slug
    more = reverse("quizzes:pathway_more", args=[slug, "more-1"])

    step = client.get(step_url(slug, 1)).content.decode()
    assert f'href="{more}"' in step
    assert "MORE-BODY" not in step
    assert "MORE-BODY" in client.get(more).content.decode()
    client.get(more)

    opened = RecordEvent.objects.filter(record__enrolment=access.enrolment, kind=RecordEvent.Kind.MORE_OPENED)
    assert [(e.lesson, e.section) for e in opened] == [(slug, "more-1")]


def test_optional_parts_and_practice_questions_never_count_towards_the_check(client, with_extras):
    access = enrol(with_extras.pathway)
    client.get(link(access))
    for lesson in with_extras.lessons:
        read_lesson(client, lesson.slug)
    response = answer_through_pages(client, access, right=True)

    assert response.url == DONE
    asked = {e.question for e in answer_events(access)}
    assert with_extras.question(3).name not in asked


def test_an_unknown_or_required_section_is_not_an_optional_part(patient, built):
    slug = built.lessons[0].slug
    assert patient.get(reverse("quizzes:pathway_more", args=[slug, "part-1"])).status_code == 404
    assert patient.get(reverse("quizzes:pathway_more", args=["not-mine", "more-1"])).status_code == 404


def test_a_patient_cannot_open_the_optional_parts_of_another_pathway(patient, with_extras):
    slug = with_extras.lessons[0].slug  # on another pathway than the patient's own

    assert patient.get(reverse("quizzes:pathway_more", args=[slug, "more-1"])).status_code == 404
    assert patient.get(step_url(slug, 1)).status_code == 404


def test_a_practice_question_is_answered_and_explained_without_touching_the_record(client, with_extras):
    access = enrol(with_extras.pathway)
    client.get(link(access), follow=True)
    record = record_of(access)
    url = reverse("quizzes:pathway_practice", args=[1])
    practice = selectors.practice_question(record=record, number=1)
    right = shown_values(record, practice["ask"], chosen_for(record.content, practice["question"]["name"], right=True))

    page = client.get(url).content.decode()
    assert f"STEM-{with_extras.question(3).name}" in page
    answered = client.post(url, {"ask": ask_token(record.pk, practice["ask"]), "choice": right}).content.decode()

    assert "That is right." in answered
    assert f"EXPLAIN-{with_extras.question(3).name}" in answered
    assert answer_events(access) == []
    assert client.get(reverse("quizzes:pathway_practice", args=[2])).status_code == 404
