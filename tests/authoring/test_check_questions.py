"""`check_questions`: the whole bank passes, and a flawed question is found wherever it is."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.management import CommandError, call_command

from quizzes.authoring.files import CONTENT_DIR
from quizzes.models import Question
from quizzes.rules.item_writing import RULES
from tests.factories import QuestionFactory, QuizFactory

pytestmark = pytest.mark.django_db

# One error (all-of-the-above) and nothing else: still three plausible distractors besides it.
FLAWED = {
    "name": "bone-cells",
    "type": "single",
    "stem": "Which cells build new bone?",
    "choices": [
        {"text": "Osteoblasts", "fraction": 1},
        {"text": "Osteoclasts", "fraction": 0},
        {"text": "Chondrocytes", "fraction": 0},
        {"text": "Myocytes", "fraction": 0},
        {"text": "All of the above", "fraction": 0},
    ],
}
# A warning only (unfocused-stem): "Which of these is true?" can't be answered with the choices covered.
WARNED = {
    "name": "dxa-true",
    "type": "single",
    "stem": "Which of these is true?",
    "choices": [
        {"text": "DXA measures bone density", "fraction": 1},
        {"text": "DXA measures muscle mass", "fraction": 0},
        {"text": "DXA measures blood sugar", "fraction": 0},
        {"text": "DXA measures heart rate", "fraction": 0},
    ],
}
CLEAN = {
    "name": "dxa-measures",
    "type": "single",
    "stem": "What does a DXA scan measure?",
    "choices": [
        {"text": "Bone density", "fraction": 1},
        {"text": "Muscle mass", "fraction": 0},
        {"text": "Blood sugar", "fraction": 0},
        {"text": "Heart rate", "fraction": 0},
    ],
}


def quiz_file(directory: Path, slug: str, *questions: dict) -> Path:
    """A content quiz file at `<directory>/quizzes/<slug>.yaml`, where bundle_read would look."""
    path = directory / "quizzes" / f"{slug}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {"slug": slug, "title": slug.title(), "audience": "trainee", "questions": list(questions)}
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def exchange_file(path: Path, *questions: dict) -> Path:
    """The questions in the JSON exchange shape."""
    path.write_text(
        json.dumps(
            [
                {
                    "name": q["name"],
                    "text": q["stem"],
                    "type": "multichoice",
                    "single": True,
                    "answers": [{"text": c["text"], "fraction": c["fraction"]} for c in q["choices"]],
                }
                for q in questions
            ]
        ),
        encoding="utf-8",
    )
    return path


def run(*args) -> tuple[str, CommandError | None]:
    """The command's output, and the CommandError it ended with (None when it exits 0)."""
    from io import StringIO

    out = StringIO()
    try:
        call_command("check_questions", *[str(a) for a in args], stdout=out)
    except CommandError as exc:
        return out.getvalue(), exc
    return out.getvalue(), None


# The bank --------------------------------------------------------------------------------------


def test_the_whole_bank_has_no_item_writing_errors():
    """What CI runs: every quiz file with its Spanish twin. A flawed question fails this test."""
    paths = sorted((CONTENT_DIR / "quizzes").glob("*.yaml"))
    assert len(paths) >= 4
    out, error = run(*paths)
    assert error is None, out
    assert ": 0 errors," in out


def test_the_content_folder_is_checked_as_load_content_reads_it():
    out, error = run(CONTENT_DIR)
    assert error is None, out
    assert "[es]" in out  # the Spanish patient questions are checked too


# Text and JSON output --------------------------------------------------------------------------


def test_a_flawed_file_exits_1_naming_the_rule_the_question_and_a_hint(tmp_path):
    path = quiz_file(tmp_path, "flawed", CLEAN, FLAWED)
    out, error = run(path)
    assert error is not None and error.returncode == 1
    assert "1 item-writing error" in str(error)
    assert "flawed/bone-cells [en]" in out
    assert "error   all-of-the-above:" in out
    assert f"hint: {RULES['all-of-the-above'].hint}" in out
    assert "dxa-measures" not in out  # a clean question has nothing to report
    assert "Checked 2 questions" in out


