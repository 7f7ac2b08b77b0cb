import io
from datetime import timedelta
from decimal import Decimal

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from quizzes import roles
from quizzes.consent import frozen, services
from quizzes.consent.selectors import record_next_ask
from quizzes.consent.services import CODE_ALPHABET
from quizzes.models import AuditLogEntry, ConsentRecord, Enrolment, Pathway, PathwayStep, SignOff
from tests.factories import LessonFactory, LessonSectionFactory, QuestionFactory, QuizFactory, UserFactory

pytestmark = pytest.mark.django_db


# Building pathways and records ---------------------------------------------------------------------


def build_pathway(*, slug="test-pathway", questions=3, spanish=True, critical=(0,)) -> Pathway:
    """A small pathway: two lessons and a check of `questions` questions, optionally in Spanish too.

    The questions listed in `critical` (by index) are critical.
    """
    es = {"es": {"title": "Preparación para la cifoplastia"}} if spanish else {}
    quiz = QuizFactory(slug=f"{slug}-check", pass_mark=70)
    pathway = Pathway.objects.create(slug=slug, title="Getting ready for kyphoplasty", check_quiz=quiz, translations=es)
    for position in (1, 2):
        lesson = LessonFactory(
            slug=f"{slug}-lesson-{position}",
            title=f"Lesson {position} about bones",
            translations={"es": {"title": f"Lección {position} sobre los huesos"}} if spanish else {},
        )
        LessonSectionFactory(
            lesson=lesson,
            translations={"es": {"title": "Sección", "body": "Los huesos están vivos."}} if spanish else {},
        )
        PathwayStep.objects.create(pathway=pathway, lesson=lesson, position=position)
    for i in range(questions):
        question = QuestionFactory(
            quiz=quiz,
            name=f"{slug}-q{i}",
            position=i + 1,
            stem=f"Check question {i} stem?",
            critical=i in critical,
            translations={"es": {"stem": f"¿Pregunta {i} del cuestionario?", "explanation": "La explicación."}}
            if spanish
            else {},
        )
        if spanish:
            for choice in question.choices.all():
                choice.translations = {"es": {"text": f"Opción {choice.text}", "feedback": "Por qué."}}
                choice.save()
    return pathway


def enrol(pathway, *, label="Patient A", by=None, **kwargs):
    return services.enrolment_create(label=label, pathway=pathway, created_by=by, **kwargs)


def choice_ids(record, question_name, *, right: bool) -> frozenset[int]:
    question = frozen.question(record.content, question_name)
    ids = [c["id"] for c in question["choices"] if (Decimal(c["fraction"]) > 0) == right]
    return frozenset(ids[:1])


def answer_check(record, *, right=True, limit=None) -> ConsentRecord:
    """Answer the check as asked; `right` is a bool or a function of the Ask. Stops after `limit` answers."""
    answered = 0
    while limit is None or answered < limit:
        ask = record_next_ask(record=record, events=list(record.events.all()))
        if ask is None:
            break
        is_right = right(ask) if callable(right) else right
        services.record_answer(record_id=record.pk, ask=ask, chosen=choice_ids(record, ask.question, right=is_right))
        answered += 1
    return ConsentRecord.objects.get(pk=record.pk)


def completed_record(pathway, *, right=True, label="Patient A", view_lessons=True) -> ConsentRecord:
    enrolment = enrol(pathway, label=label).enrolment
    record = services.record_get_or_start(enrolment=enrolment)
    if view_lessons:
        for lesson in record.content["lessons"]:
            services.record_lesson_viewed(record=record, lesson_slug=lesson["slug"])
    return answer_check(record, right=right)


@pytest.fixture
def pathway():
    return build_pathway()


@pytest.fixture
def clinician():
    return UserFactory(username="dr-house", role=roles.CLINICIAN)


@pytest.fixture
def clinician_client(client, clinician):
    client.force_login(clinician)
    return client


def detail_url(enrolment):
    return reverse("quizzes:patient_detail", args=[enrolment.pk])


# Who may see the staff pages ------------------------------------------------------------------------

