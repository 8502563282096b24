"""Who is asked for an opinion on a file: always an organisation. The State services and the région are found by the
kind and the code of the place they serve (one of each per département or région, held by the database), and created
when missing, so that the préfecture, the SGAR and the conseil régional each get their own request."""

from django.conf import settings

from pilote.core.enums import DEPARTEMENTAL_KINDS, OrganisationKind
from pilote.core.models import Organisation
from pilote.territories.figures import place_names

# What `ask_state_services` asks, in this order: the préfecture of each département the territory touches, then the
# SGAR and the conseil régional of each of its régions. DREETS, operators, Banque des Territoires: when ANCT asks.
DEPARTEMENTAL = (OrganisationKind.PREFECTURE_DEPARTEMENT,)
REGIONAL = (OrganisationKind.PREFECTURE_REGION, OrganisationKind.CONSEIL_REGIONAL)


def service(kind: str, code: str, names: dict[str, str]) -> Organisation:
    """The organisation of `kind` serving the place `code`, named with `names` (place names by code)."""
    return Organisation.objects.serving(kind, code, place=names.get(code, ""))


def state_services(departements: list[str], regions: list[str]) -> list[Organisation]:
    """The préfectures of `departements`, then the SGAR and conseil régional of each of `regions`."""
    names = place_names(settings.DEFAULT_EDITION)
    wanted = [(kind, code) for code in departements for kind in DEPARTEMENTAL]
    wanted += [(kind, code) for code in regions for kind in REGIONAL]
    return [
        service(kind, code, names.departements if kind in DEPARTEMENTAL_KINDS else names.regions)
        for kind, code in wanted
    ]
