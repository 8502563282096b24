"""Allocation scenarios: drafts of ANCT splitting a year's money, compared, then applied."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q

from pilote.core.audit import field_changes
from pilote.core.versioning import Revised

from ..enums import ActionType, ScenarioRule
from ..money import euros
from .envelopes import MONEY

# --- allocation scenarios ------------------------------------------------------------------------------------------


class ScenarioQuerySet(models.QuerySet):
    def with_lines(self):
        """Scenarios with their lines and fixed amounts: two more queries, whatever their number."""
        return self.prefetch_related("lines__fixed_amounts")


class Scenario(Revised):
    """A draft of ANCT splitting a year's money between action types and régions, compared with others, then applied
    as envelopes (`pilote.budget.scenarios.scenario_apply`). Once applied it no longer changes: it says what was done.

    Amounts typed in a scenario (shares in euros, fixed amounts) are AE; the CP follow in the proportion of the
    scenario's totals."""

    year = models.PositiveSmallIntegerField("année")
    name = models.CharField("nom", max_length=200)
    ae_total = models.DecimalField("total des autorisations d'engagement (€)", default=Decimal("100000000.00"), **MONEY)
    cp_total = models.DecimalField("total des crédits de paiement (€)", default=Decimal("100000000.00"), **MONEY)
    notes = models.TextField("notes", blank=True)
    # The method whose latest scores weigh the lines split « selon l'indice de fragilité » (budget.scenarios).
    fragility_method = models.ForeignKey(
        "targeting.MethodVersion",
        verbose_name="version de l'indice de fragilité",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    applied_at = models.DateTimeField("appliqué le", null=True, blank=True, editable=False)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, editable=False, related_name="+"
    )
    is_demo = models.BooleanField("démonstration", default=False)

    objects = ScenarioQuerySet.as_manager()

    class Meta:
        verbose_name = "scénario de répartition"
        ordering = ["-year", "name"]
        constraints = [
            models.UniqueConstraint(fields=["year", "name"], name="scenario_unique_name_in_year"),
            models.CheckConstraint(condition=Q(ae_total__gte=0) & Q(cp_total__gte=0), name="scenario_totals_positive"),
            models.CheckConstraint(
                condition=Q(applied_by__isnull=True) | Q(applied_at__isnull=False),
                name="scenario_applied_by_when_applied",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.year})"

    @property
    def is_applied(self) -> bool:
        return self.applied_at is not None

    def audit_values(self) -> dict:
        return field_changes(None, self, ["year", "name", "ae_total", "cp_total", "notes", "fragility_method"])


class ScenarioLine(models.Model):
    """One action type in a scenario: its share of the total (a percentage or an amount), how it is split between
    régions, and the part kept at national level (the national reserve, not delegated)."""

    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="lines")
    action_type = models.CharField("type d'action", max_length=20, choices=ActionType.choices)
    share_percent = models.DecimalField("part du total (%)", max_digits=5, decimal_places=2, null=True, blank=True)
    share_amount = models.DecimalField("part du total (€, AE)", null=True, blank=True, **MONEY)
    rule = models.CharField("répartition entre régions", max_length=20, choices=ScenarioRule.choices)
    reserve_percent = models.DecimalField(
        "réserve nationale (% de la part)", max_digits=5, decimal_places=2, default=Decimal("0.00")
    )

    class Meta:
        verbose_name = "ligne de scénario"
        ordering = ["scenario", "id"]
        constraints = [
            models.UniqueConstraint(fields=["scenario", "action_type"], name="scenario_line_unique_action_type"),
            models.CheckConstraint(condition=Q(action_type__in=ActionType.values), name="scenario_line_known_type"),
            models.CheckConstraint(condition=Q(rule__in=ScenarioRule.values), name="scenario_line_known_rule"),
            # A share is a percentage or an amount, never both, never none.
            models.CheckConstraint(
                condition=(Q(share_percent__isnull=False) & Q(share_amount__isnull=True))
                | (Q(share_percent__isnull=True) & Q(share_amount__isnull=False)),
                name="scenario_line_one_share",
            ),
            models.CheckConstraint(
                condition=Q(share_percent__isnull=True) | (Q(share_percent__gte=0) & Q(share_percent__lte=100)),
                name="scenario_line_share_is_a_percentage",
            ),
            models.CheckConstraint(
                condition=Q(share_amount__isnull=True) | Q(share_amount__gte=0), name="scenario_line_amount_positive"
            ),
            models.CheckConstraint(
                condition=Q(reserve_percent__gte=0) & Q(reserve_percent__lte=100),
                name="scenario_line_reserve_is_a_percentage",
            ),
        ]

    def __str__(self):
        return f"{self.scenario} · {self.get_action_type_display()}"

    def ae_weight(self, ae_total: Decimal) -> Decimal:
        """The line's AE before rounding: its amount, or its percentage of the scenario's total."""
        if self.share_amount is not None:
            return self.share_amount
        return ae_total * self.share_percent / 100


class ScenarioFixedAmount(models.Model):
    """An amount (AE) typed for a région in a line whose rule is « montants fixés »."""

    line = models.ForeignKey(ScenarioLine, on_delete=models.CASCADE, related_name="fixed_amounts")
    region_code = models.CharField("région", max_length=3)
    amount = models.DecimalField("montant (€, AE)", **MONEY)

    class Meta:
        verbose_name = "montant fixé pour une région"
        ordering = ["line", "region_code"]
        constraints = [
            models.UniqueConstraint(fields=["line", "region_code"], name="scenario_fixed_unique_region"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="scenario_fixed_amount_positive"),
        ]

    def __str__(self):
        return f"{self.line} · région {self.region_code} : {euros(self.amount)}"
