"""Recount what every envelope has given away and compare with its stored `ae_used` / `cp_used`.

The stored amounts are denormalised (see ADR 0002); this is how the tests, the demo and the benchmark prove they equal
the sums they stand for. Four aggregate queries, whatever the number of envelopes.
"""

from collections import defaultdict
from decimal import Decimal

from django.db.models import F, Sum

from .enums import CofinancerKind, CommitmentStatus
from .models import CoFinancing, Commitment, Envelope, Payment

ZERO = Decimal("0.00")


def recount() -> dict[int, tuple[Decimal, Decimal]]:
    """envelope pk → (AE given away, CP given away), recomputed from children, commitments and payments."""
    ae: dict[int, Decimal] = defaultdict(lambda: ZERO)
    cp: dict[int, Decimal] = defaultdict(lambda: ZERO)
    children = (
        Envelope.objects.filter(parent__isnull=False)
        .values("parent")
        .annotate(ae=Sum("ae_amount"), cp=Sum("cp_amount"))
    )
    for row in children:
        ae[row["parent"]] += row["ae"]
        cp[row["parent"]] += row["cp"]
    committed = (
        Commitment.objects.filter(status=CommitmentStatus.COMMITTED).values("envelope").annotate(total=Sum("amount"))
    )
    for row in committed:
        ae[row["envelope"]] += row["total"]
    for row in Payment.objects.values("envelope").annotate(total=Sum("amount")):
        cp[row["envelope"]] += row["total"]
    return {pk: (ae[pk], cp[pk]) for pk in Envelope.objects.values_list("pk", flat=True)}


def inconsistencies() -> list[str]:
    """Envelopes whose stored used amounts differ from the recount, and commitments whose paid amount or co-financing
    sums differ from their payments or lines, or whose région is not their envelope's — in words.
    Empty when everything holds."""
    counted = recount()
    problems = [
        f"{envelope}: stored AE {envelope.ae_used} / CP {envelope.cp_used}, "
        f"counted {counted[envelope.pk][0]} / {counted[envelope.pk][1]}"
        for envelope in Envelope.objects.all()
        if (envelope.ae_used, envelope.cp_used) != counted[envelope.pk]
    ]
    paid = dict(Payment.objects.values("commitment").annotate(total=Sum("amount")).values_list("commitment", "total"))
    problems += [
        f"commitment {pk}: stored paid {stored}, counted {paid.get(pk, ZERO)}"
        for pk, stored in Commitment.objects.values_list("pk", "paid_amount")
        if stored != paid.get(pk, ZERO)
    ]
    misplaced = Commitment.objects.exclude(region_code=F("envelope__region_code")).values_list("pk", "region_code")
    problems += [f"commitment {pk}: région {region!r}, not its envelope's" for pk, region in misplaced]
    return problems + _cofinancing_inconsistencies()


def _cofinancing_inconsistencies() -> list[str]:
    """Commitments whose stored co-financing sums differ from their lines."""
    lines: dict[int, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
    for pk, kind, amount in CoFinancing.objects.values_list("commitment", "kind", "amount"):
        lines[pk][0 if kind == CofinancerKind.STATE else 1] += amount
    stored = Commitment.objects.values_list("pk", "cofinancing_state", "cofinancing_partners")
    return [
        f"commitment {pk}: stored co-financing {state} / {partners}, counted {lines[pk][0]} / {lines[pk][1]}"
        for pk, state, partners in stored
        if [state, partners] != lines[pk]
    ]
