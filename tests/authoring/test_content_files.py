import json
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from quizzes.authoring.files import CONTENT_DIR
from quizzes.learning import services
from quizzes.models import Attempt, Lesson, Question, Quiz, Response
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def content_dir(tmp_path) -> Path:
    """A private copy of the shipped content, safe to edit."""
    target = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, target)
    return target


def load(directory=CONTENT_DIR, capsys=None) -> str:
    call_command("load_content", "--dir", str(directory))
    return capsys.readouterr().out if capsys else ""


def test_shipped_content_meets_the_minimum(capsys):
    load(capsys=capsys)
    assert Lesson.objects.count() >= 5
    assert Quiz.objects.count() >= 3
    assert Question.objects.count() >= 45
    audiences = set(Lesson.objects.values_list("audience", flat=True))
    assert {"patient", "trainee"} <= audiences
    for question in Question.objects.prefetch_related("choices"):
        assert question.section_id, f"{question.name} does not point to a lesson section"
        assert question.explanation.strip(), f"{question.name} has no explanation"


def test_second_load_changes_nothing(capsys):
    load(capsys=capsys)
    versions = dict(Question.objects.values_list("id", "version"))
    out = load(capsys=capsys)
    assert "0 created, 0 updated" in out
    assert dict(Question.objects.values_list("id", "version")) == versions


def test_edited_question_is_updated_without_touching_stored_attempts(content_dir, capsys):
    load(content_dir, capsys)
    quiz = Quiz.objects.get(slug="patient-consent-check")
    user = UserFactory()
    attempt = services.attempt_get_or_start(user=user, quiz=quiz)
    services.attempt_submit(attempt=attempt, answers={})
    stored = {r.pk: r.snapshot for r in Response.objects.filter(attempt=attempt)}

    path = content_dir / "quizzes" / "patient-consent-check.yaml"
    first = Question.objects.filter(quiz=quiz).order_by("position").first()
    text = path.read_text()
    assert first.stem in text
    path.write_text(text.replace(first.stem, "A rewritten question stem?", 1))
    out = load(content_dir, capsys)

    assert f"updated question patient-consent-check/{first.name}" in out
    first.refresh_from_db()
    assert first.stem == "A rewritten question stem?"
    assert first.version == 2
    assert {r.pk: r.snapshot for r in Response.objects.filter(attempt=attempt)} == stored
    assert Attempt.objects.get(pk=attempt.pk).score == 0


def test_invalid_content_is_refused_with_the_file_and_reason(content_dir):
    path = content_dir / "quizzes" / "patient-consent-check.yaml"
    path.write_text(path.read_text().replace("fraction: 1", "fraction: 0.5", 1))
    with pytest.raises(CommandError, match=r"patient-consent-check.yaml question .*full mark"):
        call_command("load_content", "--dir", str(content_dir))
    assert Quiz.objects.count() == 0  # all or nothing


def test_export_prints_the_exchange_shape(capsys):
    load(capsys=capsys)
    call_command("export_questions", "--quiz", "patient-consent-check", "--format", "json")
    data = json.loads(capsys.readouterr().out)
    assert len(data) == Question.objects.filter(quiz__slug="patient-consent-check").count()
    keys = {"name", "text", "type", "single", "answers", "general_feedback", "topic"}
    keys |= {"source", "difficulty", "section", "critical", "point", "practice", "allow", "translations", "scoring"}
    for item in data:
        assert set(item) == keys
        assert item["type"] in {"multichoice", "truefalse"}
        assert all(set(a) == {"text", "fraction", "feedback"} for a in item["answers"])
        spanish = item["translations"]["es"]
        assert set(spanish) == {"text", "general_feedback", "answers"}
        assert len(spanish["answers"]) == len(item["answers"])
    kinds = {(q["type"], q["single"]) for q in data}
    assert ("multichoice", False) in kinds and ("truefalse", True) in kinds


def test_export_then_import_round_trips_and_changes_nothing(tmp_path, capsys):
    load(capsys=capsys)
    call_command("export_questions", "--quiz", "trainee-osteoporosis")
    exported = capsys.readouterr().out
    path = tmp_path / "q.json"
    path.write_text(exported)
    before = list(Question.objects.filter(quiz__slug="trainee-osteoporosis").values("name", "version", "source"))
    call_command("import_questions", str(path), "--format", "json", "--quiz", "trainee-osteoporosis")
    assert "0 created, 0 updated" in capsys.readouterr().out
    after = list(Question.objects.filter(quiz__slug="trainee-osteoporosis").values("name", "version", "source"))
    assert after == before

    call_command("import_questions", str(path), "--quiz", "copy-of-osteoporosis", "--create")
    copy = Quiz.objects.get(slug="copy-of-osteoporosis")
    assert copy.questions.count() == len(before)
    assert not copy.is_published


