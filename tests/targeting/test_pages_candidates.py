"""The candidates page: EPCI outside a phase of the programme with a high score, with their nearest territory.

On the tiny France, phase 2018-2022 holds CC Alpha (ti-8401) and CC Gamma (ti-2701): CA Beta (SIREN 200000002,
squares x = 3 and 4, ranked 2nd of 3 EPCI by tests/targeting/scored.py) is outside, nearest to ti-2701 (square
x = 5). Phase 2023-2027 holds every EPCI: no candidate there."""

import io
import math

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from pilote.territories.models import Phase, Territory
from tests.targeting import scored
from tests.territories.growth import add_version, count_queries

URL = reverse("targeting:candidates")
PHASE_1 = {"phase": "2018-2022"}
# the centres of CA Beta (x = 3.5) and of ti-2701 (x = 5) on the same latitude, 45.5°
BETA_TO_GAMMA_KM = 1.5 * math.cos(math.radians(45.5)) * 111.2


@pytest.fixture
def candidates_world(data):
    """Scores whose candidates are every EPCI outside the phase (a top share of 100 %)."""
    return scored.scoring(scored.method_version(thresholds={"candidate_top_share": 1.0}))


def test_the_page_lists_the_epci_outside_the_phase_with_its_nearest_territory(client, candidates_world):
    response = client.get(URL, PHASE_1)
    rows = response.context["found"].rows
    assert [(r.siren, r.rank, r.nearest_code, r.region_name) for r in rows] == [
        ("200000002", 2, "ti-2701", "Auvergne-Rhône-Alpes")
    ]
    assert rows[0].distance_km == pytest.approx(BETA_TO_GAMMA_KM, rel=0.02)
    html = response.content.decode()
    assert 'href="/ciblage/epci/200000002/"' in html
    assert f'href="{reverse("territories:detail", args=["2018-2022", "ti-2701"])}"' in html
    assert "2 sur 3" in html  # the national rank among the ranked EPCI
    assert f"{round(BETA_TO_GAMMA_KM)} km" in html


def test_a_phase_that_holds_every_epci_has_no_candidate(client, candidates_world):
    response = client.get(URL)  # the current phase, 2023-2027, by default
    assert response.context["form"].phase_slug() == "2023-2027"
    assert response.context["found"].rows == []
    assert 'id="no-candidate"' in response.content.decode()


def test_only_the_top_share_of_the_method_is_listed(client, data):
    scored.scoring()  # default share 20 %: only the first EPCI, CC Alpha, which is in the phase
    response = client.get(URL, PHASE_1)
    assert response.context["found"].rows == []
    assert "dans les 20 % les plus" in " ".join(response.content.decode().split())


def test_without_a_computation_the_page_says_so(client, mini_world):
    response = client.get(URL)
    assert response.status_code == 200
    assert "Aucun calcul disponible" in response.content.decode()
    assert client.get(reverse("targeting:candidates_export", args=["csv"])).status_code == 404


def test_a_bad_choice_is_a_french_error_not_a_500(client, candidates_world):
    response = client.get(URL, {"phase": "1900-1901"})
    assert response.status_code == 400
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert client.get(reverse("targeting:candidates_export", args=["csv"]), {"phase": "zzz"}).status_code == 400


def test_candidates_export_csv_and_xlsx(client, candidates_world):
    csv = client.get(reverse("targeting:candidates_export", args=["csv"]), PHASE_1)
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert lines[0] == (
        "siren;EPCI;région;score;rang national parmi les EPCI;phase;territoire le plus proche (code);"
        "territoire le plus proche;distance (km)"
    )
    assert lines[1].startswith("200000002;CA Beta;Auvergne-Rhône-Alpes;55,0;2;2018-2022;ti-2701;")
    assert len(lines) == 2
    xlsx = client.get(reverse("targeting:candidates_export", args=["xlsx"]), PHASE_1)
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert [cell.value for cell in sheet[2]][:5] == ["200000002", "CA Beta", "Auvergne-Rhône-Alpes", 55.0, 2]


def _grow_phase_1():
    """CC Gamma leaves ti-2701 (a new version holding 01001 only) and a third territory appears: two candidates,
    three territories to measure."""
    phase = Phase.objects.get(slug="2018-2022")
    add_version(Territory.objects.get(phase=phase, code="ti-2701"), communes=["01001"])
    extra = Territory.objects.create(phase=phase, code="ti-8402", name="Delta industrie", region_code="84")
    add_version(extra, communes=["01002"])


def test_the_page_queries_do_not_grow_with_candidates(client, candidates_world, django_assert_max_num_queries):
    url = URL + "?phase=2018-2022"
    client.get(url)  # warms the edition's index, cached per process
    before = count_queries(client, url)
    _grow_phase_1()
    response = client.get(url)
    assert [r.siren for r in response.context["found"].rows] == ["200000002", "200000003"]
    assert count_queries(client, url) == before
    with django_assert_max_num_queries(12):
        client.get(url)


def test_the_ranking_and_the_method_pages_lead_to_the_candidates(client, candidates_world):
    for name in ("targeting:ranking", "targeting:method"):
        html = client.get(reverse(name)).content.decode()
        assert f'<a href="{URL}" id="candidates-link">' in html, name
