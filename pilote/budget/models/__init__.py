"""Steering the 100 M€ a year: envelopes of commitment and payment appropriations (AE/CP) delegated down a tree
(programme → action type → région → département), commitments with their co-financing, payments, the parameters of
the rules and the territories designated for Rebond industriel.

Money is `Decimal` in euros. What an envelope has given away (sub-envelopes, commitments, payments) is kept on the
envelope itself (`ae_used`, `cp_used`) and moved by single UPDATEs under a CHECK constraint (`used <= amount`): no
interleaving of concurrent writers can overspend an envelope, the database refuses it. The locked read made before
each UPDATE (`Envelope.objects.lock`) serialises writers on PostgreSQL and lets the refusal be explained in French.
Lock order, to keep concurrent writers free of deadlocks: envelopes from the top of the tree down, then commitments.
"""

from .commitments import COMMITMENT_FIELDS, CoFinancing, Commitment, CommitmentQuerySet, Payment
from .envelopes import MONEY, ZERO, Envelope, EnvelopeQuerySet, RuleBroken
from .rules import Parameters, ShockDesignation
from .scenarios import Scenario, ScenarioFixedAmount, ScenarioLine

__all__ = [
    "COMMITMENT_FIELDS",
    "MONEY",
    "ZERO",
    "CoFinancing",
    "Commitment",
    "CommitmentQuerySet",
    "Envelope",
    "EnvelopeQuerySet",
    "Parameters",
    "Payment",
    "RuleBroken",
    "Scenario",
    "ScenarioFixedAmount",
    "ScenarioLine",
    "ShockDesignation",
]
