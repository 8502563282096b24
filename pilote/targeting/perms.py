"""Who may do what in the targeting capability. The diagnosis of public data is public; changing it is ANCT's."""

from pilote.core.perms import is_national


def can_edit_method(user) -> bool:
    """ANCT publishes new versions of a method (weights, transformation, missing values, thresholds)."""
    return is_national(user)
