"""What the request floor of an answer save keeps while it is cut (issue 15): CSRF, sign-in, the
sign-in throttle, the pages' CSP, no session write, one statement; and the pieces that cut it
(kyphoquiz/sessions.py, kyphoquiz/middleware.py, kyphoquiz/postgres/)."""

import json
import select
import time

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kyphoquiz import sessions
from kyphoquiz.middleware import JSON_POLICY
from quizzes.backends import ModelBackend
from quizzes.models import SelfTest
from tests.factories import PASSWORD, QuizFactory, UserFactory
from tests.learning.test_views import open_attempt
from tests.selftest.helpers import first_item, make_bank, new_test, take_url, wrong_value

pytestmark = pytest.mark.django_db
JSON = {"headers": {"accept": "application/json"}}
ON_POSTGRES = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's own backend")


@pytest.fixture
def shared_sessions(settings):
    """Sessions as production keeps them with Redis (kyphoquiz.sessions over the default cache,
    here the in-process one), with nothing noted from an earlier test."""
    settings.SESSION_ENGINE = "kyphoquiz.sessions"
    sessions._OWNERS.clear()
    yield
    sessions._OWNERS.clear()


@pytest.fixture
def learner(shared_sessions):
    user = UserFactory()
    client = Client()
    client.force_login(user)
    return user, client


@pytest.fixture
def timed_test(learner):
    user, _client = learner
    topics, _ = make_bank(topics=1, per_topic=3)
    return new_test(user, topics, count=3, mode=SelfTest.Mode.TIMED)


def save(client, test, position=1, **extra):
    return client.post(take_url(test), {**save_data(test, position), **extra}, **JSON)


def save_data(test, position):
    """What the page's script sends to save a wrong answer to question `position` (the third
    choice shown, if the test has no such question)."""
    value = wrong_value(first_item(test, position)) if position <= test.question_count else "3"
    return {"position": position, f"q{position}": value, "action": "save"}


def chosen(test, position=1):
    return first_item(test, position).chosen


# What the floor keeps -----------------------------------------------------------------------------


def test_a_save_without_the_csrf_token_is_refused(learner, timed_test):
    user, _ = learner
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    token = client.get(take_url(timed_test, 1)).cookies["csrftoken"].value
    assert save(client, timed_test).status_code == 403
    assert chosen(timed_test) == []
    assert save(client, timed_test, csrfmiddlewaretoken=token).status_code == 200
    assert chosen(timed_test) != []


def test_a_save_by_a_signed_out_visitor_is_refused(timed_test):
    response = save(Client(), timed_test)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert chosen(timed_test) == []


def test_repeated_wrong_passwords_still_lock_the_sign_in(shared_sessions, settings):
    user = UserFactory()
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": user.username, "password": "wrong"})
    assert client.post(reverse("login"), {"username": user.username, "password": PASSWORD}).status_code == 429
    assert "_auth_user_id" not in client.session