STAFF_PAGES = [
    ("get", "patient_list", False),
    ("get", "patient_new", False),
    ("post", "patient_new", False),
    ("get", "patient_detail", True),
    ("get", "patient_pdf", True),
    ("post", "patient_signoff", True),
    ("get", "patient_revoke", True),
    ("post", "patient_revoke", True),
    ("post", "patient_lockout_lift", True),
]


def staff_request(client, method, name, needs_pk, enrolment):
    url = reverse(f"quizzes:{name}", args=[enrolment.pk] if needs_pk else [])
    return getattr(client, method)(url)


@pytest.mark.parametrize(("method", "name", "needs_pk"), STAFF_PAGES)
def test_anonymous_visitor_is_sent_to_login_from_every_staff_page(client, pathway, method, name, needs_pk):
    enrolment = enrol(pathway).enrolment
    response = staff_request(client, method, name, needs_pk, enrolment)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize(("method", "name", "needs_pk"), STAFF_PAGES)
def test_trainee_is_refused_every_staff_page(client, pathway, method, name, needs_pk):
    enrolment = enrol(pathway).enrolment
    client.force_login(UserFactory(role=roles.TRAINEE))
    assert staff_request(client, method, name, needs_pk, enrolment).status_code == 403


@pytest.mark.parametrize(("method", "name", "needs_pk"), STAFF_PAGES)
def test_patient_is_refused_every_staff_page_for_own_and_other_records(client, pathway, method, name, needs_pk):
    own = enrol(pathway, label="Own").enrolment
    other = enrol(pathway, label="Other").enrolment
    client.force_login(own.user)
    for enrolment in (own, other):
        assert staff_request(client, method, name, needs_pk, enrolment).status_code == 403
    assert not AuditLogEntry.objects.exists()
    assert Enrolment.objects.filter(revoked_at__isnull=False).count() == 0


def test_reviewer_without_enrol_permission_cannot_enrol_but_can_list(client, pathway):
    reviewer = UserFactory(role="none")
    reviewer.user_permissions.add(Permission.objects.get(codename="review_patient"))
    client.force_login(reviewer)
    assert client.get(reverse("quizzes:patient_list")).status_code == 200
    assert client.get(reverse("quizzes:patient_new")).status_code == 403


# Enrolling -----------------------------------------------------------------------------------------


def enrol_post(client, pathway, **overrides):
    data = {"label": "Tue clinic 3", "pathway": pathway.pk, "language": "en", "expires_days": 14, **overrides}
    return client.post(reverse("quizzes:patient_new"), data)


def test_enrol_form_preselects_the_only_pathway_and_uses_a_date_input(clinician_client, pathway):
    html = clinician_client.get(reverse("quizzes:patient_new")).content.decode()
    assert f'<option value="{pathway.pk}" selected>' in html
    assert 'type="date"' in html
    assert "name or record number" in html


def test_enrol_page_is_never_cached(clinician_client, pathway):
    response = enrol_post(clinician_client, pathway)
    assert "no-store" in response["Cache-Control"]


def test_enrolling_shows_a_code_of_eight_unambiguous_characters_that_opens_the_enrolment(clinician_client, pathway):
    response = enrol_post(clinician_client, pathway)
    assert response.status_code == 200
    code = response.context["code"]
    assert len(code) == 9
    assert code[4] == "-"
    raw = code.replace("-", "")
    assert len(raw) == 8
    assert set(raw) <= set(CODE_ALPHABET)
    assert code in response.content.decode()
    enrolment = Enrolment.objects.get(label="Tue clinic 3")
    assert services.enrolment_authenticate(code=code) == enrolment


def test_enrolling_shows_a_link_whose_token_opens_the_enrolment(clinician_client, pathway):
    response = enrol_post(clinician_client, pathway)
    link = response.context["link"]
    assert link.startswith("http://testserver/consent/")
    token = link.rstrip("/").rsplit("/", 1)[-1]
    assert link in response.content.decode()
    assert services.enrolment_authenticate(token=token) == Enrolment.objects.get(label="Tue clinic 3")


def test_enrolled_page_prints_without_inline_script(clinician_client, pathway):
    html = enrol_post(clinician_client, pathway).content.decode()
    assert "data-print" in html
    assert "js/print.js" in html
    assert "css/print.css" in html
    assert "onclick" not in html
    assert "<script>" not in html


