"""How a patient gets in, in real Chromium: a typo in the code, a network paused by someone
else's wrong codes, and the clinician lifting that pause.

Every browser here reaches live_server from 127.0.0.1: one address, like the phones and the
waiting-room tablet on a clinic's Wi-Fi. Each patient has a browser context of their own.
"""

import re

import pytest
from django.conf import settings
from playwright.sync_api import BrowserContext, Page, expect

from quizzes import roles
from quizzes.consent import services
from tests.consent.factories import build_pathway

TIMEOUT_MS = 5_000
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
HOME_URL = re.compile(r"/consent/pathway/$")
NO_MATCH = "That code does not match. Check the letters and numbers and try again."


@pytest.fixture
def pathway(transactional_db):
    roles.roles_sync()  # the groups, in case the flush between tests took them
    return build_pathway(questions=3).pathway


@pytest.fixture
def new_patient(new_context):
    def _new_patient() -> Page:
        context: BrowserContext = new_context(**PHONE)
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(TIMEOUT_MS)
        return context.new_page()

    return _new_patient


def enrol(pathway, label):
    return services.enrolment_create(label=label, pathway=pathway)


def wrong_code_for(issued) -> str:
    return "ABCD-EFGH" if issued.code != "ABCDEFGH" else "HGFE-DCBA"


def type_code(page: Page, code: str) -> None:
    page.get_by_label("Your code").fill(code)
    page.get_by_role("button", name="Start").click()


def open_code_page(page: Page, live_server) -> None:
    page.goto(f"{live_server.url}/consent/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Start your lessons")


def pause_codes_with_wrong_ones(page: Page, live_server, issued) -> None:
    open_code_page(page, live_server)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        type_code(page, wrong_code_for(issued))
    expect(page.get_by_role("heading", level=1)).to_have_text("Too many tries")


def test_patient_types_a_wrong_code_corrects_it_and_gets_in(pathway, live_server, new_patient):
    issued = enrol(pathway, "Patient A")
    typo = issued.code[:7] + ("A" if issued.code[7] != "A" else "B")
    page = new_patient()
    open_code_page(page, live_server)

    type_code(page, typo.lower())

    expect(page.get_by_text(NO_MATCH)).to_be_visible()
    box = page.get_by_label("Your code")
    expect(box).to_have_value(typo.lower())  # what they typed is still there to correct
    expect(box).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_text(re.compile(r"tries? left"))).to_have_count(0)

    box.press("End")
    box.press("Backspace")
    box.type(issued.code[7].lower())
    page.get_by_role("button", name="Start").click()

    expect(page).to_have_url(HOME_URL)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Getting ready for kyphoplasty")


def test_tries_left_are_shown_before_the_pause(pathway, live_server, new_patient):
    issued = enrol(pathway, "Patient A")
    page = new_patient()
    open_code_page(page, live_server)

    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        type_code(page, wrong_code_for(issued))

    expect(page.get_by_text("1 try left. After that, you will need to wait 15 minutes.")).to_be_visible()
    type_code(page, wrong_code_for(issued))
    expect(page.get_by_role("heading", level=1)).to_have_text("Too many tries")
    expect(page.get_by_text("If your clinic gave you a link, it still works")).to_be_visible()


def test_an_address_paused_by_five_wrong_codes_still_opens_a_valid_link(pathway, live_server, new_patient):
    patient_a = enrol(pathway, "Patient A")
    patient_b = enrol(pathway, "Patient B")
    # Patient B, on the same network, mistypes their code five times: codes are paused here.
    pause_codes_with_wrong_ones(new_patient(), live_server, patient_b)

    page = new_patient()
    open_code_page(page, live_server)
    type_code(page, patient_a.code)
    expect(page.get_by_role("heading", level=1)).to_have_text("Too many tries")  # codes really are paused

    page.goto(f"{live_server.url}/consent/{patient_a.token}/")

    expect(page).to_have_url(HOME_URL)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Getting ready for kyphoplasty")


def test_clinician_lifts_the_pause_and_the_patient_gets_in_with_the_code(
    pathway, live_server, new_patient, page, log_in, django_user_model
):
    issued = enrol(pathway, "Patient A")
    patient = new_patient()
    pause_codes_with_wrong_ones(patient, live_server, issued)
    clinician = django_user_model.objects.create_user(username="dr_rivera", password="Vertebra-Cement-2026!")
    roles.role_assign(user=clinician, role=roles.CLINICIAN)
    log_in(page.context, clinician)
    page.set_default_timeout(TIMEOUT_MS)

    page.goto(f"{live_server.url}/staff/patients/{issued.enrolment.pk}/")
    page.get_by_role("button", name="Lift the pause on codes").click()

    expect(page.get_by_text("Done: the patient can type their code again now.")).to_be_visible()
    open_code_page(patient, live_server)
    type_code(patient, issued.code)
    expect(patient).to_have_url(HOME_URL)
