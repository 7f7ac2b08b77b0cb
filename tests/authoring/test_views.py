"""The educators' upload page /staff/import/: who may use it, the preview that writes nothing, the confirmation."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from quizzes import roles
from quizzes.authoring.forms import MAX_UPLOAD_BYTES
from quizzes.models import Question, Quiz
from tests.authoring.test_import_export_formats import GIFT, UNSUPPORTED
from tests.factories import QuestionFactory, QuizFactory, TopicFactory, UserFactory

pytestmark = pytest.mark.django_db

UPLOAD = reverse("quizzes:import_upload")
CONFIRM = reverse("quizzes:import_confirm")


@pytest.fixture
def quiz() -> Quiz:
    TopicFactory(slug="bone-health")
    return QuizFactory(slug="imported")


@pytest.fixture
def educator_client(client):
    client.force_login(UserFactory(username="educator", role=roles.EDUCATOR))
    return client


def post_file(client, text: str | bytes, *, fmt: str = "gift", quiz: str = "imported", **options):
    content = text.encode() if isinstance(text, str) else text
    data = {"file": SimpleUploadedFile(f"questions.{fmt}", content), "file_format": fmt, "quiz": quiz, **options}
    return client.post(UPLOAD, data)


def confirm_fields(html: str) -> dict[str, str]:
    return dict(re.findall(r'name="(token|digest)" value="([^"]+)"', html))


def test_anonymous_visitors_go_to_the_login_page(client):
    response = client.get(UPLOAD)
    assert response.status_code == 302 and reverse("login") in response["Location"]


@pytest.mark.parametrize("role", [roles.TRAINEE, roles.CLINICIAN, roles.PATIENT])
def test_other_roles_are_refused(client, quiz, role):
    client.force_login(UserFactory(username=f"someone-{role}", role=role))
    assert client.get(UPLOAD).status_code == 403
    assert post_file(client, GIFT).status_code == 403
    assert client.post(CONFIRM, {"token": "x", "digest": "y"}).status_code == 403


def test_the_preview_shows_questions_percentages_feedback_and_topics_and_writes_nothing(educator_client, quiz):
    response = post_file(educator_client, GIFT)
    html = response.content.decode()
    assert response.status_code == 200
    assert Question.objects.count() == 0
    for expected in (
        "Which complication of kyphoplasty is caused by cement leaving the vertebral body?",
        "It leaves through a crack or a vein.",  # a choice's feedback
        "Cement leakage is the complication named after the cement.",  # the explanation
        "50 %",
        "-100 %",
        "100 %",
        "bone-health",
        "line 4",
        "Nothing has been saved yet.",
    ):
        assert expected in html, expected
    assert html.count("import-outcome") == 3 and "new</span>" in html
    assert confirm_fields(html).keys() == {"token", "digest"}


def test_confirming_imports_exactly_the_preview_once(educator_client, quiz):
    fields = confirm_fields(post_file(educator_client, GIFT).content.decode())
    response = educator_client.post(CONFIRM, fields)
    assert response.status_code == 200
    assert "Saved into imported: 3 created, 0 updated, 0 unchanged." in response.content.decode()
    assert sorted(quiz.questions.values_list("name", flat=True)) == ["cement-leak", "prone-position", "risk-factors"]
    again = educator_client.post(CONFIRM, fields)
    assert again.status_code == 400
    assert "no longer available" in again.content.decode()


def test_a_new_quiz_is_created_only_on_confirmation(educator_client, quiz):
    response = post_file(educator_client, GIFT, quiz="", new_quiz="brand-new")
    assert "Into a new quiz, brand-new" in response.content.decode()
    assert not Quiz.objects.filter(slug="brand-new").exists()
    educator_client.post(CONFIRM, confirm_fields(response.content.decode()))
    created = Quiz.objects.get(slug="brand-new")
    assert created.questions.count() == 3 and not created.is_published


def test_a_tampered_digest_imports_nothing(educator_client, quiz):
    fields = confirm_fields(post_file(educator_client, GIFT).content.decode())
    response = educator_client.post(CONFIRM, {**fields, "digest": "0" * 64})
    assert response.status_code == 400
    assert Question.objects.count() == 0


def test_a_quiz_changed_since_the_preview_is_not_imported_blindly(educator_client, quiz):
    fields = confirm_fields(post_file(educator_client, GIFT).content.decode())
    QuestionFactory(quiz=quiz, name="cement-leak")  # someone else adds it meanwhile
    response = educator_client.post(CONFIRM, fields)
    html = response.content.decode()
    assert response.status_code == 409
    assert "changed since the preview" in html
    assert list(quiz.questions.values_list("name", flat=True)) == ["cement-leak"]
    assert "changed</span>" in html and confirm_fields(html)  # a fresh preview to confirm


def test_errors_are_listed_with_their_lines_and_hints_and_cannot_be_confirmed(educator_client, quiz):
    broken = GIFT.replace("\t~Infection\n", "\t~\n").replace("Bone health", "Nowhere")
    html = post_file(educator_client, broken).content.decode()
    assert "Errors: nothing can be imported" in html
    assert re.search(r"Line 7:</strong> An answer with no text", html)
    assert "Hint:" in html
    assert "Line 11:</strong> line 11 (&#x27;risk-factors&#x27;): unknown topic" in html
    assert not confirm_fields(html)
    assert Question.objects.count() == 0


def test_unsupported_types_are_listed_with_their_lines_or_refused_when_strict(educator_client, quiz):
    html = post_file(educator_client, UNSUPPORTED).content.decode()
    assert "Line 1:</strong> short answer" in html and "Line 3:</strong> numerical" in html
    assert confirm_fields(html)
    strict = post_file(educator_client, UNSUPPORTED, strict="on").content.decode()
    assert "Short answer questions are not supported." in strict and not confirm_fields(strict)


def test_item_writing_errors_stop_the_import_unless_flaws_are_allowed(educator_client, quiz):
    flawed = "::flawed::Which is true?{=All of the above ~One ~Two}\n"
    html = post_file(educator_client, flawed).content.decode()
    assert "Item-writing check" in html and "all-of-the-above" in html
    assert not confirm_fields(html)
    allowed = post_file(educator_client, flawed, allow_flaws="on").content.decode()
    assert confirm_fields(allowed)


def test_a_too_large_file_is_refused_clearly(educator_client, quiz):
    response = post_file(educator_client, b"x" * (MAX_UPLOAD_BYTES + 1))
    assert response.status_code == 400
    assert "the limit is 512 KB" in response.content.decode()


def test_a_file_that_is_not_utf8_is_refused_clearly(educator_client, quiz):
    response = post_file(educator_client, "¿Qué?{T}".encode("latin-1"))
    assert response.status_code == 400
    assert "not UTF-8 text" in response.content.decode()


def test_posts_without_a_csrf_token_are_refused(quiz):
    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory(username="educator", role=roles.EDUCATOR))
    assert post_file(client, GIFT).status_code == 403
    assert client.post(CONFIRM, {"token": "x", "digest": "y"}).status_code == 403
    assert Question.objects.count() == 0
