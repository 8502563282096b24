import json

import pytest
from django.urls import reverse

from pilote.core.models import AuditEvent
from pilote.sites.enums import LabelState, SiteOrigin
from pilote.sites.models import Site

from .conftest import make_site

pytestmark = pytest.mark.django_db
URL = "/sites/proposer/"
# A square of about 111 m × 78 m at latitude 45.5°, in Delta (the tiny France's 01004: 3° to 4° east, 45° to 46° north).
SQUARE = {
    "type": "Polygon",
    "coordinates": [[[3.5, 45.5], [3.501, 45.5], [3.501, 45.501], [3.5, 45.501], [3.5, 45.5]]],
}


def propose(client, user, **data):
    client.force_login(user)
    values = {"name": "Zone des Près", "kind": "zone_plot", "commune": "Delta", **data}
    return client.post(URL, values)


def test_the_url_is_the_proposal_page():
    assert reverse("sites:propose") == URL


def test_a_team_proposes_a_site_drawn_as_a_polygon_in_its_territory(client, people):
    response = propose(
        client,
        people["team"],
        polygon=json.dumps(SQUARE),
        fact_land_control="controlled",
        source="Cadastre",
        source_date="2026-01-15",
    )
    assert response.status_code == 302
    site = Site.objects.get()
    assert (site.origin, site.label_state, site.commune_code) == (SiteOrigin.PROPOSAL, LabelState.PROPOSED, "01004")
    assert site.territories == {"2023-2027": "ti-8401"}
    assert (site.epci_siren, site.departement_code, site.region_code) == ("200000002", "01", "84")
    assert 8_500 < site.area_m2 < 8_800  # 111.2 m × 78.0 m
    assert site.latitude == pytest.approx(45.5005)
    assert site.added_facts == {"land_control": {"value": "controlled", "source": "Cadastre", "date": "2026-01-15"}}
    assert AuditEvent.objects.filter(action="site.proposed", object_id=str(site.pk)).count() == 1


def test_a_fact_left_empty_stays_unknown_and_no_is_kept_as_false(client, people):
    propose(client, people["team"], latitude="45.5", longitude="3.5", fact_flood_risk="no", source="Visite",
            fact_pollution="pollution avérée", fact_motorway_distance_m="0")  # fmt: skip
    facts = Site.objects.get().added_facts
    assert facts["flood_risk"]["value"] is False
    assert (facts["pollution"]["value"], facts["motorway_distance_m"]["value"]) == ("pollution avérée", 0)
    assert "land_control" not in facts


def test_a_team_cannot_propose_outside_its_territory(client, people):
    response = propose(client, people["other_team"], latitude="45.5", longitude="3.5")
    assert response.status_code == 400
    assert "pas dans votre périmètre" in response.content.decode()
    assert not Site.objects.exists()


def test_a_departemental_reviewer_proposes_in_its_departement(client, people):
    assert propose(client, people["dep01"], latitude="45.5", longitude="3.5").status_code == 302
    assert propose(client, people["dep39"], latitude="45.6", longitude="3.5").status_code == 400
    assert Site.objects.count() == 1


def test_a_site_within_200_m_in_the_same_commune_is_flagged_until_confirmed(client, people):
    make_site("CARTO-1", latitude=45.5, longitude=3.5)
    response = propose(client, people["team"], latitude="45.501", longitude="3.5")  # 111 m away
    assert response.status_code == 400
    assert "Friche Delta (CARTO-1)" in response.content.decode()
    assert Site.objects.count() == 1
    assert (
        propose(client, people["team"], latitude="45.501", longitude="3.5", confirm_duplicate="on").status_code == 302
    )
    assert Site.objects.count() == 2


def test_a_site_300_m_away_is_not_a_duplicate(client, people):
    make_site("CARTO-1", latitude=45.5, longitude=3.5)
    assert propose(client, people["team"], latitude="45.5027", longitude="3.5").status_code == 302


