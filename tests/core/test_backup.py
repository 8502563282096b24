"""`manage.py backup` and `manage.py restore`: a round trip keeps every row (the audit trail included), a restore
over a database that holds data needs --yes, and a file that is not a backup is refused without changing anything.

SQLite runs on a file database copied from the test database; PostgreSQL runs on the test database itself, in the
PostgreSQL run of the suite (PILOTE_DATABASE_URL=postgres:///…), where pg_dump and pg_restore must be installed."""

import os
import shutil
import sqlite3
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections

from pilote.core import audit
from pilote.core.models import AuditEvent

from .factories import UserFactory

on_sqlite = pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite run of the suite covers it")
on_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="runs in the PostgreSQL run of the suite")


def record_event() -> AuditEvent:
    user = UserFactory(username="sauvegarde")
    return audit.record(actor=user, action="budget.commitment.create", obj=user, changes={"amount": [None, "12.50"]})


def run(command: str, *args, **options) -> str:
    out = StringIO()
    call_command(command, *args, stdout=out, **options)
    return out.getvalue()


@pytest.fixture
def site_db(transactional_db, tmp_path):
    """A file SQLite database in WAL mode, as the site runs it, holding a copy of the test database (alias "site").
    Django's test case forbids queries through an alias it did not set up: the test reads it with sqlite3."""
    path = tmp_path / "site.sqlite3"
    record_event()
    connection.ensure_connection()
    copy = sqlite3.connect(path)
    connection.connection.backup(copy)
    copy.execute("PRAGMA journal_mode=WAL")
    copy.close()
    connections.settings["site"] = {**connections.settings["default"], "NAME": str(path)}
    yield path
    connections["site"].close()
    del connections["site"]
    del connections.settings["site"]


def site_events(path: Path) -> list[tuple]:
    db = sqlite3.connect(path)
    rows = db.execute(
        f"SELECT e.action, u.username, e.changes FROM {AuditEvent._meta.db_table} e "
        f"JOIN {AuditEvent._meta.get_field('actor').related_model._meta.db_table} u ON u.id = e.actor_id"
    ).fetchall()
    db.close()
    return rows


def delete_events(path: Path) -> None:
    db = sqlite3.connect(path)
    db.execute(f"DELETE FROM {AuditEvent._meta.db_table}")
    db.commit()
    db.close()


@on_sqlite
def test_sqlite_round_trip_brings_back_the_audit_trail(site_db, tmp_path):
    target = tmp_path / "backups" / "copy.sqlite3"
    before = site_events(site_db)
    assert before == [("budget.commitment.create", "sauvegarde", '{"amount": [null, "12.50"]}')]

    out = run("backup", output=target, database="site")
    assert f"backed up to {target} (" in out and " MB) in " in out
    delete_events(site_db)
    assert site_events(site_db) == []

    out = run("restore", str(target), yes=True, database="site")
    assert f"restored from {target} (" in out
    assert site_events(site_db) == before


@on_sqlite
def test_sqlite_backup_taken_during_a_write_is_consistent(site_db, tmp_path):
    writer = sqlite3.connect(site_db)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute(f"DELETE FROM {AuditEvent._meta.db_table}")  # not committed while the backup runs
    try:
        run("backup", output=tmp_path / "copy.sqlite3", database="site")
    finally:
        writer.rollback()
        writer.close()
    copy = sqlite3.connect(tmp_path / "copy.sqlite3")
    assert copy.execute(f"SELECT count(*) FROM {AuditEvent._meta.db_table}").fetchone() == (1,)
    assert copy.execute("PRAGMA journal_mode").fetchone() == ("delete",)  # one self-contained file
    copy.close()


@on_sqlite
def test_sqlite_restore_over_data_needs_yes(site_db, tmp_path):
    target = tmp_path / "copy.sqlite3"
    run("backup", output=target, database="site")
    delete_events(site_db)
    # The site's own manage.py, its stdin no terminal (a script): refused, no question left waiting.
    env = {**os.environ, "PILOTE_DATABASE_URL": f"sqlite:///{site_db}"}
    manage = Path(__file__).resolve().parents[2] / "manage.py"
    result = subprocess.run(
        [sys.executable, manage, "restore", target], env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True
    )
    assert result.returncode == 1
    assert "restore cancelled: the database holds data (confirm, or pass --yes)" in result.stderr
    assert site_events(site_db) == []


@on_sqlite
def test_sqlite_restore_refuses_a_file_that_is_not_a_backup(site_db, tmp_path):
    not_sqlite = tmp_path / "notes.txt"
    not_sqlite.write_text("rien à voir")
    other = tmp_path / "other.sqlite3"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()

    with pytest.raises(CommandError, match="is not a SQLite database.*not changed"):
        run("restore", str(not_sqlite), yes=True, database="site")
    with pytest.raises(CommandError, match="is not a Pilote TI backup.*not changed"):
        run("restore", str(other), yes=True, database="site")
    with pytest.raises(CommandError, match="no such file"):
        run("restore", str(tmp_path / "absent.sqlite3"), yes=True, database="site")
    assert len(site_events(site_db)) == 1


@on_sqlite
def test_in_memory_database_is_refused_clearly(db, tmp_path):
    with pytest.raises(CommandError, match="in-memory database cannot be backed up"):
        run("backup", output=tmp_path / "copy.sqlite3")
    assert not (tmp_path / "copy.sqlite3").exists()


@pytest.fixture
def pg_tools():
    missing = [tool for tool in ("pg_dump", "pg_restore") if shutil.which(tool) is None]
    # The PostgreSQL run must exercise the commands for real: a missing client is a failure, not a skip.
    assert not missing, f"{missing} not installed (Debian package postgresql-client)"


@on_postgres
@pytest.mark.django_db(transaction=True)
def test_postgres_round_trip_brings_back_the_audit_trail(pg_tools, tmp_path):
    event = record_event()
    target = tmp_path / "copy.dump"

    out = run("backup", output=target)
    assert f"backed up to {target} (" in out
    AuditEvent.objects.all().delete()
    with pytest.raises(CommandError, match="restore cancelled"):
        run("restore", str(target))
    assert not AuditEvent.objects.exists()

    out = run("restore", str(target), yes=True)
    assert f"restored from {target} (" in out
    restored = AuditEvent.objects.select_related("actor").get()
    assert (restored.pk, restored.action, restored.actor.username) == (event.pk, event.action, "sauvegarde")
    assert restored.changes == {"amount": [None, "12.50"]}


@on_postgres
@pytest.mark.django_db(transaction=True)
def test_postgres_restore_refuses_a_file_that_is_not_a_dump(pg_tools, tmp_path):
    record_event()
    garbage = tmp_path / "garbage.dump"
    garbage.write_bytes(b"PGDMP but not really")
    with pytest.raises(CommandError, match="pg_restore failed.*not changed"):
        run("restore", str(garbage), yes=True)
    assert AuditEvent.objects.count() == 1
