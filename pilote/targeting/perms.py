"""Who may see and do what in targeting. The diagnosis of public data (ranking, map, method, diagnoses) is public.
Alerts are for the State's services and ANCT, each on its places: ANCT every alert, a regional reviewer those of their
régions, a departmental reviewer those of the régions of their départements (an alert is located by its région).
Declared industrial events are the State's and the régions' working facts: the préfectures (départemental reviewers)
declare and read them in their départements, the regional services in their régions, ANCT everywhere. Operators and
territory teams see neither. New versions of a method are ANCT's."""

from django.conf import settings

from pilote.core.enums import Role
from pilote.core.perms import departement_codes, has_role, is_national, region_codes
from pilote.geography.models import Departement


def can_edit_method(user) -> bool:
    """ANCT publishes new versions of a method (weights, transformation, missing values, thresholds)."""
    return is_national(user)


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


def can_declare_events(user) -> bool:
    """Declare industrial events (and read those of one's scope)."""
    return user.is_authenticated and (
        is_national(user) or has_role(user, Role.REGION_REVIEWER) or has_role(user, Role.DEPARTEMENT_REVIEWER)
    )


def covers(user, *, departement_code: str, region_code: str) -> bool:
    """Whether a place (a commune's département and région) is in the user's scope for declared events."""
    return is_national(user) or region_code in region_codes(user) or departement_code in departement_codes(user)


def can_edit_event(user, event) -> bool:
    return can_declare_events(user) and covers(
        user, departement_code=event.departement_code, region_code=event.region_code
    )
