"""Frozen, JSON-serialisable pictures of a territory's plan and governance, and the difference between two of them.

The campaigns app stores these in a territory file and shows reviewers what changed against the last validated
version. Keys are stable: money and numbers as strings ("1200.00"), dates ISO, choices as their code, fiches by id
(as a string, since JSON keys are strings). `plan_snapshot` and `governance_snapshot` never share a key, so a file may
store `{**plan_snapshot(t), **governance_snapshot(t)}` and diff that.
"""

import datetime
from decimal import Decimal

from django.db.models import Prefetch

from pilote.territories.models import Binome, ProjectLead, Territory

from .models import FICHE_FIELDS, FicheAction, Funder, Indicator

FUNDER_FIELDS = ["organisation", "amount", "is_secured"]
INDICATOR_FIELDS = ["name", "unit", "target", "value", "measured_on"]
BINOME_FIELDS = [
    "elected_name",
    "elected_function",
    "elected_organisation",
    "industrialist_name",
    "industrialist_company",
    "industrialist_siren",
]
LEAD_FIELDS = ["name", "employer", "started_on", "ended_on", "full_time_share", "state_funding", "epci_funding"]
GOVERNANCE_KEYS = ["binome", "chef_de_projet", "chefs_de_projet", "committee", "partners"]


def plain(value):
    """A model value as JSON: Decimal and dates as strings, the rest as is."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _fields(obj, names: list[str]) -> dict:
    return {name: plain(getattr(obj, name)) for name in names}


def fiche_snapshot(fiche: FicheAction) -> dict:
    """One fiche with its funders and indicators (expects them prefetched when called in a loop)."""
    data = _fields(fiche, FICHE_FIELDS)
    data["funders"] = [_fields(f, FUNDER_FIELDS) for f in fiche.funders.all()]
    data["indicators"] = [_fields(i, INDICATOR_FIELDS) for i in fiche.indicators.all()]
    return data


def plan_snapshot(territory: Territory) -> dict:
    """{"fiches": {"<id>": {title, description, priority, status, lead_organisation, started_on, ended_on,
    total_cost, funders: [{organisation, amount, is_secured}], indicators: [{name, unit, target, value,
    measured_on}]}}}. Three queries."""
    fiches = FicheAction.objects.of(territory).prefetch_related(
        Prefetch("funders", queryset=Funder.objects.order_by("id")),
        Prefetch("indicators", queryset=Indicator.objects.order_by("id")),
    )
    return {"fiches": {str(f.pk): fiche_snapshot(f) for f in fiches.order_by("id")}}


def governance_snapshot(territory: Territory) -> dict:
    """{"binome": {…} or None, "chef_de_projet": the current one {…} or None, "chefs_de_projet": all of them, latest
    first, "committee": [{name, organisation, role}], "partners": [{name, contribution}]}."""
    binome = Binome.objects.filter(territory=territory).first()
    leads = list(ProjectLead.objects.filter(territory=territory))
    current = next((lead for lead in leads if lead.ended_on is None), None)
    return {
        "binome": _fields(binome, BINOME_FIELDS) if binome else None,
        "chef_de_projet": _fields(current, LEAD_FIELDS) if current else None,
        "chefs_de_projet": [_fields(lead, LEAD_FIELDS) for lead in leads],
        "committee": [
            {"name": m.name, "organisation": m.organisation, "role": m.role}
            for m in territory.committee_members.order_by("name", "id")
        ],
        "partners": [{"name": p.name, "contribution": p.contribution} for p in territory.partners.order_by("name")],
    }


def _field_changes(before: dict | None, after: dict | None, names: list[str]) -> dict[str, list]:
    before, after = before or {}, after or {}
    return {n: [before.get(n), after.get(n)] for n in names if before.get(n) != after.get(n)}


def _list_changes(before: list, after: list) -> dict[str, list]:
    """Rows added and removed (a modified row is one removed and one added: rows have no identity of their own)."""
    return {
        "added": [row for row in after if row not in before],
        "removed": [row for row in before if row not in after],
    }


def _fiche_changes(before: dict, after: dict) -> dict:
    changes = {"fields": _field_changes(before, after, FICHE_FIELDS)}
    for key in ("funders", "indicators"):
        rows = _list_changes(before.get(key, []), after.get(key, []))
        if rows["added"] or rows["removed"]:
            changes[key] = rows
    return changes


def _diff_fiches(before: dict, after: dict) -> dict:
    added = [{"id": k, **after[k]} for k in after if k not in before]
    removed = [{"id": k, **before[k]} for k in before if k not in after]
    modified = []
    for key in after:
        if key in before:
            changes = _fiche_changes(before[key], after[key])
            if changes["fields"] or len(changes) > 1:
                modified.append({"id": key, "title": after[key]["title"], **changes})
    return {"added": added, "removed": removed, "modified": modified}


def _diff_governance(before: dict, after: dict) -> dict:
    result = {
        "binome": _field_changes(before.get("binome"), after.get("binome"), BINOME_FIELDS),
        "chef_de_projet": _field_changes(before.get("chef_de_projet"), after.get("chef_de_projet"), LEAD_FIELDS),
        "committee": _list_changes(before.get("committee", []), after.get("committee", [])),
        "partners": _list_changes(before.get("partners", []), after.get("partners", [])),
    }
    return result


def diff_snapshots(before: dict, after: dict) -> dict:
    """What changed from `before` to `after` (either may be `{}`: no previous version).

    {"fiches": {"added": [fiche + id], "removed": [fiche + id], "modified": [{id, title, fields: {field: [before,
    after]}, funders?: {added, removed}, indicators?: {added, removed}}]},
     "governance": {"binome": {field: [b, a]}, "chef_de_projet": {field: [b, a]}, "committee": {added, removed},
     "partners": {added, removed}},
     "has_changes": bool}
    A part absent from both snapshots is left out."""
    result = {}
    if "fiches" in before or "fiches" in after:
        result["fiches"] = _diff_fiches(before.get("fiches", {}), after.get("fiches", {}))
    if any(k in before or k in after for k in GOVERNANCE_KEYS):
        result["governance"] = _diff_governance(before, after)
    result["has_changes"] = _has_changes(result)
    return result


def _has_changes(diff: dict) -> bool:
    fiches = diff.get("fiches", {})
    if any(fiches.get(k) for k in ("added", "removed", "modified")):
        return True
    governance = diff.get("governance", {})
    return any(governance.get(k) for k in ("binome", "chef_de_projet")) or any(
        governance.get(k, {}).get(side) for k in ("committee", "partners") for side in ("added", "removed")
    )
