"""The demonstration: organisations and one account per role (password "demo"), only when `settings.DEMO_MODE`.

Every demo organisation's name ends with "(démo)" and every demo username starts with `demo-`, so that the demo is
never mistaken for real people. Territory teams are pinned to real phase-2 territories read from the database.
After the accounts, the demo seeds the apps declare in their `AppConfig.demo_seeds` (pilote.core.registry) are called
in the order of INSTALLED_APPS: each takes `log`, is idempotent and finds the accounts by the usernames below.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from pilote.core import registry
from pilote.core.enums import DEPARTEMENTAL_KINDS, REGIONAL_KINDS, Operator, OrganisationKind, Role
from pilote.core.models import Organisation, RoleAssignment, User
from pilote.geography.models import Epci
from pilote.territories.enums import MemberKind
from pilote.territories.models import Territory

PASSWORD = "demo"
PREFIX = "demo-"
PHASE = "2023-2027"
PREFERRED_TERRITORY = "ti-8401"  # Ardèche Drôme Nord in the real data, Ain industriel in the tests' tiny France


@dataclass(frozen=True)
class Org:
    kind: str
    name: str
    region_code: str = ""
    departement_code: str = ""
    operator: str = ""

    @property
    def lookup(self) -> dict:
        """A service known by its place (a préfecture, the SGAR, the conseil régional, a DREETS) is the one of that
        place, whoever created it (a review that asked for its opinion may have); any other by its name."""
        if self.kind in DEPARTEMENTAL_KINDS:
            return {"kind": self.kind, "departement_code": self.departement_code}
        if self.kind in REGIONAL_KINDS:
            return {"kind": self.kind, "region_code": self.region_code}
        return {"kind": self.kind, "name": self.name}

    @property
    def defaults(self) -> dict:
        values = {"name": self.name, "operator": self.operator}
        return values | {"region_code": self.region_code, "departement_code": self.departement_code}


ORGANISATIONS = {
    "anct": Org(OrganisationKind.ANCT, "ANCT – délégation Territoires d'industrie (démo)"),
    "sgar": Org(OrganisationKind.PREFECTURE_REGION, "Préfecture de la région Auvergne-Rhône-Alpes – SGAR (démo)", "84"),
    "prefecture_ain": Org(OrganisationKind.PREFECTURE_DEPARTEMENT, "Préfecture de l'Ain (démo)", "84", "01"),
    "dreets": Org(OrganisationKind.DREETS, "DREETS Auvergne-Rhône-Alpes (démo)", "84"),
    "region": Org(OrganisationKind.CONSEIL_REGIONAL, "Conseil régional Auvergne-Rhône-Alpes (démo)", "84"),
    "bdt": Org(OrganisationKind.OPERATOR, "Banque des Territoires (démo)", operator=Operator.BANQUE_DES_TERRITOIRES),
}


@dataclass(frozen=True)
class Account:
    username: str
    first_name: str
    last_name: str
    organisation: str  # key of ORGANISATIONS, or "team" / "other_team" for the territories' intercommunalities
    role: str
    region_code: str = ""
    departement_code: str = ""
    territory: str = ""  # "team" or "other_team": resolved to a real phase-2 territory


ACCOUNTS = [
    Account("demo-anct", "Camille", "Démo ANCT", "anct", Role.NATIONAL),
    Account("demo-sgar", "Dominique", "Démo SGAR", "sgar", Role.REGION_REVIEWER, region_code="84"),
    Account("demo-dreets", "Alix", "Démo DREETS", "dreets", Role.REGION_REVIEWER, region_code="84"),
    Account("demo-region", "Sacha", "Démo Région", "region", Role.REGION_REVIEWER, region_code="84"),
    Account(
        "demo-prefecture",
        "Claude",
        "Démo Préfecture",
        "prefecture_ain",
        Role.DEPARTEMENT_REVIEWER,
        departement_code="01",
    ),
    Account("demo-equipe", "Lou", "Démo Équipe", "team", Role.TERRITORY_TEAM, territory="team"),
    Account("demo-equipe-autre", "Noa", "Démo Autre équipe", "other_team", Role.TERRITORY_TEAM, territory="other_team"),
    Account("demo-operateur", "Maxime", "Démo Opérateur", "bdt", Role.OPERATOR),
]


def demo_accounts() -> list[User]:
    """The demo accounts with their organisation and roles, for the login page. Two queries."""
    users = User.objects.filter(username__startswith=PREFIX).select_related("organisation").prefetch_related("roles")
    return list(users.order_by("username"))


def seed(*, log=print) -> int:
    """Create what is missing of the demo; returns the number of rows written (0 on a second run)."""
    if not settings.DEMO_MODE:
        raise RuntimeError("Le mode démonstration n'est pas activé (PILOTE_DEMO=1).")
    with transaction.atomic():
        teams = _demo_territories()
        specs = ORGANISATIONS | {key: _team_organisation(territory) for key, territory in teams.items()}
        rows = {
            key: Organisation.objects.get_or_create(**spec.lookup, defaults=spec.defaults)
            for key, spec in specs.items()
        }
        organisations = {key: organisation for key, (organisation, _) in rows.items()}
        written = sum(created for _, created in rows.values())
        for account in ACCOUNTS:
            written += _account(account, organisations[account.organisation], teams.get(account.territory))
    log(f"Démonstration : {written} ligne(s) écrite(s), comptes {', '.join(a.username for a in ACCOUNTS)}.")
    for seed_app in registry.demo_seeds():
        seed_app(log=log)
    return written


def _demo_territories() -> dict:
    territories = list(Territory.objects.filter(phase__slug=PHASE, withdrawn_on=None).order_by("code"))
    if len(territories) < 2:
        raise RuntimeError(
            f"La démonstration demande au moins deux territoires de la phase {PHASE} : lancez bootstrap."
        )
    team = next((t for t in territories if t.code == PREFERRED_TERRITORY), territories[0])
    others = [t for t in territories if t != team]
    other = next((t for t in others if t.region_code == team.region_code), others[0])
    return {"team": team, "other_team": other}


def _team_organisation(territory) -> Org:
    """The first intercommunality of the territory's perimeter, named as in the default edition."""
    version = territory.current_version()
    sirens = version.members.filter(kind=MemberKind.EPCI).order_by("code").values_list("code", flat=True)
    epci = Epci.objects.of(settings.DEFAULT_EDITION).filter(siren__in=list(sirens)).order_by("siren").first()
    name = epci.name if epci else f"Intercommunalité de {territory.name}"
    return Org(OrganisationKind.EPCI, f"{name} (démo)", territory.region_code)


def _account(account: Account, organisation: Organisation, territory) -> int:
    user, created = User.objects.get_or_create(
        username=account.username,
        defaults={
            "first_name": account.first_name,
            "last_name": account.last_name,
            "email": f"{account.username}@demo.pilote-ti.invalid",
            "organisation": organisation,
        },
    )
    if created:
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
    scope = {"region_code": account.region_code, "departement_code": account.departement_code}
    if territory is not None:
        scope.update(phase_slug=territory.phase.slug, territory_code=territory.code)
    role, role_created = RoleAssignment.objects.get_or_create(user=user, role=account.role, **scope)
    stale, _ = user.roles.exclude(pk=role.pk).delete()
    return created + role_created + stale