def test_enrolling_keeps_no_secret_in_clear_and_records_who_enrolled(clinician_client, clinician, pathway):
    response = enrol_post(clinician_client, pathway, planned_date="2026-12-01", expires_days=7)
    enrolment = Enrolment.objects.get()
    raw_code = response.context["code"].replace("-", "")
    assert raw_code not in (enrolment.code_hash, enrolment.token_hash)
    assert enrolment.created_by == clinician
    assert str(enrolment.planned_date) == "2026-12-01"
    assert timedelta(days=6) < enrolment.expires_at - timezone.now() <= timedelta(days=7)
    assert AuditLogEntry.objects.filter(user=clinician, enrolment=enrolment, action="enrol").exists()


def test_enrol_needs_a_label(clinician_client, pathway):
    response = enrol_post(clinician_client, pathway, label="   ")
    assert response.status_code == 200
    assert response.context["form"].errors["label"]
    assert not Enrolment.objects.exists()


@pytest.mark.parametrize("days", [0, 61, "x"])
def test_enrol_refuses_expiry_outside_one_to_sixty_days(clinician_client, pathway, days):
    response = enrol_post(clinician_client, pathway, expires_days=days)
    assert response.context["form"].errors["expires_days"]
    assert not Enrolment.objects.exists()


def test_enrol_in_a_language_the_pathway_lacks_is_a_form_error(clinician_client):
    english_only = build_pathway(spanish=False)
    response = enrol_post(clinician_client, english_only, language="es")
    assert response.status_code == 200
    assert "not available in the chosen language" in response.context["form"].errors["language"][0]
    assert not Enrolment.objects.exists()


def test_enrol_in_spanish_when_the_pathway_is_translated(clinician_client, pathway):
    response = enrol_post(clinician_client, pathway, language="es")
    assert response.status_code == 200
    assert Enrolment.objects.get().language == "es"


# The list -----------------------------------------------------------------------------------------


def mixed_enrolments(pathway, count):
    """`count` enrolments cycling through not started, in progress, mastery and needs discussion."""
    made = {"not_started": [], "in_progress": [], "mastery": [], "needs_discussion": []}
    for i in range(count):
        state = list(made)[i % 4]
        issued = enrol(pathway, label=f"{state}-{i}")
        if state != "not_started":
            record = services.record_get_or_start(enrolment=issued.enrolment)
            if state == "in_progress":
                answer_check(record, limit=1)
            else:
                answer_check(record, right=state == "mastery")
        made[state].append(issued.enrolment)
    return made


def test_list_shows_status_signoff_and_access(clinician_client, clinician, pathway):
    mastered = completed_record(pathway, label="Mastered")
    services.record_sign_off(record=mastered, by=clinician)
    revoked = enrol(pathway, label="Revoked").enrolment
    services.enrolment_revoke(enrolment=revoked, by=clinician)
    expired = enrol(pathway, label="Expired").enrolment
    Enrolment.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(days=1))
    response = clinician_client.get(reverse("quizzes:patient_list"), {"status": ""})
    rows = {row["enrolment"].label: row for row in response.context["rows"]}
    assert rows["Mastered"]["status"] == "mastery"
    assert rows["Mastered"]["signed_off"] is True
    assert rows["Revoked"]["access"] == "revoked"
    assert rows["Expired"]["access"] == "expired"
    assert rows["Expired"]["status"] == "not_started"
    assert rows["Expired"]["signed_off"] is False


@pytest.mark.parametrize("status", ["not_started", "in_progress", "mastery", "needs_discussion"])
def test_list_filters_by_status(clinician_client, pathway, status):
    made = mixed_enrolments(pathway, 8)
    response = clinician_client.get(reverse("quizzes:patient_list"), {"status": status})
    shown = {row["enrolment"].pk for row in response.context["rows"]}
    assert shown == {e.pk for e in made[status]}


def test_list_ignores_an_unknown_status(clinician_client, pathway):
    mixed_enrolments(pathway, 4)
    response = clinician_client.get(reverse("quizzes:patient_list"), {"status": "bogus"})
    assert len(response.context["rows"]) == 4


