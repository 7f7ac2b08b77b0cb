"""The progress dashboard, its charts, the spaced review queue and the demo history."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from quizzes.models import Question, QuestionProgress, SelfTest
from quizzes.rules.taking import percentile_rank
from quizzes.selftest import answers, progress, selectors, services
from tests.factories import UserFactory
from tests.selftest.helpers import make_bank, new_test, right_id, take_url, wrong_id

pytestmark = pytest.mark.django_db

PROGRESS = reverse("quizzes:progress")
REVIEW = reverse("quizzes:review_queue")


def chart_url(name):
    return reverse("quizzes:progress_chart", args=[name])


# Percentile (pure) ------------------------------------------------------------------------------


def test_percentile_counts_others_below_and_half_the_ties():
    others = [Decimal(x) for x in (10, 50, 50, 90)]
    assert percentile_rank(Decimal(50), others) == 50  # 1 below + 2 ties / 2 = 2 of 4
    assert percentile_rank(Decimal(95), others) == 100
    assert percentile_rank(Decimal(5), others) == 0


def test_percentile_needs_others():
    assert percentile_rank(Decimal(80), []) is None


# Dashboard --------------------------------------------------------------------------------------


def finish_timed(user, topics, *, right, count=5):
    test = new_test(user, topics, count=count, mode=SelfTest.Mode.TIMED)
    for item in test.items.all():
        chosen = [right_id(item) if item.position <= right else wrong_id(item)]
        answers.selftest_answer(user=user, test_id=test.pk, position=item.position, chosen=chosen)
    return services.selftest_finish(user=user, test_id=test.pk)


def test_dashboard_counts_the_share_of_the_bank_seen(auth_client, user):
    topics, _ = make_bank(topics=2, per_topic=5)
    finish_timed(user, topics[:1], right=3, count=4)
    page = auth_client.get(PROGRESS).content.decode()
    assert "4 of 10" in page
    board = auth_client.get(PROGRESS).context["board"]
    first = next(t for t in board.topics if t.topic == topics[0])
    assert (first.seen, first.total, first.answered, first.correct, first.percent) == (4, 5, 4, 3, Decimal("75.0"))


def test_dashboard_ranks_the_trainee_among_other_trainees_per_topic(user):
    topics, _questions = make_bank(topics=1, per_topic=4)
    finish_timed(user, topics, right=3, count=4)  # 75%
    for right in (1, 2, 4):  # 25%, 50%, 100%
        finish_timed(UserFactory(), topics, right=right, count=4)
    row = progress.topic_progress(user=user)[0]
    assert row.percent == Decimal("75.0")
    assert row.peers == 3
    assert row.percentile == 67  # better than 2 of 3


def test_dashboard_without_other_trainees_says_so(auth_client, user):
    topics, _ = make_bank(topics=1, per_topic=4)
    finish_timed(user, topics, right=2, count=4)
    assert "no other trainees yet" in auth_client.get(PROGRESS).content.decode()


def test_weakest_topics_come_first_with_a_one_click_test(auth_client, user):
    topics, _ = make_bank(topics=3, per_topic=12)
    finish_timed(user, topics[:1], right=9, count=10)
    finish_timed(user, topics[1:2], right=2, count=10)
    finish_timed(user, topics[2:3], right=6, count=10)
    board = auth_client.get(PROGRESS).context["board"]
    assert [t.topic for t in board.weakest] == [topics[1], topics[2], topics[0]]
    page = auth_client.get(PROGRESS).content.decode()
    assert f'name="topics" value="{topics[1].pk}"' in page
    # The button posts exactly this to the builder: 10 questions on that topic, tutor mode.
    data = {"topics": topics[1].pk, "count": 10, "pool": "all", "mode": "tutor", "seconds_per_question": 90}
    response = auth_client.post(reverse("quizzes:selftest_new"), data)
    test = SelfTest.objects.filter(user=user).first()
    assert response["Location"] == take_url(test, 1)
    assert (test.mode, test.items.count()) == ("tutor", 10)
    assert set(test.items.values_list("topic_id", flat=True)) == {topics[1].pk}


def test_dashboard_shows_review_due_and_open_tests(auth_client, user):
    topics, _ = make_bank(topics=1, per_topic=5)
    finish_timed(user, topics, right=2, count=5)  # 3 wrong: due tomorrow
    QuestionProgress.objects.filter(user=user, box=1).update(due_at=timezone.now() - timedelta(minutes=1))
    open_test = new_test(user, topics, count=3)
    item = open_test.items.get(position=1)
    answers.selftest_answer(user=user, test_id=open_test.pk, position=1, chosen=[right_id(item)], pending=True)
    page = auth_client.get(PROGRESS).content.decode()
    assert "Review due (3)" in page
    assert reverse("quizzes:review_queue") in page
    assert reverse("quizzes:selftest_take", args=[open_test.pk]) in page
    assert "1 of 3 answered" in page  # a tutor choice not checked yet counts as answered


def test_dashboard_finishes_an_expired_test_instead_of_listing_it_as_open(auth_client, user):
    topics, _ = make_bank(topics=1, per_topic=5)
    expired = new_test(user, topics, count=3, mode=SelfTest.Mode.TIMED)
    item = expired.items.get(position=1)
    answers.selftest_answer(user=user, test_id=expired.pk, position=1, chosen=[wrong_id(item)])
    SelfTest.objects.filter(pk=expired.pk).update(deadline=timezone.now() - timedelta(minutes=5))
    page = auth_client.get(PROGRESS).content.decode()
    assert f'href="{reverse("quizzes:selftest_take", args=[expired.pk])}"' not in page  # not open
    assert reverse("quizzes:selftest_review", args=[expired.pk]) in page  # but finished, with its review
    expired.refresh_from_db()
    assert expired.is_finished
    assert "Review due (0)" in page  # the wrong answer is now in the review, due tomorrow
    assert QuestionProgress.objects.get(user=user, question_id=item.question_id).box == 1


def test_dashboard_for_a_new_trainee_works(auth_client):
    make_bank(topics=2, per_topic=3)
    response = auth_client.get(PROGRESS)
    assert response.status_code == 200
    assert "0 of 6" in response.content.decode()
    assert auth_client.get(chart_url("topic-scores")).status_code == 200


def test_dashboard_queries_do_not_grow_with_history(auth_client, user, django_assert_max_num_queries):
    topics, _ = make_bank(topics=6, per_topic=5)  # enough topics, tests and peers for an N+1 to show
    for n in range(6):
        finish_timed(user, topics[n : n + 1], right=n % 5, count=5)
        finish_timed(UserFactory(), topics[n : n + 1], right=2, count=5)
    new_test(user, topics, count=5)
    # session, user, permissions, expired tests to finish (none), bank topics with counts,
    # everyone's progress per topic, weekly scores and their topics, due count, latest tests
    with django_assert_max_num_queries(10):
        response = auth_client.get(PROGRESS)
    assert response.status_code == 200
    for name in ("topic-scores", "bank-coverage"):
        with django_assert_max_num_queries(6):  # session, user, permissions, then two queries
            assert auth_client.get(chart_url(name)).status_code == 200


# Charts -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["topic-scores", "bank-coverage"])
def test_charts_are_svg_without_script_under_a_tight_policy(auth_client, user, name):
    topics, _ = make_bank(topics=2, per_topic=5)
    finish_timed(user, topics, right=3, count=6)
    response = auth_client.get(chart_url(name))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/svg+xml")
    svg = response.content.decode()
    assert svg.startswith("<svg")
    assert "<script" not in svg
    assert "kozea.github.io" not in svg  # pygal's tooltip script from a CDN
    assert topics[0].title in svg
    policy = response["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "style-src 'unsafe-inline'" in policy
    assert "script-src" not in policy


def test_progress_page_shows_charts_as_images(auth_client):
    make_bank(topics=1, per_topic=3)
    page = auth_client.get(PROGRESS).content.decode()
    assert f'id="chart-topic-scores" src="{chart_url("topic-scores")}"' in page
    assert f'media="(max-width: 575.98px)" srcset="{chart_url("topic-scores")}?layout=phone"' in page
    assert "<svg" not in page  # never inline: the page's policy forbids inline style and script
    assert "'unsafe-inline'" not in auth_client.get(PROGRESS)["Content-Security-Policy"]


def marker_shape(mark) -> tuple:
    """A marker's shape, wherever it is: its tag, fill, and which way each corner lies from the first."""
    numbers = [float(x) for x in re.findall(r"-?\d+(?:\.\d+)?", mark.get("d", ""))]
    x0, y0 = numbers[:2] or (0, 0)

    def sign(v):
        return (round(v) > 0) - (round(v) < 0)

    corners = tuple((sign(x - x0), sign(y - y0)) for x, y in zip(numbers[2::2], numbers[3::2], strict=True))
    return mark.tag, mark.get("style"), corners


