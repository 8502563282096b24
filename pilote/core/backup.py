"""Backing up and restoring the whole database, while the site runs (`manage.py backup`, `manage.py restore`).

SQLite: SQLite's online backup API (`sqlite3.Connection.backup`) copies a consistent snapshot even while the site
writes (WAL), and restores page by page under SQLite's own lock. PostgreSQL: `pg_dump -Fc` (a consistent snapshot
too) and `pg_restore --clean --if-exists --single-transaction`, so a failed restore changes nothing.
"""

import os
import shutil
import sqlite3
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path


class BackupError(Exception):
    """A backup or restore that could not be done; the database was left as it was."""


@dataclass(frozen=True)
class Outcome:
    path: Path
    size: int
    seconds: float

    def describe(self, verb: str) -> str:
        return f"{verb} {self.path} ({self.size / 1_000_000:.1f} MB) in {self.seconds:.1f} s"


def is_sqlite(db: dict) -> bool:
    return db["ENGINE"] == "django.db.backends.sqlite3"


def default_name(db: dict, when: time.struct_time) -> str:
    suffix = "sqlite3" if is_sqlite(db) else "dump"
    return f"pilote-{time.strftime('%Y%m%d-%H%M%S', when)}.{suffix}"


def backup(db: dict, target: Path) -> Outcome:
    """Write a consistent copy of the database `db` (a Django DATABASES entry) to `target`."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")  # never leave a half-written file under the final name
    start = time.perf_counter()
    try:
        (_sqlite_backup if is_sqlite(db) else _pg_dump)(db, partial)
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    return Outcome(target, target.stat().st_size, time.perf_counter() - start)


def restore(db: dict, source: Path) -> Outcome:
    """Replace the content of the database `db` with the backup `source`, after checking it is one."""
    if not source.is_file():
        raise BackupError(f"no such file: {source}")
    start = time.perf_counter()
    (_sqlite_restore if is_sqlite(db) else _pg_restore)(db, source)
    return Outcome(source, source.stat().st_size, time.perf_counter() - start)


def has_tables(connection) -> bool:
    """Whether the database already holds an installation (restoring over it needs a confirmation)."""
    with connection.cursor() as cursor:
        return "django_migrations" in connection.introspection.table_names(cursor)


# --- SQLite ------------------------------------------------------------------------------------------------------


def _sqlite_path(db: dict) -> str:
    name = str(db["NAME"])
    if name == ":memory:" or "mode=memory" in name:
        raise BackupError("an in-memory database cannot be backed up or restored")
    return name


def _read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)


def _sqlite_backup(db: dict, target: Path) -> None:
    source = _read_only(Path(_sqlite_path(db)))
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
    except sqlite3.Error as exc:
        raise BackupError(f"SQLite backup failed: {exc}") from exc
    finally:
        copy.close()
        source.close()


def _sqlite_restore(db: dict, source: Path) -> None:
    path = _sqlite_path(db)
    backup_db = _read_only(source)
    try:
        _check_sqlite_backup(backup_db, source)
        live = sqlite3.connect(path, timeout=30)
        try:
            backup_db.backup(live)  # under SQLite's lock: readers see the old or the new database, never a mix
        finally:
            live.close()
    except sqlite3.Error as exc:
        raise BackupError(f"SQLite restore failed: {exc}") from exc
    finally:
        backup_db.close()


def _check_sqlite_backup(backup_db: sqlite3.Connection, source: Path) -> None:
    try:
        tables = {name for (name,) in backup_db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        healthy = backup_db.execute("PRAGMA quick_check").fetchone()[0] == "ok"
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{source} is not a SQLite database ({exc})") from exc
    if "django_migrations" not in tables:
        raise BackupError(f"{source} is not a Pilote TI backup (no django_migrations table)")
    if not healthy:
        raise BackupError(f"{source} is damaged (PRAGMA quick_check failed)")


# --- PostgreSQL --------------------------------------------------------------------------------------------------


def _pg_env(db: dict) -> dict:
    env = dict(os.environ)
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if db.get(key):
            env[var] = str(db[key])
    return env


def _pg_run(db: dict, args: list[str]) -> None:
    if shutil.which(args[0]) is None:
        raise BackupError(f"{args[0]} is not installed (Debian package postgresql-client)")
    result = subprocess.run(args, env=_pg_env(db), capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{args[0]} failed: {result.stderr.strip()}")


def _pg_dump(db: dict, target: Path) -> None:
    _pg_run(db, ["pg_dump", "--format=custom", "--no-owner", f"--file={target}", f"--dbname={db['NAME']}"])


def _pg_restore(db: dict, source: Path) -> None:
    _pg_run(db, ["pg_restore", "--list", str(source)])  # not a pg_dump archive: refused before touching anything
    args = ["pg_restore", "--clean", "--if-exists", "--single-transaction", "--no-owner", "--no-privileges"]
    _pg_run(db, [*args, f"--dbname={db['NAME']}", str(source)])