def test_list_searches_by_label(clinician_client, pathway):
    enrol(pathway, label="Tuesday AB")
    enrol(pathway, label="Friday CD")
    response = clinician_client.get(reverse("quizzes:patient_list"), {"status": "", "q": "tues"})
    assert [row["enrolment"].label for row in response.context["rows"]] == ["Tuesday AB"]


def test_list_search_with_a_nul_character_is_no_server_error(clinician_client, pathway):
    enrol(pathway, label="Tuesday AB")
    response = clinician_client.get(reverse("quizzes:patient_list"), {"status": "", "q": "tues\x00"})
    assert [row["enrolment"].label for row in response.context["rows"]] == ["Tuesday AB"]


def test_list_paginates_by_25_and_keeps_the_filter_in_page_links(clinician_client, pathway):
    for i in range(27):
        enrol(pathway, label=f"Tue {i}")
    every = {"status": "", "q": "Tue"}
    response = clinician_client.get(reverse("quizzes:patient_list"), every)
    assert len(response.context["rows"]) == 25
    assert "?status=&amp;q=Tue&amp;page=2" in response.content.decode()
    assert len(clinician_client.get(reverse("quizzes:patient_list"), {**every, "page": 2}).context["rows"]) == 2


def test_list_query_count_is_flat(clinician_client, clinician, pathway, django_assert_max_num_queries):
    made = mixed_enrolments(pathway, 30)  # enough rows in every state for an N+1 to show
    for enrolment in made["mastery"][:3]:
        services.record_sign_off(record=ConsentRecord.objects.get(enrolment=enrolment), by=clinician)
    # session, user, user permissions, group permissions, count, page of enrolments
    with django_assert_max_num_queries(6):
        response = clinician_client.get(reverse("quizzes:patient_list"), {"status": ""})
    assert response.status_code == 200
    assert len(response.context["rows"]) == 25


# The record ---------------------------------------------------------------------------------------


def test_detail_of_a_not_started_enrolment_says_so(clinician_client, pathway):
    enrolment = enrol(pathway, label="Fresh").enrolment
    response = clinician_client.get(detail_url(enrolment))
    assert response.status_code == 200
    assert "Not started yet" in response.content.decode()


def test_unknown_record_is_404(clinician_client):
    assert clinician_client.get(reverse("quizzes:patient_detail", args=[9999])).status_code == 404


def test_every_detail_view_writes_an_audit_entry(clinician_client, clinician, pathway):
    enrolment = enrol(pathway).enrolment
    clinician_client.get(detail_url(enrolment))
    clinician_client.get(detail_url(enrolment))
    entries = AuditLogEntry.objects.filter(enrolment=enrolment, action=AuditLogEntry.Action.VIEW)
    assert entries.count() == 2
    assert {e.user_id for e in entries} == {clinician.pk}


def test_list_page_writes_no_audit_entry(clinician_client, pathway):
    enrol(pathway)
    clinician_client.get(reverse("quizzes:patient_list"))
    assert not AuditLogEntry.objects.filter(action=AuditLogEntry.Action.VIEW).exists()


def test_detail_shows_score_rounds_and_content_version(clinician_client, pathway):
    record = completed_record(pathway)
    html = clinician_client.get(detail_url(record.enrolment)).content.decode()
    assert record.content_hash in html
    assert "100%" in html
    assert "Mastery reached" in html


def test_detail_shows_discussion_points_as_question_stems(clinician_client, pathway):
    # Question 1 is always answered wrong, so it stays a discussion point after every round.
    record = completed_record(pathway, right=lambda ask: not ask.slot.endswith("q1"))
    assert record.discussion_points == ["test-pathway-q1"]
    report = clinician_client.get(detail_url(record.enrolment)).context["report"]
    assert [q.stem for q in report.discussion] == ["Check question 1 stem?"]


