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
from quizzes.consent import frozen, services
from quizzes.consent.forms import ask_token
from quizzes.models import Attempt, ConsentRecord, Enrolment, Pathway, RecordEvent
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
        assert patient.get(lesson_url(lesson.slug)).status_code == 200
    return patient


def link(access_or_token):
    token = getattr(access_or_token, "token", access_or_token)
    return reverse("quizzes:consent_link", args=[token])


def lesson_url(slug):
    return reverse("quizzes:pathway_lesson", args=[slug])


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
    """Work through the check page by page until it sends the patient home."""
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

    assert response.redirect_chain == [(HOME, 302)]
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
    assert response.url == HOME
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
    patient.get(lesson_url(built.lessons[0].slug))

    response = patient.get(CHECK)

    assert response.url == lesson_url(built.lessons[1].slug)


def test_reading_a_lesson_shows_its_sections(patient, built):
    response = patient.get(lesson_url(built.lessons[0].slug))

    html = response.content.decode()
    assert "SECTION-BODY-1-1" in html
    assert "SECTION-BODY-1-2" in html


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


def test_an_answer_leads_to_its_feedback_page(reader, access):
    record = record_of(access)

    response = post_answer(reader, record, next_ask(record), right=True)

    (event,) = answer_events(access)
    assert response.url == reverse("quizzes:pathway_feedback", args=[event.pk])
    assert "That is right." in reader.get(response.url).content.decode()


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
    labels = re.findall(r'name="choice" value="\d+"> ([^<]+)</label>', html)
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

    assert response.url == HOME
    assert record_of(access).status == ConsentRecord.Status.MASTERY


# Finishing -------------------------------------------------------------------------------------------


def test_reaching_mastery_shows_the_finished_state(reader, access):
    answer_through_pages(reader, access, right=True)

    html = reader.get(HOME).content.decode()

    assert 'id="pathway-done"' in html
    assert "Well done" in html
    assert "Start the questions" not in html
    assert reader.get(CHECK).url == HOME


def test_points_still_missed_are_shown_kindly_as_for_the_clinician(reader, access, built):
    q3 = built.question(3).name
    answer_through_pages(reader, access, right=lambda ask: ask.slot != q3)

    html = reader.get(HOME).content.decode()

    assert "Your clinician will go over these with you" in html
    assert built.question(3).stem in html
    assert record_of(access).discussion_points == [q3]


def test_the_last_feedback_page_leads_home_not_to_more_questions(reader, access):
    response = None
    while reader.get(CHECK).status_code == 200:
        record = record_of(access)
        response = post_answer(reader, record, next_ask(record))

    html = reader.get(response.url).content.decode()

    assert "See how you did" in html
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
    assert fresh.get(CHECK).url == HOME
    assert ConsentRecord.objects.filter(enrolment=access.enrolment).count() == 1
    assert len(answer_events(access)) == 4


# Bad input ------------------------------------------------------------------------------------------


def test_double_posting_the_same_answer_stores_one_event(reader, access):
    record = record_of(access)
    ask = next_ask(record)

    post_answer(reader, record, ask)
    post_answer(reader, record, ask)

    assert len(answer_events(access)) == 1


def test_double_posting_the_same_answer_is_a_quiet_redirect_not_an_error(reader, access):
    record = record_of(access)
    ask = next_ask(record)
    post_answer(reader, record, ask)

    response = post_answer(reader, record, ask)

    assert response.status_code == 302
    assert response.url == reverse("quizzes:pathway_feedback", args=[answer_events(access)[0].pk])


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
    patient.get(lesson_url(built.lessons[0].slug))

    end(access)
    response = patient.get(lesson_url(built.lessons[1].slug))

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


@pytest.mark.parametrize("path", ["/consent/pathway/", "/consent/pathway/lessons/consent-lesson-1/"])
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
        client.get(lesson_url(lesson.slug))

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


@pytest.fixture(params=[5, 40], ids=["5-questions", "40-questions"])
def sized_reader(request, client):
    built = build_pathway(slug=f"sized-{request.param}", questions=request.param, critical=(0, 1))
    access = enrol(built.pathway)
    client.get(link(access))
    for lesson in built.lessons:
        client.get(lesson_url(lesson.slug))
    # Three answers given, some wrong: the timeline the pages read is not empty.
    answer_check(record_of(access), right=lambda ask: ask.slot.endswith(("0", "2", "4")), limit=3)
    return client, access


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
        assert client.get(lesson_url(lesson["slug"])).status_code == 200

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
    assert asked == len({q["point"] or q["name"] for q in record.content["questions"]})
    assert 'id="pathway-done"' in client.get(HOME).content.decode()
