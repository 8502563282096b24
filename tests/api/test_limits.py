"""Requests past the limits, or that cannot be read, are refused with a 4xx and a French reason — never a 500."""

import json

import pytest

PROJECT = "/api/geography/project"
COMPARE = "/api/phases/compare?old=2018-2022&new=2023-2027"


def test_two_thousand_query_parameters_are_a_400(db, client):
    query = "&".join(f"p{i}=1" for i in range(2000))
    response = client.get(f"{COMPARE}&{query}")
    assert response.status_code == 400
    assert response.json() == {"detail": "Trop de paramètres dans la requête : 1000 au plus."}


def test_a_body_past_two_and_a_half_megabytes_is_a_413(db, client):
    body = json.dumps({"source": 2020, "target": 2026, "communes": ["01001"] * 300_000})
    assert len(body) > 2.5 * 1024 * 1024
    response = client.post(PROJECT, data=body, content_type="application/json")
    assert response.status_code == 413
    assert response.json() == {"detail": "Corps de la requête trop volumineux : 2,5 Mo au plus."}


@pytest.mark.parametrize(
    "body, content_type",
    [("{pas du json", "application/json"), ("source=2020&target=2026", "application/x-www-form-urlencoded")],
)
def test_a_body_that_is_not_json_is_a_400_in_french(db, client, body, content_type):
    response = client.post(PROJECT, data=body, content_type=content_type)
    assert response.status_code == 400
    assert response.json() == {"detail": "Corps de la requête illisible : un document JSON est attendu."}


def test_json_of_the_wrong_shape_is_a_422_naming_the_fields(db, client):
    response = client.post(PROJECT, data="[1, 2]", content_type="application/json")
    assert response.status_code == 422
    assert {tuple(e["loc"][-1:]) for e in response.json()["detail"]} == {("source",), ("target",)}


def test_reasons_given_by_the_routes_are_kept(db, client):
    response = client.get("/api/phases/1999-2000")
    assert response.status_code == 404
    assert response.json() == {"detail": "Phase inconnue : 1999-2000"}
