"""/sante/ tells load balancers and monitoring whether this server can reach its database."""

import logging

from django.db import OperationalError, connection


def test_health_is_200_json_when_the_database_answers(client, db, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get("/sante/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_health_is_503_when_the_database_is_down_and_hides_the_reason(client, db, monkeypatch, caplog):
    def down(*args, **kwargs):
        raise OperationalError("could not connect to server: secret-host:5432")

    with monkeypatch.context() as patch, caplog.at_level(logging.ERROR, logger="pilote.shell.views"):
        patch.setattr(connection, "cursor", down)  # undone before the test database is rolled back
        response = client.get("/sante/")
    assert response.status_code == 503
    assert response.json() == {"status": "indisponible", "database": "injoignable"}
    assert "secret-host" not in response.content.decode()
    assert "secret-host" in caplog.text


def test_health_answers_only_get(client, db):
    assert client.post("/sante/").status_code == 405
