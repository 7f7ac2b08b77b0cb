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


@pytest.mark.parametrize("section", ["-9223372036854775809", "99999999999999999999999", " ", "\x00"])
def test_an_autocomplete_id_the_database_cannot_hold_is_a_form_error_not_a_server_error(admin_client, section):
    from tests.factories import QuestionFactory

    question = QuestionFactory()
    url = reverse("admin:quizzes_question_change", args=[question.pk])
    response = admin_client.post(url, {"stem": question.stem, "section": section})
    assert response.status_code == 200
    assert "<title>Error:" in response.content.decode()  # shown again with its errors
