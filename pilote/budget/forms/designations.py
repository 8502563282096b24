"""Forms of Rebond industriel: designate a territory hit by an industrial shock (by hand, or from a shock alert and
declared industrial events of targeting, their evidence copied), end a designation."""

from django import forms
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from pilote.core.audit import field_changes, record
from pilote.core.forms import DsfrForm
from pilote.core.versioning import EditConflict
from pilote.targeting.enums import AlertStatus, Level
from pilote.targeting.models import Alert, IndustrialEvent
from pilote.territories.models import Resolution, Territory

from ..models import ShockDesignation
from . import DATE


def current_phase_territories():
    """Territories active this year (`Territory.is_active_in`)."""
    return Territory.objects.active_in(timezone.localdate().year).select_related("phase").order_by("code")


class ShockForm(DsfrForm):
    territory = forms.ModelChoiceField(label="Territoire", queryset=Territory.objects.none())
    decided_on = forms.DateField(label="Décidé le", widget=DATE)
    decision = forms.CharField(
        label="Référence de la décision", max_length=300, help_text="Comité, arrêté, courrier de l'ANCT…"
    )
    reason = forms.CharField(label="Choc industriel constaté", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["territory"].queryset = current_phase_territories()

    @transaction.atomic
    def save(self, actor) -> ShockDesignation:
        shock = ShockDesignation.objects.create(decided_by=actor, **self.cleaned_data)
        changes = field_changes(None, shock, ["territory_id", "decided_on", "decision", "reason"])
        record(
            actor=actor, action="budget.shock_designate", obj=shock, changes=changes, **shock.territory.audit_scope()
        )
        return shock


class ShockEndForm(DsfrForm):
    ended_on = forms.DateField(label="Fin de la désignation le", widget=DATE)

    def __init__(self, *args, shock: ShockDesignation | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.shock = shock

    def clean_ended_on(self):
        ended_on = self.cleaned_data["ended_on"]
        if self.shock is not None and ended_on < self.shock.decided_on:
            raise forms.ValidationError(f"La fin ne peut précéder la décision du {self.shock.decided_on:%d/%m/%Y}.")
        return ended_on

    @transaction.atomic
    def save(self, actor) -> ShockDesignation:
        shock = self.shock
        before = shock.ended_on
        shock.ended_on = self.cleaned_data["ended_on"]
        shock.save(update_fields=["ended_on"])
        changes = {"ended_on": [before and str(before), str(shock.ended_on)]}
        record(actor=actor, action="budget.shock_end", obj=shock, changes=changes, **shock.territory.audit_scope())
        return shock


# --- a designation from what targeting found: an alert, declared events ------------------------------------------


def territories_holding(*, communes=(), epcis=()) -> list[int]:
    """Ids of the territories whose current perimeter (on the platform's edition) holds one of `communes` (INSEE
    codes) or `epcis` (SIREN). One query."""
    holding = Q(communes__code__in=list(communes)) | Q(epcis__siren__in=list(epcis))
    rows = Resolution.objects.current().filter(holding).values_list("version__territory_id", flat=True)
    return list(dict.fromkeys(rows))


def alert_evidence(alert: Alert) -> dict:
    """What the alert said, copied into the designation (the alert itself may be recomputed away)."""
    version = alert.scoring.method_version
    return {
        "kind": alert.kind,
        "kind_label": alert.get_kind_display(),
        "level": alert.level,
        "level_label": alert.get_level_display(),
        "phase_slug": alert.phase_slug,
        "code": alert.code,
        "region_code": alert.region_code,
        "period": alert.period,
        "figures": alert.evidence,
        "method": str(version),
        "scoring": alert.scoring_id,
        "computed_at": alert.scoring.computed_at.isoformat(),
    }


def event_evidence(event: IndustrialEvent) -> dict:
    return {
        "id": event.pk,
        "company": event.company,
        "siret": event.siret,
        "commune_code": event.commune_code,
        "departement_code": event.departement_code,
        "kind": event.kind,
        "kind_label": event.get_kind_display(),
        "occurred_on": event.occurred_on.isoformat(),
        "jobs_lost": event.jobs_lost,
        "jobs_threatened": event.jobs_threatened,
        "sector": event.sector,
    }


def evidence_summary(alert: Alert | None, events: list[IndustrialEvent]) -> str:
    """The evidence in a few French lines, to pre-fill the designation's reason."""
    lines = []
    if alert is not None:
        lines.append(
            f"Alerte « {alert.get_kind_display()} » ({alert.get_level_display()} {alert.code}, {alert.period})."
        )
    for event in events:
        jobs = [
            f"{event.jobs_lost} emplois supprimés" if event.jobs_lost is not None else "",
            f"{event.jobs_threatened} emplois menacés" if event.jobs_threatened is not None else "",
        ]
        jobs = ", ".join(j for j in jobs if j)
        lines.append(
            f"{event.get_kind_display().capitalize()} : {event.company} ({event.commune_code}, "
            f"{event.occurred_on:%d/%m/%Y}){f' — {jobs}' if jobs else ''}."
        )
    return "\n".join(lines)


class ShockFromEvidenceForm(ShockForm):
    """A designation made from an alert and/or declared events: the territory suggested (the alert's, or the one
    holding the events' communes), the reason pre-filled with the evidence, which is copied into the designation.
    Saving also marks the alert « désigné Rebond industriel » (reviewed by, at); an alert already followed up is
    refused."""

    def __init__(self, *args, alert: Alert | None = None, events: list[IndustrialEvent] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.alert, self.events = alert, list(events)
        if not self.is_bound:
            self.initial.setdefault("decided_on", timezone.localdate())
            self.initial.setdefault("reason", evidence_summary(alert, self.events))
            suggested = self.suggested_territories()
            if suggested:
                self.initial.setdefault("territory", suggested[0])

    @property
    def is_followed_up(self) -> bool:
        """The alert was already followed up (designated or dismissed): nothing more to designate from it."""
        return self.alert is not None and self.alert.status != AlertStatus.OPEN

    def suggested_territories(self) -> list[int]:
        offered = self.fields["territory"].queryset
        alert = self.alert
        if alert is not None and alert.level == Level.TERRITORY:
            ids = list(offered.filter(phase__slug=alert.phase_slug, code=alert.code).values_list("pk", flat=True))
        else:
            communes = [e.commune_code for e in self.events]
            epcis = []
            if alert is not None and alert.level == Level.COMMUNE:
                communes.append(alert.code)
            if alert is not None and alert.level == Level.EPCI:
                epcis.append(alert.code)
            holding = territories_holding(communes=communes, epcis=epcis) if communes or epcis else []
            ids = list(offered.filter(pk__in=holding).values_list("pk", flat=True))
        return ids

    def clean(self):
        data = super().clean()
        if self.is_followed_up:
            raise forms.ValidationError(
                f"Cette alerte a déjà été suivie : {self.alert.get_status_display()}. Rien n'a été enregistré."
            )
        return data

    @transaction.atomic
    def save(self, actor, *, is_demo: bool = False) -> ShockDesignation:
        evidence = {"events": [event_evidence(event) for event in self.events]}
        if self.alert is not None:
            alert = (
                Alert.objects.select_for_update()
                .select_related("scoring__method_version__method")
                .get(pk=self.alert.pk)
            )
            if alert.status != AlertStatus.OPEN:  # followed up by someone else meanwhile
                raise EditConflict(f"Cette alerte a été suivie entre-temps : {alert.get_status_display()}.")
            evidence["alert"] = alert_evidence(alert)
        shock = ShockDesignation.objects.create(
            decided_by=actor, alert=self.alert, evidence=evidence, is_demo=is_demo, **self.cleaned_data
        )
        shock.events.set(self.events)
        if self.alert is not None:
            Alert.objects.filter(pk=alert.pk).update(
                status=AlertStatus.DESIGNATED, reviewed_by=actor, reviewed_at=timezone.now()
            )
        changes = field_changes(None, shock, ["territory_id", "decided_on", "decision", "reason"])
        if self.alert is not None:
            changes["alert"] = [None, f"{alert.get_kind_display()} ({alert.code}, {alert.period})"]
        if self.events:
            changes["events"] = [None, [str(event) for event in self.events]]
        record(
            actor=actor, action="budget.shock_designate", obj=shock, changes=changes, **shock.territory.audit_scope()
        )
        return shock


class EventsChoiceForm(DsfrForm):
    """The declared events a designation rests on (`?e=<id>&e=<id>`, carried in hidden fields when posting)."""

    e = forms.ModelMultipleChoiceField(
        label="Événements déclarés",
        queryset=IndustrialEvent.objects.all(),
        widget=forms.MultipleHiddenInput,
        error_messages={
            "required": "Choisissez au moins un événement déclaré.",
            "invalid_choice": "Événement inconnu : « %(value)s ».",
            "invalid_pk_value": "« %(pk)s » n'est pas un numéro d'événement.",
        },
    )
