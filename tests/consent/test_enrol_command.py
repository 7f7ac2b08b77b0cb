import re
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from quizzes.consent import services
from quizzes.consent.services import CODE_ALPHABET
from quizzes.models import Enrolment
from tests.consent.test_staff_views import build_pathway

pytestmark = pytest.mark.django_db

CODE = re.compile(rf"Code:\s+([{CODE_ALPHABET}]{{4}}-[{CODE_ALPHABET}]{{4}})\s")
LINK = re.compile(r"Link:\s+(\S+)")


@pytest.fixture
def kyphoplasty():
    call_command("load_content", stdout=StringIO())


def enrol(*args) -> str:
    out = StringIO()
    call_command("enrol_patient", *args, stdout=out)
    return out.getvalue()


def test_prints_a_code_that_opens_the_new_enrolment(kyphoplasty):
    output = enrol("--label", "Tue clinic 4", "--pathway", "kyphoplasty")
    code = CODE.search(output).group(1)
    enrolment = Enrolment.objects.get(label="Tue clinic 4")
    assert services.enrolment_authenticate(code=code) == enrolment
    assert enrolment.pathway.slug == "kyphoplasty"
    assert enrolment.language == "en"


def test_prints_a_link_under_the_default_base_url_whose_token_works(kyphoplasty):
    output = enrol("--label", "A", "--pathway", "kyphoplasty")
    link = LINK.search(output).group(1)
    assert link.startswith("http://127.0.0.1:8000/consent/")
    token = link.rstrip("/").rsplit("/", 1)[-1]
    assert services.enrolment_authenticate(token=token) == Enrolment.objects.get()


def test_base_url_comes_from_the_option_or_site_url(kyphoplasty, settings):
    settings.SITE_URL = "https://consent.example.org"
    assert "Link:    https://consent.example.org/consent/" in enrol("--label", "A", "--pathway", "kyphoplasty")
    output = enrol("--label", "B", "--pathway", "kyphoplasty", "--base-url", "https://other.example/")
    assert "Link:    https://other.example/consent/" in output


def test_expiry_and_planned_date_are_stored_and_printed(kyphoplasty):
    output = enrol("--label", "A", "--pathway", "kyphoplasty", "--expires-days", "3", "--planned-date", "2026-12-24")
    enrolment = Enrolment.objects.get()
    assert timedelta(days=2) < enrolment.expires_at - timezone.now() <= timedelta(days=3)
    assert enrolment.planned_date == date(2026, 12, 24)
    assert f"Expires: {timezone.localtime(enrolment.expires_at):%Y-%m-%d}" in output


def test_spanish_enrolment_on_a_translated_pathway():
    build_pathway(slug="es-ready", spanish=True)
    enrol("--label", "Martes", "--pathway", "es-ready", "--language", "es")
    assert Enrolment.objects.get().language == "es"


def test_missing_translation_is_a_clear_error():
    build_pathway(slug="english-only", spanish=False)
    with pytest.raises(CommandError, match="not fully translated into 'es'"):
        enrol("--label", "A", "--pathway", "english-only", "--language", "es")
    assert not Enrolment.objects.exists()


def test_unknown_pathway_is_a_clear_error_listing_the_known_ones(kyphoplasty):
    with pytest.raises(CommandError, match=r"Unknown pathway 'hip'\. Known pathways: kyphoplasty"):
        enrol("--label", "A", "--pathway", "hip")


def test_unknown_language_is_a_clear_error(kyphoplasty):
    with pytest.raises(CommandError, match="Unknown language 'fr'"):
        enrol("--label", "A", "--pathway", "kyphoplasty", "--language", "fr")


@pytest.mark.parametrize("raw", ["24/12/2026", "2026-13-01", "soon"])
def test_bad_planned_date_is_a_clear_error(kyphoplasty, raw):
    with pytest.raises(CommandError, match="not a date in the form YYYY-MM-DD"):
        enrol("--label", "A", "--pathway", "kyphoplasty", "--planned-date", raw)


@pytest.mark.parametrize("days", ["0", "-3"])
def test_expiry_below_one_day_is_refused(kyphoplasty, days):
    with pytest.raises(CommandError, match="at least 1"):
        enrol("--label", "A", "--pathway", "kyphoplasty", "--expires-days", days)
    assert not Enrolment.objects.exists()


def test_blank_label_is_refused(kyphoplasty):
    with pytest.raises(CommandError, match="--label must not be empty"):
        enrol("--label", "  ", "--pathway", "kyphoplasty")


def test_label_and_pathway_are_required():
    with pytest.raises(CommandError, match="--label"):
        enrol("--pathway", "kyphoplasty")
