"""The clinician's pages as a clinic uses them: a record any clinician can read (the English next
to what a patient saw in another language), what to act on first, where a clinician lands and
what their menu offers."""

import io
import re
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from quizzes import roles
from quizzes.consent import frozen, services
from quizzes.consent.selectors import pathway_get_for_freezing
from quizzes.models import ConsentRecord
from tests.consent.factories import answer_check, build_pathway, enrol, started_record
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

MISSED = "consent-q1"  # answered wrong in every round: the one point left to discuss
SPANISH_STEM = f"PREGUNTA-{MISSED}: ¿qué es cierto?"
ENGLISH_STEM = f"STEM-{MISSED}: what is true?"


@pytest.fixture
def built():
    return build_pathway(questions=3)


@pytest.fixture
def clinician():
    return UserFactory(username="dr-ruiz", role=roles.CLINICIAN)


@pytest.fixture
def clinician_client(client, clinician):
    client.force_login(clinician)
    return client


def missing_one_point(pathway, *, label="Patient A", language="es") -> ConsentRecord:
    """A completed record whose patient missed one point every time: it needs discussion."""
    return answer_check(_started(pathway, label, language), right=lambda ask: ask.slot != MISSED)


def _started(pathway, label, language) -> ConsentRecord:
    record = services.record_get_or_start(enrolment=enrol(pathway, label=label, language=language).enrolment)
    for lesson in record.content["lessons"]:
        services.record_lesson_viewed(record=record, lesson_slug=lesson["slug"])
    return record


def detail_html(client, record) -> str:
    response = client.get(reverse("quizzes:patient_detail", args=[record.enrolment.pk]))
    assert response.status_code == 200
    return response.content.decode()


def section_html(html: str, section_id: str) -> str:
    match = re.search(rf'<section[^>]*id="{section_id}".*?</section>', html, re.DOTALL)
    assert match, f"no section #{section_id}"
    return match.group(0)


def pdf_text(client, record) -> str:
    response = client.get(reverse("quizzes:patient_pdf", args=[record.enrolment.pk]))
    pages = PdfReader(io.BytesIO(response.content)).pages
    return " ".join(" ".join(page.extract_text().split()) for page in pages)


# The English twin in the frozen record ---------------------------------------------------------


def test_a_spanish_record_keeps_the_english_of_every_question_and_choice(built):
    record = missing_one_point(built.pathway)
    twin = record.content["english"]
    assert [q["name"] for q in twin["questions"]] == [q["name"] for q in record.content["questions"]]
    question = next(q for q in twin["questions"] if q["name"] == MISSED)
    assert question["stem"] == ENGLISH_STEM
    assert [c["text"] for c in question["choices"]] == ["Choice A", "Choice B", "Choice C"]
    shown = frozen.question(record.content, MISSED)
    assert [c["id"] for c in question["choices"]] == [c["id"] for c in shown["choices"]]
    assert [lesson["title"] for lesson in twin["lessons"]] == ["Lesson 1 about your spine", "Lesson 2 about your spine"]


def test_an_english_record_keeps_no_twin(built):
    record = missing_one_point(built.pathway, language="en")
    assert "english" not in record.content


def test_the_content_hash_covers_the_english_twin(built):
    record = missing_one_point(built.pathway)
    assert record.content_hash == frozen.content_digest(record.content)
    content = frozen.pathway_content(pathway=pathway_get_for_freezing(pk=built.pathway.pk), language="es")
    assert frozen.content_digest(content) == record.content_hash
    content["english"]["questions"][1]["stem"] = "Something else in English"
    assert frozen.content_digest(content) != record.content_hash


# The record page: English next to what the patient saw -----------------------------------------


def test_spanish_record_shows_the_english_of_the_missed_point_next_to_the_spanish(clinician_client, built):
    record = missing_one_point(built.pathway)
    assert record.discussion_points == [MISSED]
    discussion = section_html(detail_html(clinician_client, record), "discussion")
    assert f'<span lang="es">{SPANISH_STEM}</span>' in discussion
    assert f'lang="en">English: {ENGLISH_STEM}</span>' in discussion


def test_spanish_record_shows_english_questions_and_choices_in_the_table_and_timeline(clinician_client, built):
    record = missing_one_point(built.pathway)
    response = clinician_client.get(reverse("quizzes:patient_detail", args=[record.enrolment.pk]))
    report = response.context["report"]
    assert {row.slot: row.stem_en for row in report.questions}[MISSED] == ENGLISH_STEM
    wrong = next(item for item in report.timeline if item.text == SPANISH_STEM)
    assert (wrong.text_en, wrong.chosen, wrong.chosen_en) == (ENGLISH_STEM, ("Opción B",), ("Choice B",))
    html = response.content.decode()
    assert "English: Lesson 1 about your spine" in html
    assert "Chose: Opción B" in html
    assert "Chose: Choice B" in html


