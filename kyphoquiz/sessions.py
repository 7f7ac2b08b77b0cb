"""Sessions in the shared cache and the database (Django's cached_db), read in one round trip
with the signed-in user's cache entries (SESSION_ENGINE when the cache is shared).

A signed-in request reads its session, then its user (`quizzes.backends.ModelBackend`): with
Django's engine that is two round trips to Redis, one after the other, since the user's id is
in the session. But a session key belongs to one user for all its life (signing in, signing
out and a password change each give a new key), so each worker notes which user every session
key it has read belongs to, and the next time reads that user's entries in the same round trip
as the session. The session still decides: the entries are handed to `get_user` only when the
session names that user, and only for this request (`AuthenticationMiddleware`). The session
hash is still checked against the user, so a password change still signs every other session out.
"""

from django.conf import settings
from django.contrib import auth
from django.contrib.auth import SESSION_KEY
from django.contrib.auth import middleware as auth_middleware
from django.contrib.sessions.backends import cached_db
from django.core.cache import DEFAULT_CACHE_ALIAS
from django.utils.functional import SimpleLazyObject

from quizzes.backends import ModelBackend

# Session key -> the user id it was signed in as, per worker; emptied when full (the worst a
# forgotten key costs is one round trip more).
_OWNERS: dict[str, str] = {}
OWNERS_MAX = 20_000


class SessionStore(cached_db.SessionStore):
    # What `get_user` reads, read along with the session: (its keys, what the cache held).
    user_entries: tuple[list[str], dict] | None = None

    def load(self):
        owner = _OWNERS.get(self.session_key) if self.session_key else None
        if owner is None or settings.SESSION_CACHE_ALIAS != DEFAULT_CACHE_ALIAS:  # the user's entries are there
            data = super().load()
        else:
            wanted = ModelBackend.cache_keys(owner)
            found = self._cache.get_many([self.cache_key, *wanted])
            data = found.pop(self.cache_key, None)
            if data is None:
                data = super().load()  # not in the cache: from the database, as Django does
            elif data.get(SESSION_KEY) == owner:
                self.user_entries = (wanted, found)
        owner = data.get(SESSION_KEY)
        if owner is not None and self.session_key:
            if len(_OWNERS) >= OWNERS_MAX:
                _OWNERS.clear()
            _OWNERS[self.session_key] = owner
        return data


def _get_user(request):
    """Django's lazy user, given the entries the session was read with."""
    if not hasattr(request, "_cached_user"):
        session = request.session
        session.get(SESSION_KEY)  # loads it (and the entries) if this request has not yet
        with ModelBackend.entries_read(getattr(session, "user_entries", None)):
            request._cached_user = auth.get_user(request)
    return request._cached_user


class AuthenticationMiddleware(auth_middleware.AuthenticationMiddleware):
    """Django's, with a user loaded from what the session read (`_get_user`)."""

    def process_request(self, request):
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: _get_user(request))
