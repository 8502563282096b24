"""Demo budget 2023–2025 over the real phase-2 territories: envelopes, commitments with their co-financing,
payments, Rebond industriel designations, and a few 2025 proposals. Called by `seed_demo` in demo mode, after the demo
accounts exist (it acts as `demo-anct`).

The figures are DEMO FIGURES, not ANCT's: 100 M€ of AE a year (CP 60 M€ in 2023, 85 M€ in 2024, 95 M€ in 2025), split
8 % chefs de projet (183 posts under the 40 000 € yearly cap), 55 % investissements productifs, 12 % Rebond industriel,
25 % compétences; 95 % of each action type is delegated to the régions in proportion to their territories (for Rebond,
to their designated territories), 5 % stays national. Every row goes through the model's own methods (`open_year`,
`delegate`, `Commitment.objects.create_for`, `pay`), so every rule holds and every change is audited. Everything is
`is_demo`, every label ends with « (démo) », beneficiaries are fictitious and have no SIREN. Deterministic (seeded
random) and idempotent: when any of the three years is already open, nothing is written.
"""

import datetime
import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal

from django.conf import settings
from django.db import transaction

from pilote.core.models import User
from pilote.plans.enums import Priority
from pilote.plans.models import FicheAction
from pilote.territories.models import Territory

from .enums import ActionType, CofinancerKind, EnvelopeLevel, Sector, SkillsKind
from .models import Commitment, Envelope, ShockDesignation

PHASE = "2023-2027"
DEMO = " (démo)"
M = Decimal(1_000_000)
YEARS = {2023: (100 * M, 60 * M), 2024: (100 * M, 85 * M), 2025: (100 * M, 95 * M)}  # year → (AE, CP)
SHARES = {
    ActionType.PROJECT_LEADS: Decimal("0.08"),
    ActionType.INVESTMENTS: Decimal("0.55"),
    ActionType.REBOND: Decimal("0.12"),
    ActionType.SKILLS: Decimal("0.25"),
}
DELEGATED = Decimal("0.95")
FILL = {2023: Decimal("0.94"), 2024: Decimal("0.90"), 2025: Decimal("0.62")}  # share of a région's AE committed
FIRST_TRANCHE = Decimal("0.45")  # paid the year of the decision; the rest the next year, as far as the CP allow
DESIGNATED = {2023: 6, 2024: 4}  # Rebond industriel: territories designated each year (first the lowest codes)
PROPOSAL_EVERY = 9  # one 2025 investment proposal (not committed) every nth territory

SECTORS = {
    "27": [Sector.WATCHMAKING, Sector.METALWORK, Sector.AUTOMOTIVE, Sector.WOOD],
    "84": [Sector.TEXTILE, Sector.BIKE, Sector.PLASTICS, Sector.METALWORK, Sector.WATCHMAKING],
    "32": [Sector.TEXTILE, Sector.AUTOMOTIVE, Sector.AGRIFOOD, Sector.METALWORK],
    "44": [Sector.TEXTILE, Sector.WOOD, Sector.AUTOMOTIVE, Sector.CHEMISTRY],
    "76": [Sector.AERONAUTICS, Sector.AGRIFOOD, Sector.TEXTILE],
    "75": [Sector.AERONAUTICS, Sector.WOOD, Sector.AGRIFOOD, Sector.BIKE],
    "52": [Sector.BIKE, Sector.AGRIFOOD, Sector.AERONAUTICS],
    "53": [Sector.AGRIFOOD, Sector.AUTOMOTIVE, Sector.BIKE],
    "28": [Sector.AGRIFOOD, Sector.CHEMISTRY, Sector.AERONAUTICS],
    "24": [Sector.HEALTH, Sector.CHEMISTRY, Sector.AGRIFOOD],
    "11": [Sector.HEALTH, Sector.AERONAUTICS, Sector.AUTOMOTIVE],
    "93": [Sector.AERONAUTICS, Sector.CHEMISTRY, Sector.AGRIFOOD],
}
OTHER_SECTORS = [Sector.AGRIFOOD, Sector.WOOD, Sector.METALWORK, Sector.OTHER]
PROJECTS = {
    Sector.BIKE: "Ligne d'assemblage de cadres de vélo",
    Sector.TEXTILE: "Modernisation d'un atelier de tissage",
    Sector.WATCHMAKING: "Décolletage de précision pour l'horlogerie",
    Sector.AGRIFOOD: "Nouvelle ligne de conditionnement",
    Sector.AERONAUTICS: "Centre d'usinage 5 axes pour pièces aéronautiques",
    Sector.AUTOMOTIVE: "Reconversion d'une ligne d'équipements automobiles",
    Sector.WOOD: "Séchoir et ligne de rabotage de scierie",
    Sector.CHEMISTRY: "Réduction des solvants d'un atelier de chimie fine",
    Sector.METALWORK: "Four de traitement thermique bas carbone",
    Sector.PLASTICS: "Presse à injecter pour plastique recyclé",
    Sector.HEALTH: "Salle blanche pour dispositifs médicaux",
    Sector.OTHER: "Robotisation d'un atelier de production",
}
FIRMS = ["Ateliers", "Manufacture", "Forges", "Fabrique", "Usinage", "Compagnie industrielle", "Établissements"]
PLACES = ["du Val Fleuri", "des Trois Rivières", "de la Combe", "du Haut Plateau", "des Coteaux", "de l'Étang Neuf"]
SKILLS = {
    SkillsKind.PRODUCTION_SCHOOL: ("Ouverture d'une école de production", "École de production"),
    SkillsKind.TECHNICAL_PLATFORM: ("Plateau technique partagé", "Campus des métiers"),
}
OTHER_FUNDERS = ["Bpifrance", "Banque des Territoires", "Fonds européens (FEDER)"]