def test_english_record_shows_no_english_twin_lines(clinician_client, built):
    record = missing_one_point(built.pathway, language="en")
    html = detail_html(clinician_client, record)
    assert ENGLISH_STEM in html
    assert "English:" not in html


def test_a_record_frozen_before_the_twin_still_shows_what_the_patient_saw(clinician_client, built):
    record = missing_one_point(built.pathway)
    content = {key: value for key, value in record.content.items() if key != "english"}
    ConsentRecord.objects.filter(pk=record.pk).update(content=content)  # as records were before
    html = detail_html(clinician_client, record)
    assert SPANISH_STEM in section_html(html, "discussion")
    assert "English:" not in html
    text = pdf_text(clinician_client, record)
    assert SPANISH_STEM in text
    assert "En inglés:" not in text


def test_pdf_of_a_spanish_record_shows_the_english_of_each_question_and_discussion_point(clinician_client, built):
    record = missing_one_point(built.pathway)
    text = pdf_text(clinician_client, record)  # in the patient's language, Spanish labels included
    discussion = text.split("Temas para conversar", 1)[1].split("Firma", 1)[0]
    assert SPANISH_STEM in discussion
    assert f"En inglés: {ENGLISH_STEM}" in discussion
    questions = text.split("Prueba de comprensión", 1)[1].split("Temas para conversar", 1)[0]
    assert questions.count("En inglés: STEM-consent-q") == 3
    assert "En inglés: Lesson 2 about your spine" in text


def test_spanish_record_page_query_count_is_flat(clinician_client, django_assert_max_num_queries):
    long = build_pathway(slug="long", questions=12)
    record = answer_check(_started(long.pathway, "Long", "es"), right=False)  # 36 answers, 2 lessons
    # session, user, user permissions, group permissions, enrolment with record and sign-off,
    # events, audit insert
    with django_assert_max_num_queries(7):
        response = clinician_client.get(reverse("quizzes:patient_detail", args=[record.enrolment.pk]))
    assert "English: STEM-long-q11" in response.content.decode()


# The record page: what to act on first ---------------------------------------------------------


def test_status_discussion_and_signoff_form_come_before_the_collapsed_timeline(clinician_client, built):
    record = missing_one_point(built.pathway)
    html = detail_html(clinician_client, record)
    places = [
        html.index("Needs discussion"),  # the status, next to the name
        html.index('id="discussion"'),
        html.index(reverse("quizzes:patient_signoff", args=[record.enrolment.pk])),  # the form
        html.index("Reviewed with the patient"),
        html.index("<details"),
        html.index('<h2 class="h3 mt-3">Timeline</h2>'),
    ]
    assert places == sorted(places)
    details = re.search(r"<details[^>]*>", html).group(0)
    assert " open" not in details  # collapsed until the clinician opens it
    assert "Show the full timeline (" in html


def test_signing_off_from_the_top_shows_who_signed_at_the_top(clinician_client, built):
    record = missing_one_point(built.pathway)
    response = clinician_client.post(
        reverse("quizzes:patient_signoff", args=[record.enrolment.pk]), {"note": "Went over it."}, follow=True
    )
    signoff = section_html(response.content.decode(), "signoff")
    assert "Reviewed with the patient by dr-ruiz on" in signoff
    assert "Went over it." in signoff


# The list: awaiting sign-off first --------------------------------------------------------------


@pytest.fixture
def clinic(built, clinician):
    """One patient in each state, oldest first: awaiting sign-off (twice), signed off, in
    progress and not started."""
    made = {}
    made["awaiting-old"] = missing_one_point(built.pathway, label="awaiting-old").enrolment
    made["not-started"] = enrol(built.pathway, label="not-started").enrolment
    made["in-progress"] = answer_check(started_record(built.pathway, label="in-progress"), limit=1).enrolment
    signed = started_record(built.pathway, label="signed")
    services.record_sign_off(record=answer_check(signed), by=clinician)
    made["signed"] = signed.enrolment
    made["awaiting-new"] = answer_check(started_record(built.pathway, label="awaiting-new")).enrolment
    return made


def list_labels(response) -> list[str]:
    return [row["enrolment"].label for row in response.context["rows"]]


