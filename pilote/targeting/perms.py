"""Who may see and do what in targeting. The diagnosis of public data is public; declared industrial events are the
State's and the régions' working facts: the préfectures (départemental reviewers) declare and read them in their
départements, the regional services (préfecture de région, DREETS, région: regional reviewers) in their régions, ANCT
everywhere. Operators and territory teams do not see them."""

from pilote.core.enums import Role
from pilote.core.perms import departement_codes, has_role, is_national, region_codes


def can_edit_method(user) -> bool:
    """ANCT publishes new versions of a method (weights, transformation, missing values, thresholds)."""
    return is_national(user)


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