def seed(*, log=print) -> int:
    """Seed the demo budget if none of its years is open; returns the number of commitments written."""
    if not settings.DEMO_MODE:
        raise RuntimeError("Le mode démonstration n'est pas activé (PILOTE_DEMO=1).")
    if Envelope.objects.filter(level=EnvelopeLevel.PROGRAMME, year__in=YEARS).exists():
        log("Budget de démonstration : une année 2023–2025 est déjà ouverte, rien n'est écrit.")
        return 0
    actor = User.objects.filter(username="demo-anct").first()
    if actor is None:
        raise RuntimeError("Les comptes de démonstration manquent (demo-anct) : lancez d'abord seed_demo.")
    territories = list(
        Territory.objects.filter(phase__slug=PHASE, withdrawn_on=None).select_related("phase").order_by("code")
    )
    with transaction.atomic():
        budget = DemoBudget(actor, territories)
        for year in YEARS:
            budget.seed_year(year)
    log(
        f"Budget de démonstration : {len(YEARS)} années, {budget.commitments} engagement(s), "
        f"{budget.payments} paiement(s), {len(budget.designated)} territoire(s) désigné(s) Rebond industriel."
    )
    return budget.commitments


@dataclass
class Planned:
    """A commitment to make: its weight shares the région's envelope among the commitments of its kind."""

    territory: Territory
    weight: Decimal
    fields: dict
    lines: list = field(default_factory=list)  # (kind, funder, share of the amount)


