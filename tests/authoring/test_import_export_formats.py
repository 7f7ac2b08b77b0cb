"""import_questions and export_questions with GIFT and Aiken files (README, "Question exchange format")."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from quizzes.models import Question, Quiz
from quizzes.rules import grading
from tests.factories import QuizFactory, TopicFactory

pytestmark = pytest.mark.django_db

GIFT = """\
// Two questions for the import tests.
$CATEGORY: $course$/top/Bone health

::cement-leak::[markdown]Which complication of kyphoplasty is caused by cement leaving the vertebral body?{
\t=Cement leakage#It leaves through a crack or a vein.
\t~Adjacent fracture#That comes later, from load.
\t~Infection
\t####Cement leakage is the complication named after the cement.
}

::risk-factors::Which of these raise the risk of an osteoporotic fracture?{
\t~%50%Long-term steroid use#Steroids thin bone.
\t~%50%Smoking
\t~%-100%Regular walking#Walking protects bone.
}

::prone-position::Kyphoplasty is usually done with the patient lying face down.{T#No, face down is right.#Yes: prone.####The back must be reachable.}
"""

AIKEN = """\
Which imaging shows a fresh vertebral fracture best?
A. Plain radiograph
B) MRI with STIR sequence
C. Ultrasound
ANSWER: B

What does the balloon in kyphoplasty do before cement goes in?
A. Restores some height and makes a cavity
B. Removes the disc
ANSWER: A
"""

UNSUPPORTED = """\
::short::Name the cement used in kyphoplasty.{=PMMA =polymethyl methacrylate}

