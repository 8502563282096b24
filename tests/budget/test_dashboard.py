"""The budget dashboard: figures by action type, région, territory and year on a hand-built year, each role's scope,
the filters, and a number of queries that does not grow with the data."""

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pilote.budget.enums import ActionType, CofinancerKind
from pilote.budget.models import Commitment
from pilote.core.enums import Role
from tests.core.factories import user_with_role
from tests.territories.growth import grow

from .factories import anct, budget_year, euros, territory

D = datetime.date
INVESTMENTS, SKILLS = ActionType.INVESTMENTS, ActionType.SKILLS
URL = reverse("budget:dashboard")
MARCH_1ST = D(2024, 3, 1)


@dataclass
class Spending:
    actor: object
    a: Commitment  # investments, région 84, ti-8401: 300 000 committed, 120 000 paid, co-financed
    b: Commitment  # investments, région 27, ti-2701: 200 000 committed
    c: Commitment  # skills, région 84, ti-8401: 100 000 proposed
    d: Commitment  # skills, national envelope, ti-2701: 50 000 committed
    e: Commitment  # investments, région 84, ti-8401: 10 000 cancelled


def commit(envelope, actor, amount, code, *, on=MARCH_1ST, lines=(), **fields):
    fields.setdefault("label", "Aide")
    fields.setdefault("beneficiary_name", "Entreprise")
    return Commitment.objects.create_for(
        envelope, actor=actor, territory=territory(code), amount=euros(amount), lines=lines, commit_on=on, **fields
    )


def spend(year=2024) -> Spending:
    """Five commitments on a year built by `budget_year` (20 M€ an action type, 1 M€ a région, AE = CP)."""
    actor = anct()
    tree = budget_year(year, actor=actor)
    on = D(year, 3, 1)
    lines = [
        (CofinancerKind.EPCI, "CC Alpha", euros(100_000)),
        (CofinancerKind.STATE, "DETR", euros(50_000)),
        (CofinancerKind.REGION, "Région", euros(200_000)),
    ]
    a = commit(
        tree.regions[INVESTMENTS, "84"], actor, 300_000, "ti-8401", on=on, lines=lines, beneficiary_siren="123456789"
    )
    a.pay(actor=actor, amount=euros(120_000), paid_on=D(year, 6, 1))
    b = commit(tree.regions[INVESTMENTS, "27"], actor, 200_000, "ti-2701", on=on)
    c = commit(tree.regions[SKILLS, "84"], actor, 100_000, "ti-8401", on=None)
    d = commit(tree.national[SKILLS], actor, 50_000, "ti-2701", on=on)
    e = commit(tree.regions[INVESTMENTS, "84"], actor, 10_000, "ti-8401", on=on)
    e.cancel(actor=actor)
    return Spending(actor, a, b, c, d, e)


@pytest.fixture
def spent(mini_world):
    return spend()


def _tables(client, user, query=""):
    client.force_login(user)
    response = client.get(URL + query)
    assert response.status_code == 200, response.content.decode()[:2000]
    return {t.slug: {row.key: row for row in t.rows} for t in response.context["tables"]}, response


def test_anct_sees_allocated_committed_paid_remaining_and_leverage_by_action_type(client, spent):
    tables, _ = _tables(client, spent.actor)
    investments = tables["types"][INVESTMENTS]
    assert (investments.allocated, investments.committed, investments.proposed) == (
        euros(20_000_000),
        euros(500_000),
        euros(0),
    )
    assert (investments.paid, investments.remaining) == (euros(120_000), euros(19_500_000))
    assert (investments.cp_allocated, investments.cp_paid) == (euros(20_000_000), euros(120_000))
    # Partners 300 000 (EPCI + Région) per State euro 550 000 (commitments 500 000 + DETR 50 000).
    assert (investments.partners, investments.state, investments.leverage) == (
        euros(300_000),
        euros(550_000),
        Decimal("0.55"),
    )
    skills = tables["types"][SKILLS]
    assert (skills.committed, skills.proposed, skills.remaining) == (euros(50_000), euros(100_000), euros(19_950_000))
    assert tables["types"][ActionType.REBOND].committed == 0
    assert list(tables["types"]) == ActionType.values


def test_regions_are_their_envelopes_and_the_national_row_keeps_what_was_not_delegated(client, spent):
    tables, response = _tables(client, spent.actor)
    regions = tables["regions"]
    assert (regions["84"].label, regions["84"].allocated) == ("Auvergne-Rhône-Alpes", euros(4_000_000))
    assert (regions["84"].committed, regions["84"].proposed, regions["84"].paid) == (
        euros(300_000),
        euros(100_000),
        euros(120_000),
    )
    assert (regions["27"].committed, regions["27"].remaining) == (euros(200_000), euros(3_800_000))
    assert (regions[""].allocated, regions[""].committed) == (euros(80_000_000 - 8_000_000), euros(50_000))
    region_table = next(t for t in response.context["tables"] if t.slug == "regions")
    type_table = next(t for t in response.context["tables"] if t.slug == "types")
    assert region_table.total.allocated == type_table.total.allocated == euros(80_000_000)
    assert region_table.total.committed == type_table.total.committed == euros(550_000)


