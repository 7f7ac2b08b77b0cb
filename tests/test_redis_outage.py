"""Redis is a cache, not a point of failure: with it gone, pages work, nobody is signed out and
no answer is lost; when it returns it is used again, emptied of anything that went stale.

Each test starts a Redis server of its own on a free loopback port (and stops it by its PID), so
it can stop and restart it without touching the one on 6379.
"""

import os
import shutil
import socket
import subprocess
import threading
import time

import pytest
import redis
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse

from kyphoquiz import redis_cache
from quizzes.models import Attempt, SelfTestItem
from tests.factories import QuizFactory, UserFactory
from tests.learning.test_views import all_right, open_attempt, take_url
from tests.selftest.helpers import first_item, make_bank, new_test, right_value
from tests.selftest.helpers import take_url as selftest_url

REDIS_SERVER = shutil.which("redis-server")
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        REDIS_SERVER is None and os.environ.get("REQUIRE_REDIS") != "1",
        reason="redis-server not installed: Redis outage tests SKIPPED",
    ),
]
JSON = {"headers": {"accept": "application/json", "x-requested-with": "fetch"}}


class RedisServer:
    """A throwaway redis-server: no persistence, DEBUG allowed (to make it hang on purpose)."""

    def __init__(self):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [
                REDIS_SERVER,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--enable-debug-command",
                "yes",
            ],
            stdout=subprocess.DEVNULL,
        )
        for _ in range(100):
            try:
                if self.client().ping():
                    return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self):
        self.process.terminate()
        self.process.wait(10)

    def client(self):
        return redis.Redis(port=self.port, socket_timeout=2)


@pytest.fixture
def server(settings, monkeypatch):
    server = RedisServer()
    server.start()
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "kyphoquiz.redis_cache.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{server.port}/0",
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.5},
        },
    }
    settings.CACHE_IS_SHARED = True
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    monkeypatch.setattr(redis_cache, "RETRY_SECONDS", 0.2)
    yield server
    if server.process.poll() is None:
        server.stop()


@pytest.fixture
def learner(server):
    user = UserFactory()
    client = Client()  # made after the settings change, so its middleware uses them
    client.force_login(user)
    return user, client


def signed_in(client) -> bool:
    return SESSION_KEY in client.session


def test_without_redis_pages_work_nobody_is_signed_out_and_answers_are_kept(server, learner):
    user, client = learner
    quiz = QuizFactory(questions=3)
    open_attempt(client, quiz)
    topics, _ = make_bank(topics=1, per_topic=3)
    test = new_test(user, topics, count=3)
    assert server.client().dbsize() > 0  # the cache is in use

    server.stop()
    started = time.monotonic()
    response, attempt = open_attempt(client, quiz)
    assert "data-question" in response.content.decode()
    assert time.monotonic() - started < 3, "a gone Redis must not hang the page"
    item = first_item(test)
    saved = client.post(selftest_url(test), {"position": 1, "q1": ["", right_value(item)], "action": "save"}, **JSON)
    assert saved.json()["saved"] is True
    submitted = client.post(take_url(quiz), all_right(attempt))
    assert submitted["Location"] == reverse("quizzes:attempt_result", args=[attempt.pk])
    assert client.get(submitted["Location"]).status_code == 200
    assert signed_in(client)

    assert SelfTestItem.objects.get(pk=item.pk).chosen
    assert Attempt.objects.get(pk=attempt.pk).submitted_at is not None

    server.start()  # back, empty (no persistence)
    time.sleep(0.3)
    assert client.get(reverse("quizzes:my_results")).status_code == 200
    assert server.client().dbsize() > 0, "the site uses Redis again once it answers"
    assert signed_in(client)


def test_what_went_stale_while_redis_hung_is_emptied_before_it_is_read(server, learner):
    """A Redis that hangs (not restarted: it keeps its data) misses this worker's deletes;
    the first call that reaches it again empties the cache before reading."""
    _user, client = learner
    quiz = QuizFactory(questions=2)
    open_attempt(client, quiz)
    stale = {key for key in server.client().keys("*") if b"quizpage" in key}
    assert stale, "the open attempt's page is cached"

    hang = threading.Thread(target=lambda: server.client().execute_command("DEBUG", "SLEEP", "1.5"))
    hang.start()
    time.sleep(0.1)
    _, attempt = open_attempt(client, quiz)
    client.post(take_url(quiz), all_right(attempt))  # its page delete cannot reach Redis
    hang.join()
    assert server.client().exists(*stale), "the stale page survived in Redis"

    time.sleep(0.3)
    page = client.get(take_url(quiz)).content.decode()
    assert "You submitted this quiz" in page  # not the stale page with the open attempt
    assert not server.client().exists(*stale)
