"""Demo data: plausible action plans and governance for the phase-2 territories. Called by `seed_demo` when the
demo mode is on; idempotent (a territory that already has a plan or a binôme is left alone); every text says it is
a demonstration, and names are fictitious."""

import datetime
import random
from decimal import Decimal

from django.db import transaction

from pilote.territories.models import Binome, CommitteeMember, Partner, ProjectLead, Territory

from .enums import FicheStatus, Priority
from .models import FicheAction, Funder, Indicator

PHASE = "2023-2027"
DEMO = "Donnée de démonstration, fictive."
TITLES = {
    Priority.SKILLS: [
        "Créer une école de production aux métiers de l'usinage",
        "Campus des métiers : plateau technique partagé",
        "Forum annuel de l'emploi industriel",
        "Logement des alternants et des nouveaux salariés",
        "Découverte des métiers de l'industrie dans les collèges",
        "GPEC territoriale des PME industrielles",
    ],
    Priority.TRANSITION: [
        "Réseau de chaleur alimenté par la chaleur fatale des usines",
        "Écologie industrielle et territoriale sur la zone d'activités",
        "Diagnostics énergie des PME industrielles",
        "Boucle locale d'hydrogène bas carbone",
        "Mutualisation de la gestion des déchets industriels",
        "Autoconsommation collective photovoltaïque",
    ],
    Priority.INNOVATION: [
        "Plateforme d'innovation en fabrication additive",
        "Accompagnement des PME vers l'industrie 4.0",
        "Accélérateur de start-up industrielles",
        "Démonstrateur de robotique collaborative",
        "Club d'entreprises innovation et design",
    ],
    Priority.LAND: [
        "Requalification d'une friche industrielle",
        "Inventaire du foncier économique disponible",
        "Extension de la zone d'activités en sobriété foncière",
        "Densification des parcs d'activités existants",
        "Stratégie foncière industrielle intercommunale",
    ],
}
FUNDERS = ["Banque des Territoires", "Bpifrance", "Région", "ADEME", "Intercommunalité", "Fonds européens (FEDER)"]
LEADERS = [
    "Intercommunalité",
    "CCI",
    "Agence de développement économique",
    "Syndicat mixte",
    "Association d'entreprises",
]
FIRST = ["Camille", "Dominique", "Claude", "Alix", "Sacha", "Morgane", "Yann", "Nadia", "Louis", "Inès"]
LAST = ["Martin", "Bernard", "Lefèvre", "Garnier", "Rousseau", "Fontaine", "Chevalier", "Perrin", "Lambert", "Mercier"]


def _name(rng: random.Random) -> str:
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


def _fiches(territory: Territory, rng: random.Random) -> None:
    count = rng.randint(5, 25)
    fiches = []
    for n in range(count):
        priority = rng.choice(list(Priority))
        start = datetime.date(2023 + rng.randint(0, 3), rng.randint(1, 12), 1)
        fiches.append(
            FicheAction(
                territory=territory,
                title=f"{rng.choice(TITLES[priority])} ({n + 1})",
                description=f"Action du plan de {territory.name}. {DEMO}",
                priority=priority,
                status=rng.choice(list(FicheStatus)),
                lead_organisation=rng.choice(LEADERS),
                started_on=start,
                ended_on=start + datetime.timedelta(days=365 * rng.randint(1, 4)),
                total_cost=Decimal(rng.randint(2, 200) * 10_000),
            )
        )
    FicheAction.objects.bulk_create(fiches)
    funders, indicators = [], []
    for fiche in fiches:
        for organisation in rng.sample(FUNDERS, rng.randint(1, 3)):
            share = Decimal(rng.randint(10, 40)) / 100
            funders.append(
                Funder(
                    fiche=fiche,
                    organisation=organisation,
                    amount=fiche.total_cost * share,
                    is_secured=rng.random() < 0.6,
                )
            )
        target = rng.randint(5, 100)
        indicators.append(
            Indicator(
                fiche=fiche,
                name="Entreprises accompagnées" if rng.random() < 0.5 else "Emplois créés ou maintenus",
                unit="nombre",
                target=target,
                value=rng.randint(0, target),
                measured_on=datetime.date(2025, 12, 31),
            )
        )
    Funder.objects.bulk_create(funders)
    Indicator.objects.bulk_create(indicators)


def _governance(territory: Territory, rng: random.Random) -> None:
    Binome.objects.create(
        territory=territory,
        elected_name=_name(rng),
        elected_function="Président·e de l'intercommunalité (démo)",
        elected_organisation=f"Intercommunalité de {territory.name}",
        industrialist_name=_name(rng),
        industrialist_company=f"Entreprise fictive de {territory.name} (démo)",
    )
    ProjectLead.objects.create(
        territory=territory,
        name=_name(rng),
        employer=f"Intercommunalité de {territory.name}",
        started_on=datetime.date(2023, 9, 1),
        ended_on=datetime.date(2024, 12, 31),
        full_time_share=Decimal("1.00"),
        state_funding=Decimal("20000"),
        epci_funding=Decimal("25000"),
    )
    ProjectLead.objects.create(
        territory=territory,
        name=_name(rng),
        employer=f"Intercommunalité de {territory.name}",
        started_on=datetime.date(2025, 1, 1),
        full_time_share=Decimal(rng.choice(["0.50", "0.80", "1.00"])),
        state_funding=Decimal("30000"),
        epci_funding=Decimal("30000"),
    )
    for role in ("Sous-préfet·e référent·e", "Conseil régional", "Banque des Territoires", "Chambre de commerce"):
        CommitteeMember.objects.create(territory=territory, name=_name(rng), organisation=role, role="Membre (démo)")
    for name in rng.sample(FUNDERS[:4] + ["France Travail", "Business France"], 3):
        Partner.objects.create(territory=territory, name=name, contribution=DEMO)


@transaction.atomic
def seed(*, log=print) -> None:
    """`log` as every demo seed takes it (pilote.core.registry); this one has nothing to report."""
    for territory in Territory.objects.filter(phase__slug=PHASE, withdrawn_on=None):
        rng = random.Random(f"{PHASE}/{territory.code}")  # the same demo on every run
        if not FicheAction.objects.of(territory).exists():
            _fiches(territory, rng)
        has_governance = Binome.objects.filter(territory=territory).exists() or territory.project_leads.exists()
        if not has_governance:
            _governance(territory, rng)