def test_territories_and_years(client, spent):
    tables, response = _tables(client, spent.actor)
    by_code = {row.label: row for row in tables["territoires"].values()}
    ain, jura = by_code["Ain industriel (ti-8401)"], by_code["Nouveau Jura (ti-2701)"]
    assert (ain.committed, ain.proposed, ain.paid, ain.allocated) == (
        euros(300_000),
        euros(100_000),
        euros(120_000),
        None,
    )
    assert (jura.committed, jura.count) == (euros(250_000), 2)
    assert reverse("territories:detail", args=["2023-2027", "ti-8401"]) in response.content.decode()
    year = tables["annees"][2024]
    assert (year.allocated, year.committed, year.paid, year.cp_paid) == (
        euros(80_000_000),
        euros(550_000),
        euros(120_000),
        euros(120_000),
    )


def test_charts_give_allocated_committed_and_paid_by_action_type_and_year(client, spent):
    _, response = _tables(client, spent.actor)
    html = response.content.decode()
    assert "<bar-chart" in html and "vendor/dsfr-chart/BarChart/BarChart.js" in html
    chart = response.context["charts"]["annees"]
    assert chart["x"] == '[["2024"]]'
    assert chart["y"] == "[[80000000], [550000], [120000]]"
    assert "Investissements productifs" in response.context["charts"]["types"]["x"]


def test_reviewer_of_region_84_sees_only_its_envelopes_and_commitments(client, spent):
    reviewer = user_with_role(Role.REGION_REVIEWER, region_code="84")
    tables, response = _tables(client, reviewer)
    assert set(tables["regions"]) == {"84"}
    assert tables["types"][INVESTMENTS].allocated == euros(1_000_000)  # its région envelope, not the national one
    assert tables["types"][INVESTMENTS].committed == euros(300_000)
    assert [row.label for row in tables["territoires"].values()] == ["Ain industriel (ti-8401)"]
    html = response.content.decode()
    assert "Nouveau Jura" not in html and "Bourgogne-Franche-Comté (" not in html


def test_departement_reviewer_sees_only_its_departement_envelopes(client, spent):
    reviewer = user_with_role(Role.DEPARTEMENT_REVIEWER, departement_code="01")
    tables, _ = _tables(client, reviewer)
    assert tables["territoires"] == {} and tables["regions"] == {}


@pytest.mark.parametrize("role", [Role.TERRITORY_TEAM])
def test_territory_team_may_not_follow_the_budget(client, spent, role):
    client.force_login(user_with_role(role, phase_slug="2023-2027", territory_code="ti-8401"))
    assert client.get(URL).status_code == 403


def test_filters_by_year_action_type_and_region(client, spent):
    tables, _ = _tables(client, spent.actor, "?year=2024&action_type=investissements&region=27")
    assert set(tables["types"]) == {INVESTMENTS}
    assert (tables["types"][INVESTMENTS].allocated, tables["types"][INVESTMENTS].committed) == (
        euros(1_000_000),
        euros(200_000),
    )
    assert set(tables["regions"]) == {"27"}
    budget_year(2025, actor=spent.actor)
    tables, response = _tables(client, spent.actor, "?year=2025")
    assert tables["annees"][2025].committed == 0 and 2024 not in tables["annees"]
    assert 'href="/espace/budget/export.csv?year=2025"' in response.content.decode()


def test_invalid_filter_is_shown_and_left_out(client, spent):
    client.force_login(spent.actor)
    response = client.get(URL + "?year=1999&action_type=inconnu")
    assert response.status_code == 400
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert response.context["filters"].year is None


def test_demo_data_is_flagged(client, spent):
    _, response = _tables(client, spent.actor)
    assert not response.context["has_demo"]
    Commitment.objects.filter(pk=spent.b.pk).update(is_demo=True)
    _, response = _tables(client, spent.actor)
    assert response.context["has_demo"] and 'id="demo-badge"' in response.content.decode()


def _count(client, query=""):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL + query)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("role", ["national", "region_84"])
def test_queries_do_not_grow_with_commitments_territories_and_years(client, spent, role):
    user = spent.actor if role == "national" else user_with_role(Role.REGION_REVIEWER, region_code="84")
    client.force_login(user)
    before = [_count(client), _count(client, "?year=2024&region=84")]
    grow()  # two more territories (ti-8402 in région 84, ti-2701 bis in 27)
    tree = budget_year(2025, actor=spent.actor)
    for code in ("ti-8401", "ti-8402", "ti-2701"):
        region = "27" if code == "ti-2701" else "84"
        for amount in (1_000, 2_000):
            c = commit(tree.regions[INVESTMENTS, region], spent.actor, amount, code, on=D(2025, 4, 1))
            c.pay(actor=spent.actor, amount=euros(500), paid_on=D(2025, 5, 1))
    assert [_count(client), _count(client, "?year=2024&region=84")] == before
    assert before[0] <= 13  # session, user, roles, régions, years, envelopes, 2 × 2 sums, territories, DSFR ×2


def test_years_are_printed_without_a_thousands_separator(client, people, tree):
    client.force_login(people["anct"])
    html = client.get(URL, {"year": 2024}).content.decode()
    assert "Année 2024." in html
    assert re.search(r'<option value="2024" selected>2024</option>', html)