def test_warnings_alone_exit_0(tmp_path):
    out, error = run(quiz_file(tmp_path, "warned", WARNED))
    assert error is None
    assert "warning unfocused-stem:" in out
    assert "0 errors, 1 warning." in out


def test_strict_counts_warnings_as_errors(tmp_path):
    out, error = run(quiz_file(tmp_path, "warned", WARNED), "--strict")
    assert error is not None and error.returncode == 1
    assert "--strict" in str(error)
    assert "error   unfocused-stem:" in out


def test_json_output_lists_each_finding_with_its_question_and_hint(tmp_path):
    out, error = run(quiz_file(tmp_path, "flawed", CLEAN, FLAWED, WARNED), "--format", "json")
    assert error is not None and error.returncode == 1
    data = json.loads(out)
    assert (data["questions"], data["errors"], data["warnings"]) == (3, 1, 1)
    by_rule = {f["rule"]: f for f in data["findings"]}
    assert by_rule["all-of-the-above"] == {
        "quiz": "flawed",
        "question": "bone-cells",
        "language": "en",
        "rule": "all-of-the-above",
        "severity": "error",
        "message": 'Choice "All of the above" refers to all the other choices.',
        "hint": RULES["all-of-the-above"].hint,
    }
    assert by_rule["unfocused-stem"]["severity"] == "warning"


def test_json_output_of_a_clean_file_has_no_findings(tmp_path):
    out, error = run(quiz_file(tmp_path, "clean", CLEAN), "--format", "json")
    assert error is None
    assert json.loads(out) == {"questions": 1, "texts": 1, "errors": 0, "warnings": 0, "findings": []}


