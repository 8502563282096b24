"""Demo industrial events, declared by the demo préfecture (Ain) and the demo DREETS (région 84) in their scope:
the three most populous communes of the Ain and the most populous one of the région outside it, on the platform's
edition. Fictitious companies (« (démo) »), no SIRET, `is_demo`. Idempotent: written once, when no demo event exists.
Called by `seed_demo` after the demo accounts exist (registry `demo_seeds`)."""

import datetime

from django.conf import settings
from django.db import transaction

from pilote.core.audit import field_changes, record
from pilote.core.models import User
from pilote.geography.enums import CommuneKind
from pilote.geography.models import Commune

from .enums import EventKind
from .models import IndustrialEvent

DEMO = " (démo)"
EVENTS = [  # (declared by, company, sector, kind, date, jobs lost, jobs threatened)
    (
        "demo-prefecture",
        "Plasturgie de l'Ain",
        "22.29A Pièces techniques en matières plastiques",
        EventKind.CLOSURE,
        datetime.date(2025, 2, 3),
        180,
        None,
    ),
    (
        "demo-prefecture",
        "Décolletage du Bugey",
        "25.62A Décolletage",
        EventKind.PSE,
        datetime.date(2025, 4, 22),
        None,
        95,
    ),
    (
        "demo-prefecture",
        "Textiles techniques du Revermont",
        "13.96Z Textiles techniques",
        EventKind.RELOCATION,
        datetime.date(2024, 11, 12),
        60,
        40,
    ),
    (
        "demo-dreets",
        "Fonderie rhodanienne",
        "24.51Z Fonderie de fonte",
        EventKind.DISASTER,
        datetime.date(2025, 6, 30),
        None,
        210,
    ),
]
EVENT_FIELDS = [
    "commune_code",
    "departement_code",
    "region_code",
    "company",
    "sector",
    "kind",
    "occurred_on",
    "jobs_lost",
    "jobs_threatened",
]


def _places() -> list[Commune]:
    communes = Commune.objects.of(settings.DEFAULT_EDITION).filter(kind=CommuneKind.CURRENT).order_by("-population")
    ain = list(communes.filter(departement_code="01")[:3])
    elsewhere = list(communes.filter(region_code="84").exclude(departement_code="01")[:1])
    return ain + elsewhere  # fewer on a small geography (the tests' tiny France): as many events as places


def seed(*, log=print) -> int:
    if not settings.DEMO_MODE:
        raise RuntimeError("Le mode démonstration n'est pas activé (PILOTE_DEMO=1).")
    if IndustrialEvent.objects.filter(is_demo=True).exists():
        log("Événements industriels de démonstration : déjà déclarés, rien n'est écrit.")
        return 0
    people = {u.username: u for u in User.objects.filter(username__in={e[0] for e in EVENTS})}
    places = _places()
    if not places or len(people) < 2:
        log("Événements industriels de démonstration : communes ou comptes de démonstration absents, rien d'écrit.")
        return 0
    with transaction.atomic():
        for (username, company, sector, kind, day, lost, threatened), place in zip(EVENTS, places, strict=False):
            event = IndustrialEvent.objects.create(
                commune_code=place.code,
                departement_code=place.departement_code,
                region_code=place.region_code,
                company=company + DEMO,
                sector=sector,
                kind=kind,
                occurred_on=day,
                jobs_lost=lost,
                jobs_threatened=threatened,
                declared_by=people[username],
                organisation=people[username].organisation,
                is_demo=True,
            )
            changes = field_changes(None, event, EVENT_FIELDS)
            record(actor=people[username], action="targeting.event_declare", obj=event, changes=changes)
    written = min(len(EVENTS), len(places))
    log(f"Événements industriels de démonstration : {written} déclarés (Ain et région 84).")
    return written
