"""The demo budget on the tests' tiny France: three years through the model's own methods, every rule holding, every
row flagged as a demonstration, and a second run writes nothing."""

import pytest
from django.db.models import Sum

from pilote.budget import demo
from pilote.budget.consistency import inconsistencies
from pilote.budget.enums import ActionType, CommitmentStatus, EnvelopeLevel
from pilote.budget.models import CoFinancing, Commitment, Envelope, Payment, ShockDesignation
from pilote.core import registry
from pilote.core.models import AuditEvent
from pilote.plans import demo as plans_demo
from pilote.shell import demo as shell_demo


@pytest.fixture
def seeded(mini_world, settings, monkeypatch):
    settings.DEMO_MODE = True
    monkeypatch.setattr(registry, "demo_seeds", list)
    shell_demo.seed(log=lambda message: None)  # the demo accounts (demo-anct acts)
    plans_demo.seed()  # fiches the skills commitments link to
    return demo.seed(log=lambda message: None)


def counts() -> tuple:
    models = (Envelope, Commitment, CoFinancing, Payment, ShockDesignation, AuditEvent)
    return tuple(model.objects.count() for model in models)


def test_a_second_run_writes_nothing(seeded):
    before = counts()
    messages = []
    assert demo.seed(log=messages.append) == 0
    assert counts() == before
    assert "déjà ouverte" in messages[0]


def test_the_stored_used_amounts_equal_what_the_tree_gave(seeded):
    assert seeded == Commitment.objects.count() > 0
    assert inconsistencies() == []
    for envelope in Envelope.objects.exclude(level=EnvelopeLevel.DEPARTEMENT):
        assert envelope.ae_used <= envelope.ae_amount and envelope.cp_used <= envelope.cp_amount


def test_three_years_of_100_meur_split_between_the_four_action_types(seeded):
    programmes = Envelope.objects.filter(level=EnvelopeLevel.PROGRAMME).order_by("year")
    assert [(p.year, p.ae_amount) for p in programmes] == [(y, demo.YEARS[y][0]) for y in (2023, 2024, 2025)]
    assert [p.cp_amount for p in programmes] == [demo.YEARS[y][1] for y in (2023, 2024, 2025)]
    for year in (2023, 2024, 2025):
        national = Envelope.objects.filter(year=year, level=EnvelopeLevel.NATIONAL)
        assert set(national.values_list("action_type", flat=True)) == set(ActionType.values)
        assert national.aggregate(total=Sum("ae_amount"))["total"] == demo.YEARS[year][0]
    regions = set(Envelope.objects.filter(level=EnvelopeLevel.REGION).values_list("region_code", flat=True))
    assert regions == {"84", "27"}


def test_every_row_is_flagged_and_labelled_as_a_demonstration(seeded):
    assert not Envelope.objects.filter(is_demo=False).exists()
    assert not Commitment.objects.filter(is_demo=False).exists()
    assert not ShockDesignation.objects.filter(is_demo=False).exists()
    assert all(c.label.endswith("(démo)") and c.beneficiary_name.endswith("(démo)") for c in Commitment.objects.all())
    assert all(e.label.endswith("(démo)") for e in Envelope.objects.exclude(level=EnvelopeLevel.PROGRAMME))
    assert not Commitment.objects.exclude(beneficiary_siren="").exists()


def test_one_chef_de_projet_per_territory_and_year_under_the_cap_with_the_epci(seeded):
    leads = Commitment.objects.committed().filter(action_type=ActionType.PROJECT_LEADS)
    assert sorted(leads.values_list("territory__code", "year")) == sorted(
        (code, year) for code in ("ti-2701", "ti-8401") for year in (2023, 2024, 2025)
    )
    for lead in leads.prefetch_related("cofinancing"):
        epci = sum(line.amount for line in lead.cofinancing.all() if line.kind == "epci")
        assert lead.amount <= 40_000 and epci >= lead.amount


def test_rebond_only_for_designated_territories_and_proposals_in_2025(seeded):
    rebond = Commitment.objects.filter(action_type=ActionType.REBOND).select_related("territory")
    assert rebond.exists()
    designated = {d.territory_id: d.decided_on for d in ShockDesignation.objects.all()}
    assert all(c.territory_id in designated and c.decided_on >= designated[c.territory_id] for c in rebond)
    proposals = Commitment.objects.filter(status=CommitmentStatus.PROPOSED)
    assert proposals.exists() and set(proposals.values_list("year", flat=True)) == {2025}
    investments = Commitment.objects.filter(action_type=ActionType.INVESTMENTS)
    assert not investments.filter(sector="").exists()
    assert Commitment.objects.filter(action_type=ActionType.SKILLS, fiche__isnull=False).exists()


def test_payments_follow_their_commitments_and_the_cp_of_their_year(seeded):
    assert Payment.objects.filter(paid_on__year=2024, commitment__year=2023).exists()  # second tranches
    for payment in Payment.objects.select_related("commitment", "envelope"):
        assert payment.envelope.year == payment.paid_on.year and payment.paid_on >= payment.commitment.decided_on
        assert payment.envelope.action_type == payment.commitment.action_type