def test_import_into_unknown_quiz_needs_create(tmp_path):
    path = tmp_path / "q.json"
    path.write_text("[]")
    with pytest.raises(CommandError, match="--create"):
        call_command("import_questions", str(path), "--quiz", "nope")


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ("{not json", "not valid JSON"),
        ('{"a": 1}', "JSON list"),
        ('[{"name": "x", "text": "t", "type": "essay", "answers": []}]', "multichoice"),
        (
            '[{"name": "x", "text": "t", "type": "multichoice", "single": false,'
            ' "answers": [{"text": "a", "fraction": 0.5}, {"text": "b", "fraction": 0.2}]}]',
            "add up to 1",
        ),
        (
            '[{"name": "x", "text": "t", "type": "truefalse",'
            ' "answers": [{"text": "Yes", "fraction": 1}, {"text": "No", "fraction": 0}]}]',
            "True",
        ),
    ],
)
def test_bad_import_is_refused_whole_with_a_clear_message(tmp_path, payload, message):
    quiz = Quiz.objects.create(slug="target", title="Target", audience="trainee")
    path = tmp_path / "q.json"
    path.write_text(payload)
    with pytest.raises(CommandError, match=message):
        call_command("import_questions", str(path), "--quiz", "target")
    assert quiz.questions.count() == 0


def test_import_creates_questions_with_moodle_fractions(tmp_path):
    quiz = Quiz.objects.create(slug="target", title="Target", audience="trainee")
    path = tmp_path / "q.json"
    path.write_text(
        json.dumps(
            [
                {
                    "name": "two-right",
                    "text": "Which two?",
                    "type": "multichoice",
                    "single": False,
                    "answers": [
                        {"text": "A", "fraction": 0.5, "feedback": "yes"},
                        {"text": "B", "fraction": 0.5, "feedback": "yes"},
                        {"text": "C", "fraction": -1, "feedback": "no"},
                    ],
                    "general_feedback": "Because.",
                    "topic": None,
                }
            ]
        )
    )
    call_command("import_questions", str(path), "--format", "json", "--quiz", "target")
    question = quiz.questions.get()
    assert question.kind == "multiple"
    assert sorted(question.choices.values_list("fraction", flat=True)) == [Decimal(-1), Decimal("0.5"), Decimal("0.5")]
    assert question.explanation == "Because."


def test_trainee_bank_has_120_questions_each_explained_with_a_source(capsys):
    load(capsys=capsys)
    bank = Question.objects.filter(quiz__audience="trainee").prefetch_related("choices").select_related("topic")
    assert bank.count() >= 120
    for question in bank:
        assert question.topic_id and question.difficulty, question.name
        assert question.explanation.strip() and question.source.strip(), question.name
        assert all(c.feedback.strip() for c in question.choices.all()), f"{question.name}: a choice has no feedback"
    topics = set(bank.values_list("topic__slug", flat=True))
    assert {"anatomy", "osteoporosis", "fracture-assessment", "indications", "technique"} <= topics
    assert {"complications", "aftercare", "evidence"} <= topics


def test_patient_check_has_critical_points_with_siblings_for_teach_back(capsys):
    load(capsys=capsys)
    check = Question.objects.filter(quiz__slug="patient-consent-check")
    critical_points = set(check.filter(critical=True).values_list("point", flat=True))
    assert len(critical_points) >= 8
    for point in critical_points:
        assert check.filter(point=point).count() >= 2, f"critical point {point} has no sibling question"


def add_allow(path: Path, question: str, entry: str) -> None:
    """Give one question of a content file an `allow:` list, written as YAML flow."""
    text = path.read_text()
    marker = f"  - name: {question}\n"
    assert marker in text
    path.write_text(text.replace(marker, f"{marker}    allow: [{entry}]\n", 1))


def test_an_exception_is_stored_without_a_new_version(content_dir, capsys):
    load(content_dir, capsys)
    question = Question.objects.get(quiz__slug="trainee-osteoporosis", name="osteoporosis-definition")
    assert question.item_check_allow == []
    add_allow(
        content_dir / "quizzes" / "trainee-osteoporosis.yaml",
        "osteoporosis-definition",
        "{rule: unfocused-stem, reason: The stem names the definition it asks for.}",
    )
    out = load(content_dir, capsys)
    assert "updated question trainee-osteoporosis/osteoporosis-definition" in out
    question.refresh_from_db()
    assert question.item_check_allow == [
        {"rule": "unfocused-stem", "reason": "The stem names the definition it asks for."}
    ]
    assert question.version == 1  # learners see nothing new


def test_an_exception_naming_an_unknown_rule_is_refused(content_dir):
    add_allow(
        content_dir / "quizzes" / "trainee-osteoporosis.yaml",
        "osteoporosis-definition",
        "{rule: longest-answer, reason: A typo for longest-correct.}",
    )
    with pytest.raises(CommandError, match=r"osteoporosis-definition': 'allow' names an unknown rule 'longest-answer'"):
        call_command("load_content", "--dir", str(content_dir))
    assert Quiz.objects.count() == 0


