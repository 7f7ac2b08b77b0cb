import json
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from quizzes.models import Attempt, Lesson, Question
from quizzes.rules.item_writing import RULES
from tests.factories import QuestionFactory, QuizFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_session(admin_client):
    return admin_client


def question_post(question, kind, choices):
    data = {
        "quiz": question.quiz_id,
        "name": question.name,
        "position": 1,
        "kind": kind,
        "stem": "Edited stem?",
        "explanation": "",
        "source": "",
        "difficulty": "easy",
        "scoring": "partial",
        "choices-TOTAL_FORMS": len(choices),
        "choices-INITIAL_FORMS": 0,
        "choices-MIN_NUM_FORMS": 0,
        "choices-MAX_NUM_FORMS": 1000,
    }
    for i, (text, fraction) in enumerate(choices):
        data[f"choices-{i}-text"] = text
        data[f"choices-{i}-fraction"] = fraction
        data[f"choices-{i}-position"] = i
        data[f"choices-{i}-question"] = question.pk
    return data


def change_url(question):
    return reverse("admin:quizzes_question_change", args=[question.pk])


def test_every_model_has_an_admin_list_page(admin_session):
    QuestionFactory()
    for name in ["topic", "lesson", "lessonsection", "quiz", "question", "attempt", "lessonprogress"]:
        assert admin_session.get(reverse(f"admin:quizzes_{name}_changelist")).status_code == 200, name


def test_admin_question_search_and_filters(admin_session):
    QuestionFactory(name="bone-question", stem="Which bone is this?")
    QuestionFactory(name="drug-question", stem="Which drug is this?")
    QuestionFactory(name="bone-multi", stem="Which bones?", kind="multiple")
    url = reverse("admin:quizzes_question_changelist")
    html = admin_session.get(url, {"q": "bone", "kind__exact": "single"}).content.decode()
    assert "bone-question" in html
    assert "drug-question" not in html
    assert "bone-multi" not in html


@pytest.mark.parametrize(
    ("kind", "choices", "message"),
    [
        ("single", [("A", "100"), ("B", "100 %")], "exactly one choice at full mark"),
        ("single", [("A", "50"), ("B", "0")], "exactly one choice at full mark"),
        ("multiple", [("A", "50 %"), ("B", "20 %"), ("C", "-100 %")], "add up to 1"),
        ("truefalse", [("True", "100"), ("False", "0"), ("Maybe", "0")], "exactly two choices"),
    ],
)
def test_admin_refuses_choices_that_break_the_rules(admin_session, kind, choices, message):
    question = QuestionFactory(choices=[])
    response = admin_session.post(change_url(question), question_post(question, kind, choices))
    assert response.status_code == 200
    assert message in response.content.decode()
    question.refresh_from_db()
    assert question.stem != "Edited stem?"


def test_admin_accepts_percentages_and_stores_fractions(admin_session):
    question = QuestionFactory(choices=[])
    response = admin_session.post(
        change_url(question), question_post(question, "multiple", [("A", "50 %"), ("B", "50"), ("C", "-50 %")])
    )
    assert response.status_code == 302
    question = Question.objects.get(pk=question.pk)
    assert question.kind == "multiple"
    assert question.version == 1  # nobody had answered it: edited in place
    assert sorted(question.choices.values_list("fraction", flat=True)) == [
        Decimal("-0.5"),
        Decimal("0.5"),
        Decimal("0.5"),
    ]


def test_attempts_are_read_only_in_the_admin(admin_session):
    from quizzes.learning import services
    from tests.factories import UserFactory

    quiz = QuizFactory(questions=1)
    attempt = services.attempt_get_or_start(user=UserFactory(), quiz=quiz)
    url = reverse("admin:quizzes_attempt_change", args=[attempt.pk])
    assert admin_session.get(url).status_code == 200
    admin_session.post(url, {"score": "100"})
    assert Attempt.objects.get(pk=attempt.pk).score is None


# The item-writing check in the admin -----------------------------------------------------------

FLAWED_CHOICES = [
    ("Osteoblasts", 1, ""),
    ("Osteoclasts", 0, ""),
    ("Chondrocytes", 0, ""),
    ("Myocytes", 0, ""),
    ("All of the above", 0, ""),
]


def test_question_page_shows_its_findings_with_hints(admin_session):
    question = QuestionFactory(stem="Which cells build new bone?", choices=FLAWED_CHOICES)
    html = admin_session.get(change_url(question)).content.decode()
    assert "Item-writing check" in html
    assert "<strong>error</strong> all-of-the-above [en]" in html
    assert RULES["all-of-the-above"].hint in html


