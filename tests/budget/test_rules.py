"""The budget rules, on the model: no overspend at any level, payments within commitments, chefs de projet's ceiling
and cap, Rebond industriel only for designated territories. Each refusal writes nothing."""

import datetime
from decimal import Decimal

import pytest

from pilote.budget.enums import ActionType, CofinancerKind, CommitmentStatus, Sector
from pilote.budget.models import Commitment, Envelope, Parameters, Payment, RuleBroken, ShockDesignation
from pilote.core.models import AuditEvent
from pilote.core.versioning import EditConflict

from .factories import budget_year, euros, territory

D = datetime.date
MARCH_1ST = D(2024, 3, 1)


def commit(envelope, actor, amount, *, code="ti-8401", on=MARCH_1ST, lines=(), **fields):
    fields.setdefault("label", "Aide")
    fields.setdefault("beneficiary_name", "Entreprise")
    return Commitment.objects.create_for(
        envelope, actor=actor, territory=territory(code), amount=euros(amount), lines=lines, commit_on=on, **fields
    )


def fresh(envelope) -> Envelope:
    return Envelope.objects.get(pk=envelope.pk)


def test_delegations_use_the_parent_and_never_exceed_it(tree, actor):
    national = fresh(tree.national[ActionType.INVESTMENTS])
    assert national.ae_used == euros(2_000_000)  # two régions of 1 M€
    assert fresh(tree.programme).ae_used == euros(80_000_000)  # four action types of 20 M€
    region = tree.regions[ActionType.SKILLS, "84"]
    with pytest.raises(RuleBroken, match="il reste 1.000.000 € en autorisations"):
        region.delegate(actor=actor, ae=euros(1_000_001), cp=euros(1), departement_code="01")
    with pytest.raises(RuleBroken, match="il reste 1.000.000 € en crédits de paiement"):
        region.delegate(actor=actor, ae=euros(1), cp=euros(1_000_001), departement_code="01")
    assert not Envelope.objects.filter(departement_code="01").exists()


def test_a_sub_envelope_cannot_be_delegated_twice(tree, actor):
    with pytest.raises(RuleBroken, match="existe déjà"):
        tree.national[ActionType.SKILLS].delegate(actor=actor, ae=euros(1), cp=euros(1), region_code="84")


def test_a_departement_envelope_must_lie_in_its_region(tree, actor):
    region = tree.regions[ActionType.SKILLS, "84"]
    with pytest.raises(RuleBroken, match="n'est pas dans la région 84"):
        region.delegate(actor=actor, ae=euros(1), cp=euros(1), departement_code="39")
    dep = region.delegate(actor=actor, ae=euros(300_000), cp=euros(300_000), departement_code="01")
    assert (dep.region_code, dep.departement_code, dep.level) == ("84", "01", "departement")
    assert fresh(region).ae_remaining == euros(700_000)


def test_commitment_beyond_the_remaining_envelope_is_refused_and_writes_nothing(tree, actor):
    region = tree.regions[ActionType.INVESTMENTS, "84"]
    commit(region, actor, 900_000, sector=Sector.BIKE)
    events = AuditEvent.objects.count()
    with pytest.raises(RuleBroken, match="il reste 100.000 € en autorisations d'engagement, 100.001 € demandés"):
        commit(region, actor, 100_001, sector=Sector.TEXTILE)
    assert Commitment.objects.count() == 1
    assert fresh(region).ae_used == euros(900_000)
    assert AuditEvent.objects.count() == events


def test_the_database_itself_refuses_an_overspent_envelope(tree):
    region = tree.regions[ActionType.INVESTMENTS, "84"]
    with pytest.raises(RuleBroken, match="contrôle de la base"):
        Envelope.objects.use(region.pk, ae=euros(1_000_001))
    assert fresh(region).ae_used == 0


def test_an_envelope_cannot_go_below_what_it_gave_nor_above_its_parent(tree, actor):
    region = fresh(tree.regions[ActionType.INVESTMENTS, "84"])
    commit(region, actor, 600_000)
    with pytest.raises(RuleBroken, match="ne peut descendre en dessous"):
        region.set_amounts(actor=actor, ae=euros(500_000), cp=euros(1_000_000), revision=region.revision)
    with pytest.raises(RuleBroken, match="Cette augmentation dépasse"):
        region.set_amounts(actor=actor, ae=euros(19_000_001), cp=euros(1_000_000), revision=region.revision)
    region.set_amounts(actor=actor, ae=euros(2_000_000), cp=euros(1_000_000), revision=region.revision)
    assert fresh(tree.national[ActionType.INVESTMENTS]).ae_used == euros(3_000_000)


