"""How a patient gets in: a link always opens, a wrong code keeps them on the form, and guessing stays slow.

Wrong codes are counted per address (django-axes); the test client's address is 127.0.0.1,
another address is another `Client(REMOTE_ADDR=...)`.
"""

import re
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from quizzes import roles
from quizzes.consent import services
from quizzes.models import Enrolment
from tests.consent.factories import build_pathway, enrol
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

HOME = reverse("quizzes:pathway_home")
# Signing in lands where the patient stopped; a new patient goes on to the pathway home.
GO_ON = reverse("quizzes:pathway_resume")
CODE = reverse("quizzes:consent_code")
ACCESS_PROBLEM = "Please call or visit your clinic"
NO_MATCH = "That code does not match. Check the letters and numbers and try again."
LOCKED = "Too many tries"


@pytest.fixture(autouse=True)
def _no_failed_sign_ins_left_over():
    """django-axes counts failures in its tables; each test starts (and the rollback ends) clean."""
    axes_reset()
    assert not AccessAttempt.objects.exists()


@pytest.fixture
def built():
    return build_pathway(questions=3)


@pytest.fixture
def access(built):
    return enrol(built.pathway, label="Patient A")


def link(access_or_token):
    token = getattr(access_or_token, "token", access_or_token)
    return reverse("quizzes:consent_link", args=[token])


def wrong_code_for(access) -> str:
    return "ABCD-EFGH" if access.code != "ABCDEFGH" else "HGFE-DCBA"


def type_code(client, code):
    return client.post(CODE, {"code": code})


def type_wrong_codes(client, access, times):
    return [type_code(client, wrong_code_for(access)) for _ in range(times)]


def typed_value(response) -> str | None:
    match = re.search(r'<input[^>]*name="code"[^>]*>', response.content.decode())
    value = re.search(r'value="([^"]*)"', match.group(0)) if match else None
    return value.group(1) if value else None


def without_csrf(response):
    html = response.content.decode()
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', 'name="csrfmiddlewaretoken"', html)


def signed_in_user_id(client):
    return client.session.get("_auth_user_id")


def _expire(access):
    Enrolment.objects.filter(pk=access.enrolment.pk).update(expires_at=timezone.now() - timedelta(seconds=1))


def _revoke(access):
    services.enrolment_revoke(enrolment=access.enrolment, by=UserFactory(role=roles.CLINICIAN))


# A wrong code ----------------------------------------------------------------------------------------


def test_wrong_code_keeps_the_patient_on_the_form_with_what_they_typed_and_says_it_does_not_match(client, access):
    response = type_code(client, "abcd-efgk")

    assert response.status_code == 403
    html = response.content.decode()
    assert 'name="code"' in html
    assert typed_value(response) == "abcd-efgk"
    assert NO_MATCH in html
    assert ACCESS_PROBLEM not in html
    assert signed_in_user_id(client) is None


@pytest.mark.parametrize("spoil", [_expire, _revoke], ids=["expired", "revoked"])
def test_expired_or_revoked_code_gets_the_same_answer_as_a_wrong_one(client, access, spoil):
    wrong = wrong_code_for(access)
    reference = type_code(Client(REMOTE_ADDR="10.0.0.2"), wrong)
    spoil(access)

    response = type_code(client, access.code)

    assert response.status_code == reference.status_code == 403
    assert without_csrf(response).replace(access.code, "TYPED") == without_csrf(reference).replace(wrong, "TYPED")
    assert signed_in_user_id(client) is None


def test_no_count_of_tries_while_three_or_more_remain(client, access):
    for response in type_wrong_codes(client, access, settings.AXES_FAILURE_LIMIT - 3):
        html = response.content.decode()
        assert NO_MATCH in html
        assert "left" not in html.lower()


def test_tries_left_are_shown_once_fewer_than_three_remain(client, access):
    type_wrong_codes(client, access, settings.AXES_FAILURE_LIMIT - 3)

    two_left, one_left = type_wrong_codes(client, access, 2)

    assert "2 tries left. After that, you will need to wait 15 minutes." in two_left.content.decode()
    assert "1 try left. After that, you will need to wait 15 minutes." in one_left.content.decode()


def test_a_typo_then_the_right_code_gets_in(client, access):
    type_wrong_codes(client, access, settings.AXES_FAILURE_LIMIT - 1)

    response = type_code(client, access.code)

    assert response.status_code == 302
    assert response.url == GO_ON
    assert signed_in_user_id(client) == str(access.enrolment.user.pk)


# The limit per address -------------------------------------------------------------------------------


