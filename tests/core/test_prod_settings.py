"""Production settings: the WSGI/ASGI entry points run them by default, they refuse to start without a secret key,
`check --deploy` has nothing to say, and answers carry HSTS, a Content-Security-Policy and secure cookies.

Each case runs in a fresh Python process, as a server would start: settings are read once, at import.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SECRET = "t" * 20 + "-throwaway-secret-for-the-production-settings-test"
PROBE = """
import json
from django.conf import settings
from django.test import Client
client = Client()
plain = client.get("/api/")
secure = client.get("/api/", secure=True)
health = client.get("/sante/")
print(json.dumps({
    "module": settings.SETTINGS_MODULE, "debug": settings.DEBUG,
    "plain": [plain.status_code, plain.headers.get("Location", "")],
    "secure": dict(secure.headers),
    "health": health.status_code,
}))
"""


def run(code: str, tmp_path, **env) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("PILOTE_", "DJANGO_"))}
    base |= {"PILOTE_VAR_DIR": str(tmp_path), "PILOTE_DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3"}
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=base | env, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize("entry", ["config.wsgi", "config.asgi"])
def test_server_entry_points_use_production_settings_with_debug_off(entry, tmp_path):
    done = run(f"import {entry}\n{PROBE}", tmp_path, PILOTE_SECRET_KEY=SECRET, PILOTE_ALLOWED_HOSTS="testserver")
    assert done.returncode == 0, done.stderr
    probe = json.loads(done.stdout.strip().splitlines()[-1])
    assert probe["module"] == "config.settings.prod"
    assert probe["debug"] is False


@pytest.mark.parametrize("secret", [None, "", "dev-only-insecure-key-change-me", "short"])
def test_production_settings_refuse_to_start_without_a_real_secret_key(secret, tmp_path):
    env = {} if secret is None else {"PILOTE_SECRET_KEY": secret}
    done = run("import config.wsgi", tmp_path, **env)
    assert done.returncode != 0
    assert "ImproperlyConfigured: PILOTE_SECRET_KEY must be set to a long random string" in done.stderr


def test_check_deploy_is_clean_under_production_settings(tmp_path):
    done = run(
        "from django.core.management import execute_from_command_line as run\n"
        "run(['manage.py', 'check', '--deploy', '--fail-level', 'DEBUG'])",
        tmp_path,
        DJANGO_SETTINGS_MODULE="config.settings.prod",
        PILOTE_SECRET_KEY=SECRET,
    )
    assert done.returncode == 0, done.stderr
    assert "System check identified no issues" in done.stdout, done.stdout + done.stderr


def test_production_redirects_to_https_and_sends_hsts_csp_and_secure_cookies(tmp_path):
    done = run(
        f"import config.wsgi\n{PROBE}",
        tmp_path,
        PILOTE_SECRET_KEY=SECRET,
        PILOTE_ALLOWED_HOSTS="testserver",
    )
    assert done.returncode == 0, done.stderr
    probe = json.loads(done.stdout.strip().splitlines()[-1])
    assert probe["plain"] == [301, "https://testserver/api/"]
    assert probe["health"] == 200  # load balancers probe over plain http
    headers = probe["secure"]
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_behind_a_tls_proxy_the_forwarded_proto_header_counts_as_https(tmp_path):
    code = (
        "import config.wsgi\nfrom django.conf import settings\nfrom django.test import Client\n"
        "r = Client(headers={'X-Forwarded-Proto': 'https'}).get('/api/')\n"
        "print(r.status_code, settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE)"
    )
    done = run(
        code,
        tmp_path,
        PILOTE_SECRET_KEY=SECRET,
        PILOTE_ALLOWED_HOSTS="testserver",
        PILOTE_SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO,https",
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["200", "True", "True"]


def test_with_proconnect_on_forms_may_lead_to_its_sign_in_and_sign_out_pages(tmp_path):
    code = (
        "import config.wsgi\nfrom django.conf import settings\n"
        "print(settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['form-action'])"
    )
    done = run(
        code,
        tmp_path,
        PILOTE_SECRET_KEY=SECRET,
        PILOTE_PROCONNECT_ENABLED="true",
        PILOTE_PROCONNECT_ISSUER="https://fca.integ01.dev-agentconnect.fr/api/v2",
        PILOTE_PROCONNECT_LOGOUT_ENDPOINT="https://logout.example.gouv.fr/end",
    )
    assert done.returncode == 0, done.stderr
    assert (
        done.stdout.strip()
        == "[\"'self'\", 'https://fca.integ01.dev-agentconnect.fr', 'https://logout.example.gouv.fr']"
    )