def test_a_site_of_the_same_identifier_is_refused(client, people):
    make_site("CARTO-1", latitude=44.0, longitude=2.0)
    response = propose(client, people["team"], identifier="CARTO-1", latitude="45.5", longitude="3.5")
    assert response.status_code == 400
    assert "Ce site existe déjà" in response.content.decode()
    assert Site.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"commune": "Nulle-part", "latitude": "45.5", "longitude": "3.5"}, "Aucune commune de ce nom"),
        ({"polygon": '{"type": "Polygon", "coordinates": [[[5, 46], [5.1, 46]]]}'}, "pas un polygone valide"),
        ({"polygon": "pas du json"}, "pas un polygone valide"),
        ({}, "Placez le site sur la carte"),
        ({"latitude": "146", "longitude": "3.5"}, "inférieure ou égale à 90"),
        ({"latitude": "45.5", "longitude": "3.5", "fact_zoning": "UX"}, "Indiquez la source des faits"),
        ({"latitude": "45.5", "longitude": "3.5", "area_m2": "-3"}, "supérieure ou égale à 1"),
        ({"latitude": "45.5", "longitude": "3.5", "kind": "volcan"}, "Sélectionnez un choix valide"),
    ],
)
def test_a_bad_proposal_is_refused_in_french_and_nothing_is_written(client, people, data, message):
    response = propose(client, people["team"], **data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Site.objects.exists()
    assert not AuditEvent.objects.filter(action="site.proposed").exists()


def test_a_site_placed_outside_the_commune_named_is_refused(client, people):
    far = propose(client, people["team"], latitude="45.5", longitude="4.2")  # Delta ends at 4° east: 16 km away
    assert far.status_code == 400
    assert "n&#x27;est pas dans la commune Delta (01004)" in far.content.decode()
    assert not Site.objects.exists()
    assert propose(client, people["team"], latitude="45.5", longitude="4.003").status_code == 302  # on its limit


def test_an_operator_may_not_propose(client, people):
    client.force_login(people["operator"])
    assert client.get(URL).status_code == 403


def test_a_proposal_takes_the_first_free_identifier_of_its_commune(client, people):
    make_site("PROP-01004-2", latitude=44.0, longitude=2.0)
    propose(client, people["team"], latitude="45.5", longitude="3.5")
    propose(client, people["team"], latitude="45.6", longitude="3.5")
    assert sorted(Site.objects.values_list("identifier", flat=True)) == ["PROP-01004-2", "PROP-01004-3", "PROP-01004-4"]


def test_a_proposed_site_is_scored_under_the_current_method_so_a_selection_can_take_it(client, people):
    from pilote.sites.scoring import ensure_default_method, explain

    method = ensure_default_method()
    propose(client, people["team"], polygon=json.dumps(SQUARE), fact_land_control="controlled", source="Cadastre")
    score = Site.objects.get().scores.get()
    assert score.method == method
    assert explain(method.criteria, score.points)["land_control"]["value"] == "controlled"  # its own facts count


def test_the_drawing_map_is_sent_to_the_bounds_of_the_commune_named(client, people):
    from pilote.geography.contours import load_geometries

    client.force_login(people["team"])
    found = client.get(reverse("sites:propose_commune"), {"commune": "Delta"}).json()
    west, south, east, north = load_geometries(["01004"])["01004"].bounds
    assert found == {"code": "01004", "name": "Delta", "bounds": [[south, west], [north, east]]}
    unknown = client.get(reverse("sites:propose_commune"), {"commune": "Nulle-Part"})
    assert unknown.status_code == 404
    assert unknown.json() == {"error": "Commune introuvable ou ambiguë : la carte reste sur la France."}


def test_only_who_proposes_sites_gets_the_bounds_of_a_commune(client, people):
    client.force_login(people["operator"])
    assert client.get(reverse("sites:propose_commune"), {"commune": "Delta"}).status_code == 403
