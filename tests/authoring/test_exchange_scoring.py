"""The exchange formats carry a question's scoring (`scoring`: "partial" or "all_or_nothing")."""

import json

import pytest
from django.core.management import call_command

from quizzes.models import Question
from tests.factories import QuizFactory, multiple_question

pytestmark = pytest.mark.django_db


def test_all_or_nothing_survives_export_then_import(tmp_path, capsys):
    source = QuizFactory(slug="source-quiz")
    multiple_question(source, name="risk-factors", scoring="all_or_nothing")
    call_command("export_questions", "--quiz", "source-quiz", "--format", "json")
    exported = json.loads(capsys.readouterr().out)
    assert exported[0]["scoring"] == "all_or_nothing"
    path = tmp_path / "q.json"
    path.write_text(json.dumps(exported))
    call_command("import_questions", str(path), "--quiz", "copy-quiz", "--create", "--allow-flaws")
    assert Question.objects.get(quiz__slug="copy-quiz", name="risk-factors").scoring == "all_or_nothing"


def test_a_file_that_does_not_say_keeps_the_stored_scoring(tmp_path, capsys):
    quiz = QuizFactory(slug="kept")
    multiple_question(quiz, name="risk-factors", scoring="all_or_nothing")
    call_command("export_questions", "--quiz", "kept", "--format", "json")
    exported = json.loads(capsys.readouterr().out)
    del exported[0]["scoring"]
    exported[0]["text"] = "Which of these raise the risk of a broken bone?"
    path = tmp_path / "q.json"
    path.write_text(json.dumps(exported))
    call_command("import_questions", str(path), "--quiz", "kept", "--allow-flaws")
    question = Question.objects.get(quiz=quiz, name="risk-factors")
    assert question.stem == "Which of these raise the risk of a broken bone?"
    assert question.scoring == "all_or_nothing"


def test_an_unknown_scoring_is_refused(tmp_path):
    payload = [
        {
            "name": "q",
            "text": "Which?",
            "type": "multichoice",
            "single": False,
            "scoring": "most",
            "answers": [{"text": "A", "fraction": 1}, {"text": "B", "fraction": 0}],
        }
    ]
    path = tmp_path / "q.json"
    path.write_text(json.dumps(payload))
    QuizFactory(slug="refuse")
    with pytest.raises(Exception, match="scoring must be one of partial, all_or_nothing"):
        call_command("import_questions", str(path), "--quiz", "refuse")
