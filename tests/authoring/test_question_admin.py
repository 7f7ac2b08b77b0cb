"""The question editor as an educator uses it: percentages, Spanish beside English, the list,
the consent confirmation and the preview."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from quizzes.authoring.translations import english_digest
from quizzes.models import Attempt, Choice, Question, Response
from tests.authoring.test_admin import change_url
from tests.consent.factories import build_pathway
from tests.factories import QuestionFactory, QuizFactory, UserFactory, multiple_question

pytestmark = pytest.mark.django_db


def existing_post(question, **fields):
    """The change form as the page would post it back, with `fields` changed (`choice-N-...` for choices)."""
    spanish = question.translations.get("es", {})
    data = {
        "quiz": question.quiz_id,
        "name": question.name,
        "position": question.position,
        "kind": question.kind,
        "scoring": question.scoring,
        "stem": question.stem,
        "stem_es": spanish.get("stem", ""),
        "explanation": question.explanation,
        "explanation_es": spanish.get("explanation", ""),
        "source": question.source,
        "difficulty": question.difficulty,
        "item_check_allow": "[]",
        "choices-INITIAL_FORMS": question.choices.count(),
        "choices-TOTAL_FORMS": question.choices.count(),
        "choices-MIN_NUM_FORMS": 0,
        "choices-MAX_NUM_FORMS": 1000,
    }
    for i, c in enumerate(question.choices.all()):
        c_es = c.translations.get("es", {})
        data |= {
            f"choices-{i}-id": c.pk,
            f"choices-{i}-question": question.pk,
            f"choices-{i}-position": c.position,
            f"choices-{i}-fraction": f"{c.fraction * 100:f}",
            f"choices-{i}-text": c.text,
            f"choices-{i}-text_es": c_es.get("text", ""),
            f"choices-{i}-feedback": c.feedback,
            f"choices-{i}-feedback_es": c_es.get("feedback", ""),
        }
    return data | fields


def test_marks_show_as_percentages_and_choice_text_in_a_box(admin_client):
    question = multiple_question(QuizFactory())
    html = admin_client.get(change_url(question)).content.decode()
    assert 'value="50 %"' in html and 'value="-50 %"' in html
    assert "0.5000000" not in html and "0E-7" not in html
    assert re.search(r'<textarea name="choices-0-text" cols="40" rows="3"[^>]*>\s*Right 1</textarea>', html)


@pytest.mark.parametrize(("typed", "stored"), [("-25%", "-0.25"), ("-33.33333 %", "-0.3333333"), ("0", "0")])
def test_a_percentage_is_stored_as_its_fraction(admin_client, typed, stored):
    question = multiple_question(QuizFactory())
    wrong = question.choices.get(text="Wrong 1")
    data = existing_post(question, **{"choices-2-fraction": typed, "choices-0-fraction": "50 %"})
    response = admin_client.post(change_url(question), data)
    assert response.status_code == 302
    assert Choice.objects.get(pk=wrong.pk).fraction == Decimal(stored)


def test_a_percentage_moodle_does_not_offer_is_refused(admin_client):
    question = QuestionFactory(choices=[("A", Decimal(1), ""), ("B", Decimal(0), "")])
    data = existing_post(question, **{"choices-1-fraction": "33"})
    html = admin_client.post(change_url(question), data).content.decode()
    assert "Use one of Moodle&#x27;s percentages" in html
    assert "83.33333" in html


def test_spanish_is_edited_beside_english_and_stored_in_the_translations(admin_client):
    question = QuestionFactory(choices=[("Right", Decimal(1), "Good"), ("Wrong", Decimal(0), "No")])
    data = existing_post(
        question,
        stem_es="¿Qué hueso?",
        explanation_es="Porque sí.",
        **{"choices-0-text_es": "Correcta", "choices-0-feedback_es": "Bien", "choices-1-text_es": "Incorrecta"},
    )
    assert admin_client.post(change_url(question), data).status_code == 302
    question.refresh_from_db()
    assert question.translations["es"] == {"stem": "¿Qué hueso?", "explanation": "Porque sí."}
    right, wrong = question.choices.all()
    assert right.translations == {"es": {"text": "Correcta", "feedback": "Bien"}}
    assert wrong.translations == {"es": {"text": "Incorrecta"}}
    html = admin_client.get(change_url(question)).content.decode()
    assert "¿Qué hueso?</textarea>" in html
    assert "Correcta</textarea>" in html
    assert "Older than the English" not in html


def test_a_translation_older_than_its_english_is_marked_until_checked(admin_client):
    question = QuestionFactory(
        stem="Which bone?",
        translations={"es": {"stem": "¿Qué hueso?"}},
        translation_sources={"es": {"stem": english_digest("Which bone?")}},
    )
    assert (
        admin_client.post(change_url(question), existing_post(question, stem="Which bone breaks?")).status_code == 302
    )
    html = admin_client.get(change_url(question)).content.decode()
    assert html.count("Older than the English") == 1
    assert 'class="translation-stale"' in html

    question.refresh_from_db()
    admin_client.post(change_url(question), existing_post(question, translations_checked="on"))
    assert "Older than the English" not in admin_client.get(change_url(question)).content.decode()


def test_the_change_page_warns_when_ticking_everything_scores(admin_client):
    question = QuestionFactory(
        kind="multiple",
        choices=[("A", Decimal("0.5"), ""), ("B", Decimal("0.5"), ""), ("C", Decimal(0), ""), ("D", Decimal(0), "")],
    )
    assert "Ticking every choice earns 100 % of the mark" in admin_client.get(change_url(question)).content.decode()
    response = admin_client.post(change_url(question), existing_post(question, scoring="all_or_nothing"), follow=True)
    assert "Ticking every choice" not in response.content.decode()
    question.refresh_from_db()
    assert question.scoring == "all_or_nothing"


def test_editing_an_answered_question_in_the_admin_makes_a_new_version(admin_client):
    from quizzes.learning import services

    quiz = QuizFactory(questions=1)
    question = quiz.questions.get()
    services.attempt_submit(attempt=services.attempt_get_or_start(user=UserFactory(), quiz=quiz), answers={})
    response = admin_client.post(change_url(question), existing_post(question, stem="New wording?"), follow=True)
    assert "this is now version 2" in response.content.decode()
    question.refresh_from_db()
    assert question.version == 2
    assert Response.objects.get().snapshot["stem"] != "New wording?"


# The list -------------------------------------------------------------------------------------


def test_the_list_shows_the_start_of_the_text_quiz_topic_and_version(admin_client):
    QuestionFactory(stem="Which vertebra most often breaks in osteoporosis? " * 3, quiz=QuizFactory(title="Spine"))
    html = admin_client.get(reverse("admin:quizzes_question_changelist")).content.decode()
    assert "Which vertebra most often breaks in osteoporosis?" in html
    assert re.search(r"<td class=\"field-quiz[^\"]*\">Spine</td>", html)
    assert re.search(r'<td class="field-version[^"]*">1</td>', html)


@pytest.mark.parametrize("count", [3, 40])
def test_the_list_costs_the_same_queries_for_few_or_many_questions(admin_client, django_assert_max_num_queries, count):
    QuizFactory(questions=count)
    # session, user, quiz filter, topic filter, two counts, questions with quiz and topic, choices
    with django_assert_max_num_queries(8):
        assert admin_client.get(reverse("admin:quizzes_question_changelist")).status_code == 200


# The consent confirmation ---------------------------------------------------------------------


def test_a_consent_question_is_saved_only_once_the_change_is_confirmed(admin_client):
    question = build_pathway(questions=1).question(0)
    html = admin_client.get(change_url(question)).content.decode()
    assert "I understand this changes what the next patient is taught and asked" in html

    refused = admin_client.post(change_url(question), existing_post(question, stem="Rewritten for patients?"))
    assert refused.status_code == 200
    assert "Confirm the change" in refused.content.decode()
    question.refresh_from_db()
    assert question.stem != "Rewritten for patients?"

    data = existing_post(question, stem="Rewritten for patients?", confirm_consent_change="on")
    assert admin_client.post(change_url(question), data).status_code == 302
    question.refresh_from_db()
    assert question.stem == "Rewritten for patients?"


def test_a_question_outside_any_pathway_asks_no_confirmation(admin_client):
    question = QuestionFactory()
    assert "I understand this changes" not in admin_client.get(change_url(question)).content.decode()
    assert admin_client.post(change_url(question), existing_post(question, stem="Fine?")).status_code == 302


# The preview ----------------------------------------------------------------------------------


def test_the_preview_shows_the_learner_the_patient_in_each_language_and_the_review(admin_client):
    question = build_pathway(questions=1).question(0)
    url = reverse("admin:quizzes_question_preview", args=[question.pk])
    html = admin_client.get(url).content.decode()
    learner = html.split('id="preview-learner"')[1].split('id="preview-patient-en"')[0]
    assert question.stem in learner
    assert "Choose one answer." in learner
    assert question.explanation not in learner  # nothing a learner cannot see before submitting
    spanish = html.split('id="preview-patient-es"')[1].split("As its review shows it")[0]
    assert question.translations["es"]["stem"] in spanish
    assert "Elija una respuesta." in spanish or "Escoja una respuesta." in spanish
    review = html.split('id="preview-review"')[1]
    assert "Correct answer" in review
    assert Attempt.objects.count() == 0
    assert Response.objects.count() == 0


def test_the_preview_review_shows_a_chosen_wrong_answer_with_its_feedback(admin_client):
    question = QuestionFactory()
    wrong = question.choices.get(text="Wrong A")
    url = reverse("admin:quizzes_question_preview", args=[question.pk])
    review = admin_client.get(url, {"chosen": wrong.pk}).content.decode().split('id="preview-review"')[1]
    assert "Not correct" in review
    assert "FEEDBACK-WRONG-A" in review


def test_the_preview_says_when_a_language_is_missing(admin_client):
    question = QuestionFactory()
    html = admin_client.get(reverse("admin:quizzes_question_preview", args=[question.pk])).content.decode()
    assert "has no translation yet" in html


@pytest.mark.parametrize("page", ["preview", "versions"])
def test_the_preview_and_versions_are_for_staff_only(client, page):
    question = QuestionFactory()
    client.force_login(UserFactory())
    response = client.get(reverse(f"admin:quizzes_question_{page}", args=[question.pk]))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
    assert Question.objects.count() == 1
