"""Whatever goes wrong, the API answers JSON with a reason, never Django's HTML pages."""

import logging

import pytest

from pilote.api import territories


def test_unexpected_error_is_a_json_500_that_hides_the_traceback(db, client, monkeypatch, caplog):
    def broken(request):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(territories.Phase.objects, "all", lambda: broken(None))
    with caplog.at_level(logging.ERROR, logger="pilote.api.views"):
        response = client.get("/api/phases")
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response.json() == {"detail": "Erreur interne du serveur"}
    assert "secret internals" not in response.content.decode()
    assert "RuntimeError: secret internals" in caplog.text


@pytest.mark.parametrize("path", ["/api/nope", "/api/geography/2026/communes", "/api/phases/2023-2027/x/y/z"])
def test_unknown_path_under_api_is_a_json_404(db, client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response.json()["detail"].startswith("Ressource inconnue : /api/")


def test_wrong_method_is_a_405(db, client):
    assert client.delete("/api/phases").status_code == 405


def test_openapi_schema_and_docs_are_served(db, client):
    schema = client.get("/api/openapi.json").json()
    assert schema["info"]["title"] == "Pilote TI"
    assert "/api/phases/{phase}/territories/{code}" in schema["paths"]
    assert client.get("/api/docs").status_code == 200


def test_api_root_points_at_the_docs_and_the_schema(db, client):
    assert client.get("/api/").json() == {
        "name": "Pilote TI",
        "version": "1",
        "docs": "/api/docs",
        "schema": "/api/openapi.json",
    }
