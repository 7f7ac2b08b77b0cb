"""Django's PostgreSQL backend, with a connection health check that costs no round trip.

A kept connection (CONN_MAX_AGE) is checked at the first query of each request
(CONN_HEALTH_CHECKS), so that a restarted database costs no failed request. Django checks it
with a `SELECT 1`: one round trip more on every request that uses the database, which on the
self-test answer save (one UPDATE) is half of its statements.

Here the check first asks the socket, without waiting, whether the server has sent anything
since the last answer. Between requests a healthy server sends nothing; a server that shuts
down, restarts or ends the session (idle timeout, an administrator) says so and closes the
connection, and a crashed one leaves it closed: either way the socket is readable, and then
Django's own `SELECT 1` decides. A check after an error (`close_if_unusable_or_obsolete`) is
Django's, unchanged.
"""

import select

from django.db.backends.postgresql import base


class DatabaseWrapper(base.DatabaseWrapper):
    def close_if_health_check_failed(self):
        if self.connection is None or not self.health_check_enabled or self.health_check_done:
            return
        if self._server_spoke():
            super().close_if_health_check_failed()  # Django's SELECT 1, and a reconnect if it fails
        else:
            self.health_check_done = True

    def _server_spoke(self) -> bool:
        """Whether the server sent anything (or closed the socket) while the connection was idle."""
        if self.connection.closed or self.connection.broken:
            return True
        try:
            poller = select.poll()
            poller.register(self.connection.fileno(), select.POLLIN | select.POLLPRI)
            return bool(poller.poll(0))
        except (OSError, ValueError):
            return True
