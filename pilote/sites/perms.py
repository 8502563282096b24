"""Who may see and do what with the industrial sites."""

from pilote.core.perms import is_national


# --- sscore: the qualification method ---
def can_view_method(user) -> bool:
    """The qualification method and the scores it gives are public: what a score means must be readable by all."""
    return True


def can_edit_method(user) -> bool:
    """ANCT publishes new versions of the qualification method."""
    return is_national(user)
