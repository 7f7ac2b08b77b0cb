"""Results and responses as CSV (quizzes/analysis/results.py): the commands, the downloads, their rows."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from quizzes import roles
from quizzes.models import Attempt
from tests.analysis.helpers import attempt, learner, quiz_with, right, wrong
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def command(name: str, quiz, capsys) -> list[list[str]]:
    call_command(name, "--quiz", quiz.slug, "--format", "csv")
    return rows(capsys.readouterr().out)


def download(client, quiz, export: str):
    return client.get(reverse("quizzes:quiz_export_csv", args=[quiz.slug, export]))


@pytest.fixture
def data():
    quiz, qs = quiz_with(2)
    ann = UserFactory(username="ann")
    done = attempt(ann, quiz, qs, [right(qs[0]), wrong(qs[1], 1)])
    Attempt.objects.filter(pk=done.pk).update(started_at=done.submitted_at - timedelta(seconds=95), passed=False)
    done.refresh_from_db()
    open_one = attempt(UserFactory(username="bob"), quiz, qs, [None, None], submitted=False)
    return quiz, qs, done, open_one


@pytest.fixture
def educator_client(client):
    client.force_login(UserFactory(username="educator", role=roles.EDUCATOR))
    return client


def test_export_results_gives_one_row_per_attempt(data, capsys):
    quiz, _qs, done, open_one = data
    table = command("export_results", quiz, capsys)
    assert table[0] == ["attempt_id", "learner", "started", "submitted", "duration_seconds", "score", "passed"]
    assert table[1] == [
        str(done.pk),
        "ann",
        done.started_at.isoformat(timespec="seconds"),
        done.submitted_at.isoformat(timespec="seconds"),
        "95",
        "50",
        "no",
    ]
    assert table[2][:2] == [str(open_one.pk), "bob"]
    assert table[2][3:] == ["", "", "", ""]  # open: no submission, duration, score or pass yet
    assert len(table) == 3


def test_export_responses_gives_one_row_per_attempt_and_question(data, capsys):
    quiz, qs, done, open_one = data
    table = command("export_responses", quiz, capsys)
    assert table[0] == [
        "attempt_id",
        "learner",
        "question_id",
        "question_version",
        "chosen_choice_ids",
        "chosen_texts",
        "mark",
    ]
    wrong_choice = qs[1].choices.get(pk=wrong(qs[1], 1))
    # The helper's snapshots keep only the question id, so no chosen texts are known there.
    assert table[1] == [str(done.pk), "ann", str(qs[0].pk), "1", str(right(qs[0])), "", "1"]
    assert table[2] == [str(done.pk), "ann", str(qs[1].pk), "1", str(wrong_choice.pk), "", "0"]
    assert table[3] == [str(open_one.pk), "bob", str(qs[0].pk), "1", "", "", ""]
    assert len(table) == 5


def test_chosen_texts_and_the_version_asked_come_from_the_attempts_copy(data, capsys):
    quiz, qs, done, _open = data
    response = done.responses.get(position=2)
    chosen = [right(qs[1]), wrong(qs[1])]
    response.snapshot = {
        "question_id": qs[1].pk,
        "choices": [{"id": chosen[0], "text": "Right, as asked"}, {"id": chosen[1], "text": "=1+1, as asked"}],
    }
    response.chosen, response.question_version, response.mark = chosen, 3, "0.5000000"
    response.save()
    qs[1].choices.update(text="Edited later")
    row = command("export_responses", quiz, capsys)[2]
    assert row[3:] == ["3", f"{chosen[0]} | {chosen[1]}", "Right, as asked | =1+1, as asked", "0.5"]


@pytest.mark.parametrize("name", ['=HYPERLINK("http://x")', "+1-2", "-2+3", "@SUM(A1)", "\tTAB", "\rCR"])
def test_a_learners_name_that_reads_as_a_formula_is_made_inert(name, capsys):
    quiz, qs = quiz_with(1)
    attempt(UserFactory(username=name), quiz, qs, [right(qs[0])])
    for export in ("export_results", "export_responses"):
        assert command(export, quiz, capsys)[1][1] == "'" + name


def test_an_unknown_quiz_is_refused():
    with pytest.raises(CommandError, match="No quiz with slug 'nope'"):
        call_command("export_results", "--quiz", "nope")


def test_educators_download_the_same_csv_as_the_commands(data, educator_client, capsys):
    quiz, *_ = data
    for export in ("results", "responses"):
        response = download(educator_client, quiz, export)
        assert response.status_code == 200
        assert response.streaming
        assert response["Content-Type"] == "text/csv"
        assert response["Content-Disposition"] == f'attachment; filename="{quiz.slug}-{export}.csv"'
        body = b"".join(response.streaming_content).decode()
        assert rows(body) == command(f"export_{export}", quiz, capsys)


def test_the_statistics_page_links_both_downloads(data, educator_client):
    quiz, *_ = data
    html = educator_client.get(reverse("quizzes:quiz_statistics", args=[quiz.slug])).content.decode()
    for export in ("results", "responses"):
        assert reverse("quizzes:quiz_export_csv", args=[quiz.slug, export]) in html


def test_anonymous_visitors_go_to_the_login_page_and_other_roles_are_refused(data, client):
    quiz, *_ = data
    response = download(client, quiz, "results")
    assert response.status_code == 302 and reverse("login") in response["Location"]
    for role in (roles.TRAINEE, roles.CLINICIAN, roles.PATIENT):
        client.force_login(UserFactory(username=f"someone-{role}", role=role))
        assert download(client, quiz, "results").status_code == 403
        assert download(client, quiz, "responses").status_code == 403


def test_an_unknown_export_is_not_found(data, educator_client):
    quiz, *_ = data
    assert download(educator_client, quiz, "grades").status_code == 404


@pytest.mark.parametrize("attempts", [1, 30])
def test_a_download_takes_the_same_queries_for_one_attempt_or_many(
    attempts, educator_client, django_assert_max_num_queries
):
    quiz, qs = quiz_with(3)
    for n in range(attempts):
        attempt(learner(n), quiz, qs, [right(qs[0]), wrong(qs[1]), None])
    for export in ("results", "responses"):
        # session, user (with permissions), quiz, the rows
        with django_assert_max_num_queries(5):
            response = download(educator_client, quiz, export)
            body = b"".join(response.streaming_content).decode()
        assert len(rows(body)) == 1 + attempts * (1 if export == "results" else 3)
