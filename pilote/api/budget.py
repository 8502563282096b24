"""The programme's money, public: envelopes (AE/CP) by year, action type and place; committed commitments (proposed
and cancelled ones are internal) with their co-financing; what a territory and a beneficiary received.

Official codes only (année, type d'action, code région/département, phase and ti-RRNN code, SIREN), never internal
ids. Amounts are euros (numbers with cents). An unknown action type, région, phase or territory is a 404 with its
reason; a malformed parameter a 422.
"""

from datetime import date
from typing import Annotated

from django.conf import settings
from ninja import Field, Router, Schema
from ninja.errors import HttpError

from pilote.budget.dashboard import CommitmentFilter, territory_money
from pilote.budget.enums import ActionType, EnvelopeLevel
from pilote.budget.models import Commitment, Envelope
from pilote.territories.figures import region_names
from pilote.territories.models import Phase

from .schemas import Error, InvalidInput, PhaseSlug, TerritoryCode, Year
from .territories import get_territory

router = Router(tags=["budget"])

NOT_FOUND = {404: Error, 422: InvalidInput}
Euros = Annotated[float, Field(description="Euros", examples=[150000.0])]
SirenParam = Annotated[str, Field(pattern=r"^[0-9]{9}$", json_schema_extra={"example": "200000001"})]
ACTION_TYPE_DOC = "Type d'action : " + ", ".join(f"{value} ({label})" for value, label in ActionType.choices)


# --- schemas -----------------------------------------------------------------------------------------------------


class EnvelopeOut(Schema):
    year: int
    level: str = Field(description="programme, national, region or departement")
    action_type: str = Field(description="Empty for the programme's total")
    action_type_label: str
    region: str
    region_name: str
    departement: str
    ae_amount: Euros = Field(description="Autorisations d'engagement (€)")
    cp_amount: Euros = Field(description="Crédits de paiement (€)")
    ae_used: Euros = Field(description="AE delegated to sub-envelopes or committed (€)")
    cp_used: Euros = Field(description="CP delegated to sub-envelopes or paid (€)")
    is_demo: bool


class EnvelopeList(Schema):
    count: int
    envelopes: list[EnvelopeOut]


class CoFinancingOut(Schema):
    kind: str
    kind_label: str
    funder: str
    amount: Euros


class CommitmentOut(Schema):
    year: int
    action_type: str
    action_type_label: str
    envelope_level: str = Field(description="national, region or departement: the envelope drawn on")
    region: str = Field(description="Région of the envelope drawn on (empty for a national envelope)")
    region_name: str
    departement: str = Field(description="Département of the envelope drawn on, if any")
    phase: str
    territory: str = Field(description="Territory code (ti-RRNN)")
    territory_name: str
    label: str
    beneficiary_name: str
    beneficiary_siren: str
    amount: Euros = Field(description="Amount committed (AE, €)")
    paid_amount: Euros
    decided_on: date
    sector: str
    skills_kind: str
    cofinancing: list[CoFinancingOut]
    is_demo: bool


class CommitmentPage(Schema):
    count: int = Field(description="Commitments matching the filters")
    limit: int
    offset: int
    commitments: list[CommitmentOut]


class MoneyRow(Schema):
    year: int
    action_type: str
    action_type_label: str
    committed: Euros
    paid: Euros
    cofinancing_state: Euros = Field(description="State euros: commitments and other State credits (€)")
    cofinancing_partners: Euros = Field(description="Partners' euros (€)")
    leverage: float | None = Field(description="Partners' euros per State euro")
    count: int


class TerritoryBudget(Schema):
    phase: str
    code: str
    name: str
    committed: Euros
    paid: Euros
    cofinancing_partners: Euros
    has_demo: bool = Field(description="Some figures come from demonstration data")
    rows: list[MoneyRow]


class BeneficiaryOut(Schema):
    siren: str
    names: list[str]
    committed: Euros
    paid: Euros
    count: int
    commitments: list[CommitmentOut]


