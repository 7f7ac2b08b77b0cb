"""Question versions: a new one only when the current one was answered; what was asked stays."""

import re
from decimal import Decimal

import pytest
from django.apps import apps as django_apps
from django.urls import reverse

from quizzes.authoring.versions import question_version_save, version_diff
from quizzes.learning import services
from quizzes.models import Choice, Question, QuestionVersion, Response, SelfTest, SelfTestItem
from quizzes.snapshots import question_snapshot, snapshot_mark
from tests.consent.factories import build_pathway, started_record
from tests.factories import QuestionFactory, QuizFactory, UserFactory, multiple_question

pytestmark = pytest.mark.django_db


def edit(question, **changes):
    """Change the question as the admin or an import would, then record the save."""
    Question.objects.filter(pk=question.pk).update(**changes)
    question.refresh_from_db()
    return question_version_save(question=question)


def test_a_first_save_records_version_one():
    question = QuestionFactory()
    version = question_version_save(question=question)
    assert (version.number, version.snapshot["stem"]) == (1, question.stem)
    assert [c["fraction"] for c in version.snapshot["choices"]] == ["1.0000000", "0E-7", "0E-7", "0E-7"]


def test_editing_an_unanswered_question_updates_its_version_in_place():
    question = QuestionFactory()
    question_version_save(question=question)
    edit(question, stem="A clearer stem?")
    question.refresh_from_db()
    assert question.version == 1
    assert list(question.versions.values_list("number", "snapshot__stem")) == [(1, "A clearer stem?")]


def test_saving_without_a_change_keeps_everything():
    question = QuestionFactory()
    first = question_version_save(question=question)
    Response.objects.create(
        attempt=services.attempt_get_or_start(user=UserFactory(), quiz=question.quiz),
        position=99,
        question=question,
        question_version=1,
        snapshot=question_snapshot(question),
    )
    assert question_version_save(question=question) == first
    question.refresh_from_db()
    assert question.version == 1


def test_editing_an_answered_question_makes_a_new_version_and_the_attempt_keeps_the_old(client):
    quiz = QuizFactory(questions=1)
    question = quiz.questions.get()
    question_version_save(question=question)
    user = UserFactory()
    attempt = services.attempt_get_or_start(user=user, quiz=quiz)
    services.attempt_submit(attempt=attempt, answers={})
    old_stem = question.stem

    edit(question, stem="A rewritten stem?")
    Choice.objects.filter(question=question, text="Right").update(text="Rewritten right")

    question.refresh_from_db()
    assert question.version == 2
    assert list(question.versions.values_list("number", "snapshot__stem")) == [
        (2, "A rewritten stem?"),
        (1, old_stem),
    ]
    response = Response.objects.get(attempt=attempt)
    assert (response.question_version, response.snapshot["stem"]) == (1, old_stem)
    client.force_login(user)
    html = client.get(reverse("quizzes:attempt_result", args=[attempt.pk])).content.decode()
    assert old_stem in html
    assert "A rewritten stem?" not in html


def test_a_self_test_item_counts_as_an_answer():
    question = QuestionFactory()
    question_version_save(question=question)
    test = SelfTest.objects.create(user=UserFactory())
    SelfTestItem.objects.create(test=test, position=1, question=question, snapshot=question_snapshot(question))
    edit(question, stem="Edited after a trainee saw it?")
    question.refresh_from_db()
    assert question.version == 2


def test_a_consent_record_frozen_with_the_question_counts_as_an_answer():
    built = build_pathway(questions=2)
    question = built.question(0)
    question_version_save(question=question)
    started_record(built.pathway)
    edit(question, stem="Edited after a patient started?")
    question.refresh_from_db()
    assert question.version == 2


def test_a_frozen_all_or_nothing_question_grades_the_same_after_its_scoring_changes():
    question = multiple_question(QuizFactory(), scoring="all_or_nothing")
    snapshot = question_snapshot(question)
    right = [c.id for c in question.choices.all() if c.fraction > 0]
    Question.objects.filter(pk=question.pk).update(scoring="partial")
    assert snapshot["scoring"] == "all_or_nothing"
    assert snapshot_mark(snapshot, right[:1]) == 0
    assert snapshot_mark(snapshot, right) == 1


def test_a_snapshot_frozen_before_scoring_modes_grades_partially():
    question = multiple_question(QuizFactory())
    snapshot = question_snapshot(question)
    del snapshot["scoring"]
    right = [c.id for c in question.choices.all() if c.fraction > 0]
    assert snapshot_mark(snapshot, right[:1]) == Decimal("0.5")


def test_the_difference_between_two_versions_is_escaped_and_covers_choices():
    question = QuestionFactory()
    old = question_version_save(question=question)
    test = SelfTest.objects.create(user=UserFactory())
    SelfTestItem.objects.create(test=test, position=1, question=question, snapshot=question_snapshot(question))
    edit(question, stem="Which <script>alert(1)</script> bone?")
    Choice.objects.filter(question=question, text="Wrong A").update(fraction=Decimal("-0.5"), feedback="New feedback")
    question.refresh_from_db()
    new = question_version_save(question=question)
    diff = version_diff(old=old, new=new)
    labels = [label for label, _ in diff.tables]
    assert labels == ["Text", "Choices"]
    html = "".join(table for _, table in diff.tables)
    assert "&lt;script&gt;" in html
    assert "<script>" not in html
    text = re.sub(r"<[^>]+>", "", html).replace("&nbsp;", " ")
    assert "[-50 %] Wrong A" in text
    assert "Feedback: New feedback" in text


def test_the_backfill_records_every_existing_question_as_its_current_version():
    from importlib import import_module

    backfill = import_module("quizzes.migrations.0012_backfill_question_versions").backfill
    question = QuestionFactory(translations={"es": {"stem": "¿Qué hueso?"}})
    Question.objects.filter(pk=question.pk).update(version=3)
    QuestionVersion.objects.all().delete()
    backfill(django_apps, None)
    version = QuestionVersion.objects.get(question=question)
    assert version.number == 3
    assert version.snapshot["translations"] == {"es": {"stem": "¿Qué hueso?"}}
    assert len(version.snapshot["choices"]) == 4


def test_the_versions_page_lists_versions_marks_the_current_and_compares(admin_client):
    question = QuestionFactory(stem="First wording?")
    question_version_save(question=question)
    test = SelfTest.objects.create(user=UserFactory())
    SelfTestItem.objects.create(test=test, position=1, question=question, snapshot=question_snapshot(question))
    edit(question, stem="Second wording?")
    url = reverse("admin:quizzes_question_versions", args=[question.pk])
    html = admin_client.get(url).content.decode()
    assert "2 <strong>(current)</strong>" in html
    assert "Difference between version 1 and version 2" in html
    assert "First" in html and "Second" in html
    same = admin_client.get(url, {"old": 2, "new": 2}).content.decode()
    assert "These two versions are the same." in same
