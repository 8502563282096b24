"""A territory's perimeter, versioned: each version lists its members and is pinned to an edition of the geography."""

from datetime import date
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import OuterRef, Subquery

from pilote.geography.models import Edition

from ..enums import MemberKind

if TYPE_CHECKING:  # annotations only: `territories.py` imports this module
    from .territories import Phase


class PerimeterVersionQuerySet(models.QuerySet):
    def current(self):
        """Each territory's current perimeter: its version with the highest number, withdrawn territories included
        (today's map adds "still in the programme": `figures.current_versions`). The one definition that the scopes,
        budget rules, allocation and campaigns read; one subquery."""
        latest = PerimeterVersion.objects.filter(territory=OuterRef("territory")).order_by("-number").values("number")
        return self.filter(number=Subquery(latest[:1]))

    def state_of(self, phase: "Phase", on: date | None = None) -> list["PerimeterVersion"]:
        """The map of `phase` on date `on` (default: today's): each territory in the programme then, with the
        latest version of its perimeter valid then. One query."""
        versions = self.filter(territory__phase=phase).select_related("territory").order_by("territory__code", "number")
        if on is not None:
            versions = versions.filter(valid_on__lte=on)
        latest = {}
        for version in versions:
            withdrawn = version.territory.withdrawn_on
            if withdrawn is None or (on is not None and withdrawn > on):
                latest[version.territory_id] = version
        return list(latest.values())

    def valid_dates(self, phase: "Phase") -> list[date]:
        return sorted(set(self.filter(territory__phase=phase).values_list("valid_on", flat=True)))


class PerimeterVersion(models.Model):
    """The members of a territory (EPCI SIRENs and/or commune codes), pinned to an edition of the geography."""

    territory = models.ForeignKey("Territory", on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField("version")
    edition = models.ForeignKey(Edition, on_delete=models.PROTECT, related_name="+", verbose_name="millésime")
    valid_on = models.DateField("en vigueur le")
    reason = models.CharField("motif", max_length=300)
    source = models.CharField("source", max_length=120)
    notes = models.TextField("observations", blank=True)
    warnings = models.JSONField("alertes sur les données", default=list, blank=True)  # French, one per line shown
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PerimeterVersionQuerySet.as_manager()

    class Meta:
        ordering = ["territory", "number"]
        constraints = [models.UniqueConstraint(fields=["territory", "number"], name="version_unique_number")]

    def __str__(self):
        return f"{self.territory.code} v{self.number}"


class PerimeterMember(models.Model):
    version = models.ForeignKey(PerimeterVersion, on_delete=models.CASCADE, related_name="members")
    kind = models.CharField(max_length=7, choices=MemberKind.choices)
    code = models.CharField(max_length=9)  # SIREN for an EPCI, INSEE code for a commune
    label = models.CharField("libellé source", max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["version", "kind", "code"], name="member_unique"),
            models.CheckConstraint(condition=models.Q(kind__in=MemberKind.values), name="member_known_kind"),
        ]
