"""ProConnect sign-in against a real OpenID Connect provider (oidc-provider-mock) started by the test, the site
served by `live_server`, and a real HTTP client following every redirect."""

import pytest
import requests
from django.conf import settings
from oidc_provider_mock import run_server_in_thread

from pilote.core.enums import Role
from pilote.core.models import User
from tests.core.factories import UserFactory


@pytest.fixture(scope="module")
def provider():
    with run_server_in_thread() as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture
def proconnect(provider, settings):
    """The site switched to ProConnect, with the endpoints the provider publishes."""
    config = requests.get(f"{provider}/.well-known/openid-configuration", timeout=5).json()
    settings.PROCONNECT_ENABLED = True
    settings.OIDC_RP_CLIENT_ID = "pilote-ti"
    settings.OIDC_RP_CLIENT_SECRET = "secret-de-test"
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = config["authorization_endpoint"]
    settings.OIDC_OP_TOKEN_ENDPOINT = config["token_endpoint"]
    settings.OIDC_OP_USER_ENDPOINT = config["userinfo_endpoint"]
    settings.OIDC_OP_JWKS_ENDPOINT = config["jwks_uri"]
    settings.OIDC_OP_LOGOUT_ENDPOINT = config["end_session_endpoint"]
    settings.OIDC_RP_SCOPES = "openid email"
    settings.OIDC_VERIFY_KID = False  # the provider's single key has no "kid" (ProConnect's keys have one)
    return config


def _sign_in_with_proconnect(base_url: str, email: str) -> tuple[requests.Session, requests.Response]:
    browser = requests.Session()
    login_page = browser.get(f"{base_url}/connexion/", timeout=5).text
    assert "Se connecter avec ProConnect" in login_page
    consent = browser.get(f"{base_url}/connexion/proconnect/?next=/espace/", timeout=5)
    assert consent.url.startswith(settings.OIDC_OP_AUTHORIZATION_ENDPOINT + "?")  # the provider's own page
    # The provider's form: the identity to sign in as (its "sub", whose e-mail claim is the same address).
    return browser, browser.post(consent.url, data={"sub": email}, timeout=10)


def _person(email: str, role: Role, **scope) -> User:
    user = UserFactory(email=email)
    user.roles.create(role=role, **scope)
    return user


def test_known_email_signs_in_and_lands_on_mon_espace(live_server, proconnect, transactional_db):
    _person("Agent.Ain@example.gouv.fr", Role.DEPARTEMENT_REVIEWER, departement_code="01")
    browser, landing = _sign_in_with_proconnect(live_server.url, "agent.ain@example.gouv.fr")
    assert landing.status_code == 200
    assert landing.url == f"{live_server.url}/espace/"
    html = landing.text
    assert "<h1>Mon espace</h1>" in html
    assert "<strong>Instructeur départemental</strong>" in html
    assert User.objects.count() == 1


def test_unknown_email_is_refused_in_french_and_creates_nothing(live_server, proconnect, transactional_db):
    _person("anct@example.gouv.fr", Role.NATIONAL)
    browser, landing = _sign_in_with_proconnect(live_server.url, "inconnu@example.gouv.fr")
    assert landing.url == f"{live_server.url}/connexion/"
    assert "Aucun compte Pilote TI n&#x27;est associé à l&#x27;adresse inconnu@example.gouv.fr" in landing.text
    assert User.objects.count() == 1
    assert browser.get(f"{live_server.url}/espace/", timeout=5).url == f"{live_server.url}/connexion/?next=/espace/"


def test_signing_out_ends_the_proconnect_session_too(live_server, proconnect, transactional_db):
    _person("anct@example.gouv.fr", Role.NATIONAL)
    browser, landing = _sign_in_with_proconnect(live_server.url, "anct@example.gouv.fr")
    assert landing.url == f"{live_server.url}/espace/"
    browser.get(f"{live_server.url}/deconnexion/", timeout=5)  # the confirmation page sets the CSRF cookie
    response = browser.post(
        f"{live_server.url}/deconnexion/",
        data={"csrfmiddlewaretoken": browser.cookies["csrftoken"]},
        headers={"Referer": f"{live_server.url}/deconnexion/"},
        allow_redirects=False,
        timeout=5,
    )
    assert response.status_code == 302
    assert response.headers["Location"].startswith(proconnect["end_session_endpoint"] + "?id_token_hint=")
    assert browser.get(f"{live_server.url}/espace/", timeout=5).url.endswith("/connexion/?next=/espace/")


def test_a_failing_provider_gives_a_french_message_not_an_error(live_server, proconnect, transactional_db, settings):
    _person("anct@example.gouv.fr", Role.NATIONAL)
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{live_server.url}/nulle-part/"  # the token exchange fails
    browser, landing = _sign_in_with_proconnect(live_server.url, "anct@example.gouv.fr")
    assert landing.url == f"{live_server.url}/connexion/"
    assert "La connexion avec ProConnect a échoué." in landing.text


def test_proconnect_pages_answer_404_when_switched_off(client, db):
    assert client.get("/connexion/proconnect/").status_code == 404
    assert client.get("/connexion/proconnect/retour/?code=x&state=y").status_code == 404
    assert "ProConnect" not in client.get("/connexion/").content.decode()
