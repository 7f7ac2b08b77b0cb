import pytest
from django.urls import reverse

from quizzes import roles
from tests.consent.factories import build_pathway, enrol
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def history(client, pk):
    return client.get(reverse("admin:quizzes_enrolment_history", args=[pk]))


def test_staff_without_the_permission_cannot_tell_which_ids_exist_from_the_history(client):
    enrolment = enrol(build_pathway(questions=1, lessons=1).pathway).enrolment
    client.force_login(UserFactory(role=roles.EDUCATOR, is_staff=True))

    assert history(client, enrolment.pk).status_code == 403
    assert history(client, enrolment.pk + 1000).status_code == 403


def test_the_history_still_opens_with_the_permission(admin_client):
    enrolment = enrol(build_pathway(questions=1, lessons=1).pathway).enrolment

    assert history(admin_client, enrolment.pk).status_code == 200
    assert history(admin_client, enrolment.pk + 1000).status_code == 302  # "does not exist", as before
