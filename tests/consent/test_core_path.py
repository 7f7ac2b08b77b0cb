"""The core path of every pathway, in every language, stays within its budget (issue 9): at most
2,000 words of required reading and at most 12 questions in round 1, which is 20 minutes at 100
words a minute for a patient who answers right first time. quizzes/content/README.md has the numbers.
"""

import pytest
from django.core.management import call_command
from django.urls import reverse

from quizzes import roles
from quizzes.consent import selectors
from quizzes.models import Language, Pathway
from quizzes.rules import pathway as core
from tests.factories import UserFactory


@pytest.fixture
def pathways(db):
    call_command("load_content", verbosity=0)
    return list(Pathway.objects.all())


@pytest.mark.parametrize("language", Language.values)
def test_every_pathway_core_path_fits_in_2000_words_and_12_questions(pathways, language):
    assert pathways
    for pathway in pathways:
        size = selectors.pathway_core_size(pathway=pathway, language=language)
        print(f"{pathway.slug} [{language}]: {size.words} words, {size.questions} questions, {size.minutes} min")
        assert size.words <= core.MAX_CORE_WORDS, f"{pathway.slug} [{language}]: {size.words} words"
        assert size.questions <= core.MAX_CORE_QUESTIONS, f"{pathway.slug} [{language}]: {size.questions} questions"
        assert size.minutes <= 20


@pytest.mark.parametrize("language", Language.values)
def test_the_core_check_asks_every_critical_point_and_no_practice_question(pathways, language):
    for pathway in pathways:
        content = selectors.frozen.pathway_content(
            pathway=selectors.pathway_get_for_freezing(pk=pathway.pk), language=language
        )
        practice = {q["name"] for q in content["questions"] if q["practice"]}
        critical_points = {q["point"] or q["name"] for q in content["questions"] if q["critical"]}
        slots = core.core_items(content["questions"])
        assert not practice & {item.name for item in slots}
        assert critical_points <= {item.point or item.name for item in slots}
        # Each critical point is taught on the core path, not only in an optional part.
        required = {
            (lesson["slug"], step.section["slug"])
            for lesson in content["lessons"]
            for step in core.lesson_steps(lesson)
        }
        for q in content["questions"]:
            if q["critical"]:
                assert (q["section"]["lesson"], q["section"]["slug"]) in required, q["name"]


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "About {minutes} minutes: 3 short lessons and {questions} questions"),
        ("es", "Unos {minutes} minutos: 3 lecciones cortas y {questions} preguntas"),
    ],
)
def test_the_access_sheet_says_how_long_it_takes_and_whom_to_call(client, pathways, settings, language, expected):
    settings.CLINIC_NAME = "Spine Clinic North"
    settings.CLINIC_PHONE = "555 0100"
    clinician = UserFactory(role=roles.CLINICIAN)
    client.force_login(clinician)
    pathway = Pathway.objects.get(slug="kyphoplasty")
    data = {"label": "Tue 3", "pathway": pathway.pk, "language": language, "expires_days": 14}

    html = client.post(reverse("quizzes:patient_new"), data).content.decode()

    size = selectors.pathway_core_size(pathway=pathway, language=language)
    assert expected.format(minutes=size.minutes, questions=size.questions) in html
    assert "Spine Clinic North" in html
    assert "555 0100" in html
