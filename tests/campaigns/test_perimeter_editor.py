"""The perimeter request edited by name: EPCI and communes found by name, INSEE code or SIREN (with their
département), ambiguous or unknown names refused with the candidates, the current composition listed, the checks
grouped and named, the lists edited without saving until « Enregistrer »."""

import html
import re

import pytest
from django.urls import reverse

from pilote.campaigns.models import PerimeterChangeRequest

from .conftest import fresh


def _text(response) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def _post(client, file, **data):
    return client.post(reverse("campaigns:file_perimeter", args=[file.pk]), data)


def _hidden(response, name: str) -> str:
    """The value a hidden list carries to the next step (Django writes no value attribute when it is empty)."""
    tag = re.search(rf'<input type="hidden" name="{name}"[^>]*>', response.content.decode()).group(0)
    found = re.search(r'value="([^"]*)"', tag)
    return found.group(1) if found else ""


@pytest.fixture
def team(client, people):
    client.force_login(people["team"])
    return client


@pytest.fixture
def jura_team(client, people):
    client.force_login(people["other_team"])
    return client


def test_a_commune_typed_by_name_joins_the_list_without_saving(jura_team, other_file):
    response = _post(jura_team, other_file, add_place="delta", apply="add_place")
    assert response.status_code == 200
    lines = _text(response).split("Demande")[1]
    assert "Communes à ajouter Delta (01004) — Ain (01)" in lines
    assert _hidden(response, "add_communes") == "01004"
    assert response.context["form"]["add_place"].value() == ""  # resolved: the field is emptied
    assert not PerimeterChangeRequest.objects.exists()


def test_a_name_naming_several_places_lists_them(jura_team, other_file):
    response = _post(jura_team, other_file, add_place="Beta", apply="add_place")
    assert response.status_code == 400
    assert (
        "« Beta » désigne plusieurs lieux : CA Beta (200000002), Ain (01), Jura (39); Beta-Gamma (01002), Ain (01). "
        "Choisissez-en un dans la liste ou saisissez son code INSEE ou son SIREN." in _text(response)
    )
    assert _hidden(response, "add_epcis") == "" and _hidden(response, "add_communes") == ""


def test_what_the_issue_typed_is_refused_in_french(jura_team, other_file):
    response = _post(jura_team, other_file, add_place="Ardèche, CC, Coiron", apply="add_place")
    assert response.status_code == 400
    assert "Aucun EPCI ni aucune commune ne correspond à « Ardèche, CC, Coiron » dans le COG 2026." in _text(response)


@pytest.mark.parametrize("typed", ["CA Beta (200000002)", "200000002", "ca beta"])
def test_an_epci_by_its_listed_label_its_siren_or_its_exact_name(jura_team, other_file, typed):
    response = _post(jura_team, other_file, add_place=typed, apply="add_place")
    assert _hidden(response, "add_epcis") == "200000002"
    assert "EPCI à ajouter CA Beta (200000002) — Ain (01), Jura (39)" in _text(response)


def test_a_line_is_taken_off_and_an_addition_undoes_a_removal(team, file):
    response = _post(team, file, remove_communes="39001 01004", drop="remove_communes:01004", check="1")
    assert _hidden(response, "remove_communes") == "39001"
    response = _post(team, file, remove_communes="39001", add_place="Epsilon (39001)", apply="add_place")
    assert _hidden(response, "remove_communes") == "" and _hidden(response, "add_communes") == ""


def test_saving_resolves_the_typed_name(team, file):
    response = _post(team, file, remove_place="Epsilon", reason="Epsilon rejoint le Jura", save="1")
    assert response.status_code == 302
    assert PerimeterChangeRequest.objects.get(file=file).remove_communes == ["39001"]


def test_the_current_composition_is_listed_named(team, file):
    page = _text(team.get(reverse("campaigns:file_perimeter", args=[file.pk])))
    composition = page.split("Composition actuelle")[1].split("Demande")[0]
    assert "4 communes, COG 2026" in composition
    assert "EPCI CC Alpha (200000001) — Ain (01) EPCI CA Beta (200000002) — Ain (01), Jura (39)" in composition


def test_conflicts_are_grouped_by_territory_and_epci(other_file):
    check = PerimeterChangeRequest.objects.create(file=other_file, add_epcis=["200000002"]).checks()
    assert check.errors == [
        "Les 2 communes de l'EPCI CA Beta (200000002) sont déjà dans le territoire Ain industriel (ti-8401) de la "
        "même phase : Delta (01004), Epsilon (39001)."
    ]


def test_removing_what_the_territory_does_not_hold_is_pointed_out(other_file):
    check = PerimeterChangeRequest.objects.create(file=other_file, remove_communes=["01004"]).checks()
    assert check.warnings == ["Ne font pas partie du territoire, rien à retirer : Delta (01004)."]


def test_the_place_search_names_the_departement_and_what_the_territory_holds(client, file, people):
    client.force_login(people["dep01"])
    url = reverse("campaigns:file_perimeter_places", args=[file.pk])
    results = client.get(url, {"q": "beta"}).json()["results"]
    assert [(r["label"], r["departements"], r["in_territory"]) for r in results] == [
        ("CA Beta (200000002)", "Ain (01), Jura (39)", True),
        ("Beta-Gamma (01002)", "Ain (01)", True),
    ]
    assert client.get(url, {"q": "39"}).json()["results"][0]["label"] == "Epsilon (39001)"
    assert client.get(url, {"q": "b"}).json() == {"results": []}
    client.force_login(people["other_team"])
    assert client.get(url, {"q": "beta"}).status_code == 404


def test_the_clickable_communes_say_which_the_proposal_holds(client, file, people):
    PerimeterChangeRequest.objects.create(file=file, remove_communes=["39001"])
    client.force_login(people["team"])
    data = client.get(reverse("campaigns:file_perimeter_communes", args=[file.pk])).json()
    found = {f["properties"]["code"]: (f["properties"]["name"], f["properties"]["in"]) for f in data["features"]}
    assert found["01004"] == ("Delta (01004)", True)
    assert found["39001"] == ("Epsilon (39001)", False)  # removed by the proposal: a click adds it back
    assert found["39002"] == ("Zeta (39002)", False)  # a neighbour in the Jura


def test_checking_takes_the_same_queries_whatever_the_request(team, file, django_assert_max_num_queries):
    one = {"remove_communes": "01004", "add_communes": "39002", "add_place": "Zeta", "check": "1"}
    _post(team, file, **one)
    with django_assert_max_num_queries(60) as few:
        _post(team, file, **one)
    queries = len(few.captured_queries)
    more = {"remove_communes": "39001 01004", "remove_epcis": "200000001", "add_epcis": "200000003"}
    with django_assert_max_num_queries(queries):
        response = _post(team, file, **more, add_communes="39002", add_place="Zeta", check="1")
    assert response.context["check"].added == ["39002"]
    assert len(response.context["check"].errors) == 1  # Zeta is ti-2701's


def test_a_submitted_file_shows_its_request_read_only(client, file, people):
    PerimeterChangeRequest.objects.create(file=file, remove_communes=["39001"])
    fresh(file).run("submit", by=people["team"])
    client.force_login(people["team"])
    page = _text(client.get(reverse("campaigns:file_perimeter", args=[file.pk])))
    assert "Communes à retirer Epsilon (39001) — Jura (39)" in page and "Enlever" not in page
    assert "La demande ne peut plus être modifiée (dossier déposé)." in page
