"""The consent check statistics: per point and question, per language, patients anonymous."""

from __future__ import annotations

import pytest
from django.urls import reverse

from quizzes import roles
from quizzes.consent import services
from tests.consent.factories import answer_check, build_pathway, enrol, started_record
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def checked():
    """Points p0 (slot c-q0, sibling c-q2 kept for re-asking) and p1 (slot c-q1)."""
    built = build_pathway(slug="c", questions=3, siblings={2: 0}, critical=(0,), max_rounds=3)
    fixed = started_record(built.pathway, label="PATIENT-LABEL-ONE")
    answer_check(fixed, right=lambda ask: not (ask.slot == "c-q0" and ask.round == 1))
    stuck = started_record(built.pathway, label="PATIENT-LABEL-TWO")
    answer_check(stuck, right=False)

    spanish = services.record_get_or_start(enrolment=enrol(built.pathway, label="PATIENT-ES", language="es").enrolment)
    answer_check(spanish, right=True)
    return built


def page(client, built):
    client.force_login(UserFactory(username="educator", role=roles.EDUCATOR))
    return client.get(reverse("quizzes:consent_check_stats", args=[built.pathway.slug]))


def test_points_count_wrong_first_time_fixed_by_teach_back_and_left_for_discussion(client, checked):
    response = page(client, checked)

    assert response.status_code == 200
    english, spanish = response.context["languages"]
    assert (english.language, english.records, english.completed, english.mastery) == ("en", 2, 2, 1)
    p0, p1 = english.points
    # p0: both wrong first; one fixed by the sibling in round 2; the other left for discussion.
    assert (p0.slot, p0.asked, p0.wrong_first, p0.fixed, p0.discussion) == ("c-q0", 2, 2, 1, 1)
    assert p0.wrong_first_share == 100.0 and p0.fixed_share == 50.0
    # p1: only the second patient got it wrong, and never right.
    assert (p1.slot, p1.asked, p1.wrong_first, p1.fixed, p1.discussion) == ("c-q1", 2, 1, 0, 1)
    questions = {q.name: q for q in english.questions}
    assert (questions["c-q0"].first_asked, questions["c-q0"].first_wrong) == (2, 2)
    assert (questions["c-q2"].again_asked, questions["c-q2"].again_right) == (2, 1)  # the sibling, round 2
    assert (questions["c-q0"].again_asked, questions["c-q0"].again_right) == (1, 0)  # asked once more, round 3
    assert (spanish.language, spanish.records, spanish.mastery) == ("es", 1, 1)
    assert [(p.asked, p.wrong_first, p.discussion) for p in spanish.points] == [(1, 0, 0), (1, 0, 0)]


def test_page_shows_each_language_and_names_no_patient(client, checked):
    html = page(client, checked).content.decode()

    assert 'id="language-en"' in html and 'id="language-es"' in html
    assert "PATIENT-LABEL" not in html and "PATIENT-ES" not in html


def test_consent_check_page_needs_the_statistics_permission(client, checked):
    url = reverse("quizzes:consent_check_stats", args=[checked.pathway.slug])
    assert reverse("login") in client.get(url)["Location"]
    client.force_login(UserFactory(username="clin", role=roles.CLINICIAN))
    assert client.get(url).status_code == 403


def test_pathway_without_records_says_so(client, db):
    built = build_pathway(slug="empty", questions=2)
    response = page(client, built)
    assert response.context["languages"] == []
    assert "No patient has started this pathway yet." in response.content.decode()