def test_weekly_lines_differ_in_dash_and_marker_as_well_as_colour():
    import xml.etree.ElementTree as ET
    from datetime import datetime, timedelta

    from quizzes.selftest import charts

    ns = "{http://www.w3.org/2000/svg}"
    weeks = [datetime(2026, 1, 5) + timedelta(days=7 * i) for i in range(3)]
    series = {f"Topic {n}": [50 + n, 60, 70 - n] for n in range(8)}
    svg = charts.topic_scores_svg(title="Scores", weeks=weeks, series=series)
    root = ET.fromstring(svg)  # noqa: S314 (our own chart)
    dashes, markers = set(), set()
    for n in range(8):
        dashes.add(re.search(rf"\.series\.serie-{n}\s*\{{([^}}]*)\}}", svg).group(1))  # pygal's stroke style
        groups = [g for g in root.iter(f"{ns}g") if g.get("class") == f"series serie-{n} color-{n}"]
        dots = [d for g in groups for d in g.iter() if "dot " in d.get("class", "")]
        assert len(dots) == 3
        markers.add(marker_shape(dots[0]))
    assert len(dashes) == 8  # each line its own dash pattern (one of them solid)
    assert len(markers) == 8  # and its own marker: shapes told apart without colour
    legend = [g for g in root.iter(f"{ns}g") if (g.get("id") or "").startswith("activate-serie-")]
    assert len(legend) == 8
    assert len({g.find(f"{ns}path").get("style") for g in legend}) == 8  # the legend shows each line's pattern