def test_question_page_says_when_nothing_is_found(admin_session):
    question = QuestionFactory(stem="Which cells build new bone?", choices=FLAWED_CHOICES[:4])
    assert "No item-writing flaws found." in admin_session.get(change_url(question)).content.decode()


def test_question_page_honours_a_recorded_exception(admin_session):
    question = QuestionFactory(
        stem="Which cells build new bone?",
        choices=FLAWED_CHOICES,
        item_check_allow=[{"rule": "all-of-the-above", "reason": "A test."}],
    )
    assert "No item-writing flaws found." in admin_session.get(change_url(question)).content.decode()


def test_question_list_counts_the_findings(admin_session):
    QuestionFactory(name="flawed-one", stem="Which cells build new bone?", choices=FLAWED_CHOICES)
    QuestionFactory(name="clean-one", stem="Which cells build new bone?", choices=FLAWED_CHOICES[:4])
    html = admin_session.get(reverse("admin:quizzes_question_changelist")).content.decode()
    assert "Item-writing findings" in html
    assert re.search(r"flawed-one.*?<td class=\"field-item_check_count\">1 \(1 error\)</td>", html, re.S)
    assert re.search(r"clean-one.*?<td class=\"field-item_check_count\">0</td>", html, re.S)


def test_question_list_checks_every_row_without_a_query_each(admin_session, django_assert_max_num_queries):
    quiz = QuizFactory(questions=20)  # enough rows for an N+1 to show
    url = reverse("admin:quizzes_question_changelist")
    # session, user, quiz filter, topic filter, two counts, questions with quiz and topic, choices
    with django_assert_max_num_queries(8):
        response = admin_session.get(url, {"quiz__id__exact": quiz.pk})
    assert response.status_code == 200


def test_admin_stores_an_exception_with_its_reason(admin_session):
    question = QuestionFactory(choices=[])
    data = question_post(question, "single", [("A", "100 %"), ("B", "0 %")])
    data["item_check_allow"] = json.dumps([{"rule": "too-few-distractors", "reason": "Two real options."}])
    assert admin_session.post(change_url(question), data).status_code == 302
    question.refresh_from_db()
    assert question.item_check_allow == [{"rule": "too-few-distractors", "reason": "Two real options."}]


@pytest.mark.parametrize(
    ("allow", "message"),
    [
        ([{"rule": "longest-answer", "reason": "Typo."}], "unknown rule"),
        ([{"rule": "longest-correct"}], "needs a &#x27;reason&#x27;"),
    ],
)
def test_admin_refuses_an_exception_with_an_unknown_rule_or_no_reason(admin_session, allow, message):
    question = QuestionFactory(choices=[])
    data = question_post(question, "single", [("A", "100 %"), ("B", "0 %")])
    data["item_check_allow"] = json.dumps(allow)
    response = admin_session.post(change_url(question), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    question.refresh_from_db()
    assert question.item_check_allow == []


@pytest.mark.parametrize("escape", ["\\u0000", "\\ud800"])
def test_admin_refuses_json_text_that_cannot_be_stored_or_shown(admin_session, escape):
    data = {"title": "Bones", "slug": "bones", "audience": "patient", "position": 1, "summary": ""}
    data |= {"translations": f'{{"es": {{"title": "a{escape}b"}}}}', "sections-TOTAL_FORMS": 0}
    data |= {"sections-INITIAL_FORMS": 0, "sections-MIN_NUM_FORMS": 0, "sections-MAX_NUM_FORMS": 1000}

    response = admin_session.post(reverse("admin:quizzes_lesson_add"), data)

    assert response.status_code == 200
    assert "cannot contain NUL characters or unpaired surrogates" in response.content.decode()
    assert not Lesson.objects.filter(slug="bones").exists()


@pytest.mark.parametrize("section", [" ", "\x00", "x"])
def test_admin_question_form_with_a_section_id_that_is_no_number_is_refused_not_an_error(admin_session, section):
    question = QuestionFactory()
    data = question_post(question, "single", [("Right", "1"), ("Wrong", "0")]) | {"section": section}

    response = admin_session.post(change_url(question), data)

    assert response.status_code == 200
    assert 'class="errornote"' in response.content.decode()  # the form, shown again with its errors
    assert Question.objects.get(pk=question.pk).stem == question.stem
