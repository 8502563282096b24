"""Perimeter change requests: checks shown before submission, and the new perimeter version once validated."""

import re

import pytest
from django.urls import reverse

from pilote.campaigns.models import PerimeterChangeRequest, TransitionRefused
from pilote.core.models import AuditEvent
from pilote.territories.enums import MemberKind
from pilote.territories.importers import PerimeterFileError
from pilote.territories.models import Resolution
from pilote.territories.services import perimeter_version_create

from ..geometry import problems
from .conftest import fresh, territory


def _request(file, **changes):
    return PerimeterChangeRequest.objects.create(file=file, **changes)


def test_removing_a_commune_shows_before_after_and_a_partly_included_epci(file):
    check = _request(file, remove_communes=["39001"]).checks()
    assert (check.before.communes_count, check.after.communes_count) == (4, 3)
    assert (check.before.population, check.after.population) == (110 + 520 + 420 + 510, 110 + 520 + 420)
    assert check.removed == ["39001"] and check.added == []
    assert check.errors == []
    assert check.warnings == ["EPCI CA Beta (200000002) inclus en partie seulement : 1 commune(s) sur 2."]
    assert check.members == [(MemberKind.EPCI, "200000001"), (MemberKind.COMMUNE, "01004")]


def test_a_commune_of_another_territory_of_the_phase_is_refused(other_file):
    check = _request(other_file, add_communes=["39001"]).checks()
    assert check.errors == [
        "La commune Epsilon (39001) fait déjà partie du territoire Ain industriel (ti-8401) de la même phase."
    ]


def test_unknown_codes_are_refused(file):
    check = _request(file, add_epcis=["999999999"], add_communes=["99999"]).checks()
    assert check.errors == [
        "EPCI 999999999 inconnu du COG 2026 (SIREN à 9 chiffres attendu).",
        "Commune 99999 inconnue du COG 2026 (code INSEE à 5 caractères attendu).",
    ]


def test_removing_everything_is_refused(other_file):
    check = _request(other_file, remove_epcis=["200000003"]).checks()
    assert "Le périmètre proposé ne compte plus aucune commune." in check.errors


def test_a_file_with_a_wrong_perimeter_request_cannot_be_submitted(other_file, people):
    _request(other_file, add_communes=["39001"])
    with pytest.raises(TransitionRefused, match="périmètre"):
        fresh(other_file).run("submit", by=people["other_team"])


def test_the_check_page_shows_the_checks_before_saving(client, file, people):
    client.force_login(people["team"])
    url = reverse("campaigns:file_perimeter", args=[file.pk])
    response = client.post(url, {"remove_communes": "39001", "check": "1"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "inclus en partie seulement" in page and "4 → 3" in page
    assert 'data-geometry="perimeter-preview"' in page
    assert not PerimeterChangeRequest.objects.exists()


def test_badly_formed_codes_are_shown_in_french(client, file, people):
    client.force_login(people["team"])
    response = client.post(reverse("campaigns:file_perimeter", args=[file.pk]), {"add_epcis": "12 abc", "save": "1"})
    assert response.status_code == 400
    assert "SIREN mal formé(s) : 12, abc." in response.content.decode()
    assert not PerimeterChangeRequest.objects.exists()


def test_saving_the_request_is_recorded(client, file, people):
    client.force_login(people["team"])
    url = reverse("campaigns:file_perimeter", args=[file.pk])
    response = client.post(url, {"remove_communes": "39001", "reason": "Epsilon rejoint le Jura", "save": "1"})
    assert response.status_code == 302
    assert PerimeterChangeRequest.objects.get().remove_communes == ["39001"]
    audit = AuditEvent.objects.get(action="perimeter_request.save")
    assert audit.changes["remove_communes"] == [None, "['39001']"] and audit.actor == people["team"]


@pytest.mark.parametrize("who", ["anct", "dep01", "other_team"])
def test_only_the_team_edits_its_request(client, file, people, who):
    client.force_login(people[who])
    response = client.post(reverse("campaigns:file_perimeter", args=[file.pk]), {"save": "1"})
    assert response.status_code == (404 if who == "other_team" else 403)


def test_the_map_shows_the_perimeter_and_what_changes(client, file, people):
    _request(file, remove_communes=["39001"], add_communes=["39002"])
    client.force_login(people["dep01"])
    data = client.get(reverse("campaigns:file_perimeter_geojson", args=[file.pk])).json()
    assert [f["properties"]["side"] for f in data["features"]] == ["avant", "ajout", "retrait"]
    # before: Alpha and Beta-Gamma, then Delta and Epsilon (one piece); added: Zeta; removed: Epsilon
    assert [f["geometry"]["type"] for f in data["features"]] == ["MultiPolygon", "Polygon", "Polygon"]
    assert [problems(f["geometry"]) for f in data["features"]] == [[], [], []]  # valid, RFC 7946 winding


def test_validation_makes_a_new_version_that_the_public_page_shows(client, file, people):
    _request(file, remove_communes=["39001"], reason="Epsilon part")
    file = fresh(file)
    file.run("submit", by=people["team"])
    file.run("start_review", by=people["anct"])
    file.run("validate", by=people["anct"], acknowledged_missing=True)
    version = territory("ti-8401").versions.order_by("-number").first()
    assert version.number == 2 and version.reason == "Epsilon part"
    assert Resolution.objects.get(version=version, edition_id=2026).communes_count == 3
    page = client.get(reverse("territories:detail", args=["2023-2027", "ti-8401"])).content.decode()
    assert "version 2" in page
    assert re.search(r'<dd id="fact-communes">\s*3\s*</dd>', page)
    # and the commune left is now free for the other territory of the phase
    assert PerimeterChangeRequest.objects.get().applied_version == version


def test_the_service_refuses_a_commune_held_by_another_territory(mini_world, people):
    with pytest.raises(PerimeterFileError, match="rien n'a été écrit") as error:
        perimeter_version_create(
            territory=territory("ti-2701"),
            members=[(MemberKind.COMMUNE, "39002"), (MemberKind.COMMUNE, "39001")],
            edition=2026,
            reason="test",
            valid_on=__import__("datetime").date(2026, 1, 1),
            actor=people["anct"],
        )
    assert error.value.problems == ["commune 39001 déjà dans le territoire ti-8401"]
    assert territory("ti-2701").versions.count() == 1


def _through(file, people, team):
    file = fresh(file)
    file.run("submit", by=people[team])
    file.run("start_review", by=people["anct"])
    file.run("validate", by=people["anct"], acknowledged_missing=True)


def test_a_commune_left_by_one_territory_can_join_another_but_not_twice(file, other_file, people):
    _request(file, remove_communes=["39001"])
    _through(file, people, "team")
    _request(other_file, add_communes=["39001"])
    other = fresh(other_file)
    assert other.perimeter_request.checks().errors == []
    other.run("submit", by=people["other_team"])
    other.run("start_review", by=people["anct"])
    # meanwhile ANCT gives 39001 back to ti-8401
    perimeter_version_create(
        territory=territory("ti-8401"),
        members=[(MemberKind.EPCI, "200000001"), (MemberKind.EPCI, "200000002")],
        edition=2026,
        reason="retour",
        valid_on=__import__("datetime").date(2026, 1, 1),
        actor=people["anct"],
    )
    with pytest.raises(TransitionRefused, match="commune 39001 déjà dans le territoire ti-8401"):
        fresh(other_file).run("validate", by=people["anct"], acknowledged_missing=True)
    assert fresh(other_file).state == "en_instruction"
    assert territory("ti-2701").versions.count() == 1
