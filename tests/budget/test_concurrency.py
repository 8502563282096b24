"""Concurrent writers never overspend: threads, each on its own database connection, released together by a barrier,
all try to draw on the same money; exactly as many succeed as fit, the others get `RuleBroken`, and what the
envelope has given away equals what was committed or paid.

Runs in every `make test`: on SQLite against a file copy of the test database (`threads_database`, tests/race.py),
where writers wait for each other's IMMEDIATE transactions; on PostgreSQL (row locks and CHECK constraints under
real concurrency) in its pass (PILOTE_TEST_POSTGRES=1, as in CI).
"""

import datetime
from decimal import Decimal

import pytest
from django.db.models import Sum

from pilote.budget.consistency import inconsistencies
from pilote.budget.enums import ActionType, CofinancerKind, Sector
from pilote.budget.models import Commitment, Envelope, Parameters, Payment, RuleBroken

from ..race import THREADS, race
from .factories import euros, territory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("threads_database")]

DECIDED_ON = datetime.date(2024, 3, 1)
PAID_ON = datetime.date(2024, 6, 1)


def outcomes(results) -> tuple[list, list]:
    """(successes, refusals); anything else (deadlock, lock error, timeout) fails the test."""
    unexpected = [r for r in results if isinstance(r, Exception) and not isinstance(r, RuleBroken)]
    assert not unexpected, unexpected
    return [r for r in results if not isinstance(r, Exception)], [r for r in results if isinstance(r, RuleBroken)]


def fresh(envelope) -> Envelope:
    return Envelope.objects.get(pk=envelope.pk)


def commit_in_thread(envelope_pk: int, actor, amount, *, code="ti-8401", lines=(), **fields):
    """What a thread prepares before the barrier: its envelope and territory, read on its own connection."""
    envelope, place = Envelope.objects.get(pk=envelope_pk), territory(code)
    return lambda: Commitment.objects.create_for(
        envelope,
        actor=actor,
        territory=place,
        amount=euros(amount),
        label="Aide concurrente",
        beneficiary_name="Entreprise fictive",
        lines=lines,
        commit_on=DECIDED_ON,
        **fields,
    )


def committed_total(envelope) -> Decimal:
    return Commitment.objects.committed().filter(envelope=envelope).aggregate(total=Sum("amount"))["total"] or 0


def test_concurrent_commitments_never_overspend_the_region_envelope(tree, actor):
    region = tree.regions[ActionType.INVESTMENTS, "84"]  # 1 M€: three commitments of 300 000 € fit, not four
    results = race(lambda i: commit_in_thread(region.pk, actor, 300_000, sector=Sector.BIKE))
    successes, refusals = outcomes(results)
    assert (len(successes), len(refusals)) == (3, THREADS - 3)
    assert all("dépasse l'enveloppe" in str(r) or "contrôle de la base" in str(r) for r in refusals)
    after = fresh(region)
    assert after.ae_used == committed_total(region) == euros(900_000) <= after.ae_amount
    assert Commitment.objects.count() == 3  # a refused commitment leaves no proposed row behind
    assert inconsistencies() == []  # every stored used amount equals the recount


def test_concurrent_payments_on_different_commitments_never_overspend_the_cp(tree, actor):
    region = tree.regions[ActionType.INVESTMENTS, "84"]
    commitments = [commit_in_thread(region.pk, actor, 100_000)() for _ in range(THREADS)]
    region = fresh(region)
    region.set_amounts(
        actor=actor, ae=region.ae_amount, cp=euros(250_000), revision=region.revision
    )  # two payments fit
    results = race(lambda i: lambda: commitments[i].pay(actor=actor, amount=euros(100_000), paid_on=PAID_ON))
    successes, refusals = outcomes(results)
    assert (len(successes), len(refusals)) == (2, THREADS - 2)
    paid = Payment.objects.aggregate(total=Sum("amount"))["total"]
    assert fresh(region).cp_used == paid == euros(200_000)
    assert Commitment.objects.aggregate(total=Sum("paid_amount"))["total"] == paid
    assert inconsistencies() == []  # every stored used amount equals the recount


def test_concurrent_payments_on_one_commitment_never_exceed_it(tree, actor):
    region = tree.regions[ActionType.INVESTMENTS, "84"]
    commitment = commit_in_thread(region.pk, actor, 500_000)()  # the CP (1 M€) are not the limit here

    def pay(i):
        mine = Commitment.objects.get(pk=commitment.pk)
        return lambda: mine.pay(actor=actor, amount=euros(200_000), paid_on=PAID_ON)

    successes, refusals = outcomes(race(pay))
    assert (len(successes), len(refusals)) == (2, THREADS - 2)
    assert Commitment.objects.get(pk=commitment.pk).paid_amount == euros(400_000) == fresh(region).cp_used
    assert Payment.objects.count() == 2
    assert inconsistencies() == []  # every stored used amount equals the recount


def test_concurrent_project_leads_on_two_envelopes_respect_the_yearly_cap(tree, actor):
    """ti-8401 lies in régions 84 and 27: writers on both envelopes race for its 40 000 € yearly cap."""
    Parameters.current()  # created beforehand: its first get_or_create would serialise the writers by itself
    envelopes = [tree.regions[ActionType.PROJECT_LEADS, "84"], tree.regions[ActionType.PROJECT_LEADS, "27"]]
    epci = [(CofinancerKind.EPCI, "CC Alpha", euros(25_000))]
    results = race(lambda i: commit_in_thread(envelopes[i % 2].pk, actor, 25_000, lines=epci))
    successes, refusals = outcomes(results)
    # One 25 000 € post fits under 40 000 €, two do not, even when each is drawn on another région's envelope.
    assert (len(successes), len(refusals)) == (1, THREADS - 1)
    assert all("plafond annuel" in str(r) for r in refusals)
    total = sum((fresh(e).ae_used for e in envelopes), Decimal(0))
    assert total == Commitment.objects.committed().aggregate(total=Sum("amount"))["total"] == euros(25_000)
    assert inconsistencies() == []  # every stored used amount equals the recount


def test_the_database_check_alone_refuses_concurrent_overspending(tree):
    """Raw `use` calls, no locked read, no rule in Python: the CHECK constraint is the last line of defence."""
    region = tree.regions[ActionType.SKILLS, "84"]  # 1 M€ in AE and in CP
    results = race(lambda i: lambda: Envelope.objects.use(region.pk, ae=euros(300_000), cp=euros(300_000)))
    successes, refusals = outcomes(results)
    assert (len(successes), len(refusals)) == (3, THREADS - 3)
    assert all("contrôle de la base" in str(r) for r in refusals)
    after = fresh(region)
    assert (after.ae_used, after.cp_used) == (euros(900_000), euros(900_000))