def test_detail_counts_tries_per_question_and_marks_critical_ones(clinician_client, pathway):
    record = completed_record(pathway, right=lambda ask: not ask.slot.endswith("q0"))
    response = clinician_client.get(detail_url(record.enrolment))
    rows = {row.slot: row for row in response.context["report"].questions}
    assert rows["test-pathway-q0"].tries == record.max_rounds
    assert rows["test-pathway-q0"].last_correct is False
    assert rows["test-pathway-q0"].critical is True
    assert rows["test-pathway-q1"].tries == 1
    assert rows["test-pathway-q1"].last_correct is True
    assert record.status == ConsentRecord.Status.NEEDS_DISCUSSION
    assert "Critical" in response.content.decode()


def test_detail_timeline_names_lessons_and_answers_with_chosen_text(clinician_client, pathway):
    record = completed_record(pathway, right=False)
    html = clinician_client.get(detail_url(record.enrolment)).content.decode()
    assert "Read lesson “Lesson 1 about bones”" in html
    assert "Round 2:" in html
    assert "Check question 0 stem?" in html
    assert "Chose: Wrong A" in html


def test_detail_query_count_is_flat(clinician_client, pathway, django_assert_max_num_queries):
    record = completed_record(build_pathway(slug="long", questions=12), right=False)  # 36 answers, 2 lessons
    url = detail_url(record.enrolment)
    # session, user, user permissions, group permissions, enrolment with record and sign-off,
    # events, audit insert
    with django_assert_max_num_queries(7):
        response = clinician_client.get(url)
    assert response.status_code == 200


