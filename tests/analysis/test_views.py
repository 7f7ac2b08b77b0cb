"""The educators' statistics pages: who may see them, flags and links, charts, query budget."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from quizzes import roles
from tests.analysis.helpers import attempt, learner, quiz_with, right, wrong
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def educator_client(client):
    client.force_login(UserFactory(username="educator", role=roles.EDUCATOR))
    return client


@pytest.fixture
def quiz_data():
    quiz, qs = quiz_with(3)
    for n in range(5):
        # q1 always right (too easy), q2 right for the first three, q3 always wrong (too hard).
        attempt(learner(n), quiz, qs, [right(qs[0]), right(qs[1]) if n < 3 else wrong(qs[1]), wrong(qs[2])])
    return quiz, qs


def stats_url(quiz, **params) -> str:
    url = reverse("quizzes:quiz_statistics", args=[quiz.slug])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def test_anonymous_visitors_go_to_the_login_page(client, quiz_data):
    quiz, _qs = quiz_data
    for url in (stats_url(quiz), reverse("quizzes:quiz_stats_list")):
        response = client.get(url)
        assert response.status_code == 302
        assert reverse("login") in response["Location"]


@pytest.mark.parametrize("role", [roles.TRAINEE, roles.CLINICIAN, roles.PATIENT])
def test_other_roles_are_refused(client, quiz_data, role):
    quiz, _qs = quiz_data
    client.force_login(UserFactory(username=f"someone-{role}", role=role))
    assert client.get(stats_url(quiz)).status_code == 403
    assert client.get(reverse("quizzes:quiz_stats_list")).status_code == 403
    chart = reverse("quizzes:quiz_statistics_chart", args=[quiz.slug, "scores"])
    assert client.get(chart).status_code == 403


def test_list_links_each_quizs_statistics(educator_client, quiz_data):
    quiz, _qs = quiz_data

    response = educator_client.get(reverse("quizzes:quiz_stats_list"))

    assert response.status_code == 200
    assert stats_url(quiz) in response.content.decode()


def test_page_shows_statistics_and_flags_linking_to_the_questions_edit_page(educator_client, quiz_data):
    quiz, qs = quiz_data

    response = educator_client.get(stats_url(quiz))

    assert response.status_code == 200
    html = response.content.decode()
    assert "5 attempts counted: each learner&#x27;s first finished attempt, from quiz attempts." in html
    edit = reverse("admin:quizzes_question_change", args=[qs[0].id])
    assert f'data-flag="too_easy" href="{edit}"' in html
    hard_edit = reverse("admin:quizzes_question_change", args=[qs[2].id])
    assert f'data-flag="too_hard" href="{hard_edit}"' in html
    assert 'data-flag="non_functioning_distractor"' in html
    rows = {row.question.id: row for row in response.context["rows"]}
    assert rows[qs[1].id].stats.facility == 60.0
    assert {f.kind for f in rows[qs[0].id].flags} >= {"too_easy"}


def test_options_change_the_attempts_counted(educator_client, quiz_data):
    quiz, qs = quiz_data
    attempt(learner(0), quiz, qs, [wrong(q) for q in qs], minutes=10)

    first = educator_client.get(stats_url(quiz)).context["s"]
    every = educator_client.get(stats_url(quiz, attempts="all", source="all")).context["s"]
    bad = educator_client.get(stats_url(quiz, attempts="nonsense"))

    assert (first.attempts, every.attempts) == (5, 6)
    assert bad.status_code == 200 and bad.context["s"].attempts == 5


@pytest.mark.parametrize("name", ["facility-discrimination", "scores"])
def test_charts_are_svg_without_script_and_the_page_has_their_text(educator_client, quiz_data, name):
    quiz, _qs = quiz_data

    chart = educator_client.get(reverse("quizzes:quiz_statistics_chart", args=[quiz.slug, name]))
    page = educator_client.get(stats_url(quiz)).content.decode()

    assert chart.status_code == 200
    assert chart["Content-Type"].startswith("image/svg+xml")
    svg = chart.content.decode()
    assert svg.lstrip().startswith("<svg") and "<script" not in svg
    assert "default-src 'none'" in chart["Content-Security-Policy"]
    assert reverse("quizzes:quiz_statistics_chart", args=[quiz.slug, name]) in page
    assert 'id="score-table"' in page and 'id="question-stats"' in page  # the text alternatives
    assert "The same figures are in the" in page


def test_unknown_chart_is_404(educator_client, quiz_data):
    quiz, _qs = quiz_data
    assert educator_client.get(reverse("quizzes:quiz_statistics_chart", args=[quiz.slug, "pie"])).status_code == 404


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_query_count_stays_flat_as_attempts_grow(educator_client, quiz_data, django_assert_max_num_queries):
    quiz, qs = quiz_data
    url = stats_url(quiz, source="all")
    assert _queries(educator_client, url) <= 9
    for n in range(5, 45):
        attempt(learner(n), quiz, qs, [right(q) if (n + i) % 3 else wrong(q) for i, q in enumerate(qs)])

    # session, user, permissions, quiz, questions, choices, responses, self-test items, versions answered
    with django_assert_max_num_queries(9):
        response = educator_client.get(url)
    assert response.context["s"].attempts == 45


def test_a_question_answered_in_several_versions_says_so(educator_client, quiz_data):
    from quizzes.models import Question, Response

    quiz, qs = quiz_data
    later = attempt(learner(90), quiz, qs, [right(q) for q in qs])
    Question.objects.filter(pk=qs[0].pk).update(version=2)
    Response.objects.filter(attempt=later, question=qs[0]).update(question_version=2)
    html = educator_client.get(stats_url(quiz, attempts="all")).content.decode()
    assert html.count("answered-versions") == 1
    assert "Answers from versions 1, 2 (now 2), pooled" in html


@pytest.mark.parametrize("name", ["facility-discrimination", "scores"])
def test_phones_get_a_narrow_chart_whose_text_stays_readable(educator_client, quiz_data, name):
    import re

    quiz, _qs = quiz_data
    url = reverse("quizzes:quiz_statistics_chart", args=[quiz.slug, name])
    wide = educator_client.get(url).content.decode()
    phone = educator_client.get(url, {"layout": "phone"}).content.decode()
    width = re.compile(r'<svg[^>]*viewBox="0 0 (\d+) ')
    assert (width.search(wide).group(1), width.search(phone).group(1)) == ("800", "360")
    # Drawn 360 units wide, shown about 360 px wide on a phone: text of 14 units is 14 px.
    sizes = [float(size) for size in re.findall(r"font-size:\s*([\d.]+)px", phone)]
    assert sizes and min(sizes) >= 14
    assert "layout=phone" in educator_client.get(stats_url(quiz)).content.decode()