::numerical::How many vertebrae are in the lumbar spine?{#5}

::kept::Kyphoplasty is done under imaging guidance.{TRUE}
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def run(*args: str, capsys) -> str:
    call_command("import_questions", *args)
    return capsys.readouterr().out


def choices(question: Question) -> list[tuple[str, Decimal, str]]:
    return [(c.text, c.fraction, c.feedback) for c in question.choices.order_by("position")]


@pytest.fixture
def quiz() -> Quiz:
    TopicFactory(slug="bone-health")
    return QuizFactory(slug="imported")


def test_a_gift_file_imports_its_questions_fractions_and_feedback(tmp_path, quiz, capsys) -> None:
    out = run(str(write(tmp_path, "q.gift", GIFT)), "--format", "gift", "--quiz", "imported", capsys=capsys)
    assert "3 created" in out
    stored = {q.name: q for q in quiz.questions.select_related("topic")}
    assert set(stored) == {"cement-leak", "risk-factors", "prone-position"}

    single = stored["cement-leak"]
    assert single.kind == grading.Kind.SINGLE
    assert single.stem.startswith("Which complication of kyphoplasty")
    assert single.explanation == "Cement leakage is the complication named after the cement."
    assert single.topic.slug == "bone-health"
    assert choices(single) == [
        ("Cement leakage", Decimal(1), "It leaves through a crack or a vein."),
        ("Adjacent fracture", Decimal(0), "That comes later, from load."),
        ("Infection", Decimal(0), ""),
    ]

    multiple = stored["risk-factors"]
    assert multiple.kind == grading.Kind.MULTIPLE
    assert [(t, f) for t, f, _ in choices(multiple)] == [
        ("Long-term steroid use", Decimal("0.5")),
        ("Smoking", Decimal("0.5")),
        ("Regular walking", Decimal(-1)),
    ]
    assert choices(multiple)[2][2] == "Walking protects bone."

    truefalse = stored["prone-position"]
    assert truefalse.kind == grading.Kind.TRUEFALSE
    assert truefalse.explanation == "The back must be reachable."
    by_text = {t: (f, fb) for t, f, fb in choices(truefalse)}
    # Moodle: the first feedback is shown for the wrong answer, the second for the right one.
    assert by_text == {"True": (Decimal(1), "Yes: prone."), "False": (Decimal(0), "No, face down is right.")}


def test_an_aiken_file_imports_single_answer_questions(tmp_path, quiz, capsys) -> None:
    out = run(str(write(tmp_path, "q.txt", AIKEN)), "--format", "aiken", "--quiz", "imported", capsys=capsys)
    assert "2 created" in out
    questions = list(quiz.questions.order_by("position"))
    assert [q.kind for q in questions] == [grading.Kind.SINGLE, grading.Kind.SINGLE]
    assert questions[0].stem == "Which imaging shows a fresh vertebral fracture best?"
    assert [(t, f) for t, f, _ in choices(questions[0])] == [
        ("Plain radiograph", Decimal(0)),
        ("MRI with STIR sequence", Decimal(1)),
        ("Ultrasound", Decimal(0)),
    ]
    assert [f for _, f, _ in choices(questions[1])] == [Decimal(1), Decimal(0)]


def test_a_malformed_file_names_every_error_line_and_stores_nothing(tmp_path, quiz) -> None:
    broken = GIFT.replace("\t~Infection\n", "\t=Infection\n").replace("~%50%Smoking", "~%5O%Smoking")
    path = write(tmp_path, "bad.gift", broken)
    with pytest.raises(CommandError) as caught:
        call_command("import_questions", str(path), "--format", "gift", "--quiz", "imported")
    message = str(caught.value)
    assert message.startswith("Nothing imported: bad.gift has")
    assert "line 7:" in message  # the second right answer in a single-answer question
    assert "exactly one right answer" in message
    # "%5O%" is no weight (Moodle reads it as text), so the right answers add up to 50%.
    assert "line 11: In a multiple-answer question the right answers' weights must add up to 100%" in message
    assert quiz.questions.count() == 0


def test_an_aiken_error_names_its_line(tmp_path, quiz) -> None:
    path = write(tmp_path, "bad.txt", AIKEN.replace("ANSWER: A\n", "ANSWER: D\n"))
    with pytest.raises(CommandError, match=r"line 10: ANSWER: D is not among the options"):
        call_command("import_questions", str(path), "--format", "aiken", "--quiz", "imported")
    assert quiz.questions.count() == 0


def test_an_unknown_category_is_an_error_at_its_question(tmp_path, quiz) -> None:
    path = write(tmp_path, "q.gift", GIFT.replace("Bone health", "Nowhere"))
    with pytest.raises(CommandError, match=r"line 4 \('cement-leak'\): unknown topic 'nowhere'"):
        call_command("import_questions", str(path), "--format", "gift", "--quiz", "imported")
    assert quiz.questions.count() == 0


def test_unsupported_types_are_listed_and_skipped(tmp_path, quiz, capsys) -> None:
    path = write(tmp_path, "q.gift", UNSUPPORTED)
    out = run(str(path), "--format", "gift", "--quiz", "imported", capsys=capsys)
    assert "line 1: short answer question skipped" in out
    assert "line 3: numerical question skipped" in out
    assert "Skipped 2 question(s)" in out
    assert list(quiz.questions.values_list("name", flat=True)) == ["kept"]


def test_unsupported_types_are_refused_with_strict(tmp_path, quiz) -> None:
    path = write(tmp_path, "q.gift", UNSUPPORTED)
    with pytest.raises(CommandError) as caught:
        call_command("import_questions", str(path), "--format", "gift", "--quiz", "imported", "--strict")
    assert "line 1:" in str(caught.value)
    assert "line 3:" in str(caught.value)
    assert quiz.questions.count() == 0


def test_dry_run_says_what_would_change_and_writes_nothing(tmp_path, quiz, capsys) -> None:
    path = write(tmp_path, "q.gift", GIFT)
    out = run(str(path), "--format", "gift", "--quiz", "new-quiz", "--create", "--dry-run", capsys=capsys)
    assert "would create quiz new-quiz" in out
    assert "would create question new-quiz/cement-leak" in out
    assert "Dry run, nothing written" in out
    assert not Quiz.objects.filter(slug="new-quiz").exists()

    run(str(path), "--format", "gift", "--quiz", "imported", capsys=capsys)
    before = {q.name: (q.version, q.content_hash) for q in quiz.questions.all()}
    changed = write(tmp_path, "changed.gift", GIFT.replace("\t~Infection\n", "\t~Infection of the wound\n"))
    out = run(str(changed), "--format", "gift", "--quiz", "imported", "--dry-run", capsys=capsys)
    assert "would update question imported/cement-leak" in out
    assert "0 created, 1 updated, 2 unchanged" in out
    assert {q.name: (q.version, q.content_hash) for q in quiz.questions.all()} == before
    assert quiz.questions.get(name="cement-leak").choices.filter(text="Infection").exists()


def test_json_import_is_unchanged(tmp_path, quiz, capsys) -> None:
    run(str(write(tmp_path, "q.gift", GIFT)), "--format", "gift", "--quiz", "imported", capsys=capsys)
    call_command("export_questions", "--quiz", "imported")
    exported = capsys.readouterr().out
    assert exported.startswith("[\n  {\n")
    path = write(tmp_path, "q.json", exported)
    out = run(str(path), "--quiz", "imported", capsys=capsys)
    assert "0 created, 0 updated, 3 unchanged" in out


def test_the_seed_bank_goes_through_gift_and_back_unchanged(tmp_path, capsys) -> None:
    call_command("load_content")
    capsys.readouterr()
    quizzes = list(Quiz.objects.order_by("slug"))
    assert quizzes
    total = 0
    for quiz in quizzes:
        call_command("export_questions", "--quiz", quiz.slug, "--format", "gift")
        path = write(tmp_path, f"{quiz.slug}.gift", capsys.readouterr().out)
        copy = f"{quiz.slug}-copy"
        call_command("import_questions", str(path), "--format", "gift", "--quiz", copy, "--create", "--allow-flaws")
        capsys.readouterr()
        originals = list(quiz.questions.select_related("topic").order_by("position"))
        copies = {q.name: q for q in Question.objects.filter(quiz__slug=copy).select_related("topic")}
        assert [q.name for q in originals] == list(copies)
        for original in originals:
            back = copies[original.name]
            assert (back.kind, back.stem, back.explanation) == (original.kind, original.stem, original.explanation)
            assert back.topic_id == original.topic_id
            before, after = choices(original), choices(back)
            assert [(t, fb) for t, _, fb in after] == [(t, fb) for t, _, fb in before], original.name
            for (_, f1, _), (_, f2, _) in zip(before, after, strict=True):
                assert abs(f1 - f2) <= Decimal("0.0001"), original.name
            total += 1
    assert total >= 45