# PDF ----------------------------------------------------------------------------------------------


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_pdf_is_an_attachment_with_the_label_and_content_hash(clinician_client, clinician, pathway):
    record = completed_record(pathway, label="Tue & <clinic>")
    services.record_sign_off(record=record, by=clinician, note="Went through risks.")
    response = clinician_client.get(reverse("quizzes:patient_pdf", args=[record.enrolment.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="consent-record-{record.enrolment.pk}.pdf"'
    text = pdf_text(response.content)
    assert "Consent education record" in text
    assert "Tue & <clinic>" in text
    assert record.content_hash in text
    assert "Reviewed with the patient by dr-house" in text
    assert "does not replace" in text


def test_pdf_download_writes_an_audit_entry(clinician_client, clinician, pathway):
    enrolment = enrol(pathway).enrolment
    clinician_client.get(reverse("quizzes:patient_pdf", args=[enrolment.pk]))
    assert AuditLogEntry.objects.filter(user=clinician, enrolment=enrolment, action=AuditLogEntry.Action.PDF).exists()


def test_pdf_of_a_not_started_enrolment_says_so(clinician_client, pathway):
    enrolment = enrol(pathway, label="Nobody yet").enrolment
    text = pdf_text(clinician_client.get(reverse("quizzes:patient_pdf", args=[enrolment.pk])).content)
    assert "Nobody yet" in text
    assert "Not started yet" in text
    assert "Not yet signed off" in text


def test_pdf_keeps_spanish_accents(clinician_client, pathway):
    enrolment = enrol(pathway, label="Martes Peña", language="es").enrolment
    record = services.record_get_or_start(enrolment=enrolment)
    answer_check(record, right=False)
    text = pdf_text(clinician_client.get(reverse("quizzes:patient_pdf", args=[enrolment.pk])).content)
    assert "Martes Peña" in text
    assert "¿Pregunta 1 del cuestionario?" in text


# Sign-off -----------------------------------------------------------------------------------------


def signoff_url(enrolment):
    return reverse("quizzes:patient_signoff", args=[enrolment.pk])


def test_record_names_staff_by_full_name_and_username(clinician_client, clinician, pathway):
    clinician.first_name, clinician.last_name = "Gregory", "House"
    clinician.save()
    record = completed_record(pathway)
    Enrolment.objects.filter(pk=record.enrolment.pk).update(created_by=clinician)
    services.record_sign_off(record=record, by=clinician, note="")
    html = clinician_client.get(detail_url(record.enrolment)).content.decode()
    assert "by Gregory House (dr-house)" in html
    assert "Reviewed with the patient by Gregory House (dr-house) on" in html
    text = pdf_text(clinician_client.get(reverse("quizzes:patient_pdf", args=[record.enrolment.pk])).content)
    assert "Reviewed with the patient by Gregory House (dr-house)" in text


def test_signoff_is_refused_before_the_record_is_completed(clinician_client, pathway):
    enrolment = enrol(pathway).enrolment
    record = services.record_get_or_start(enrolment=enrolment)
    answer_check(record, limit=1)
    response = clinician_client.post(signoff_url(enrolment), {"note": "too early"})
    assert response.status_code == 302
    assert not SignOff.objects.exists()
    assert clinician_client.get(detail_url(enrolment)).context["signoff_form"] is None


def test_signoff_is_refused_before_the_patient_starts(clinician_client, pathway):
    enrolment = enrol(pathway).enrolment
    clinician_client.post(signoff_url(enrolment))
    assert not SignOff.objects.exists()


def test_signoff_after_completion_shows_who_and_when(clinician_client, clinician, pathway):
    record = completed_record(pathway)
    assert clinician_client.get(detail_url(record.enrolment)).context["signoff_form"] is not None
    response = clinician_client.post(signoff_url(record.enrolment), {"note": "Discussed recovery."}, follow=True)
    signoff = SignOff.objects.get(record=record)
    assert signoff.by == clinician
    assert signoff.note == "Discussed recovery."
    html = response.content.decode()
    assert "Reviewed with the patient by dr-house on" in html
    assert response.context["signoff_form"] is None


def test_second_signoff_keeps_the_first(client, clinician_client, clinician, pathway):
    record = completed_record(pathway)
    clinician_client.post(signoff_url(record.enrolment), {"note": "first"})
    other = UserFactory(username="dr-other", role=roles.CLINICIAN)
    client.force_login(other)
    client.post(signoff_url(record.enrolment), {"note": "second"})
    assert SignOff.objects.get(record=record).note == "first"


def test_signoff_needs_post(clinician_client, pathway):
    record = completed_record(pathway)
    assert clinician_client.get(signoff_url(record.enrolment)).status_code == 405


# Revoking -----------------------------------------------------------------------------------------


def test_revoke_page_asks_to_confirm_without_revoking(clinician_client, pathway):
    enrolment = enrol(pathway).enrolment
    response = clinician_client.get(reverse("quizzes:patient_revoke", args=[enrolment.pk]))
    assert response.status_code == 200
    enrolment.refresh_from_db()
    assert enrolment.revoked_at is None


def test_revoke_stops_the_code_and_the_link(clinician_client, clinician, pathway):
    issued = enrol(pathway)
    response = clinician_client.post(reverse("quizzes:patient_revoke", args=[issued.enrolment.pk]))
    assert response.status_code == 302
    assert services.enrolment_authenticate(code=issued.code) is None
    assert services.enrolment_authenticate(token=issued.token) is None
    assert AuditLogEntry.objects.filter(user=clinician, action=AuditLogEntry.Action.REVOKE).exists()
    html = clinician_client.get(detail_url(issued.enrolment)).content.decode()
    assert "Revoked" in html
    assert reverse("quizzes:patient_revoke", args=[issued.enrolment.pk]) not in html


# Lifting the pause on codes -------------------------------------------------------------------------


LIFT_BUTTON = "Lift the pause on codes"


def lift_url(enrolment):
    return reverse("quizzes:patient_lockout_lift", args=[enrolment.pk])


def pause_codes_from(address: str, issued) -> Client:
    """Five wrong codes from `address`: codes from it are now paused, the right one too."""
    patient = Client(REMOTE_ADDR=address)
    wrong = "ABCD-EFGH" if issued.code != "ABCDEFGH" else "HGFE-DCBA"
    for _ in range(settings.AXES_FAILURE_LIMIT):
        patient.post(reverse("quizzes:consent_code"), {"code": wrong})
    assert patient.post(reverse("quizzes:consent_code"), {"code": issued.code}).status_code == 429
    return patient


def test_patient_page_explains_the_pause_and_offers_to_lift_it(clinician_client, pathway):
    enrolment = enrol(pathway).enrolment

    html = clinician_client.get(detail_url(enrolment)).content.decode()

    assert "The patient's link always works, even then." in html
    assert LIFT_BUTTON in html
    assert f'action="{lift_url(enrolment)}"' in html


def test_clinician_lifts_the_pause_and_the_patient_gets_in_with_their_code(clinician_client, clinician, pathway):
    issued = enrol(pathway)
    patient = pause_codes_from("10.1.1.1", issued)

    response = clinician_client.post(lift_url(issued.enrolment), follow=True)

    assert response.redirect_chain == [(detail_url(issued.enrolment), 302)]
    assert "Done: the patient can type their code again now." in response.content.decode()
    assert patient.post(reverse("quizzes:consent_code"), {"code": issued.code}).status_code == 302
    assert AuditLogEntry.objects.filter(
        user=clinician, enrolment=issued.enrolment, action=AuditLogEntry.Action.LIFT_LOCKOUT
    ).exists()


def test_lifting_when_nothing_is_paused_says_so(clinician_client, pathway):
    enrolment = enrol(pathway).enrolment

    response = clinician_client.post(lift_url(enrolment), follow=True)

    assert "Nothing was paused: the patient can type their code now." in response.content.decode()


def test_lifting_leaves_wrong_password_counts_alone(clinician_client, pathway):
    issued = enrol(pathway)
    pause_codes_from("10.1.1.1", issued)
    victim = UserFactory(username="trainee-t", role=roles.TRAINEE)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        Client(REMOTE_ADDR="10.1.1.2").post(reverse("login"), {"username": victim.username, "password": "wrong"})

    clinician_client.post(lift_url(issued.enrolment))

    assert list(AccessAttempt.objects.values_list("username", flat=True)) == [victim.username]


def test_lifting_needs_post(clinician_client, pathway):
    issued = enrol(pathway)
    patient = pause_codes_from("10.1.1.1", issued)

    assert clinician_client.get(lift_url(issued.enrolment)).status_code == 405
    assert patient.post(reverse("quizzes:consent_code"), {"code": issued.code}).status_code == 429


def test_trainee_cannot_lift_the_pause(client, pathway):
    issued = enrol(pathway)
    patient = pause_codes_from("10.1.1.1", issued)
    client.force_login(UserFactory(role=roles.TRAINEE))

    assert client.post(lift_url(issued.enrolment)).status_code == 403
    assert patient.post(reverse("quizzes:consent_code"), {"code": issued.code}).status_code == 429


def test_reviewer_without_enrol_permission_sees_no_lift_button_and_cannot_lift(client, pathway):
    issued = enrol(pathway)
    patient = pause_codes_from("10.1.1.1", issued)
    reviewer = UserFactory(role="none")
    reviewer.user_permissions.add(Permission.objects.get(codename="review_patient"))
    client.force_login(reviewer)

    assert LIFT_BUTTON not in client.get(detail_url(issued.enrolment)).content.decode()
    assert client.post(lift_url(issued.enrolment)).status_code == 403
    assert patient.post(reverse("quizzes:consent_code"), {"code": issued.code}).status_code == 429


def test_no_lift_button_once_access_has_ended(clinician_client, clinician, pathway):
    revoked = enrol(pathway, label="Revoked").enrolment
    services.enrolment_revoke(enrolment=revoked, by=clinician)
    expired = enrol(pathway, label="Expired").enrolment
    Enrolment.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(seconds=1))

    for enrolment in (revoked, expired):
        assert LIFT_BUTTON not in clinician_client.get(detail_url(enrolment)).content.decode()


# Admin --------------------------------------------------------------------------------------------


def test_admin_pages_for_consent_models_load(admin_client, clinician, pathway):
    record = completed_record(pathway)
    services.record_sign_off(record=record, by=clinician)
    for name in ["pathway", "enrolment", "consentrecord", "signoff", "auditlogentry"]:
        assert admin_client.get(reverse(f"admin:quizzes_{name}_changelist")).status_code == 200, name
    assert admin_client.get(reverse("admin:quizzes_consentrecord_change", args=[record.pk])).status_code == 200
    assert admin_client.get(reverse("admin:quizzes_pathway_change", args=[pathway.pk])).status_code == 200


def test_admin_enrolment_page_hides_the_token_and_code_hashes(admin_client, pathway):
    enrolment = enrol(pathway).enrolment
    html = admin_client.get(reverse("admin:quizzes_enrolment_change", args=[enrolment.pk])).content.decode()
    assert enrolment.label in html
    assert enrolment.token_hash not in html
    assert enrolment.code_hash not in html


def test_admin_cannot_add_enrolments_or_records(admin_client):
    assert admin_client.get(reverse("admin:quizzes_enrolment_add")).status_code == 403
    assert admin_client.get(reverse("admin:quizzes_consentrecord_add")).status_code == 403


def test_admin_refuses_to_change_a_completed_record(admin_client, pathway):
    record = completed_record(pathway)
    url = reverse("admin:quizzes_consentrecord_change", args=[record.pk])
    response = admin_client.post(url, {"status": "in_progress", "score": "0", "rounds_used": "0"})
    assert response.status_code == 403
    fresh = ConsentRecord.objects.get(pk=record.pk)
    assert fresh.status == ConsentRecord.Status.MASTERY
    assert fresh.score == record.score


def test_admin_refuses_to_delete_a_record(admin_client, pathway):
    record = completed_record(pathway)
    response = admin_client.post(reverse("admin:quizzes_consentrecord_delete", args=[record.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert ConsentRecord.objects.filter(pk=record.pk).exists()


def test_completed_record_cannot_be_saved_again(pathway):
    record = completed_record(pathway)
    record.score = Decimal(0)
    with pytest.raises(ValueError, match="cannot be changed"):
        record.save()


def test_audit_log_admin_is_read_only_and_filters_by_action(admin_client, clinician_client, pathway):
    enrolment = enrol(pathway, label="Audited").enrolment
    clinician_client.get(detail_url(enrolment))
    url = reverse("admin:quizzes_auditlogentry_changelist")
    response = admin_client.get(url, {"action__exact": "view"})
    assert response.status_code == 200
    assert "Audited" in response.content.decode()
    entry = AuditLogEntry.objects.get()
    delete_url = reverse("admin:quizzes_auditlogentry_delete", args=[entry.pk])
    assert admin_client.post(delete_url, {"post": "yes"}).status_code == 403
    assert AuditLogEntry.objects.filter(pk=entry.pk).exists()


def test_clinicians_cannot_read_the_audit_log_in_the_admin(clinician):
    assert not clinician.has_perm("quizzes.view_auditlogentry")


def test_no_code_path_changes_or_deletes_an_audit_entry(clinician_client, pathway):
    enrolment = enrol(pathway, label="Kept").enrolment
    clinician_client.get(detail_url(enrolment))
    entry = AuditLogEntry.objects.get(action=AuditLogEntry.Action.VIEW)
    entry.action = AuditLogEntry.Action.PDF
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AuditLogEntry.objects.filter(pk=entry.pk).update(action="pdf")
    with pytest.raises(PermissionError):
        AuditLogEntry.objects.all().delete()
    entry.refresh_from_db()
    assert entry.action == AuditLogEntry.Action.VIEW


@pytest.mark.parametrize("role", ["superuser", roles.EDUCATOR, roles.CLINICIAN, roles.TRAINEE])
def test_no_role_can_change_or_delete_an_audit_entry_in_the_admin(role, clinician_client, pathway):
    enrolment = enrol(pathway, label="Kept").enrolment
    clinician_client.get(detail_url(enrolment))
    entry = AuditLogEntry.objects.get()
    if role == "superuser":
        user = UserFactory(username="root", role="none", is_staff=True, is_superuser=True)
    else:
        user = UserFactory(username=f"a-{role}", role=role)
    client = Client()
    client.force_login(user)
    change = reverse("admin:quizzes_auditlogentry_change", args=[entry.pk])
    delete = reverse("admin:quizzes_auditlogentry_delete", args=[entry.pk])
    changelist = reverse("admin:quizzes_auditlogentry_changelist")
    client.post(change, {"action": "pdf", "user": entry.user_id, "enrolment": enrolment.pk})
    assert client.post(delete, {"post": "yes"}).status_code in (302, 403)
    client.post(changelist, {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"})
    entry.refresh_from_db()
    assert entry.action == AuditLogEntry.Action.VIEW
