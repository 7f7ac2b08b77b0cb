"""The 403, 404 and 500 pages (kyphoquiz/views.py): in the site's look, with a viewport, in the
visitor's language; in the patient's part of the site they lead back to the pathway, never to
the learner menu."""

from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse

from quizzes import roles
from tests.consent.factories import build_pathway, enrol
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PATHWAY_BACK = reverse("quizzes:pathway_resume")
LEARNER_HOME = reverse("quizzes:home")
MY_RESULTS = reverse("quizzes:my_results")


@pytest.fixture
def spanish_patient(client):
    """A patient enrolled in Spanish, signed in by their link, whose browser asks for English."""
    access = enrol(build_pathway().pathway, language="es")
    client.get(reverse("quizzes:consent_link", args=[access.token]))
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def failing_client():
    """A client that gets the 500 page, as a browser would, instead of the exception."""
    return Client(raise_request_exception=False)


def assert_site_page(response, *, status: int, language: str) -> str:
    html = response.content.decode()
    assert response.status_code == status
    assert f'<html lang="{language}">' in html
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert "/static/css/site.css" in html and "/static/bootstrap/css/bootstrap.min.css" in html
    return html


def test_404_for_a_learner_is_styled_in_english_and_leads_to_the_lessons(client):
    html = assert_site_page(client.get("/no-such-page/"), status=404, language="en")
    assert "We could not find that page" in html
    assert f'href="{LEARNER_HOME}"' in html


def test_404_speaks_the_browsers_language(client):
    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="es")
    html = assert_site_page(response, status=404, language="es")
    assert "No pudimos encontrar esa página" in html


@pytest.mark.parametrize(
    "path",
    [
        "/consent/pathway/no/such/page/",  # matches no URL pattern
        reverse("quizzes:pathway_lesson", args=["no-such-lesson"]),  # a pathway view says 404
    ],
)
def test_404_in_the_pathway_has_the_patients_header_and_language_and_leads_back(spanish_patient, path):
    response = spanish_patient.get(path)
    html = assert_site_page(response, status=404, language="es")
    assert response["Content-Language"] == "es"
    assert "No pudimos encontrar esa página" in html
    assert f'href="{PATHWAY_BACK}"' in html
    assert f'href="{MY_RESULTS}"' not in html and f'href="{LEARNER_HOME}"' not in html


def test_403_for_a_trainee_on_a_staff_page_is_styled_and_leads_to_the_lessons(client):
    client.force_login(UserFactory(role=roles.TRAINEE))
    html = assert_site_page(client.get(reverse("quizzes:patient_list")), status=403, language="en")
    assert "You cannot open this page" in html
    assert f'href="{LEARNER_HOME}"' in html


def test_403_in_spanish(client):
    client.force_login(UserFactory(role=roles.TRAINEE))
    response = client.get(reverse("quizzes:patient_list"), HTTP_ACCEPT_LANGUAGE="es")
    assert "No puede abrir esta página" in assert_site_page(response, status=403, language="es")


def test_a_form_sent_without_its_csrf_token_gets_the_403_page_saying_what_to_do(spanish_patient):
    spanish_patient.handler.enforce_csrf_checks = True
    response = spanish_patient.post(reverse("quizzes:pathway_leave"))
    html = assert_site_page(response, status=403, language="es")
    assert "Vuelva atrás, recargue la página" in html
    assert f'href="{PATHWAY_BACK}"' in html


def test_500_is_styled_without_a_request_context_and_leads_to_the_lessons(failing_client):
    with mock.patch("quizzes.learning.selectors.catalogue_list", side_effect=RuntimeError("broken")):
        response = failing_client.get(LEARNER_HOME, HTTP_ACCEPT_LANGUAGE="es")
    html = assert_site_page(response, status=500, language="es")
    assert "Algo salió mal" in html
    assert f'href="{LEARNER_HOME}"' in html


def test_500_in_the_pathway_leads_back_to_the_pathway(failing_client):
    access = enrol(build_pathway().pathway)
    failing_client.get(reverse("quizzes:consent_link", args=[access.token]))
    with mock.patch("quizzes.consent.selectors.pathway_overview", side_effect=RuntimeError("broken")):
        response = failing_client.get(reverse("quizzes:pathway_home"))
    html = assert_site_page(response, status=500, language="en")
    assert f'href="{PATHWAY_BACK}"' in html
    assert f'href="{LEARNER_HOME}"' not in html
