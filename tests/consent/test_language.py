"""A patient's pages speak the enrolment's language, whatever the browser says."""

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.consent.factories import build_pathway, enrol

pytestmark = pytest.mark.django_db


@pytest.fixture
def spanish_patient(client):
    built = build_pathway(questions=3)
    access = enrol(built.pathway, label="Paciente", language="es")
    client.get(reverse("quizzes:consent_link", args=[access.token]), HTTP_ACCEPT_LANGUAGE="en")
    return client, access


def test_pathway_pages_are_labelled_with_the_enrolment_language(spanish_patient):
    client, _ = spanish_patient
    response = client.get(reverse("quizzes:pathway_home"), HTTP_ACCEPT_LANGUAGE="en")
    assert response["Content-Language"] == "es"
    assert '<html lang="es">' in response.content.decode()


def test_stopping_for_now_signs_out_and_says_how_to_come_back_in_spanish(spanish_patient):
    client, _ = spanish_patient
    response = client.post(reverse("quizzes:pathway_leave"), HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="es">' in html
    assert "See you soon" not in html
    # Signed out: the pathway now asks for a code again.
    assert client.get(reverse("quizzes:pathway_home"))["Location"] == reverse("quizzes:consent_code")


def test_access_ending_mid_visit_is_explained_in_the_patients_language(spanish_patient):
    client, access = spanish_patient
    access.enrolment.revoked_at = timezone.now()
    access.enrolment.save()
    response = client.get(reverse("quizzes:pathway_home"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 403
    assert '<html lang="es">' in response.content.decode()
    assert "We could not open your lessons" not in response.content.decode()
