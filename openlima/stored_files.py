"""Files written to storage inside a database transaction are kept only if it commits
(docs/information-requests.md, "Files and transactions").

A file is written before the row that names it; if the transaction then rolls back, the
row disappears but the file would stay, unreferenced, in private storage. So:

- `track(delete, name)` — call right after writing a file: outside a transaction it does
  nothing (the write is final); inside one it remembers the file and asks
  `transaction.on_commit` to forget it once committed;
- `atomic` — use instead of `transaction.atomic` around a write that stores files: when its
  block rolls back (an exception leaves it), the files stored inside it are deleted at once;
  when the outermost block ends, any file still remembered belongs to a savepoint or a
  transaction that rolled back (its on_commit callback was dropped) and is deleted too.

Django offers no "on rollback" hook; the two together cover a failing service, a failing
caller (using `atomic`) around a service that succeeded, and a savepoint rolled back inside
a commit. A caller's plain `transaction.atomic` that rolls back is swept at the end of the
request (`request_finished`) or by the next `atomic` block to end.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from contextlib import ContextDecorator

from django.db import DEFAULT_DB_ALIAS, transaction

logger = logging.getLogger(__name__)

_ATTR = "_openlima_uncommitted_files"


def _pending(connection) -> list:
    pending = getattr(connection, _ATTR, None)
    if pending is None:
        pending = []
        setattr(connection, _ATTR, pending)
    return pending


def _delete(entries) -> None:
    for delete, name in entries:
        try:
            delete(name)
        except OSError:  # pragma: no cover - storage unreachable; logged, not raised
            logger.exception("could not delete an uncommitted stored file")


def track(delete: Callable[[str], None], name: str, *, using=DEFAULT_DB_ALIAS) -> None:
    """Remember a file just stored until its transaction commits."""
    connection = transaction.get_connection(using)
    if not connection.in_atomic_block:
        return
    entry = (delete, name)
    pending = _pending(connection)
    pending.append(entry)

    def committed():
        if entry in pending:
            pending.remove(entry)

    transaction.on_commit(committed, using=using)


def sweep(*, using=DEFAULT_DB_ALIAS) -> int:
    """Outside every transaction: delete the files whose transaction did not commit."""
    connection = transaction.get_connection(using)
    if connection.in_atomic_block:
        return 0
    pending = _pending(connection)
    entries, pending[:] = list(pending), []
    _delete(entries)
    return len(entries)


def sweep_after_request(sender=None, **kwargs) -> None:
    """`request_finished`: a view that wrapped a file-storing service in a plain
    `transaction.atomic` that rolled back leaves nothing behind after its request."""
    sweep()


class atomic(ContextDecorator):
    """`transaction.atomic` that deletes the files stored in a block that rolls back."""

    def __init__(self, using=DEFAULT_DB_ALIAS):
        self.using = using
        self._stack: list = []

    def __enter__(self):
        atomic_block = transaction.atomic(using=self.using)
        atomic_block.__enter__()
        start = len(_pending(transaction.get_connection(self.using)))
        self._stack.append((atomic_block, start))
        return self

    def __exit__(self, exc_type, exc, tb):
        atomic_block, start = self._stack.pop()
        connection = transaction.get_connection(self.using)
        try:
            return atomic_block.__exit__(exc_type, exc, tb)
        finally:
            pending = _pending(connection)
            if exc_type is not None:
                rolled_back, pending[start:] = pending[start:], []
                _delete(rolled_back)
            sweep(using=self.using)

    def __call__(self, func):
        @functools.wraps(func)
        def inner(*args, **kwargs):
            with atomic(self.using):
                return func(*args, **kwargs)

        return inner
