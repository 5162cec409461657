"""PostgreSQL as Django ships it, with a connection health check that costs no round trip
while the connection is idle and healthy (docs/performance.md, "Levers used";
docs/operations.md, "Faults").

With CONN_HEALTH_CHECKS Django sends `SELECT 1` before the first query of every request
that reuses a connection: one more round trip than the request needs, on every request.
The server does not end a connection in silence, though: a restart, a
`pg_terminate_backend`, `idle_session_timeout` or a failover proxy first send an error
message and then close the socket, and either makes the socket readable. An idle
connection has nothing to read otherwise. So `is_usable` first polls the socket without
waiting (a system call, no traffic): nothing to read means the connection is as the last
request left it; anything to read (or a connection not idle, or a poll that fails) takes
Django's `SELECT 1`, which then decides as before. A peer that vanished without a word
(a cable cut, a host gone) is not seen by either check until TCP gives up: `SELECT 1`
would wait for it just as the request's own query does.
"""

import select

from django.db.backends.postgresql.base import DatabaseWrapper as _PostgresWrapper
from psycopg import pq


def socket_has_data(fileno: int) -> bool:
    """True when the socket has something to read (or is closed, or cannot be polled)."""
    try:
        poller = select.poll()
        poller.register(fileno, select.POLLIN | select.POLLPRI)
        return bool(poller.poll(0))
    except (OSError, ValueError, AttributeError):  # no poll() here, or a bad descriptor
        return True


class DatabaseWrapper(_PostgresWrapper):
    def is_usable(self) -> bool:
        connection = self.connection
        if connection is None or connection.closed or connection.broken:
            return False
        pgconn = connection.pgconn
        if (
            pgconn.status == pq.ConnStatus.OK
            and pgconn.transaction_status == pq.TransactionStatus.IDLE
            and not socket_has_data(pgconn.socket)
        ):
            return True
        return super().is_usable()