@pytest.mark.parametrize("name", ["topic-scores", "bank-coverage"])
def test_phone_layout_is_drawn_narrower_with_text_at_least_14_units(auth_client, user, name):
    make_bank(topics=2, per_topic=3)
    wide = auth_client.get(chart_url(name)).content.decode()
    phone = auth_client.get(chart_url(name) + "?layout=phone").content.decode()
    assert 'viewBox="0 0 800 ' in wide and 'viewBox="0 0 360 ' in phone
    shown = r"(?:\.title|\.legend text|\.axis text|\.axis text\.major|text\.value)"
    sizes = [int(px) for px in re.findall(shown + r"\{[^}]*font-size:(\d+)px", phone)]
    assert len(sizes) == 5
    assert min(sizes) >= 14


def test_unknown_chart_is_404(auth_client):
    assert auth_client.get(chart_url("nope")).status_code == 404


def test_topic_scores_are_grouped_by_week(user):
    topics, _ = make_bank(topics=1, per_topic=5)
    first = finish_timed(user, topics, right=1, count=5)
    SelfTest.objects.filter(pk=first.pk).update(finished_at=first.finished_at - timedelta(weeks=2))
    finish_timed(user, topics, right=4, count=5)
    _, scores = progress.topic_scores_by_week(user=user)
    assert [s.score for s in scores] == [Decimal("20.0"), Decimal("80.0")]


# Spaced review ----------------------------------------------------------------------------------


def make_due(user, questions, *, box=1):
    past = timezone.now() - timedelta(hours=1)
    for question in questions:
        QuestionProgress.objects.update_or_create(
            user=user, question=question, defaults={"box": box, "due_at": past, "times_seen": 1, "last_correct": False}
        )


def test_review_page_counts_due_questions(auth_client, user):
    _, questions = make_bank(topics=1, per_topic=5)
    make_due(user, questions[:3])
    QuestionProgress.objects.create(user=user, question=questions[3], box=2, due_at=timezone.now() + timedelta(days=2))
    page = auth_client.get(REVIEW).content.decode()
    assert "3 questions due" in page
    assert "Start the review" in page


def test_review_session_holds_the_due_questions_in_tutor_mode(auth_client, user):
    _, questions = make_bank(topics=2, per_topic=5)
    make_due(user, questions[:4])
    make_due(UserFactory(), questions[4:6])
    response = auth_client.post(REVIEW)
    test = SelfTest.objects.get(user=user)
    assert response["Location"] == take_url(test)
    assert (test.kind, test.mode, test.deadline) == ("review", "tutor", None)
    assert set(test.items.values_list("question_id", flat=True)) == {q.id for q in questions[:4]}


def test_starting_a_review_again_resumes_the_open_session_instead_of_a_second(auth_client, user):
    _, questions = make_bank(topics=1, per_topic=3)
    make_due(user, questions)
    first = auth_client.post(REVIEW)
    again = auth_client.post(REVIEW)  # a double click, or the page opened again
    test = SelfTest.objects.get(user=user)
    assert first["Location"] == again["Location"] == take_url(test)
    services.selftest_finish(user=user, test_id=test.pk)
    make_due(user, questions)
    auth_client.post(REVIEW)
    assert SelfTest.objects.filter(user=user, kind="review").count() == 2  # a new one once it is finished


