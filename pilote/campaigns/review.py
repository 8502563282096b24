"""What changed in a file against the territory's last validated version, as reviewers see it."""

from pilote.plans.snapshot import diff_snapshots, governance_snapshot, plan_snapshot


def proposed(file) -> dict:
    """The snapshots taken at submission; before any, the territory's plan and governance as they stand."""
    if file.submitted_at:
        return {**file.proposed_plan, **file.proposed_governance}
    return {**plan_snapshot(file.territory), **governance_snapshot(file.territory)}


def file_diff(file) -> dict:
    """plans.snapshot.diff_snapshots of the last validated version and the proposal (keys never overlap)."""
    return diff_snapshots({**file.baseline_plan, **file.baseline_governance}, proposed(file))
