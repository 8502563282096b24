"""Concurrent writers in tests: threads, each on its own database connection, released together by a barrier.

On PostgreSQL they run on the test database as is. On SQLite the tests' in-memory database is shared-cache, where a
second writer gets "database table is locked" at once (SQLITE_LOCKED is never retried), so `threads_database` (in
tests/conftest.py) copies it into a file of the test's own: there, with WAL, BEGIN IMMEDIATE (the settings'
transaction_mode) and a busy timeout, writers wait for each other as they do on a server, and threads test the code's
rules, not SQLite's shared cache."""

import sqlite3
import threading
from contextlib import contextmanager

from django.db import connection, connections

THREADS = 8
BUSY_TIMEOUT = 30  # seconds a SQLite writer waits for the lock before giving up


def race(work, count: int = THREADS) -> list:
    """Run `work(i)` in `count` threads released together; each result is what `work` returned or the exception it
    raised. `work` is split in two: `prepare(i)` (reads, before the barrier) returns the function to race."""
    barrier = threading.Barrier(count)
    results = [None] * count

    def run(i):
        try:
            go = work(i)
            barrier.wait(timeout=30)
            results[i] = go()
        except Exception as error:  # every outcome is inspected by the test, none is swallowed
            results[i] = error
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a writer is still blocked"
    return results


@contextmanager
def sqlite_file_copy(path):
    """Point the default database at a file copy of the in-memory test database (schema and rows) for the duration,
    for this thread and every thread started meanwhile; the in-memory one comes back untouched afterwards."""
    memory, original = connections["default"], connections.settings["default"]
    memory.ensure_connection()
    target = sqlite3.connect(path)
    memory.connection.backup(target)
    target.close()
    options = {**original.get("OPTIONS", {}), "timeout": BUSY_TIMEOUT}
    connections.settings["default"] = {**original, "NAME": str(path), "OPTIONS": options}
    connections["default"] = connections.create_connection("default")
    try:
        yield
    finally:
        connections["default"].close()
        connections.settings["default"] = original
        connections["default"] = memory