def test_changing_amounts_from_a_stale_version_is_refused(tree, actor):
    region = fresh(tree.regions[ActionType.SKILLS, "84"])
    other = fresh(region)
    region.set_amounts(actor=actor, ae=euros(1_500_000), cp=euros(1_000_000), revision=region.revision)
    with pytest.raises(EditConflict, match="modifiée entre-temps"):
        other.set_amounts(actor=actor, ae=euros(500_000), cp=euros(1_000_000), revision=other.revision)
    assert fresh(region).ae_amount == euros(1_500_000)


def test_proposals_use_nothing_until_committed_and_cancelling_gives_the_money_back(tree, actor):
    region = tree.regions[ActionType.SKILLS, "84"]
    proposal = Commitment.objects.create_for(
        region, actor=actor, territory=territory(), amount=euros(400_000), label="École", beneficiary_name="École"
    )
    assert proposal.status == CommitmentStatus.PROPOSED and fresh(region).ae_used == 0
    proposal.commit(actor=actor, decided_on=D(2024, 5, 2))
    assert fresh(region).ae_used == euros(400_000)
    with pytest.raises(RuleBroken, match="ne peut être engagé"):
        proposal.commit(actor=actor, decided_on=D(2024, 5, 2))
    proposal.cancel(actor=actor)
    assert fresh(region).ae_used == 0
    actions = list(
        AuditEvent.objects.filter(object_type="budget.commitment", object_id=str(proposal.pk)).values_list(
            "action", flat=True
        )
    )
    assert set(actions) == {"budget.commitment_create", "budget.commitment_commit", "budget.commitment_cancel"}


def test_decision_must_fall_in_the_envelope_year(tree, actor):
    with pytest.raises(RuleBroken, match="doit tomber en 2024"):
        commit(tree.regions[ActionType.SKILLS, "84"], actor, 10, on=D(2025, 1, 2))


def test_territory_outside_the_envelope_region_is_refused(tree, actor):
    with pytest.raises(RuleBroken, match="n'est pas dans le périmètre"):
        commit(tree.regions[ActionType.SKILLS, "84"], actor, 10, code="ti-2701")
    # ti-8401 crosses into the Jura: région 27's envelope may fund it.
    assert commit(tree.regions[ActionType.SKILLS, "27"], actor, 10).region_code == "27"


def test_payments_never_exceed_the_commitment_and_draw_the_cp_of_their_year(tree, actor):
    region = tree.regions[ActionType.INVESTMENTS, "84"]
    c = commit(region, actor, 300_000)
    c.pay(actor=actor, amount=euros(200_000), paid_on=D(2024, 6, 1))
    with pytest.raises(RuleBroken, match="il reste 100.000 € à payer, 100.001 € demandés"):
        c.pay(actor=actor, amount=euros(100_001), paid_on=D(2024, 7, 1))
    with pytest.raises(RuleBroken, match="Aucune enveloppe 2025"):
        c.pay(actor=actor, amount=euros(1), paid_on=D(2025, 2, 1))
    budget_year(2025, actor=actor)
    c.pay(actor=actor, amount=euros(100_000), paid_on=D(2025, 2, 1))
    assert Commitment.objects.get(pk=c.pk).paid_amount == euros(300_000)
    assert fresh(region).cp_used == euros(200_000)
    assert Envelope.objects.get(year=2025, region_code="84", action_type=ActionType.INVESTMENTS).cp_used == euros(
        100_000
    )
    with pytest.raises(RuleBroken, match="ne peut être annulé"):
        c.cancel(actor=actor)


def test_a_payment_beyond_the_year_cp_is_refused(tree, actor):
    region = tree.regions[ActionType.INVESTMENTS, "84"]
    Envelope.objects.filter(pk=region.pk).update(cp_amount=euros(50_000))
    c = commit(region, actor, 300_000)
    with pytest.raises(RuleBroken, match="il reste 50.000 € en crédits de paiement"):
        c.pay(actor=actor, amount=euros(60_000), paid_on=D(2024, 6, 1))
    assert not Payment.objects.exists()


def test_payment_before_the_decision_is_refused(tree, actor):
    c = commit(tree.regions[ActionType.INVESTMENTS, "84"], actor, 100, on=D(2024, 6, 1))
    with pytest.raises(RuleBroken, match="précéder la décision"):
        c.pay(actor=actor, amount=euros(10), paid_on=D(2024, 5, 1))


def test_project_lead_state_share_is_capped(tree, actor):
    region = tree.regions[ActionType.PROJECT_LEADS, "84"]
    with pytest.raises(RuleBroken, match="part de l'État .* serait de 60,0.%, au-delà du plafond de 50,0.%"):
        commit(region, actor, 30_000, lines=[(CofinancerKind.EPCI, "CC Alpha", euros(20_000))])
    c = commit(region, actor, 30_000, lines=[(CofinancerKind.EPCI, "CC Alpha", euros(30_000))])
    assert c.status == CommitmentStatus.COMMITTED


