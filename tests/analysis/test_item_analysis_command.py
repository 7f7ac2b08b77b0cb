"""`manage.py item_analysis`: formats, attempt modes and sources."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command

from tests.analysis.helpers import attempt, learner, quiz_with, right, selftest, wrong

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("item_analysis", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def data():
    quiz, qs = quiz_with(2)
    user = learner(1)
    attempt(user, quiz, qs, [wrong(qs[0]), wrong(qs[1])], minutes=0)
    attempt(user, quiz, qs, [right(qs[0]), right(qs[1])], minutes=5)
    attempt(learner(2), quiz, qs, [right(qs[0]), wrong(qs[1])], minutes=1)
    selftest(learner(3), qs[1:], [right(qs[1])])
    return quiz, qs


def test_json_has_the_documented_shape_and_says_which_attempts_count(data):
    quiz, qs = data

    report = json.loads(run("--quiz", quiz.slug, "--format", "json"))

    assert report["quiz"]["attempts_counted"] == "first"
    assert report["quiz"]["source"] == "quiz"
    assert report["quiz"]["attempts"] == 2
    assert report["quiz"]["mean"] == 25.0  # totals 0 and 1 of 2
    first = report["questions"][0]
    for key in (
        "question_id",
        "name",
        "facility",
        "sd",
        "random_guess",
        "intended_weight",
        "effective_weight",
        "discrimination",
        "discriminative_efficiency",
        "choices",
        "flags",
    ):
        assert key in first
    assert first["question_id"] == qs[0].id
    assert first["facility"] == 50.0
    assert first["random_guess"] == 25.0
    assert first["discrimination"] is None  # q2 was wrong in both: the rest of the test does not vary
    assert {c["text"] for c in first["choices"]} == {"Right", "Wrong A", "Wrong B", "Wrong C"}


@pytest.mark.parametrize(("mode", "attempts", "facility"), [("first", 2, 50.0), ("last", 2, 100.0), ("all", 3, 66.67)])
def test_attempts_option_chooses_the_attempts(data, mode, attempts, facility):
    quiz, _qs = data

    report = json.loads(run("--quiz", quiz.slug, "--format", "json", "--attempts", mode))

    assert report["quiz"]["attempts_counted"] == mode
    assert report["quiz"]["attempts"] == attempts
    assert report["questions"][0]["facility"] == facility


def test_source_selftest_and_all(data):
    quiz, _qs = data

    tests = json.loads(run("--quiz", quiz.slug, "--format", "json", "--source", "selftest"))
    both = json.loads(run("--quiz", quiz.slug, "--format", "json", "--source", "all"))

    assert tests["quiz"]["source"] == "selftest"
    assert tests["quiz"]["attempts"] == 1
    assert [q["attempts"] for q in tests["questions"]] == [0, 1]
    assert both["quiz"]["attempts"] == 3


def test_csv_has_a_quiz_row_then_questions_and_their_choices(data):
    quiz, qs = data

    rows = list(csv.DictReader(io.StringIO(run("--quiz", quiz.slug, "--format", "csv"))))

    assert [r["level"] for r in rows] == ["quiz", "question", *["choice"] * 4, "question", *["choice"] * 4]
    assert rows[0]["attempts_counted"] == "first" and rows[0]["quiz_mean"] == "25.0"
    assert rows[1]["question_id"] == str(qs[0].id) and rows[1]["facility"] == "50.0"
    assert rows[2]["choice"] == "Right" and rows[2]["choice_count"] == "1"


def test_table_names_the_attempts_counted_and_each_question(data):
    quiz, _qs = data

    text = run("--quiz", quiz.slug)

    assert "Attempts counted: each learner's first finished attempt; source: quiz attempts." in text
    assert "q1" in text and "q2" in text
    assert "Too hard" in text  # q2: facility 0


def test_unknown_quiz_is_an_error(db):
    with pytest.raises(CommandError, match="No quiz"):
        run("--quiz", "nope")
