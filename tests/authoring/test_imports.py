"""The import rule (quizzes/authoring/imports.py): JSON carries everything, GIFT keeps what it cannot
carry, and imported HTML never reaches a page."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from quizzes.authoring.exchange import question_to_exchange
from quizzes.authoring.selectors import questions_for_export
from quizzes.models import Attempt, Question, Quiz, Response
from tests.factories import QuizFactory, shown_value

pytestmark = pytest.mark.django_db


def export(quiz: str, fmt: str, capsys) -> str:
    call_command("export_questions", "--quiz", quiz, "--format", fmt)
    return capsys.readouterr().out


def import_file(path: Path, fmt: str, quiz: str, *extra: str, capsys) -> str:
    call_command("import_questions", str(path), "--format", fmt, "--quiz", quiz, *extra)
    return capsys.readouterr().out


def whole(question: Question) -> dict:
    """Everything a question has, as the exchange format writes it, plus its content hash."""
    return {**question_to_exchange(question), "content_hash": question.content_hash}


@pytest.fixture
def seeded(capsys):
    call_command("load_content")
    capsys.readouterr()


def test_the_whole_seed_bank_goes_through_json_and_back_with_its_spanish(seeded, tmp_path, capsys):
    total = spanish = 0
    for quiz in Quiz.objects.order_by("slug"):
        path = tmp_path / f"{quiz.slug}.json"
        path.write_text(export(quiz.slug, "json", capsys), encoding="utf-8")
        copy = f"{quiz.slug}-copy"
        import_file(path, "json", copy, "--create", "--allow-flaws", capsys=capsys)
        originals = [whole(q) for q in questions_for_export(quiz=quiz)]
        copies = [whole(q) for q in questions_for_export(quiz=Quiz.objects.get(slug=copy))]
        assert copies == originals
        total += len(originals)
        spanish += sum(1 for q in originals if q["translations"].get("es"))
    assert total >= 45
    assert spanish >= 10  # the patient questions, with their choices' Spanish


def test_importing_a_json_export_into_its_own_quiz_changes_nothing(seeded, tmp_path, capsys):
    path = tmp_path / "check.json"
    path.write_text(export("patient-consent-check", "json", capsys), encoding="utf-8")
    versions = dict(Question.objects.filter(quiz__slug="patient-consent-check").values_list("name", "version"))
    out = import_file(path, "json", "patient-consent-check", capsys=capsys)
    assert "0 created, 0 updated" in out
    assert dict(Question.objects.filter(quiz__slug="patient-consent-check").values_list("name", "version")) == versions


def test_json_changes_english_and_spanish_together(seeded, tmp_path, capsys):
    data = json.loads(export("patient-consent-check", "json", capsys))
    data[0]["text"] = "What is osteoporosis, in short?"
    data[0]["translations"]["es"]["text"] = "¿Qué es la osteoporosis, en pocas palabras?"
    path = tmp_path / "check.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    import_file(path, "json", "patient-consent-check", capsys=capsys)
    question = Question.objects.get(quiz__slug="patient-consent-check", name=data[0]["name"])
    assert question.stem == "What is osteoporosis, in short?"
    assert question.translations["es"]["stem"] == "¿Qué es la osteoporosis, en pocas palabras?"
    assert question.critical == data[0]["critical"] and question.point == data[0]["point"]


def test_a_json_file_without_translations_keeps_the_stored_spanish(seeded, tmp_path, capsys):
    data = json.loads(export("patient-consent-check", "json", capsys))
    before = whole(Question.objects.get(quiz__slug="patient-consent-check", name=data[0]["name"]))
    old_keys = {"name", "text", "type", "single", "answers", "general_feedback", "topic"}  # before translations
    old_style = [{k: v for k, v in q.items() if k in old_keys} for q in data]
    path = tmp_path / "old.json"
    path.write_text(json.dumps(old_style), encoding="utf-8")
    out = import_file(path, "json", "patient-consent-check", capsys=capsys)
    assert "0 created, 0 updated" in out
    assert whole(Question.objects.get(quiz__slug="patient-consent-check", name=data[0]["name"])) == before


def test_gift_reimport_keeps_spanish_point_and_critical_flag(seeded, tmp_path, capsys):
    before = [whole(q) for q in questions_for_export(quiz=Quiz.objects.get(slug="patient-consent-check"))]
    path = tmp_path / "check.gift"
    path.write_text(export("patient-consent-check", "gift", capsys), encoding="utf-8")
    out = import_file(path, "gift", "patient-consent-check", "--allow-flaws", capsys=capsys)
    assert "0 created, 0 updated" in out
    after = [whole(q) for q in questions_for_export(quiz=Quiz.objects.get(slug="patient-consent-check"))]
    assert after == before


def test_gift_cannot_change_the_english_of_a_question_with_spanish(seeded, tmp_path, capsys):
    quiz = Quiz.objects.get(slug="patient-consent-check")
    first = questions_for_export(quiz=quiz).first()
    before = whole(first)
    text = export("patient-consent-check", "gift", capsys)
    path = tmp_path / "check.gift"
    path.write_text(text.replace(first.stem, first.stem + " Think again.", 1), encoding="utf-8")
    with pytest.raises(CommandError, match=rf"{first.name}: the file changes the English .* Spanish translation"):
        import_file(path, "gift", "patient-consent-check", "--allow-flaws", capsys=capsys)
    assert whole(Question.objects.get(pk=first.pk)) == before


def test_gift_updates_the_english_of_a_question_without_spanish_and_keeps_its_source(seeded, tmp_path, capsys):
    quiz = Quiz.objects.get(slug="trainee-osteoporosis")
    first = questions_for_export(quiz=quiz).first()
    assert not first.translations and first.source
    text = export(quiz.slug, "gift", capsys)
    path = tmp_path / "bank.gift"
    path.write_text(text.replace(first.stem, first.stem + " Choose one.", 1), encoding="utf-8")
    out = import_file(path, "gift", quiz.slug, "--allow-flaws", capsys=capsys)
    assert "1 updated" in out
    after = Question.objects.get(pk=first.pk)
    assert after.stem == first.stem + " Choose one."
    assert (after.source, after.difficulty, after.topic_id, after.version) == (
        first.source,
        first.difficulty,
        first.topic_id,
        first.version,  # nobody answered it yet: the current version is updated in place (versions.py)
    )


# Imported HTML never reaches a page ---------------------------------------------------------------

# GIFT's reserved characters (= : # ~ { }) inside the HTML are escaped, as an HTML editor's export does.
HOSTILE_GIFT = r"""
::hostile::[html]<p onclick\="steal()">Which <b>bone</b> test?</p><script>alert('stem')</script>{
	=<a href\="javascript\:alert(1)">DXA</a>#<img src\=x onerror\="alert('feedback')">Right.
	~X-ray<script>alert('choice')</script>#&lt;script&gt;alert('escaped')&lt;/script&gt;No.
	####<a href\="javascript\:alert(2)" onclick\="x()">Read more</a> <script>alert('explanation')</script>
}
"""


def test_html_in_an_import_is_cleaned_before_it_is_stored(tmp_path, capsys):
    QuizFactory(slug="hostile-quiz")
    path = tmp_path / "hostile.gift"
    path.write_text(HOSTILE_GIFT, encoding="utf-8")
    import_file(path, "gift", "hostile-quiz", capsys=capsys)
    question = Question.objects.get(name="hostile")
    assert question.stem == "Which bone test?"
    assert [(c.text, c.feedback) for c in question.choices.order_by("position")] == [
        ("DXA", "Right."),
        ("X-ray", "No."),
    ]
    assert question.explanation == '<a rel="noopener noreferrer">Read more</a>'


def test_script_onclick_or_javascript_url_from_an_import_never_reaches_a_learners_page(tmp_path, auth_client, capsys):
    QuizFactory(slug="hostile-quiz", shuffle_choices=False)
    path = tmp_path / "hostile.gift"
    path.write_text(HOSTILE_GIFT, encoding="utf-8")
    import_file(path, "gift", "hostile-quiz", capsys=capsys)
    # The page asking the question, then the result page with feedback and explanation.
    pages = [auth_client.get(reverse("quizzes:quiz_take", args=["hostile-quiz"]))]
    attempt = Attempt.objects.get(quiz__slug="hostile-quiz")
    response = Response.objects.get(attempt=attempt)
    choices = response.snapshot["choices"]
    wrong = next(c["id"] for c in choices if c["text"] == "X-ray")  # its feedback was the escaped script
    answer = {"attempt": attempt.pk, "q1": shown_value(choices, wrong)}
    pages.append(auth_client.post(reverse("quizzes:quiz_take", args=["hostile-quiz"]), answer, follow=True))
    for page in pages:
        html = page.content.decode()
        assert page.status_code == 200
        assert "Which bone test?" in html
        for bad in ("alert(", "onclick", "onerror", "javascript:", "steal()"):
            assert bad not in html, bad
    assert "Read more" in html and "No." in html