@dataclass
class DemoBudget:
    actor: User
    territories: list
    designated: dict = field(default_factory=dict)  # territory pk → date of designation
    envelopes: dict = field(default_factory=dict)  # (year, action type, région) → envelope
    cp_left: dict = field(default_factory=dict)  # envelope pk → CP not yet paid (the demo is the only writer)
    to_pay: list = field(default_factory=list)  # (commitment, amount) for the next year
    commitments: int = 0
    payments: int = 0

    def __post_init__(self):
        """A skills fiche of each territory's action plan (from the plans' demo), linked to its skills commitment."""
        fiches = FicheAction.objects.filter(territory__in=self.territories, priority=Priority.SKILLS).order_by("-pk")
        self.fiches = {fiche.territory_id: fiche for fiche in fiches}  # the first one wins

    # --- envelopes ---
    def seed_year(self, year: int) -> None:
        self.designate(year)
        ae, cp = YEARS[year]
        programme = Envelope.objects.open_year(year=year, ae=ae, cp=cp, actor=self.actor, is_demo=True)
        for action_type, share in SHARES.items():
            self.delegate(programme, action_type, ae * share, cp * share)
        self.pay_remainders(year)
        rng = random.Random(f"budget-demo/{year}")
        for action_type in SHARES:
            self.commit_all(year, action_type, rng)
        if year == max(YEARS):
            self.propose(year, rng)

    def delegate(self, programme: Envelope, action_type: str, ae: Decimal, cp: Decimal) -> None:
        label = f"{ActionType(action_type).label} {programme.year}{DEMO}"
        national = programme.delegate(
            actor=self.actor, ae=ae, cp=cp, action_type=action_type, label=label, is_demo=True
        )
        counts = self.territory_counts(action_type)
        total = sum(counts.values())
        for region_code, count in sorted(counts.items()):
            part = DELEGATED * count / total
            envelope = national.delegate(
                actor=self.actor,
                ae=whole(ae * part),
                cp=whole(cp * part),
                region_code=region_code,
                label=f"{label[: -len(DEMO)]} – région {region_code}{DEMO}",
                is_demo=True,
            )
            self.envelopes[programme.year, action_type, region_code] = envelope
            self.cp_left[envelope.pk] = envelope.cp_amount

    def territory_counts(self, action_type: str) -> Counter:
        territories = self.territories
        if action_type == ActionType.REBOND:
            territories = [t for t in territories if t.pk in self.designated]
        return Counter(t.region_code for t in territories)

    def designate(self, year: int) -> None:
        """Designate the next territories for Rebond industriel, on 1 February of `year`."""
        decided_on = datetime.date(year, 2, 1)
        candidates = [t for t in self.territories if t.pk not in self.designated][::7]
        for territory in candidates[: DESIGNATED.get(year, 0)]:
            ShockDesignation.objects.create(
                territory=territory,
                decided_on=decided_on,
                decision=f"Comité national Territoires d'industrie du {decided_on:%d/%m/%Y}{DEMO}",
                reason="Fermeture d'un site industriel majeur et plan de sauvegarde de l'emploi (fictif, démo).",
                decided_by=self.actor,
                is_demo=True,
            )
            self.designated[territory.pk] = decided_on

    # --- commitments ---
    def commit_all(self, year: int, action_type: str, rng: random.Random) -> None:
        """Plan the commitments of an action type, then share each région's envelope among them."""
        planned = defaultdict(list)
        for territory in self.territories:
            for item in self.plan(action_type, territory, rng):
                planned[territory.region_code].append(item)
        for region_code, items in sorted(planned.items()):
            envelope = self.envelopes.get((year, action_type, region_code))
            if envelope is not None:
                self.commit_region(envelope, items, year, rng)

    def plan(self, action_type: str, territory: Territory, rng: random.Random) -> list[Planned]:
        if action_type == ActionType.PROJECT_LEADS:
            return [self.project_lead(territory, rng)]
        if action_type == ActionType.INVESTMENTS:
            return [self.investment(territory, rng) for _ in range(rng.choice([1, 1, 2]))]
        if action_type == ActionType.SKILLS:
            return [self.skills(territory, rng)] if rng.random() < 0.5 else []
        return [self.rebond(territory)] if territory.pk in self.designated else []

    def project_lead(self, territory: Territory, rng: random.Random) -> Planned:
        epci = f"Intercommunalité de {territory.name}"
        # A fixed amount (not a weight): at most 40 000 €, with at least as much from the intercommunality.
        amount = Decimal(rng.randrange(24_000, 40_001, 1_000))
        lines = [(CofinancerKind.EPCI, epci, Decimal(rng.choice(["1.00", "1.10", "1.25", "1.50"])))]
        fields = {
            "label": f"Poste de chef de projet Territoires d'industrie{DEMO}",
            "beneficiary_name": f"{epci}{DEMO}",
        }
        return Planned(territory, -amount, fields, lines)

    def investment(self, territory: Territory, rng: random.Random) -> Planned:
        sector = rng.choice(SECTORS.get(territory.region_code, OTHER_SECTORS))
        firm = f"{rng.choice(FIRMS)} {rng.choice(PLACES)}"
        lines = [(CofinancerKind.REGION, f"Région {territory.region_code}", Decimal(rng.choice(["0.20", "0.30"])))]
        if rng.random() < 0.4:
            lines.append((CofinancerKind.OTHER, rng.choice(OTHER_FUNDERS), Decimal("0.50")))
        if rng.random() < 0.3:
            lines.append((CofinancerKind.EPCI, f"Intercommunalité de {territory.name}", Decimal("0.10")))
        fields = {"label": f"{PROJECTS[sector]}{DEMO}", "beneficiary_name": f"{firm}{DEMO}", "sector": sector}
        return Planned(territory, Decimal(rng.randint(2, 12)), fields, lines)

    def skills(self, territory: Territory, rng: random.Random) -> Planned:
        kind = rng.choice(list(SKILLS))
        label, who = SKILLS[kind]
        lines = [(CofinancerKind.REGION, f"Région {territory.region_code}", Decimal("0.40"))]
        if rng.random() < 0.5:
            lines.append((CofinancerKind.EPCI, f"Intercommunalité de {territory.name}", Decimal("0.15")))
        fields = {
            "label": f"{label}{DEMO}",
            "beneficiary_name": f"{who} {rng.choice(PLACES)}{DEMO}",
            "skills_kind": kind,
            "fiche": self.fiches.get(territory.pk),
        }
        return Planned(territory, Decimal(rng.randint(2, 6)), fields, lines)

    def rebond(self, territory: Territory) -> Planned:
        fields = {
            "label": f"Rebond industriel : reprise du site et reconversion des salariés{DEMO}",
            "beneficiary_name": f"Repreneur du site de {territory.name}{DEMO}",
        }
        lines = [
            (CofinancerKind.REGION, f"Région {territory.region_code}", Decimal("0.25")),
            (CofinancerKind.OTHER, "Bpifrance", Decimal("0.35")),
        ]
        return Planned(territory, Decimal(1), fields, lines)

    def commit_region(self, envelope: Envelope, items: list[Planned], year: int, rng: random.Random) -> None:
        budget = envelope.ae_amount * FILL[year]
        weights = sum((item.weight for item in items if item.weight > 0), Decimal(0))
        for item in items:
            # A negative weight is a fixed amount (chefs de projet); the others share the région's envelope.
            amount = -item.weight if item.weight < 0 else hundreds(budget * item.weight / weights)
            decided_on = self.decision_date(item.territory, year, rng)
            self.commit(envelope, item, amount, decided_on)

    def decision_date(self, territory: Territory, year: int, rng: random.Random) -> datetime.date:
        earliest = max(datetime.date(year, 2, 15), self.designated.get(territory.pk, datetime.date(year, 1, 1)))
        return earliest + datetime.timedelta(days=rng.randrange(0, 240))

    def commit(self, envelope: Envelope, item: Planned, amount: Decimal, decided_on: datetime.date) -> None:
        lines = [(kind, funder, hundreds(amount * share)) for kind, funder, share in item.lines]
        commitment = Commitment.objects.create_for(
            envelope,
            actor=self.actor,
            territory=item.territory,
            amount=amount,
            lines=lines,
            commit_on=decided_on,
            is_demo=True,
            **item.fields,
        )
        self.commitments += 1
        # Paid 75 days after the decision (all of a chef de projet's post, the first tranche of the others), or
        # next year for decisions of the autumn.
        first = amount if item.weight < 0 else hundreds(amount * FIRST_TRANCHE)
        paid_on = decided_on + datetime.timedelta(days=75)
        paid = self.pay(commitment, envelope, first, paid_on) if paid_on.year == decided_on.year else Decimal(0)
        if paid < amount:
            self.to_pay.append((commitment, amount - paid))

    def propose(self, year: int, rng: random.Random) -> None:
        """A few investments proposed for `year`, not yet committed: they use nothing."""
        for territory in self.territories[::PROPOSAL_EVERY]:
            envelope = self.envelopes.get((year, ActionType.INVESTMENTS, territory.region_code))
            item = self.investment(territory, rng)
            Commitment.objects.create_for(
                envelope,
                actor=self.actor,
                territory=territory,
                amount=Decimal(rng.randrange(60_000, 400_001, 10_000)),
                lines=[(kind, funder, Decimal(10_000)) for kind, funder, _ in item.lines],
                is_demo=True,
                **item.fields,
            )
            self.commitments += 1

    # --- payments ---
    def pay(self, commitment: Commitment, envelope: Envelope, amount: Decimal, paid_on: datetime.date) -> Decimal:
        """Pay what the CP of the envelope of `paid_on`'s year still allow; returns what was paid."""
        source = self.envelopes.get((paid_on.year, envelope.action_type, envelope.region_code))
        amount = min(amount, self.cp_left[source.pk]) if source is not None else Decimal(0)
        if amount <= 0:
            return Decimal(0)
        reference = f"DP-{paid_on.year}-{self.payments + 1:05d}"
        commitment.pay(actor=self.actor, amount=amount, paid_on=paid_on, reference=reference)
        self.cp_left[source.pk] -= amount
        self.payments += 1
        return amount

    def pay_remainders(self, year: int) -> None:
        """The second tranche of last year's commitments, in the spring."""
        waiting, self.to_pay = self.to_pay, []
        for n, (commitment, amount) in enumerate(waiting):
            paid_on = datetime.date(year, 3, 1) + datetime.timedelta(days=n % 90)
            self.pay(commitment, commitment.envelope, amount, paid_on)


def whole(amount: Decimal) -> Decimal:
    return amount.quantize(Decimal(1), rounding=ROUND_DOWN)


def hundreds(amount: Decimal) -> Decimal:
    return (amount / 100).quantize(Decimal(1), rounding=ROUND_DOWN) * 100