def test_pages_keep_the_sites_policy_and_a_json_save_gets_the_strictest(learner, timed_test):
    _, client = learner
    page = client.get(take_url(timed_test, 1))
    assert "default-src 'self'" in page["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in page["Content-Security-Policy"]
    assert save(client, timed_test)["Content-Security-Policy"] == JSON_POLICY
    missing = save(client, timed_test, position=99)  # no such question: the 404 page, HTML
    assert missing.status_code == 404
    assert "default-src 'self'" in missing["Content-Security-Policy"]


def test_a_save_writes_no_session(learner, timed_test, monkeypatch):
    _user, client = learner
    client.get(take_url(timed_test, 1))  # the page notes where the trainee is: a session write
    row = Session.objects.get(session_key=client.session.session_key)
    writes = []
    monkeypatch.setattr(sessions.SessionStore, "save", lambda self, must_create=False: writes.append(self))
    assert save(client, timed_test).status_code == 200
    assert save(client, timed_test, position=2).status_code == 200
    assert writes == []
    assert Session.objects.get(session_key=row.session_key).session_data == row.session_data


@pytest.mark.parametrize("runs", [1, 2])
def test_a_save_is_one_update_once_its_sheet_is_cached(learner, timed_test, runs):
    _, client = learner
    assert save(client, timed_test).status_code == 200  # caches the sheet, the user, the session
    for position in range(2, 2 + runs):
        data = save_data(timed_test, position)
        with CaptureQueriesContext(connection) as queries:
            assert client.post(take_url(timed_test), data, **JSON).status_code == 200
        assert [q["sql"].split(" ", 1)[0] for q in queries] == ["UPDATE"], [q["sql"] for q in queries]


def test_a_quiz_save_is_one_update_per_question_once_its_sheet_is_cached(learner):
    _, client = learner
    quiz = QuizFactory(questions=3)
    _, attempt = open_attempt(client, quiz)
    url = reverse("quizzes:quiz_save", args=[quiz.slug])
    assert client.post(url, {"attempt": attempt.pk, "q1": ["", "1"]}, **JSON).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert client.post(url, {"attempt": attempt.pk, "q2": ["", "2"]}, **JSON).status_code == 200
    assert [q["sql"].split(" ", 1)[0] for q in queries] == ["UPDATE"], [q["sql"] for q in queries]


# The session and the user in one round trip --------------------------------------------------------


@pytest.fixture
def cache_reads(monkeypatch):
    """The keys of every read of the in-process cache, one list per call."""
    reads, inside = [], []
    get, get_many = LocMemCache.get, LocMemCache.get_many

    def count_get(self, key, *args, **kwargs):
        if not inside:  # not LocMemCache.get_many's own gets
            reads.append([key])
        return get(self, key, *args, **kwargs)

    def count_get_many(self, keys, *args, **kwargs):
        reads.append(list(keys))
        inside.append(1)
        try:
            return get_many(self, keys, *args, **kwargs)
        finally:
            inside.pop()

    monkeypatch.setattr(LocMemCache, "get", count_get)
    monkeypatch.setattr(LocMemCache, "get_many", count_get_many)
    return reads


def test_a_signed_in_save_reads_the_session_and_the_user_in_one_round_trip(learner, timed_test, cache_reads):
    user, client = learner
    save(client, timed_test)
    cache_reads.clear()
    assert save(client, timed_test, position=2).status_code == 200
    shared = [keys for keys in cache_reads if not keys[0].startswith("selftest:")]  # the sheet: worker memory
    assert len(shared) == 1, cache_reads
    assert set(ModelBackend.cache_keys(user.pk)) < set(shared[0])


def test_a_password_change_still_signs_the_other_sessions_out(learner, timed_test):
    user, client = learner
    assert save(client, timed_test).status_code == 200  # the session key's owner is noted
    user.set_password("another-long-password-2")
    user.save()
    assert save(client, timed_test, position=2).status_code == 302
    assert chosen(timed_test, 2) == []


def test_a_wrong_note_of_whose_session_it_is_changes_nothing(learner, timed_test):
    _user, client = learner
    other = UserFactory()
    cache.set(ModelBackend.cache_keys(other.pk)[0], other)  # what the wrong note would read
    save(client, timed_test)
    sessions._OWNERS[client.session.session_key] = str(other.pk)
    response = save(client, timed_test, position=2)
    assert response.status_code == 200 and json.loads(response.content)["saved"] is True
    assert chosen(timed_test, 2) != []


def test_without_the_cache_the_session_comes_from_the_database(learner, timed_test, settings):
    _, client = learner
    save(client, timed_test)
    cache.clear()  # Redis emptied, or away (every read a miss)
    assert save(client, timed_test, position=2).status_code == 200
    assert chosen(timed_test, 2) != []


# PostgreSQL: a kept connection checked without a round trip ----------------------------------------


@ON_POSTGRES
@pytest.mark.django_db(transaction=True)
def test_a_quiet_kept_connection_is_used_without_a_select_1(monkeypatch):
    connection.ensure_connection()
    connection.close_if_unusable_or_obsolete()  # what every request starts with
    asked = []
    monkeypatch.setattr(connection, "is_usable", lambda: asked.append(1) or True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT 2")
    assert asked == []


@ON_POSTGRES
@pytest.mark.django_db(transaction=True)
def test_a_connection_the_server_ended_is_replaced_before_the_next_query():
    import psycopg

    connection.ensure_connection()
    ended = connection.connection.info.backend_pid
    db = connection.settings_dict
    server = {"dbname": db["NAME"], "user": db["USER"], "host": db["HOST"], "port": db["PORT"] or 5432}
    with psycopg.connect(**server, password=db["PASSWORD"] or None, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [ended])
    poller = select.poll()
    poller.register(connection.connection.fileno(), select.POLLIN)
    deadline = time.monotonic() + 5
    while not poller.poll(50) and time.monotonic() < deadline:
        pass
    connection.close_if_unusable_or_obsolete()  # the next request starts
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] != ended
