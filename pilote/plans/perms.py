"""Who may change a territory's plan and governance now: its team (and ANCT), unless another app locks the editing
(registry `editing_locks`: campaigns locks it while the territory's file is under review)."""

from pilote.core import registry
from pilote.core.perms import is_national
from pilote.territories.perms import can_edit_territory_work


def edit_refusal(user, territory) -> str | None:
    """Why `user` may not change the territory's plan and governance now, in French; None when they may.
    ANCT is never locked: it may have to mend a file it reviews."""
    if not can_edit_territory_work(user, territory):
        return "Seule l'équipe du territoire modifie son plan d'actions et sa gouvernance."
    if is_national(user):
        return None
    for lock in registry.editing_locks():
        if reason := lock(territory):
            return reason
    return None
