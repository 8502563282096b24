"""Who may see what of the targeting. The diagnosis of public data is public; alerts are for the State's services
and ANCT, each on its places: ANCT every alert, a regional reviewer those of their régions, a departmental reviewer
those of the régions of their départements (an alert is located by its région)."""

from django.conf import settings

from pilote.core.enums import Role
from pilote.core.perms import departement_codes, has_role, is_national, region_codes
from pilote.geography.models import Departement


def can_view_ranking(user) -> bool:
    """The ranking, the map, the method and the diagnoses read public data: everyone, visitors included."""
    return True


def can_view_alerts(user) -> bool:
    return user.is_authenticated and (
        is_national(user) or has_role(user, Role.REGION_REVIEWER) or has_role(user, Role.DEPARTEMENT_REVIEWER)
    )


def alert_regions(user) -> set[str] | None:
    """The régions whose alerts the user sees; None for all of them (ANCT)."""
    if is_national(user):
        return None
    departements = departement_codes(user)
    regions = set(region_codes(user))
    if departements:
        rows = Departement.objects.of(settings.DEFAULT_EDITION).filter(code__in=departements)
        regions |= set(rows.values_list("region__code", flat=True))
    return regions