def test_the_exit_status_is_1_from_the_shell(tmp_path):
    path = quiz_file(tmp_path, "flawed", FLAWED)
    env = {"DJANGO_SETTINGS_MODULE": "kyphoquiz.settings", "DJANGO_DEBUG": "true", "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check_questions", str(path), "--format", "json"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1, result.stderr
    assert json.loads(result.stdout)["errors"] == 1
    assert "1 item-writing error." in result.stderr


# Where the questions come from -----------------------------------------------------------------


def test_a_spanish_twin_is_checked_with_the_english_key(tmp_path):
    path = quiz_file(tmp_path, "twin", CLEAN)
    es = tmp_path / "es" / "quizzes" / "twin.yaml"
    es.parent.mkdir(parents=True)
    es.write_text(
        yaml.safe_dump(
            {
                "slug": "twin",
                "title": "Gemela",
                "questions": [
                    {
                        "name": "dxa-measures",
                        "stem": "¿Qué mide una densitometría?",
                        "choices": [
                            {"text": "La densidad del hueso"},
                            {"text": "La masa muscular"},
                            {"text": "El azúcar en la sangre"},
                            {"text": "Todas las anteriores"},
                        ],
                    }
                ],
            },
            allow_unicode=True,
        ),
        encoding="utf-8",
    )
    out, error = run(path, "--format", "json")
    data = json.loads(out)
    assert data["texts"] == 2
    findings = {(f["language"], f["rule"]) for f in data["findings"]}
    assert ("es", "all-of-the-above") in findings
    assert {language for language, _ in findings} == {"es"}  # the English text is clean
    assert error is not None


def test_quiz_keeps_one_quiz_of_the_files_given(tmp_path):
    flawed = quiz_file(tmp_path, "flawed", FLAWED)
    clean = quiz_file(tmp_path, "clean", CLEAN)
    out, error = run(flawed, clean, "--quiz", "clean")
    assert error is None
    assert "Checked 1 question " in out
    _, error = run(flawed, clean, "--quiz", "missing")
    assert "No quiz with slug 'missing'" in str(error)


def test_an_exchange_file_is_checked_by_its_file_name(tmp_path):
    path = exchange_file(tmp_path / "new-questions.json", CLEAN, FLAWED)
    out, error = run(path)
    assert error is not None and error.returncode == 1
    assert "new-questions.json/bone-cells [en]" in out
    assert "all-of-the-above" in out


def test_an_exchange_file_checked_for_a_quiz_keeps_its_stored_exceptions(tmp_path):
    quiz = QuizFactory(slug="target")
    QuestionFactory(
        quiz=quiz, name="dxa-true", item_check_allow=[{"rule": "unfocused-stem", "reason": "A recall item."}]
    )
    path = exchange_file(tmp_path / "q.json", WARNED)
    out, _ = run(path, "--strict")
    assert "q.json/dxa-true [en]" in out and "unfocused-stem" in out
    out, error = run(path, "--strict", "--quiz", "target")
    assert error is None
    assert "Checked 1 question (1 text in all languages): 0 errors, 0 warnings." in out


def test_without_path_the_database_is_checked_with_each_question_s_exceptions():
    quiz = QuizFactory(slug="stored")
    QuestionFactory(
        quiz=quiz,
        name="flawed",
        stem="Which cells build new bone?",
        choices=[("Osteoblasts", 1, ""), ("Osteoclasts", 0, ""), ("Chondrocytes", 0, ""), ("None of the above", 0, "")],
    )
    excused = QuestionFactory(quiz=quiz, name="excused", stem="Which of these is true?")
    excused.item_check_allow = [{"rule": "unfocused-stem", "reason": "Why."}]
    excused.save()
    out, error = run()
    assert error is not None and error.returncode == 1
    assert "stored/flawed [en]" in out and "none-of-the-above" in out
    assert "stored/excused" not in out


def test_the_database_check_reads_stored_translations():
    question = QuestionFactory(name="translated", stem="What does a DXA scan measure?")
    question.translations = {"es": {"stem": "¿Qué mide una densitometría?"}}
    question.save()
    texts = ["La densidad del hueso", "La masa muscular", "El azúcar", "Todas las anteriores"]
    for choice, text in zip(question.choices.order_by("position"), texts, strict=True):
        choice.translations = {"es": {"text": text}}
        choice.save()
    out, error = run("--format", "json")
    findings = {(f["language"], f["rule"]) for f in json.loads(out)["findings"]}
    assert ("es", "all-of-the-above") in findings
    assert {language for language, _ in findings} == {"es"}
    assert error is not None


def test_quiz_keeps_one_quiz_of_the_database():
    QuestionFactory(
        quiz=QuizFactory(slug="one"), name="flawed", choices=[("Right", 1, ""), ("All of the above", 0, "")]
    )
    QuestionFactory(quiz=QuizFactory(slug="two"))
    out, error = run("--quiz", "two")
    assert error is None
    assert "one/flawed" not in out
    assert "Checked 1 question" in out
    _, error = run("--quiz", "three")
    assert "No quiz with slug 'three' in the database" in str(error)


def test_an_empty_database_says_where_questions_come_from():
    assert not Question.objects.exists()
    out, error = run()
    assert error is None
    assert "run load_content" in out


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("notes.txt", "hello", "give a content folder"),
        ("broken.json", "{not json", "not valid JSON"),
        ("missing.yaml", None, "No file at"),
    ],
)
def test_a_path_that_cannot_be_read_is_refused(tmp_path, name, text, message):
    path = tmp_path / name
    if text is not None:
        path.write_text(text)
    _, error = run(path)
    assert error is not None and message in str(error)


def test_the_content_readme_lists_every_rule_with_its_severity():
    readme = (CONTENT_DIR / "README.md").read_text(encoding="utf-8")
    for rule in RULES.values():
        assert f"| `{rule.id}` | {rule.severity.value} |" in readme, rule.id
