"""Who may see and do what in a campaign, built on the territories' permissions."""

from pilote.core.enums import Role
from pilote.core.perms import has_role, is_national
from pilote.territories.perms import can_review, can_view_territory_work, is_team_member

from .enums import FileState
from .models import TerritoryFile


def can_open_campaign(user) -> bool:
    return is_national(user)


def can_view_dashboard(user) -> bool:
    """ANCT and regional or départemental reviewers; a team sees its own file, not the dashboard."""
    return is_national(user) or has_role(user, Role.REGION_REVIEWER) or has_role(user, Role.DEPARTEMENT_REVIEWER)


def can_view_file(user, file) -> bool:
    return can_view_territory_work(user, file.territory)


def can_edit_file(user, file) -> bool:
    """The team fills its file while it is a draft or sent back."""
    return is_team_member(user, file.territory) and file.state in (FileState.DRAFT, FileState.TO_COMPLETE)


def can_attach(user, file) -> bool:
    """Add or remove a document: the team while it fills its file; ANCT and the reviewers of the scope while the
    file is déposé or en instruction (a question answered with a document)."""
    reviewing = file.state in (FileState.SUBMITTED, FileState.IN_REVIEW) and can_review(user, file.territory)
    return can_edit_file(user, file) or reviewing


def can_see_review(user, file) -> bool:
    """Reviewers' view (what changed, opinions): ANCT, reviewers of the scope, and the team once it submitted."""
    return can_review(user, file.territory) or (can_view_file(user, file) and file.state != FileState.DRAFT)


def can_ask_opinion(user, file) -> bool:
    return is_national(user) and file.state == FileState.IN_REVIEW


def can_give_opinion(user, request) -> bool:
    """A member of the organisation asked answers once, during the review, until the deadline (its day included);
    the views look the request up among the files of the person's scope, so that it is also in their role's scope."""
    return (
        request.file.state == FileState.IN_REVIEW
        and not hasattr(request, "opinion")
        and not request.is_late()
        and user.is_authenticated
        and user.organisation_id is not None
        and request.organisation_id == user.organisation_id
    )


def can_extend_opinion(user, request) -> bool:
    """ANCT gives more time to an opinion still awaited during the review, late or not."""
    return is_national(user) and request.file.state == FileState.IN_REVIEW and not hasattr(request, "opinion")


def can_reopen(user, file) -> bool:
    return is_national(user) and file.state in (FileState.DRAFT, FileState.TO_COMPLETE)


def review_lock(territory) -> str | None:
    """The campaigns' editing lock (registry `editing_locks`): while a file is déposé or en instruction, what was
    submitted stays what the reviewers read; returned « à compléter » or validated, the team edits again."""
    file = (
        TerritoryFile.objects.filter(territory=territory, state__in=[FileState.SUBMITTED, FileState.IN_REVIEW])
        .select_related("campaign")
        .first()
    )
    if file is None:
        return None
    return (
        f"Le dossier de ce territoire est déposé dans la campagne « {file.campaign.name} » "
        f"({file.get_state_display().lower()}) : le plan d'actions, la gouvernance et la demande de modification du "
        "périmètre ne sont plus modifiables jusqu'à ce que l'ANCT le renvoie « à compléter » ou le valide."
    )
