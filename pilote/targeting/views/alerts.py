"""The shock alerts of the newest scoring, for the State's services and ANCT on their places, with their evidence.

What a person may do with an alert comes from the apps that act on it (`AppConfig.alert_actions`, read through
`core.registry`): budget offers ANCT to turn it into a Rebond industriel designation. Targeting never imports budget."""

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from pilote.core import registry
from pilote.core.breadcrumbs import crumbs
from pilote.territories.figures import region_names

from .. import perms
from ..enums import Level
from ..models import Alert
from ..ranking import default_version, latest_scoring, published_versions, unit_names
from . import table_export

EVIDENCE_WORDS = {  # keys of Alert.evidence as tindex writes them, in French; unknown keys are shown as they are
    "threshold": "seuil",
    "unit_change": "évolution de l'unité",
    "france_change": "évolution en France",
    "gap": "écart",
    "from": "depuis",
    "to": "jusqu'à",
    "quarters": "trimestres",
}


@dataclass
class AlertRow:
    alert: Alert
    name: str
    region_name: str
    url: str
    evidence: list[tuple[str, object]]
    actions: list[dict]


def _guarded(user) -> None:
    if not perms.can_view_alerts(user):
        raise PermissionDenied("Les alertes sont réservées à l'ANCT et aux services instructeurs de l'État.")


def _alerts(user):
    """(scoring, alerts of its scope). Three queries."""
    scoring = latest_scoring(default_version(published_versions()))
    if scoring is None:
        return None, []
    alerts = Alert.objects.filter(scoring=scoring).order_by("region_code", "level", "phase_slug", "code", "kind")
    regions = perms.alert_regions(user)
    if regions is not None:
        alerts = alerts.filter(region_code__in=regions)
    return scoring, list(alerts)


def _unit_url(alert: Alert) -> str:
    if alert.level == Level.TERRITORY:
        return reverse("territories:detail", args=[alert.phase_slug, alert.code]) + "#diagnostic"
    if alert.level == Level.EPCI:
        return reverse("targeting:epci", args=[alert.code])
    return ""


def alert_rows(user, scoring, alerts: list[Alert]) -> list[AlertRow]:
    edition = scoring.computation.edition_id
    names = {phase: unit_names(phase, edition) for phase in {a.phase_slug for a in alerts}}
    regions = region_names(edition)
    actions = registry.alert_actions()
    return [
        AlertRow(
            alert,
            names[alert.phase_slug].get(alert.code, alert.code),
            regions.get(alert.region_code, alert.region_code),
            _unit_url(alert),
            [(EVIDENCE_WORDS.get(k, k), v) for k, v in (alert.evidence or {}).items()],
            [found for action in actions if (found := action(alert, user))],
        )
        for alert in alerts
    ]


@login_required
@require_GET
def alerts(request):
    _guarded(request.user)
    scoring, found = _alerts(request.user)
    context = {
        "scoring": scoring,
        "rows": alert_rows(request.user, scoring, found) if scoring else [],
        "breadcrumb_data": crumbs("Alertes de choc industriel", (reverse("targeting:ranking"), "Classement")),
    }
    return render(request, "targeting/alerts.html", context)


@login_required
@require_GET
def alerts_export(request, fmt: str):
    _guarded(request.user)
    scoring, found = _alerts(request.user)
    rows = alert_rows(request.user, scoring, found) if scoring else []
    header = ["géographie", "phase", "code", "nom", "région", "nature", "période", "constat", "suite donnée"]
    table = [
        [
            r.alert.get_level_display(),
            r.alert.phase_slug,
            r.alert.code,
            r.name,
            r.region_name,
            r.alert.get_kind_display(),
            r.alert.period,
            " ; ".join(f"{k} : {v}" for k, v in r.evidence),
            r.alert.get_status_display(),
        ]
        for r in rows
    ]
    return table_export(fmt, "alertes", header, table)