def test_import_keeps_the_stored_exceptions(tmp_path, capsys):
    load(capsys=capsys)
    question = Question.objects.get(quiz__slug="trainee-osteoporosis", name="osteoporosis-definition")
    allow = [{"rule": "unfocused-stem", "reason": "Why."}]
    Question.objects.filter(pk=question.pk).update(item_check_allow=allow)
    call_command("export_questions", "--quiz", "trainee-osteoporosis")
    exported = json.loads(capsys.readouterr().out)
    edited = next(q for q in exported if q["name"] == question.name)
    edited["text"] = "Which statement best matches the NIH Consensus definition of osteoporosis, in short?"
    path = tmp_path / "q.json"
    path.write_text(json.dumps(exported))
    call_command("import_questions", str(path), "--quiz", "trainee-osteoporosis")
    question.refresh_from_db()
    assert question.stem == edited["text"]
    assert question.version == 1  # nobody has answered it: edited in place, no new version
    assert question.item_check_allow == allow


# The item-writing check on load and import -----------------------------------------------------

FALLS = "quizzes/trainee-osteoporosis.yaml"


def reintroduce_overlap(content_dir: Path) -> None:
    """Put back the flaw the bank once had: a key "More than 1 in 4" that also covers "About 3 in 4"."""
    path = content_dir / FALLS
    text = path.read_text()
    assert "      - text: About 1 in 4\n" in text
    path.write_text(text.replace("      - text: About 1 in 4\n", "      - text: More than 1 in 4\n", 1))


def test_load_prints_the_warnings_and_still_loads(capsys):
    out = load(capsys=capsys)
    assert "  warning longest-correct: " in out
    assert "0 errors" in out and "Warnings do not stop loading" in out
    assert "Content loaded:" in out


def test_load_refuses_a_question_with_an_item_writing_error(content_dir, capsys):
    reintroduce_overlap(content_dir)
    with pytest.raises(CommandError, match=r"nothing was changed: 1 item-writing error in 1 question\. .*allow:"):
        call_command("load_content", "--dir", str(content_dir))
    out = capsys.readouterr().out
    assert "trainee-osteoporosis/falls-frequency [en]" in out
    assert "error   overlapping-ranges: " in out
    assert Quiz.objects.count() == 0


def test_load_accepts_an_error_with_a_recorded_exception(content_dir, capsys):
    reintroduce_overlap(content_dir)
    add_allow(content_dir / FALLS, "falls-frequency", "{rule: overlapping-ranges, reason: A test of the exception.}")
    load(content_dir, capsys)
    assert Question.objects.get(name="falls-frequency").item_check_allow[0]["rule"] == "overlapping-ranges"


def flawed_exchange(path: Path, *, flawed: bool) -> Path:
    choices = ["Osteoblasts", "Osteoclasts", "Chondrocytes", "Myocytes"]
    answers = [{"text": text, "fraction": 1 if i == 0 else 0} for i, text in enumerate(choices)]
    if flawed:
        answers.append({"text": "All of the above", "fraction": 0})
    question = {"name": "bone-cells", "text": "Which of these is true?", "type": "multichoice", "answers": answers}
    path.write_text(json.dumps([question]))
    return path


def test_import_prints_the_warnings_and_still_imports(tmp_path, capsys):
    path = flawed_exchange(tmp_path / "q.json", flawed=False)
    call_command("import_questions", str(path), "--quiz", "target", "--create")
    out = capsys.readouterr().out
    assert "target/bone-cells [en]" in out and "warning unfocused-stem" in out
    assert "Warnings do not stop an import" in out
    assert Question.objects.filter(quiz__slug="target", name="bone-cells").exists()


def test_import_refuses_a_file_with_an_item_writing_error(tmp_path, capsys):
    path = flawed_exchange(tmp_path / "q.json", flawed=True)
    with pytest.raises(CommandError, match=r"Nothing imported: 1 item-writing error in 1 question\. .*--allow-flaws"):
        call_command("import_questions", str(path), "--quiz", "target", "--create")
    out = capsys.readouterr().out
    assert "error   all-of-the-above: " in out and "hint: " in out
    assert not Quiz.objects.filter(slug="target").exists()  # not even the quiz --create would make


def test_import_with_allow_flaws_imports_and_says_so(tmp_path, capsys):
    quiz = Quiz.objects.create(slug="target", title="Target", audience="trainee")
    path = flawed_exchange(tmp_path / "q.json", flawed=True)
    call_command("import_questions", str(path), "--quiz", "target", "--allow-flaws")
    out = capsys.readouterr().out
    assert "error   all-of-the-above: " in out
    assert "1 error" in out and "Imported anyway (--allow-flaws)" in out
    assert quiz.questions.count() == 1