def test_five_wrong_codes_pause_codes_from_that_address_even_the_right_one(client, access):
    *_, fifth = type_wrong_codes(client, access, settings.AXES_FAILURE_LIMIT)

    response = type_code(client, access.code)

    assert fifth.status_code == response.status_code == 429
    html = response.content.decode()
    assert LOCKED in html
    assert "paused codes for 15 minutes" in html
    assert "If your clinic gave you a link, it still works" in html
    assert "password" not in html.lower()
    assert signed_in_user_id(client) is None


def test_different_wrong_codes_count_together_per_address(client, access):
    for i in range(settings.AXES_FAILURE_LIMIT):
        type_code(client, f"WXYZ-234{i + 2}")

    assert type_code(client, access.code).status_code == 429


def test_wrong_codes_from_one_address_do_not_pause_another_address(client, access):
    type_wrong_codes(client, access, settings.AXES_FAILURE_LIMIT)

    other = Client(REMOTE_ADDR="10.0.0.99")
    response = type_code(other, access.code)

    assert response.status_code == 302
    assert signed_in_user_id(other) == str(access.enrolment.user.pk)


def test_the_pause_ends_after_fifteen_minutes(client, access):
    type_wrong_codes(client, access, settings.AXES_FAILURE_LIMIT)
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=15, seconds=1))

    assert type_code(client, access.code).status_code == 302


def test_a_right_code_does_not_give_an_address_its_tries_back(client, built, access):
    """Else anyone holding one valid code could guess without end: four wrong, their own, four more."""
    type_wrong_codes(client, access, settings.AXES_FAILURE_LIMIT - 1)
    assert type_code(client, access.code).status_code == 302

    guesser = Client()  # same address, no session
    assert type_code(guesser, wrong_code_for(access)).status_code == 429


def test_a_paused_address_can_still_log_in_with_a_password(client, access):
    type_wrong_codes(client, access, settings.AXES_FAILURE_LIMIT)
    user = UserFactory(username="trainee-on-clinic-wifi", role=roles.TRAINEE)

    response = Client().post(reverse("login"), {"username": user.username, "password": PASSWORD})

    assert response.status_code == 302
    assert LOCKED not in response.content.decode()


# Links -----------------------------------------------------------------------------------------------


def test_a_link_opens_the_pathway_from_an_address_paused_by_wrong_codes(client, access):
    type_wrong_codes(Client(), access, settings.AXES_FAILURE_LIMIT)  # someone else on the same network

    response = client.get(link(access), follow=True)

    assert response.redirect_chain == [(GO_ON, 302), (HOME, 302)]
    assert signed_in_user_id(client) == str(access.enrolment.user.pk)


def test_opening_a_link_does_not_give_a_paused_address_its_tries_back(client, access):
    type_wrong_codes(client, access, settings.AXES_FAILURE_LIMIT)

    assert client.get(link(access)).status_code == 302

    assert type_code(Client(), access.code).status_code == 429


def _wrong_link(client, access):
    return client.get(link("not-a-real-token-" + "x" * 30))


def _expired_link(client, access):
    _expire(access)
    return client.get(link(access))


def _revoked_link(client, access):
    _revoke(access)
    return client.get(link(access))


@pytest.mark.parametrize(
    "attempt", [_wrong_link, _expired_link, _revoked_link], ids=["wrong-link", "expired-link", "revoked-link"]
)
def test_every_bad_link_gives_the_same_page_saying_to_ask_the_clinic(client, access, attempt):
    reference = _wrong_link(Client(), access)

    response = attempt(client, access)

    assert response.status_code == reference.status_code == 403
    assert without_csrf(response) == without_csrf(reference)
    assert ACCESS_PROBLEM in response.content.decode()
    assert signed_in_user_id(client) is None


def test_bad_links_use_up_none_of_the_code_tries(client, access):
    other = enrol(access.enrolment.pathway, label="Patient B")
    _revoke(other)
    for _ in range(settings.AXES_FAILURE_LIMIT * 2):
        _wrong_link(client, access)
        client.get(link(other))

    first_wrong = type_code(client, wrong_code_for(access)).content.decode()
    assert NO_MATCH in first_wrong
    assert "left" not in first_wrong.lower()
    assert not AccessAttempt.objects.exclude(username=services.CODE_GUESSES).exists()
    assert type_code(client, access.code).status_code == 302


def test_the_code_page_and_an_old_link_speak_the_browsers_language(access):
    _expire(access)
    spanish = Client(HTTP_ACCEPT_LANGUAGE="es")

    assert "llame o vaya a su clínica" in spanish.get(link(access)).content.decode()


def test_wrong_code_message_and_tries_left_in_spanish(client, access):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post(f"{CODE}?lang=es", {"code": wrong_code_for(access)})

    html = response.content.decode()
    assert "Ese código no coincide." in html
    assert "Le queda 1 intento." in html
    assert typed_value(response) == wrong_code_for(access)