def test_project_lead_share_counts_other_state_money_as_state(tree, actor):
    lines = [(CofinancerKind.EPCI, "CC Alpha", euros(30_000)), (CofinancerKind.STATE, "DETR", euros(10_000))]
    with pytest.raises(RuleBroken, match="57,1.%"):
        commit(tree.regions[ActionType.PROJECT_LEADS, "84"], actor, 30_000, lines=lines)


def test_project_lead_yearly_cap_is_per_territory_whichever_envelope_pays(tree, actor):
    epci = [(CofinancerKind.EPCI, "CC Alpha", euros(100_000))]
    commit(tree.regions[ActionType.PROJECT_LEADS, "84"], actor, 30_000, lines=epci)
    with pytest.raises(RuleBroken, match="déjà 30.000 € engagés .* plafond annuel de 40.000 €"):
        commit(tree.regions[ActionType.PROJECT_LEADS, "27"], actor, 10_001, lines=epci)
    commit(tree.national[ActionType.PROJECT_LEADS], actor, 10_000, lines=epci)


def test_anct_changes_the_parameters_and_the_rules_follow(tree, actor):
    Parameters.objects.filter(pk=Parameters.current().pk).update(project_lead_yearly_cap=euros(60_000))
    epci = [(CofinancerKind.EPCI, "CC Alpha", euros(100_000))]
    region = tree.regions[ActionType.PROJECT_LEADS, "84"]
    assert commit(region, actor, 55_000, lines=epci).status == CommitmentStatus.COMMITTED  # above the former 40 000 €
    with pytest.raises(RuleBroken, match="déjà 55.000 € engagés .* plafond annuel de 60.000 €"):
        commit(region, actor, 5_001, lines=epci)
    assert commit(region, actor, 5_000, lines=epci).status == CommitmentStatus.COMMITTED


def test_rebond_only_for_a_territory_designated_on_the_decision_date(tree, actor):
    region = tree.regions[ActionType.REBOND, "84"]
    with pytest.raises(RuleBroken, match="choc industriel au 01/03/2024"):
        commit(region, actor, 100_000)
    ShockDesignation.objects.create(
        territory=territory(), decided_on=D(2024, 4, 1), decision="Comité du 1er avril 2024", decided_by=actor
    )
    with pytest.raises(RuleBroken, match="choc industriel"):
        commit(region, actor, 100_000)  # still before the designation
    assert commit(region, actor, 100_000, on=D(2024, 4, 2)).status == CommitmentStatus.COMMITTED


def test_sector_only_for_investments(tree, actor):
    with pytest.raises(RuleBroken, match="filière"):
        commit(tree.regions[ActionType.SKILLS, "84"], actor, 10, sector=Sector.BIKE)


def test_editing_a_committed_commitment_moves_the_difference_and_checks_the_version(tree, actor):
    region = tree.regions[ActionType.INVESTMENTS, "84"]
    c = commit(region, actor, 300_000)
    c.change(actor=actor, revision=c.revision, values={"amount": euros("500000.00")}, lines=[])
    assert fresh(region).ae_used == euros(500_000)
    with pytest.raises(EditConflict):
        c.change(actor=actor, revision=c.revision - 1, values={"amount": euros(1)}, lines=[])
    with pytest.raises(RuleBroken, match="Cette augmentation dépasse"):
        c.change(actor=actor, revision=c.revision, values={"amount": euros(1_000_001)}, lines=[])
    assert fresh(region).ae_used == euros(500_000)
    event = AuditEvent.objects.filter(action="budget.commitment_change").get()
    assert event.changes["amount"] == ["300000.00", "500000.00"] and event.actor == actor


def test_money_is_written_in_french():
    from pilote.budget.money import euros as fmt

    assert fmt(Decimal("1234567.5")) == "1\u202f234\u202f568 €"
    assert fmt(Decimal("1234567.5"), cents=True) == "1\u202f234\u202f567,50 €"


def test_stored_used_amounts_equal_the_recount_after_every_kind_of_operation(tree, actor):
    from pilote.budget.consistency import inconsistencies

    region = tree.regions[ActionType.INVESTMENTS, "84"]
    c = commit(region, actor, 300_000)
    c.pay(actor=actor, amount=euros(100_000), paid_on=D(2024, 6, 1))
    c.change(actor=actor, revision=c.revision, values={"amount": euros("250000.00")}, lines=[])
    commit(region, actor, 10).cancel(actor=actor)
    region.delegate(actor=actor, ae=euros(1_000), cp=euros(1_000), departement_code="01")
    assert inconsistencies() == []
    Envelope.objects.filter(pk=region.pk).update(ae_used=euros(1))  # a drift is reported
    assert len(inconsistencies()) == 1


def test_the_history_reads_sectors_and_kinds_in_french():
    from pilote.budget.history import VOCABULARY

    assert VOCABULARY.text("sector", Sector.BIKE) == "Vélo"
    assert VOCABULARY.text("skills_kind", "ecole_production") == "École de production"
    assert VOCABULARY.text("amount", "90000.00") == "90\u202f000,00 €"