# --- checks ------------------------------------------------------------------------------------------------------


def _filters(
    year: int | None, action_type: str | None, region: str | None, regions: dict[str, str]
) -> CommitmentFilter:
    if action_type and action_type not in ActionType.values:
        raise HttpError(404, f"Type d'action inconnu : {action_type} (valeurs : {', '.join(ActionType.values)})")
    if region and region not in regions:
        raise HttpError(404, f"Région inconnue : {region}")
    return CommitmentFilter(year, action_type or "", region or "")


# --- answers --------------------------------------------------------------------------------------------------------


def _envelope_out(envelope: Envelope, regions: dict[str, str]) -> dict:
    return {
        "year": envelope.year,
        "level": envelope.level,
        "action_type": envelope.action_type,
        "action_type_label": envelope.get_action_type_display(),
        "region": envelope.region_code,
        "region_name": regions.get(envelope.region_code, ""),
        "departement": envelope.departement_code,
        "ae_amount": envelope.ae_amount,
        "cp_amount": envelope.cp_amount,
        "ae_used": envelope.ae_used,
        "cp_used": envelope.cp_used,
        "is_demo": envelope.is_demo,
    }


def _commitment_out(c: Commitment, regions: dict[str, str]) -> dict:
    return {
        "year": c.year,
        "action_type": c.action_type,
        "action_type_label": c.get_action_type_display(),
        "envelope_level": c.envelope.level,
        "region": c.region_code,
        "region_name": regions.get(c.region_code, ""),
        "departement": c.envelope.departement_code,
        "phase": c.territory.phase.slug,
        "territory": c.territory.code,
        "territory_name": c.territory.name,
        "label": c.label,
        "beneficiary_name": c.beneficiary_name,
        "beneficiary_siren": c.beneficiary_siren,
        "amount": c.amount,
        "paid_amount": c.paid_amount,
        "decided_on": c.decided_on,
        "sector": c.sector,
        "skills_kind": c.skills_kind,
        "cofinancing": [
            {"kind": x.kind, "kind_label": x.get_kind_display(), "funder": x.funder, "amount": x.amount}
            for x in c.cofinancing.all()
        ],
        "is_demo": c.is_demo,
    }


def _public_commitments():
    """Committed commitments only: proposed and cancelled ones are internal."""
    return (
        Commitment.objects.committed()
        .select_related("territory__phase", "envelope")
        .prefetch_related("cofinancing")
        .order_by("-year", "territory__code", "decided_on", "pk")
    )


@router.get(
    "/budget/envelopes",
    response={200: EnvelopeList, **NOT_FOUND},
    summary="Enveloppes budgétaires",
    description=(
        "Les enveloppes du programme par année (autorisations d'engagement et crédits de paiement) : le total"
        " de l'année, chaque type d'action au niveau national et leurs délégations aux régions et "
        "départements, avec ce qui en a été délégué ou engagé."
    ),
)
def budget_envelopes(
    request,
    year: Year | None = None,
    action_type: Annotated[str | None, Field(description=ACTION_TYPE_DOC)] = None,
    region: Annotated[str | None, Field(description="Code région (its départements' envelopes included)")] = None,
):
    """The envelopes of the programme (total of the year), of each action type nationally, and their delegations to
    régions and départements, with their AE and CP and what they have delegated, committed or paid."""
    regions = region_names(settings.DEFAULT_EDITION)
    filters = _filters(year, action_type, region, regions)
    envelopes = filters.envelopes(Envelope.objects.all())
    if not (filters.action_type or filters.region):  # the programme's total has neither
        programme = Envelope.objects.filter(level=EnvelopeLevel.PROGRAMME, **({"year": year} if year else {}))
        envelopes = envelopes | programme
    rows = [_envelope_out(e, regions) for e in envelopes.order_by("year", "level", "action_type", "region_code")]
    return {"count": len(rows), "envelopes": rows}


