"""Comparing the maps of the two phases of the tiny France on a common edition.

On 2026 phase 1 covers 01001, Beta-Gamma (01002) and 39002; phase 2 adds 01004 and 39001 (CA Beta).
"""

import pytest

from pilote.territories.models import Resolution

URL = "/api/phases/compare"


@pytest.fixture
def compare(client):
    def _compare(query="", status=200):
        response = client.get(f"{URL}?old=2018-2022&new=2023-2027{query}")
        assert response.status_code == status, response.content
        return response.json()

    return _compare


def test_summary_counts_communes_and_population_staying_leaving_entering(
    mini_world, compare, django_assert_max_num_queries
):
    with django_assert_max_num_queries(11):
        comparison = compare("&edition=2026")
    assert (comparison["old"], comparison["new"], comparison["edition"]) == ("2018-2022", "2023-2027", 2026)
    assert comparison["summary"] == {
        "territories_old": 2,
        "territories_new_phase": 2,
        "communes_old": 3,
        "communes_new": 5,
        "communes_staying": 3,
        "communes_leaving": 0,
        "communes_entering": 2,
        "population_staying": 110 + 520 + 610,
        "population_leaving": 0,
        "population_entering": 420 + 510,
        "territories_new": 0,
        "territories_gone": 0,
    }


def test_each_new_territory_says_where_its_communes_come_from(mini_world, compare):
    territories = {t["code"]: t for t in compare("&edition=2026")["territories"]}
    assert territories["ti-8401"] == {
        "code": "ti-8401",
        "name": "Ain industriel",
        "communes": 4,
        "population": 1560,
        "overlaps": [{"code": "ti-8401", "name": "Alpha-Beta", "communes": 2, "population": 630}],
        "communes_outside": 2,
        "population_outside": 930,
    }
    assert territories["ti-2701"]["overlaps"] == [
        {"code": "ti-2701", "name": "Jura Zeta", "communes": 1, "population": 610}
    ]


def test_each_old_territory_says_where_its_communes_went(mini_world, compare):
    old = {t["code"]: t for t in compare("&edition=2026")["old_territories"]}
    assert old["ti-8401"]["overlaps"][0]["name"] == "Ain industriel"
    assert old["ti-8401"]["communes_outside"] == 0


def test_comparing_on_an_older_edition_counts_the_communes_before_the_merger(mini_world, compare):
    summary = compare("&edition=2023")["summary"]
    assert (summary["communes_old"], summary["communes_new"], summary["communes_staying"]) == (4, 6, 4)
    assert Resolution.objects.filter(edition_id=2023).count() == 4


def test_old_map_of_a_date_before_phase_one_makes_every_territory_new(mini_world, compare):
    comparison = compare("&old_on=2019-06-01")
    assert comparison["old_on"] == "2019-06-01"
    assert comparison["summary"]["territories_old"] == 0
    assert comparison["summary"]["territories_new"] == 2
    assert comparison["summary"]["communes_entering"] == 5


@pytest.mark.parametrize(
    ("query", "status", "detail"),
    [
        ("&new=2028-2032", 404, "Phase inconnue : 2028-2032"),
        ("&edition=2019", 404, "Millésime inconnu : 2019"),
        ("&old_on=2023-13-01", 422, None),
        ("&new_on=demain", 422, None),
    ],
)
def test_bad_phase_edition_or_date_is_refused_with_a_reason(mini_world, compare, query, status, detail):
    body = compare(query, status=status)
    if detail:
        assert body == {"detail": detail}
    else:
        assert body["detail"][0]["loc"][0] == "query"
