"""The budget API: envelopes and committed commitments by official codes, a territory's and a beneficiary's money;
proposed and cancelled commitments stay internal; unknown codes are a 404 with a French reason."""

import pytest

from tests.budget.test_dashboard import spend

from .schema import hypothesis, schema


@pytest.fixture
def spent(mini_world):
    return spend()


def _get(client, path, status=200):
    response = client.get("/api" + path)
    assert response.status_code == status, response.content
    return response.json()


def test_envelopes_by_year_action_type_and_region(client, spent):
    answer = _get(client, "/budget/envelopes?year=2024")
    levels = [e["level"] for e in answer["envelopes"]]
    assert levels.count("programme") == 1 and levels.count("national") == 4 and levels.count("region") == 8
    answer = _get(client, "/budget/envelopes?year=2024&action_type=investissements&region=84")
    assert answer["count"] == 1
    (envelope,) = answer["envelopes"]
    assert envelope == {
        "year": 2024,
        "level": "region",
        "action_type": "investissements",
        "action_type_label": "Investissements productifs",
        "region": "84",
        "region_name": "Auvergne-Rhône-Alpes",
        "departement": "",
        "ae_amount": 1_000_000.0,
        "cp_amount": 1_000_000.0,
        "ae_used": 300_000.0,
        "cp_used": 120_000.0,
        "is_demo": False,
    }
    assert "id" not in envelope


def test_only_committed_commitments_are_public(client, spent):
    answer = _get(client, "/budget/commitments")
    assert answer["count"] == 3  # not the proposed nor the cancelled one
    a = next(c for c in answer["commitments"] if c["beneficiary_siren"] == "123456789")
    assert (a["phase"], a["territory"], a["region"], a["envelope_level"]) == ("2023-2027", "ti-8401", "84", "region")
    assert (a["amount"], a["paid_amount"], a["decided_on"]) == (300_000.0, 120_000.0, "2024-03-01")
    assert {(line["kind"], line["amount"]) for line in a["cofinancing"]} == {
        ("epci", 100_000.0),
        ("etat", 50_000.0),
        ("region", 200_000.0),
    }
    national = next(c for c in answer["commitments"] if c["envelope_level"] == "national")
    assert (national["region"], national["territory"]) == ("", "ti-2701")


def test_commitments_filters_and_pagination(client, spent):
    assert _get(client, "/budget/commitments?region=27")["count"] == 1
    assert _get(client, "/budget/commitments?action_type=competences")["count"] == 1
    assert _get(client, "/budget/commitments?phase=2023-2027&territory=ti-2701")["count"] == 2
    assert _get(client, "/budget/commitments?siren=123456789")["count"] == 1
    assert _get(client, "/budget/commitments?year=2025")["count"] == 0
    page = _get(client, "/budget/commitments?limit=2&offset=2")
    assert (page["count"], page["limit"], page["offset"], len(page["commitments"])) == (3, 2, 2, 1)


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/budget/commitments?action_type=rien", "Type d'action inconnu : rien"),
        ("/budget/envelopes?region=99", "Région inconnue : 99"),
        ("/budget/commitments?phase=2023-2027&territory=ti-9999", "Territoire inconnu en phase 2023-2027 : ti-9999"),
        ("/budget/commitments?territory=ti-8401", "indiquez aussi sa phase"),
        ("/budget/commitments?phase=1999-2000", "Phase inconnue : 1999-2000"),
        ("/phases/2023-2027/territories/ti-9999/budget", "Territoire inconnu en phase 2023-2027 : ti-9999"),
        ("/budget/beneficiaries/999999999", "Aucun engagement public pour le SIREN 999999999"),
    ],
)
def test_unknown_codes_are_404_with_a_french_reason(client, spent, path, reason):
    assert reason in _get(client, path, status=404)["detail"]


@pytest.mark.parametrize(
    "path", ["/budget/commitments?siren=12345", "/budget/commitments?limit=0", "/budget/envelopes?year=20"]
)
def test_malformed_parameters_are_422(client, spent, path):
    assert _get(client, path, status=422)["detail"]


def test_territory_budget_by_year_and_action_type(client, spent):
    answer = _get(client, "/phases/2023-2027/territories/ti-8401/budget")
    assert (answer["code"], answer["committed"], answer["paid"], answer["has_demo"]) == (
        "ti-8401",
        300_000.0,
        120_000.0,
        False,
    )
    (row,) = answer["rows"]
    assert (row["year"], row["action_type"], row["cofinancing_partners"], row["leverage"]) == (
        2024,
        "investissements",
        300_000.0,
        0.86,  # 300 000 of partners per 350 000 State euros (300 000 + DETR 50 000)
    )
    empty = _get(client, "/phases/2018-2022/territories/ti-8401/budget")
    assert (empty["committed"], empty["rows"]) == (0.0, [])


def test_beneficiary_by_siren(client, spent):
    answer = _get(client, "/budget/beneficiaries/123456789")
    assert (answer["count"], answer["committed"], answer["names"]) == (1, 300_000.0, ["Entreprise"])


def test_the_budget_routes_are_in_the_schema(client, db):
    paths = _get(client, "/openapi.json")["paths"]
    assert {"/api/budget/envelopes", "/api/budget/commitments", "/api/phases/{phase}/territories/{code}/budget"} <= set(
        paths
    )


# The project's fuzzing (tests/api/test_schema_fuzz.py) runs on a world without money: here, with some.
BUDGET = schema.include(path_regex="budget")


@BUDGET.parametrize()
@pytest.mark.usefixtures("keep_test_connection")
@hypothesis.settings(max_examples=30, deadline=None, suppress_health_check=list(hypothesis.HealthCheck))
def test_budget_operations_answer_as_their_schema_says_with_money_in_the_database(case, spent):
    case.call_and_validate()
