"""Demo Rebond industriel designations made from what targeting found: one from the demo industrial events of the
territory holding the most of them, and one from an open shock alert on a territory of the latest computation when
there is one (after `compute_targeting`). Through the same form as ANCT's page, so the evidence is copied, the alert
closed and the history written. Idempotent: nothing is written when a demo designation with evidence exists.
Called by `seed_demo` after targeting's demo events (registry `demo_seeds`, order of INSTALLED_APPS)."""

from collections import Counter

from django.conf import settings
from django.utils import timezone

from pilote.core.models import User
from pilote.targeting.enums import AlertStatus, Level
from pilote.targeting.models import Alert, IndustrialEvent

from .forms.designations import ShockFromEvidenceForm, territories_holding
from .models import ShockDesignation

DECISION = "Comité national Territoires d'industrie (démo)"


def seed(*, log=print) -> int:
    if not settings.DEMO_MODE:
        raise RuntimeError("Le mode démonstration n'est pas activé (PILOTE_DEMO=1).")
    if ShockDesignation.objects.filter(is_demo=True).exclude(evidence={}).exists():
        log("Désignations Rebond industriel sur constat (démo) : déjà faites, rien n'est écrit.")
        return 0
    actor = User.objects.filter(username="demo-anct").first()
    if actor is None:
        raise RuntimeError("Les comptes de démonstration manquent (demo-anct) : lancez d'abord seed_demo.")
    written = _from_events(actor, log) + _from_alert(actor, log)
    return written


def _designate(actor, **evidence) -> ShockDesignation | None:
    form = ShockFromEvidenceForm(**evidence)
    territory = next(iter(form.suggested_territories()), None)
    if territory is None:
        return None
    data = {"territory": territory, "decided_on": timezone.localdate(), "decision": DECISION}
    bound = ShockFromEvidenceForm(data | {"reason": form.initial["reason"]}, **evidence)
    return bound.save(actor, is_demo=True) if bound.is_valid() else None


def _from_events(actor, log) -> int:
    events = list(IndustrialEvent.objects.filter(is_demo=True))
    held = Counter(pk for e in events for pk in territories_holding(communes=[e.commune_code]))
    if not held:
        log("Désignation sur événements (démo) : aucun événement de démonstration dans un territoire.")
        return 0
    territory = held.most_common(1)[0][0]
    chosen = [e for e in events if territory in territories_holding(communes=[e.commune_code])]
    shock = _designate(actor, events=chosen)
    log(f"Désignation sur événements (démo) : {shock.territory if shock else 'aucune'}.")
    return int(shock is not None)


def _from_alert(actor, log) -> int:
    alert = (
        Alert.objects.filter(status=AlertStatus.OPEN, level=Level.TERRITORY)
        .select_related("scoring__method_version__method")
        .order_by("-scoring__computed_at", "code")
        .first()
    )
    if alert is None:
        log("Désignation sur alerte (démo) : aucune alerte ouverte (lancez compute_targeting), rien n'est écrit.")
        return 0
    shock = _designate(actor, alert=alert)
    log(f"Désignation sur alerte (démo) : {shock.territory if shock else 'aucune'}.")
    return int(shock is not None)
