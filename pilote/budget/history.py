"""The audit trail of envelopes, commitments and parameters, in French (amounts in euros)."""

from decimal import Decimal

from pilote.core.formats import day
from pilote.core.history import Vocabulary, field_labels

from .enums import ActionType, CofinancerKind, CommitmentStatus, EnvelopeLevel, Sector, SkillsKind
from .models import Commitment, Envelope, Parameters
from .money import euros


def _money(value) -> str:
    return euros(Decimal(str(value)), cents=True)


def _cofinancing(lines) -> str:
    kinds = dict(CofinancerKind.choices)
    return " ; ".join(f"{kinds.get(k, k)} {f} {euros(Decimal(a))}".strip() for k, f, a in lines)


MONEY_FIELDS = ("amount", "paid_amount", "ae_amount", "cp_amount", "project_lead_yearly_cap")
VOCABULARY = Vocabulary(
    actions={
        "budget.year_open": "Ouverture de l'année",
        "budget.envelope_delegate": "Délégation",
        "budget.envelope_amounts": "Montants modifiés",
        "budget.commitment_create": "Engagement créé (proposé)",
        "budget.commitment_commit": "Engagé",
        "budget.commitment_cancel": "Annulé",
        "budget.commitment_change": "Engagement modifié",
        "budget.payment": "Paiement",
        "budget.parameters": "Paramètres modifiés",
        "budget.scenario_create": "Scénario créé",
        "budget.scenario_change": "Scénario modifié",
        "budget.scenario_apply": "Scénario appliqué",
        "budget.shock_designate": "Désignation « choc industriel »",
        "budget.shock_end": "Fin de la désignation « choc industriel »",
    },
    labels=field_labels(
        Commitment,
        Envelope,
        Parameters,
        territory="Territoire",
        cofinancing="Cofinancements",
        payment="Paiement",
        territory_id="Territoire",
        decided_on="Décidé le",
        decision="Décision",
        reason="Motif",
        ended_on="Fin le",
        applied_at="Appliqué le",
        envelopes="Enveloppes",
        lines="Lignes",
        fragility_method="Version de l'indice de fragilité",
        alert="Alerte à l'origine",
        events="Événements déclarés",
    ),
    choices={
        "status": dict(CommitmentStatus.choices),
        "level": dict(EnvelopeLevel.choices),
        "action_type": dict(ActionType.choices),
        "sector": dict(Sector.choices),
        "skills_kind": dict(SkillsKind.choices),
    },
    formats={
        "cofinancing": _cofinancing,
        **dict.fromkeys(MONEY_FIELDS, _money),
        **dict.fromkeys(("decided_on", "ended_on", "applied_at"), day),
    },
)
history = VOCABULARY.history
