"""Django's Redis cache, made a cache and not a point of failure, and reusing one client per pool.

Redis holds nothing that the database does not (quiz pages, users, permission sets, answer
sheets; sessions are written to the database too: `cached_db`). So when Redis does not answer,
every call behaves as a miss: reads return their default, writes are dropped, pages are built
from the database (slower), and nobody is signed out. After a failure the worker leaves Redis
alone for `RETRY_SECONDS` instead of paying a timeout on every call, then tries again.

While Redis was away, this worker may have failed to drop entries that became wrong (a page
after a submit, a user after a password change). So the first call that reaches Redis again
empties the cache's database before anything is read from it. KyphoQuiz must therefore have a
Redis database number of its own (`CACHE_URL=redis://host:6379/1`, README "Deploy").

Django's own backend also builds a new `redis.Redis` client for every cache call; with redis-py
8 that costs about 0.2 ms each, more than the call itself on a local Redis. The client is
thread-safe and holds no per-call state, so one per pool serves every call.
"""

import logging
import time

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

RETRY_SECONDS = 5.0


class RedisCacheClient(DjangoRedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}
        self._retry_at = 0.0  # monotonic time before which Redis is not tried; 0 while it answers

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client

    # Every call goes through _guarded: the fallback is what a miss or a dropped write returns.

    def _guarded(self, fallback, method, *args, **kwargs):
        if self._retry_at and (time.monotonic() < self._retry_at or not self._recovered()):
            return fallback
        try:
            return method(*args, **kwargs)
        except RedisError as error:
            self._went_away(error)
            return fallback

    def _went_away(self, error) -> None:
        if not self._retry_at:
            log.warning("Redis is not answering (%s): serving without the cache for now.", error)
        self._retry_at = time.monotonic() + RETRY_SECONDS

    def _recovered(self) -> bool:
        """Empty the cache (it may hold entries this worker failed to drop); True if Redis answered."""
        try:
            self.get_client(write=True).flushdb()
        except RedisError as error:
            self._went_away(error)
            return False
        self._retry_at = 0.0
        log.warning("Redis answers again: emptied the cache and using it again.")
        return True

    def add(self, key, value, timeout):
        return self._guarded(False, super().add, key, value, timeout)

    def get(self, key, default):
        return self._guarded(default, super().get, key, default)

    def set(self, key, value, timeout):
        return self._guarded(None, super().set, key, value, timeout)

    def touch(self, key, timeout):
        return self._guarded(False, super().touch, key, timeout)

    def delete(self, key):
        return self._guarded(False, super().delete, key)

    def get_many(self, keys):
        return self._guarded({}, super().get_many, keys)

    def has_key(self, key):
        return self._guarded(False, super().has_key, key)

    def set_many(self, data, timeout):
        return self._guarded([], super().set_many, data, timeout)

    def delete_many(self, keys):
        return self._guarded(None, super().delete_many, keys)

    def clear(self):
        return self._guarded(False, super().clear)


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
