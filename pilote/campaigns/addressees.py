"""Who is asked for an opinion on a file: always an organisation. The State services and the région are found by the
kind and the code of the place they serve (one of each per département or région, held by the database), and created
when missing, so that the préfecture, the SGAR and the conseil régional each get their own request."""

from django.conf import settings
from django.db import IntegrityError, transaction

from pilote.core.enums import DEPARTEMENTAL_KINDS, OrganisationKind
from pilote.core.models import Organisation
from pilote.territories.figures import place_names

# What `ask_state_services` asks, in this order: the préfecture of each département the territory touches, then the
# SGAR and the conseil régional of each of its régions. DREETS, operators, Banque des Territoires: when ANCT asks.
DEPARTEMENTAL = (OrganisationKind.PREFECTURE_DEPARTEMENT,)
REGIONAL = (OrganisationKind.PREFECTURE_REGION, OrganisationKind.CONSEIL_REGIONAL)

PREFIXES = {
    OrganisationKind.PREFECTURE_DEPARTEMENT: "Préfecture de département",
    OrganisationKind.PREFECTURE_REGION: "Préfecture de région (SGAR)",
    OrganisationKind.DREETS: "DREETS",
    OrganisationKind.CONSEIL_REGIONAL: "Conseil régional",
}


def organisation_name(kind: str, code: str, place: str = "") -> str:
    """« Préfecture de département – Ain (01) », « Conseil régional – Auvergne-Rhône-Alpes (84) »."""
    return f"{PREFIXES[kind]} – {place} ({code})" if place else f"{PREFIXES[kind]} ({code})"


def scope_of(kind: str, code: str) -> dict:
    return {"departement_code": code} if kind in DEPARTEMENTAL_KINDS else {"region_code": code}


def service(kind: str, code: str, names: dict[str, str]) -> Organisation:
    """The organisation of `kind` serving the place `code` (a département or a région), created if missing; `names`:
    the place names by code. Safe when two reviews start at once: the database keeps one of each."""
    scope = scope_of(kind, code)
    found = Organisation.objects.filter(kind=kind, **scope).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return Organisation.objects.create(
                kind=kind, name=organisation_name(kind, code, names.get(code, "")), **scope
            )
    except IntegrityError:  # created meanwhile by another review
        return Organisation.objects.get(kind=kind, **scope)


def state_services(departements: list[str], regions: list[str]) -> list[Organisation]:
    """The préfectures of `departements`, then the SGAR and conseil régional of each of `regions`."""
    names = place_names(settings.DEFAULT_EDITION)
    wanted = [(kind, code) for code in departements for kind in DEPARTEMENTAL]
    wanted += [(kind, code) for code in regions for kind in REGIONAL]
    return [
        service(kind, code, names.departements if kind in DEPARTEMENTAL_KINDS else names.regions)
        for kind, code in wanted
    ]
