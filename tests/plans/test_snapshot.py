import datetime
import json
from decimal import Decimal

from pilote.plans.snapshot import diff_snapshots, governance_snapshot, plan_snapshot
from pilote.territories.models import CommitteeMember, ProjectLead

from .factories import FicheFactory, FunderFactory, IndicatorFactory, governance, territory


def test_plan_snapshot_holds_every_field_funder_and_indicator_and_is_json(mini_world):
    fiche = FicheFactory(territory=territory())
    FunderFactory(fiche=fiche)
    IndicatorFactory(fiche=fiche)
    snapshot = plan_snapshot(territory())
    data = snapshot["fiches"][str(fiche.pk)]
    assert data["title"] == fiche.title
    assert data["total_cost"] == "120000.00"
    assert data["started_on"] == "2024-01-01"
    assert data["funders"] == [{"organisation": "Banque des Territoires", "amount": "40000.00", "is_secured": True}]
    assert data["indicators"][0]["measured_on"] == "2025-06-30"
    assert json.loads(json.dumps(snapshot)) == snapshot


def test_plan_snapshot_of_another_territory_is_empty(mini_world):
    FicheFactory(territory=territory())
    assert plan_snapshot(territory("ti-2701")) == {"fiches": {}}


def test_diff_names_fiches_added_removed_and_fields_modified(mini_world):
    kept, gone = FicheFactory(territory=territory()), FicheFactory(territory=territory())
    before, gone_id = plan_snapshot(territory()), str(gone.pk)
    gone.delete()
    kept.status = "realisee"
    kept.save()
    FunderFactory(fiche=kept)
    new = FicheFactory(territory=territory(), title="Nouvelle fiche")
    diff = diff_snapshots(before, plan_snapshot(territory()))
    assert [f["id"] for f in diff["fiches"]["added"]] == [str(new.pk)]
    assert [f["id"] for f in diff["fiches"]["removed"]] == [gone_id]
    [modified] = diff["fiches"]["modified"]
    assert modified["fields"] == {"status": ["en_cours", "realisee"]}
    assert modified["funders"]["added"][0]["organisation"] == "Banque des Territoires"
    assert diff["has_changes"]


def test_diff_of_identical_snapshots_has_no_changes(mini_world):
    FicheFactory(territory=territory())
    governance(territory())
    snap = {**plan_snapshot(territory()), **governance_snapshot(territory())}
    assert diff_snapshots(snap, snap)["has_changes"] is False


def test_diff_from_nothing_adds_everything(mini_world):
    FicheFactory(territory=territory())
    diff = diff_snapshots({}, plan_snapshot(territory()))
    assert len(diff["fiches"]["added"]) == 1


def test_governance_diff_shows_new_chef_de_projet_and_committee_change(mini_world):
    t = territory()
    governance(t)
    before = governance_snapshot(t)
    ProjectLead.objects.filter(territory=t).update(ended_on=datetime.date(2025, 1, 31))
    ProjectLead.objects.create(
        territory=t, name="Hugo Blanc", employer="CA Beta", started_on=datetime.date(2025, 2, 1), full_time_share=1
    )
    CommitteeMember.objects.create(territory=t, name="Nina Faure", organisation="Région")
    after = governance_snapshot(t)
    assert [lead["name"] for lead in after["chefs_de_projet"]] == ["Hugo Blanc", "Léa Petit"]
    diff = diff_snapshots(before, after)["governance"]
    assert diff["chef_de_projet"]["name"] == ["Léa Petit", "Hugo Blanc"]
    assert diff["chef_de_projet"]["full_time_share"] == ["0.80", "1.00"]
    assert diff["committee"]["added"] == [{"name": "Nina Faure", "organisation": "Région", "role": ""}]
    assert json.dumps(diff)


def test_decimal_values_compare_as_strings(mini_world):
    fiche = FicheFactory(territory=territory(), total_cost=Decimal("10"))
    assert plan_snapshot(territory())["fiches"][str(fiche.pk)]["total_cost"] == "10.00"


def test_snapshots_take_a_constant_number_of_queries(mini_world, django_assert_num_queries):
    t = territory()
    governance(t)
    for _ in range(25):
        fiche = FicheFactory(territory=t)
        FunderFactory(fiche=fiche)
        IndicatorFactory(fiche=fiche)
    with django_assert_num_queries(3):
        assert len(plan_snapshot(t)["fiches"]) == 25
    with django_assert_num_queries(4):
        governance_snapshot(t)