@router.get(
    "/budget/commitments",
    response={200: CommitmentPage, **NOT_FOUND},
    summary="Engagements",
    description=(
        "Les engagements confirmés (les engagements proposés ou annulés sont internes) avec leurs "
        "cofinancements et les paiements, de l'année la plus récente à la plus ancienne, par pages (`limit`, "
        "`offset`). Un `territory` demande sa `phase`."
    ),
)
def budget_commitments(
    request,
    year: Year | None = None,
    action_type: Annotated[str | None, Field(description=ACTION_TYPE_DOC)] = None,
    region: Annotated[str | None, Field(description="Code région of the envelope drawn on")] = None,
    phase: PhaseSlug | None = None,
    territory: TerritoryCode | None = None,
    siren: SirenParam | None = None,
    limit: Annotated[int, Field(ge=1, le=500)] = 100,
    offset: Annotated[int, Field(ge=0, le=1_000_000_000)] = 0,
):
    """Committed commitments (engagements) with their co-financing and what was paid, newest year first. `territory`
    needs its `phase` (a code names a territory within a phase)."""
    regions = region_names(settings.DEFAULT_EDITION)
    commitments = _filters(year, action_type, region, regions).commitments(_public_commitments())
    if territory:
        if not phase:
            raise HttpError(404, f"Territoire {territory} : indiquez aussi sa phase (paramètre « phase »).")
        commitments = commitments.filter(territory=get_territory(phase, territory))
    elif phase:
        if not Phase.objects.filter(slug=phase).exists():
            raise HttpError(404, f"Phase inconnue : {phase}")
        commitments = commitments.filter(territory__phase__slug=phase)
    if siren:
        commitments = commitments.filter(beneficiary_siren=siren)
    page = [_commitment_out(c, regions) for c in commitments[offset : offset + limit]]
    return {"count": commitments.count(), "limit": limit, "offset": offset, "commitments": page}


@router.get(
    "/budget/beneficiaries/{siren}",
    response={200: BeneficiaryOut, **NOT_FOUND},
    summary="Un bénéficiaire (SIREN)",
    description=(
        "Ce qu'un bénéficiaire, désigné par son SIREN, a reçu du programme : ses engagements confirmés, quel "
        "que soit le territoire."
    ),
)
def budget_beneficiary(request, siren: SirenParam):
    """What a beneficiary received: its committed commitments, whatever the territory."""
    commitments = list(_public_commitments().filter(beneficiary_siren=siren))
    if not commitments:
        raise HttpError(404, f"Aucun engagement public pour le SIREN {siren}")
    regions = region_names(settings.DEFAULT_EDITION)
    return {
        "siren": siren,
        "names": sorted({c.beneficiary_name for c in commitments}),
        "committed": sum(c.amount for c in commitments),
        "paid": sum(c.paid_amount for c in commitments),
        "count": len(commitments),
        "commitments": [_commitment_out(c, regions) for c in commitments],
    }


@router.get(
    "/phases/{phase}/territories/{code}/budget",
    response={200: TerritoryBudget, **NOT_FOUND},
    summary="Les financements du programme d'un territoire",
    description=(
        "Engagé et payé par année et par type d'action pour un territoire (engagements confirmés seulement), "
        "avec les cofinancements."
    ),
)
def territory_budget(request, phase: PhaseSlug, code: TerritoryCode):
    """Committed and paid by year and action type (committed commitments only), with the co-financing."""
    found = get_territory(phase, code)
    money = territory_money(found)
    return {
        "phase": found.phase.slug,
        "code": found.code,
        "name": found.name,
        "committed": money.total.committed,
        "paid": money.total.paid,
        "cofinancing_partners": money.total.partners,
        "has_demo": money.has_demo,
        "rows": [
            {
                "year": row.key[0],
                "action_type": row.key[1],
                "action_type_label": row.label,
                "committed": row.committed,
                "paid": row.paid,
                "cofinancing_state": row.state,
                "cofinancing_partners": row.partners,
                "leverage": row.leverage,
                "count": row.count,
            }
            for row in money.rows
        ],
    }
