"""Action plans of the territories: fiches actions, their funders and their indicators.

Entered by the territory teams (forms or the XLSX template of `plans/spreadsheet.py`).
"""

import datetime
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse

from pilote.core.attachments import Attachment
from pilote.core.versioning import Revised
from pilote.territories.models import Territory

from .enums import FicheStatus, Priority

FICHE_FIELDS = [
    "title",
    "description",
    "priority",
    "status",
    "lead_organisation",
    "started_on",
    "ended_on",
    "total_cost",
]


# Excel counts days from 1900; a date outside these bounds is a typo that an export could not write back.
PLAUSIBLE_DATE = [
    MinValueValidator(datetime.date(1900, 1, 1), "Saisissez une date postérieure au 01/01/1900."),
    MaxValueValidator(datetime.date(2100, 12, 31), "Saisissez une date antérieure au 31/12/2100."),
]


class FicheActionQuerySet(models.QuerySet):
    def of(self, territory: Territory):
        return self.filter(territory=territory)

    def with_number(self):
        """`number`: the fiche's rank in its territory's plan by creation (1, 2, 3…), what people call « fiche n° 2 »
        — database ids run across every territory. Stable because fiches are never deleted one by one (only with
        their territory); a filter keeps it, being counted over the whole plan."""
        earlier = (
            FicheAction.objects.filter(territory=models.OuterRef("territory"), pk__lte=models.OuterRef("pk"))
            .order_by()
            .values("territory")
            .annotate(n=models.Count("pk"))
            .values("n")
        )
        return self.annotate(number=models.Subquery(earlier, output_field=models.IntegerField()))


class FicheAction(Revised):
    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="fiches")
    title = models.CharField("intitulé", max_length=300)
    description = models.TextField("description", blank=True)
    priority = models.CharField("priorité", max_length=20, choices=Priority.choices)
    status = models.CharField("statut", max_length=20, choices=FicheStatus.choices, default=FicheStatus.PLANNED)
    lead_organisation = models.CharField("porteur", max_length=200, blank=True)
    started_on = models.DateField("début", null=True, blank=True, validators=PLAUSIBLE_DATE)
    ended_on = models.DateField("fin", null=True, blank=True, validators=PLAUSIBLE_DATE)
    total_cost = models.DecimalField(
        "coût total (€)",
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0), "Le coût total doit être positif ou nul.")],
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = FicheActionQuerySet.as_manager()

    class Meta:
        verbose_name = "fiche action"
        ordering = ["territory", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True)
                | models.Q(started_on__isnull=True)
                | models.Q(ended_on__gte=models.F("started_on")),
                name="fiche_dates_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(total_cost__isnull=True) | models.Q(total_cost__gte=0), name="fiche_cost_positive"
            ),
            models.CheckConstraint(condition=models.Q(priority__in=Priority.values), name="fiche_known_priority"),
            models.CheckConstraint(condition=models.Q(status__in=FicheStatus.values), name="fiche_known_status"),
        ]

    def __str__(self):
        return self.title


class Funder(models.Model):
    fiche = models.ForeignKey(FicheAction, on_delete=models.CASCADE, related_name="funders")
    organisation = models.CharField("financeur", max_length=200)
    amount = models.DecimalField(
        "montant (€)",
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0), "Le montant doit être positif ou nul.")],
    )
    is_secured = models.BooleanField("acquis", default=False)  # False: attendu

    class Meta:
        verbose_name = "financeur"
        ordering = ["fiche", "id"]
        constraints = [models.CheckConstraint(condition=models.Q(amount__gte=0), name="funder_amount_positive")]

    def __str__(self):
        return f"{self.organisation} : {self.amount} €"


class Indicator(models.Model):
    fiche = models.ForeignKey(FicheAction, on_delete=models.CASCADE, related_name="indicators")
    name = models.CharField("indicateur", max_length=200)
    unit = models.CharField("unité", max_length=50, blank=True)
    target = models.DecimalField("cible", max_digits=14, decimal_places=2, null=True, blank=True)
    value = models.DecimalField("valeur", max_digits=14, decimal_places=2, null=True, blank=True)
    measured_on = models.DateField("date de la mesure", null=True, blank=True, validators=PLAUSIBLE_DATE)

    class Meta:
        verbose_name = "indicateur"
        ordering = ["fiche", "id"]

    def __str__(self):
        return self.name


class FicheAttachment(Attachment):
    """A document of a fiche action (a convention with a funder, a délibération…), added by the territory's team."""

    fiche = models.ForeignKey(FicheAction, on_delete=models.CASCADE, related_name="attachments")
    AUDIT_PREFIX = "fiche_attachment"

    class Meta(Attachment.Meta):
        verbose_name = "pièce jointe d'une fiche action"

    def audit_scope(self) -> dict:
        return self.fiche.territory.audit_scope()

    def _url(self, name: str) -> str:
        territory = self.fiche.territory
        return reverse(name, args=[territory.phase.slug, territory.code, self.fiche_id, self.pk])

    def get_absolute_url(self) -> str:
        return self._url("plans:fiche_attachment")

    def removal_url(self) -> str:
        return self._url("plans:fiche_attachment_remove")