def test_review_with_nothing_due_explains(auth_client, user):
    make_bank(topics=1, per_topic=2)
    response = auth_client.post(REVIEW, follow=True)
    assert "No questions are due for review right now." in response.content.decode()
    assert not SelfTest.objects.exists()


def test_right_answer_in_review_moves_the_question_up_and_a_wrong_one_back_to_box_1(user):
    _, questions = make_bank(topics=1, per_topic=2)
    make_due(user, questions, box=2)
    test = services.review_session_start(user=user)
    for item in test.items.all():
        right = item.question_id == questions[0].id
        chosen = [right_id(item) if right else wrong_id(item)]
        answers.selftest_answer(user=user, test_id=test.pk, position=item.position, chosen=chosen)
    promoted = QuestionProgress.objects.get(user=user, question=questions[0])
    demoted = QuestionProgress.objects.get(user=user, question=questions[1])
    assert promoted.box == 3
    assert promoted.due_at > timezone.now() + timedelta(days=6)
    assert demoted.box == 1
    assert selectors.review_due_count(user=user, now=timezone.now()) == 0


def test_right_answer_in_box_5_leaves_the_review(user):
    _, questions = make_bank(topics=1, per_topic=1)
    make_due(user, questions, box=5)
    test = services.review_session_start(user=user)
    item = test.items.get()
    answers.selftest_answer(user=user, test_id=test.pk, position=1, chosen=[right_id(item)])
    progress = QuestionProgress.objects.get(user=user, question=questions[0])
    assert (progress.box, progress.due_at) == (0, None)


def test_full_marks_on_a_three_answer_question_count_as_right(user):
    topics, questions = make_bank(topics=1, per_topic=1)
    question = questions[0]
    question.choices.all().delete()
    question.kind = Question.Kind.MULTIPLE
    question.save()
    for n, fraction in enumerate(["0.3333333", "0.3333333", "0.3333333", "-1"]):
        question.choices.create(position=n, text=f"Choice {n}", fraction=Decimal(fraction))
    test = new_test(user, topics, count=1)
    item = test.items.get()
    right = [c["id"] for c in item.snapshot["choices"] if Decimal(c["fraction"]) > 0]
    answers.selftest_answer(user=user, test_id=test.pk, position=1, chosen=right)
    item.refresh_from_db()
    assert item.mark == 1
    assert QuestionProgress.objects.get(user=user, question=question).last_correct is True


# Demo history -----------------------------------------------------------------------------------


def test_demo_history_gives_the_demo_trainee_weeks_of_history(capsys):
    make_bank(topics=4, per_topic=12)
    trainee = UserFactory(username="demo-trainee")
    call_command("demo_history", "--peers", "3")
    tests = SelfTest.objects.filter(user=trainee, finished_at__isnull=False)
    assert tests.filter(kind="custom").count() == 8
    assert tests.filter(kind="review").count() == 1
    span = max(t.finished_at for t in tests) - min(t.finished_at for t in tests)
    assert span > timedelta(weeks=3)
    assert QuestionProgress.objects.filter(user=trainee, flagged=True).exists()
    assert selectors.review_due_count(user=trainee, now=timezone.now()) > 0
    scores = [t.score for t in tests.filter(kind="custom").order_by("finished_at")]
    assert sum(scores[-3:]) / 3 > sum(scores[:3]) / 3  # improving
    assert progress.topic_progress(user=trainee)[0].peers > 0
    assert "finished self-tests" in capsys.readouterr().out


def test_demo_history_is_idempotent_and_can_be_reset(capsys):
    make_bank(topics=2, per_topic=10)
    trainee = UserFactory(username="demo-trainee")
    call_command("demo_history", "--peers", "1")
    count = SelfTest.objects.filter(user=trainee).count()
    call_command("demo_history", "--peers", "1")
    assert "skipped" in capsys.readouterr().out
    assert SelfTest.objects.filter(user=trainee).count() == count
    call_command("demo_history", "--peers", "1", "--reset")
    assert SelfTest.objects.filter(user=trainee).count() == count


def test_demo_history_needs_the_demo_accounts():
    with pytest.raises(CommandError, match="demo_setup"):
        call_command("demo_history")
