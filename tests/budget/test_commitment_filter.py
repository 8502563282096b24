"""One meaning of a commitment's région — the région of the envelope it draws on, empty on a national envelope — and
one filter (`CommitmentFilter`, the same parameter names) on the commitments list, the dashboard, the exports and the
API. Before, the list filtered on a copy that took the territory's région for national envelopes, so the list and
the dashboard showed different commitments for the same région."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from pilote.budget.dashboard import CommitmentFilter
from pilote.budget.enums import ActionType
from pilote.budget.models import Commitment

from .test_dashboard import spend


@pytest.fixture
def spent(mini_world):
    spending = spend()
    for letter in "abcde":  # a distinct label each, to compare what each page shows
        Commitment.objects.filter(pk=getattr(spending, letter).pk).update(label=f"Aide {letter}")
    return spending


def _committed_on_the_list(client, query) -> set[str]:
    response = client.get(reverse("budget:commitments") + query + "&status=engage")
    assert response.status_code == 200
    return {c.label for c in response.context["page"].object_list}


def _committed_in_the_csv(client, query) -> set[str]:
    response = client.get(reverse("budget:export_csv") + query)
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    return {row["objet"] for row in rows if row["statut"] == "Engagé"}


def _committed_in_the_api(client, query) -> set[str]:
    response = client.get("/api/budget/commitments" + query)
    assert response.status_code == 200
    return {c["label"] for c in response.json()["commitments"]}


def _dashboard_committed(client, query) -> tuple[Decimal, int]:
    response = client.get(reverse("budget:dashboard") + query)
    assert response.status_code == 200
    total = next(t for t in response.context["tables"] if t.slug == "territoires").total
    return total.committed, total.count


@pytest.mark.parametrize(("region", "expected"), [("84", {"Aide a"}), ("27", {"Aide b"})])
def test_the_same_region_filter_gives_the_same_commitments_on_the_four_pages(client, spent, region, expected):
    client.force_login(spent.actor)
    query = f"?year=2024&region={region}"
    # d draws on the national envelope for ti-2701 (région 27): it belongs to no région, on every page.
    assert _committed_on_the_list(client, query) == expected
    assert _committed_in_the_csv(client, query) == expected
    assert _committed_in_the_api(client, query) == expected
    amounts = {"Aide a": Decimal(300_000), "Aide b": Decimal(200_000)}
    assert _dashboard_committed(client, query) == (sum(amounts[label] for label in expected), len(expected))


def test_a_commitment_on_a_national_envelope_has_no_region(spent):
    assert Commitment.objects.get(pk=spent.d.pk).region_code == ""
    assert Commitment.objects.get(pk=spent.a.pk).region_code == "84"


def test_the_filter_reads_the_same_names_and_writes_them_back(spent):
    found = CommitmentFilter(year=2024, action_type=ActionType.SKILLS, region="")
    assert set(found.commitments(Commitment.objects.all())) == {
        Commitment.objects.get(pk=spent.c.pk),
        Commitment.objects.get(pk=spent.d.pk),
    }
    assert found.query() == "year=2024&action_type=competences"


def test_the_recount_names_a_commitment_whose_region_is_not_its_envelopes(spent):
    from pilote.budget.consistency import inconsistencies

    assert inconsistencies() == []
    Commitment.objects.filter(pk=spent.d.pk).update(region_code="27")  # the old copy: the territory's région
    assert inconsistencies() == [f"commitment {spent.d.pk}: région '27', not its envelope's"]


def test_the_migration_gives_saved_commitments_their_envelopes_region(spent):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("pilote.budget.migrations.0005_commitment_region_is_the_envelopes")
    Commitment.objects.filter(pk=spent.d.pk).update(region_code="27")  # saved before: the territory's région
    migration.envelope_region(apps, None)
    assert Commitment.objects.get(pk=spent.d.pk).region_code == ""
    assert Commitment.objects.get(pk=spent.b.pk).region_code == "27"
    migration.territory_region(apps, None)  # backwards
    assert Commitment.objects.get(pk=spent.d.pk).region_code == "27"
