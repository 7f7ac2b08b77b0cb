"""Every patient-audience text stays at or below US grade 8 (the project rule)."""

import pytest

from quizzes.authoring.files import bundle_read
from quizzes.rules.text import PATIENT_MAX_GRADE, reading_grade

PATIENT = {"patient", "both"}


def patient_texts():
    bundle = bundle_read()
    for lesson in bundle.lessons:
        if lesson["audience"] in PATIENT:
            for section in lesson["sections"]:
                yield f"lesson {lesson['slug']}#{section['slug']}", section["body"]
    for quiz in bundle.quizzes:
        if quiz["audience"] in PATIENT:
            for spec in quiz["specs"]:
                # Short fields alone are too short for a formula; a question is read as a whole.
                parts = [spec.stem, *(c.text for c in spec.choices), *(c.feedback for c in spec.choices)]
                parts.append(spec.explanation)
                text = " ".join(p if p.rstrip().endswith((".", "?", "!")) else f"{p}." for p in parts if p)
                yield f"question {quiz['slug']}/{spec.name}", text


def test_there_is_patient_content_to_check():
    assert sum(1 for _ in patient_texts()) >= 20


def test_every_patient_text_is_at_or_below_grade_8():
    too_hard = {
        name: round(grade, 1) for name, text in patient_texts() if (grade := reading_grade(text)) > PATIENT_MAX_GRADE
    }
    assert not too_hard, f"Above grade {PATIENT_MAX_GRADE}: {too_hard}"


@pytest.mark.parametrize(
    ("text", "hard"),
    [
        ("Your bones are alive. They change all the time. Walk every day.", False),
        (
            "Percutaneous vertebral augmentation necessitates comprehensive multidisciplinary "
            "consideration of contraindications, anticoagulation management and radiological correlation.",
            True,
        ),
    ],
)
def test_the_check_tells_plain_from_hard_text(text, hard):
    assert (reading_grade(text) > PATIENT_MAX_GRADE) is hard
