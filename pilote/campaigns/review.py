"""What changed in a file against the territory's last validated version, as reviewers see it; what the team is
about to submit, as it sees it on the recap page."""

from pilote.plans.models import FicheAction
from pilote.plans.snapshot import diff_snapshots, governance_snapshot, plan_snapshot


def proposed(file) -> dict:
    """The snapshots taken at submission; before any, the territory's plan and governance as they stand."""
    if file.submitted_at:
        return {**file.proposed_plan, **file.proposed_governance}
    return {**plan_snapshot(file.territory), **governance_snapshot(file.territory)}


def file_diff(file) -> dict:
    """plans.snapshot.diff_snapshots of the last validated version and the proposal (keys never overlap)."""
    return diff_snapshots({**file.baseline_plan, **file.baseline_governance}, proposed(file))


def submission_recap(file) -> dict:
    """What « Déposer » will send: the plan's size, the governance filled or not, the perimeter change and its
    check, what changes against the last validated version (`diff`), the attachments sent with it, and the list of
    what is missing (in French; listed, not blocking, except what the workflow refuses)."""
    fiches = FicheAction.objects.of(file.territory).count()
    governance = governance_snapshot(file.territory)
    perimeter = getattr(file, "perimeter_request", None)
    check = perimeter.checks() if perimeter is not None and perimeter.has_changes else None
    missing = []
    if not fiches:
        missing.append("Aucune fiche action dans le plan.")
    if not governance["binome"]:
        missing.append("Le binôme (élu·e et industriel·le) n'est pas renseigné.")
    if not governance["chef_de_projet"]:
        missing.append("Le chef de projet n'est pas renseigné.")
    if check is not None and check.errors:
        missing.append("La demande de modification du périmètre contient des erreurs : corrigez-la avant le dépôt.")
    if not file.submission_open():
        missing.append("La date limite de dépôt est passée : seule l'ANCT peut rouvrir le dépôt.")
    return {
        "fiches": fiches,
        "binome": governance["binome"],
        "project_lead": governance["chef_de_projet"],
        "perimeter": perimeter if check is not None else None,
        "check": check,
        "missing": missing,
        "diff": file_diff(file),
        "attachments": list(file.attachments.active()),
    }
