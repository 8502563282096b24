"""403, 404 and 500 are DSFR pages in French that reveal nothing: no URL patterns, no traceback, no reason given
by the code. The 500 page needs no database (it is shown when the database is down)."""

import pytest
from django.test import Client
from django.views.defaults import server_error

from pilote.shell.views import bad_request

pytestmark = pytest.mark.urls("tests.shell.error_urls")
REVEALING = ("urlpatterns", "URLconf", "Traceback", "secret internals", "internal reason", "test-403", "test-500")


def assert_reveals_nothing(html: str):
    for text in REVEALING:
        assert text not in html


def test_404_is_the_french_dsfr_page_without_url_patterns(client, db):
    response = client.get("/nulle-part/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "<h1>Page introuvable</h1>" in html and 'class="fr-header"' in html
    assert_reveals_nothing(html)


def test_403_is_the_french_dsfr_page_without_the_internal_reason(client, db):
    response = client.get("/test-403/")
    html = response.content.decode()
    assert response.status_code == 403
    assert "<h1>Accès refusé</h1>" in html and 'class="fr-header"' in html
    assert_reveals_nothing(html)


def test_500_is_the_french_dsfr_page_without_the_traceback(db):
    response = Client(raise_request_exception=False).get("/test-500/")
    html = response.content.decode()
    assert response.status_code == 500
    assert "<h1>Erreur inattendue</h1>" in html and 'class="fr-header"' in html
    assert_reveals_nothing(html)


@pytest.mark.parametrize("view, text", [(server_error, "Erreur 500"), (bad_request, "Erreur 400")])
def test_400_and_500_pages_render_without_touching_the_database(rf, view, text):
    response = view(rf.get("/"))  # no `db` fixture: any query would raise
    assert text in response.content.decode()


def test_refused_csrf_token_is_the_french_403_page(db):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/connexion/", {"username": "x", "password": "y"})
    html = response.content.decode()
    assert response.status_code == 403
    assert "Le formulaire a expiré ou ne vient pas de ce site" in html
    assert "CSRF" not in html


def test_400_for_an_unknown_host_is_the_french_dsfr_page(db):
    response = Client(raise_request_exception=False).get("/", headers={"host": "evil.example"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "<h1>Requête incorrecte</h1>" in html and 'class="fr-header"' in html
    assert "evil.example" not in html and "ALLOWED_HOSTS" not in html
