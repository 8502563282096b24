"""The parameters of the budget rules and the territories designated for Rebond industriel."""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from pilote.core.versioning import Revised
from pilote.territories.models import Territory

from ..money import percent
from .envelopes import MONEY

# --- rules' parameters and Rebond industriel --------------------------------------------------------------------------


class Parameters(Revised):
    """The parameters of the budget rules: one row, edited by ANCT. The defaults are the platform's own choices,
    to be confirmed by ANCT — not official figures."""

    project_lead_state_share_max = models.DecimalField(
        "part maximale de l'État dans un poste de chef de projet (%)",
        max_digits=5,
        decimal_places=2,
        default=Decimal("50.00"),
        help_text="Valeur par défaut de la plateforme : 50 %, à confirmer par l'ANCT.",
    )
    project_lead_yearly_cap = models.DecimalField(
        "plafond annuel de l'aide de l'État au chef de projet, par territoire (€)",
        default=Decimal("40000.00"),
        help_text="Valeur par défaut de la plateforme : 40 000 € par territoire et par an, à confirmer par l'ANCT.",
        **MONEY,
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "paramètres des règles budgétaires"
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="parameters_single_row"),
            models.CheckConstraint(
                condition=Q(project_lead_state_share_max__gte=0) & Q(project_lead_state_share_max__lte=100),
                name="parameters_share_is_a_percentage",
            ),
            models.CheckConstraint(condition=Q(project_lead_yearly_cap__gte=0), name="parameters_cap_positive"),
        ]

    def __str__(self):
        return "Paramètres des règles budgétaires"

    @classmethod
    def current(cls) -> "Parameters":
        return cls.objects.get_or_create(pk=1)[0]

    def state_share_refusal(self, state: Decimal, partners: Decimal) -> str | None:
        """Why a chef de projet paid `state` € by the State and `partners` € by the others breaks the ceiling on the
        State's share, or None. The one rule for commitments and for the governance form (through the registry)."""
        if not state or state * 100 <= self.project_lead_state_share_max * (state + partners):
            return None
        return (
            f"La part de l'État dans ce poste de chef de projet serait de {percent(state * 100 / (state + partners))}, "
            f"au-delà du plafond de {percent(self.project_lead_state_share_max)} : ajoutez le cofinancement de "
            "l'intercommunalité."
        )


def project_lead_funding_refusal(*, state_funding: Decimal, epci_funding: Decimal) -> str | None:
    """The budget's contribution to the chef de projet form of `plans` (registry `project_lead_checks`)."""
    return Parameters.current().state_share_refusal(state_funding, epci_funding)


class ShockDesignationQuerySet(models.QuerySet):
    def active_on(self, day: date):
        return self.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=day), decided_on__lte=day)


class ShockDesignation(models.Model):
    """A territory designated as hit by an industrial shock, which opens Rebond industriel to it. Set by ANCT, by hand
    or from what targeting found: a shock alert computed from the series (`alert`) and/or industrial events declared
    by the State's and regional services (`events`). What they said is copied into `evidence` when the designation
    is made, so that it survives a new computation of the alerts or a later edit of an event."""

    territory = models.ForeignKey(Territory, on_delete=models.PROTECT, related_name="shock_designations")
    decided_on = models.DateField("décidé le")
    decision = models.CharField("décision", max_length=300, help_text="Référence de la décision (comité, arrêté…).")
    reason = models.TextField("choc industriel constaté", blank=True)
    ended_on = models.DateField("fin de la désignation", null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    is_demo = models.BooleanField("démonstration", default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    alert = models.ForeignKey(
        "targeting.Alert",
        verbose_name="alerte à l'origine",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="designations",
    )
    events = models.ManyToManyField(
        "targeting.IndustrialEvent", verbose_name="événements déclarés", blank=True, related_name="designations"
    )
    # {"alert": {...figures, threshold, period, method...}, "events": [{company, commune, date, jobs...}]}
    evidence = models.JSONField("constat à l'appui (copié lors de la désignation)", default=dict, blank=True)

    objects = ShockDesignationQuerySet.as_manager()

    class Meta:
        verbose_name = "désignation Rebond industriel"
        ordering = ["-decided_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("decided_on")), name="shock_dates_ordered"
            ),
        ]

    def __str__(self):
        return f"{self.territory} — choc industriel ({self.decided_on:%d/%m/%Y})"
