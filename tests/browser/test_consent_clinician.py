"""A record every clinician can read, in real Chromium: a Spanish-speaking patient finishes the
check with one point still missed; an English-speaking clinician logs in, lands on the patients
awaiting sign-off, reads that point in English on the record page and in the PDF (in Spanish,
the patient's language, with the English under each text), and signs off from the top of the
page without opening the timeline.

The pathway is a small one built with the ORM (two lessons, three questions, in English and
Spanish). Answers are picked from the record's frozen content by the stem on the page.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from quizzes import roles
from quizzes.consent import frozen
from quizzes.models import ConsentRecord, Enrolment, Pathway, SignOff
from tests.browser.test_consent_journey import (
    PASSWORD,
    TIMEOUT_MS,
    clinician_enrols,
    norm,
    patient_context,
    pdf_text,
    tick,
)
from tests.consent.factories import build_pathway

MISSED = "consent-q1"  # the patient gets this point wrong every time it is asked
SPANISH_STEM = f"PREGUNTA-{MISSED}: ¿qué es cierto?"
ENGLISH_STEM = f"STEM-{MISSED}: what is true?"


@pytest.fixture
def pathway(transactional_db) -> Pathway:
    roles.roles_sync()  # the groups, in case the flush between tests took them
    return build_pathway(questions=3).pathway


@pytest.fixture
def clinician(transactional_db, django_user_model):
    roles.roles_sync()
    user = django_user_model.objects.create_user(username="dr_smith", password=PASSWORD)
    roles.role_assign(user=user, role=roles.CLINICIAN)
    return user


@pytest.fixture
def staff_page(page: Page) -> Page:
    page.set_default_timeout(TIMEOUT_MS)
    page.set_default_navigation_timeout(TIMEOUT_MS)
    return page


def patient_finishes(page: Page, record: ConsentRecord, *, always_miss: str) -> None:
    """Go through the pathway by its big buttons, answering every question right but one."""
    by_stem = {norm(q["stem"]): q for q in record.content["questions"]}
    for _ in range(60):
        page.wait_for_load_state()
        if page.locator("#pathway-done").count():
            return
        stem = page.locator("#question-stem")
        if stem.count():
            question = by_stem[norm(stem.inner_text())]
            tick(page, question, right=question["name"] != always_miss)
            page.locator("main button[type=submit]").click()
        else:
            page.locator("main a.btn-primary").click()
    pytest.fail("the pathway does not end")


def test_spanish_patient_misses_a_point_and_an_english_clinician_reads_it_in_english_and_signs_off(
    pathway, clinician, live_server, staff_page, new_context
):
    page = staff_page
    # Logging in lands the clinician on the patient list, with staff pages in the menu.
    page.goto(f"{live_server.url}/accounts/login/")
    page.locator("#id_username").fill(clinician.get_username())
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/staff/patients/")
    menu = page.get_by_role("navigation", name="Main")
    expect(menu.get_by_role("link", name="Patients")).to_be_visible()
    expect(menu.get_by_role("link", name="My results")).to_have_count(0)
    expect(menu.get_by_role("link", name="Self-test")).to_have_count(0)

    label = "KP-Vie-11"
    link, _code = clinician_enrols(page, live_server, pathway, label=label, language="es")
    enrolment = Enrolment.objects.get(label=label)

    patient = patient_context(new_context, locale="es-ES").new_page()
    patient.goto(link)
    record = ConsentRecord.objects.get(enrolment=enrolment)
    assert record.content["language"] == "es"
    patient_finishes(patient, record, always_miss=MISSED)
    expect(patient.locator("#discussion-points")).to_contain_text(SPANISH_STEM)
    record.refresh_from_db()
    assert (record.status, record.discussion_points) == (ConsentRecord.Status.NEEDS_DISCUSSION, [MISSED])
    assert record.content_hash == frozen.content_digest(record.content)

    # The list opens on the records awaiting sign-off: this one.
    page.goto(f"{live_server.url}/staff/patients/")
    expect(page.get_by_label("Status")).to_have_value("awaiting_signoff")
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Awaiting sign-off")
    rows.first.get_by_role("link", name=label).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(label)

    # The missed point in Spanish, as the patient saw it, with its English under it.
    discussion = page.locator("#discussion")
    expect(discussion.locator('[lang="es"]')).to_have_text(SPANISH_STEM)
    expect(discussion.locator('[lang="en"]')).to_have_text(f"English: {ENGLISH_STEM}")

    # The sign-off is on the first screen, above the timeline, which stays collapsed.
    button = page.get_by_role("button", name="Reviewed with the patient")
    expect(button).to_be_in_viewport()
    timeline = page.locator("details#timeline")
    assert button.bounding_box()["y"] < timeline.bounding_box()["y"]
    expect(timeline.locator("ol")).to_be_hidden()
    timeline.locator("summary").click()
    expect(timeline.locator("li").filter(has_text=f"English: {ENGLISH_STEM}").first).to_be_visible()

    # The PDF is in the patient's language (Spanish labels), the English under each text.
    text = pdf_text(page, enrolment)
    discussion_text = text.split("Temas para conversar", 1)[1].split("Firma", 1)[0]
    assert SPANISH_STEM in discussion_text, text[:3000]
    assert f"En inglés: {ENGLISH_STEM}" in discussion_text, text[:3000]
    assert re.search(r"Firma del profesional de salud .*Firma del paciente", text), text[-1000:]

    page.get_by_label("Note (optional)").fill("Went over the risk of cement leaking.")
    button.click()
    expect(page.get_by_role("status").filter(has_text="Signed off: reviewed with the patient.")).to_be_visible()
    expect(page.locator("#signoff")).to_contain_text(f"Reviewed with the patient by {clinician.get_username()} on")
    signoff = SignOff.objects.get(record=record)
    assert (signoff.by, signoff.note) == (clinician, "Went over the risk of cement leaking.")