def test_list_shows_only_records_awaiting_signoff_by_default(clinician_client, clinic):
    response = clinician_client.get(reverse("quizzes:patient_list"))
    assert list_labels(response) == ["awaiting-new", "awaiting-old"]
    html = response.content.decode()
    assert '<option value="awaiting_signoff" selected>Awaiting sign-off</option>' in html
    assert html.count('<span class="badge text-bg-primary">Awaiting sign-off</span>') == 2
    assert f'href="{reverse("quizzes:patient_list")}?status="' in html  # "Show all patients"


def test_list_of_every_patient_puts_those_awaiting_signoff_first(clinician_client, clinic):
    response = clinician_client.get(reverse("quizzes:patient_list"), {"status": ""})
    assert list_labels(response) == ["awaiting-new", "awaiting-old", "signed", "in-progress", "not-started"]
    assert '<option value="" selected>Any status</option>' in response.content.decode()


def test_list_with_nothing_awaiting_signoff_says_so_and_offers_every_patient(clinician_client, built):
    enrol(built.pathway, label="not-started")
    html = clinician_client.get(reverse("quizzes:patient_list")).content.decode()
    assert "No record is awaiting sign-off." in html
    assert "Show all patients" in html


def test_default_list_query_count_is_flat(clinician_client, built, django_assert_max_num_queries):
    for i in range(30):  # enough rows for an N+1 to show
        answer_check(started_record(built.pathway, label=f"done-{i}"))
    # session, user, user permissions, group permissions, count, page of enrolments
    with django_assert_max_num_queries(6):
        response = clinician_client.get(reverse("quizzes:patient_list"))
    assert len(response.context["rows"]) == 25


# Landing after login and the menu, per role ----------------------------------------------------


@pytest.mark.parametrize(
    ("role", "lands_on"),
    [
        (roles.CLINICIAN, "quizzes:patient_list"),
        (roles.EDUCATOR, "quizzes:home"),
        (roles.TRAINEE, "quizzes:home"),
    ],
)
def test_login_lands_each_role_where_its_work_is(client, role, lands_on):
    user = UserFactory(role=role)
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse(lands_on)


def test_login_with_a_next_page_goes_there_for_clinicians_too(client):
    user = UserFactory(role=roles.CLINICIAN)
    wanted = reverse("quizzes:patient_new")
    response = client.post(f"{reverse('login')}?next={wanted}", {"username": user.username, "password": PASSWORD})
    assert response.url == wanted


TRAINEE_LINKS = ["quizzes:my_results", "quizzes:selftest_new", "quizzes:progress"]


def nav_html(client, user, url) -> str:
    client.force_login(user)
    html = client.get(url).content.decode()
    return re.search(r"<header>.*</header>", html, re.DOTALL).group(0)


def test_clinician_menu_shows_staff_pages_not_trainee_pages(client):
    nav = nav_html(client, UserFactory(role=roles.CLINICIAN), reverse("quizzes:patient_list"))
    assert f'href="{reverse("quizzes:patient_list")}">Patients<' in nav
    assert f'href="{reverse("quizzes:patient_new")}">Enrol a patient<' in nav
    assert "Lessons and quizzes" not in nav
    for name in TRAINEE_LINKS:
        assert reverse(name) not in nav, name


@pytest.mark.parametrize("role", [roles.TRAINEE, roles.EDUCATOR])
def test_trainee_and_educator_menus_show_trainee_pages_not_staff_pages(client, role):
    nav = nav_html(client, UserFactory(role=role), reverse("quizzes:home"))
    assert "Lessons and quizzes" in nav
    for name in TRAINEE_LINKS:
        assert reverse(name) in nav, name
    assert reverse("quizzes:patient_list") not in nav


# The PDF to file -------------------------------------------------------------------------------


def test_pdf_shows_times_in_the_clinics_zone_with_its_name(clinician_client, built, settings):
    settings.TIME_ZONE = "America/New_York"
    record = missing_one_point(built.pathway)
    local = timezone.localtime(record.completed_at, ZoneInfo("America/New_York"))
    offset = local.strftime("%z")
    text = pdf_text(clinician_client, record)
    assert f"Terminado {local:%Y-%m-%d %H:%M} {local.tzname()} (UTC{offset[:3]}:{offset[3:]})" in text
    assert "Zona horaria America/New_York" in text


def test_pdf_has_lines_for_the_clinicians_and_the_patients_signature(clinician_client, built):
    record = missing_one_point(built.pathway)
    text = pdf_text(clinician_client, record)
    signatures = text.split("Firmas", 1)[1]
    assert "Firma del profesional de salud" in signatures
    assert "Firma del paciente" in signatures
