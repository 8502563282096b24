"""Targeting: official open data on any geography, the fragility index and the industrial shocks.

Units are named by official codes like everywhere in Pilote (a commune by its INSEE code, an EPCI by its SIREN, a
zone d'emploi by its INSEE code, a territory by its phase slug and code), never by foreign keys to the geography or
the territories: values outlive editions, and a value read on a commune of COG 2020 is carried onto the current
edition through the commune lineage when it is computed (`Computation`), not when it is imported.

Layers of data, from the file to the ranking:
  Dataset (one imported file) → SourceValue (as published: indicator × vintage × unit of the source's geography)
  → Computation (one edition, chosen vintages) → UnitValue (territories, EPCI, zones, régions, France, with coverage)
  → Scoring (one method version on one computation) → Score (score, ranks, contributions, rank interval)
  → Alert (shock detected by the method's thresholds) → budget's Rebond industriel designation.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from pilote.core.models import Organisation
from pilote.core.perms import departement_codes, is_national, region_codes
from pilote.core.versioning import Revised

from .enums import (
    Aggregation,
    AlertKind,
    AlertStatus,
    Direction,
    EventKind,
    Level,
    MethodStatus,
    MissingValues,
    Transformation,
)
from .perms import can_declare_events


class Indicator(models.Model):
    """One entry of the catalogue: what a figure means, where it comes from and which way is "in trouble"."""

    code = models.SlugField("code", max_length=40, unique=True)
    label = models.CharField("libellé", max_length=200)
    unit = models.CharField("unité", max_length=40)
    source = models.CharField("source", max_length=300)
    description = models.TextField("définition", blank=True)
    direction = models.CharField("sens", max_length=20, choices=Direction.choices)
    published_on = models.CharField("géographie de publication", max_length=20, choices=Level.choices)
    aggregation = models.CharField("agrégation", max_length=20, choices=Aggregation.choices)
    # A share recomputed from its parts (Aggregation.RATIO): value = numerator / denominator × scale.
    numerator = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    denominator = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    scale = models.FloatField("échelle", default=1.0)
    decimals = models.PositiveSmallIntegerField("décimales affichées", default=1)
    is_derived = models.BooleanField("indicateur dérivé", default=False)
    order = models.PositiveSmallIntegerField("ordre", default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = "indicateur"
        constraints = [
            models.CheckConstraint(condition=Q(direction__in=Direction.values), name="indicator_known_direction"),
            models.CheckConstraint(condition=Q(aggregation__in=Aggregation.values), name="indicator_known_rule"),
            models.CheckConstraint(
                condition=~Q(aggregation=Aggregation.RATIO)
                | (Q(numerator__isnull=False) & Q(denominator__isnull=False)),
                name="ratio_indicator_has_parts",
            ),
        ]

    def __str__(self):
        return self.label


class Dataset(models.Model):
    """One imported file: what was read, from where, on which geography, and the French report of the import."""

    source = models.CharField("source", max_length=60, help_text="Clé du manifeste des données, ou « fichier ».")
    file_name = models.CharField("fichier", max_length=300)
    sha256 = models.CharField("empreinte SHA-256", max_length=64)
    geography_year = models.PositiveSmallIntegerField("millésime du COG des codes", null=True, blank=True)
    vintages = models.JSONField("millésimes lus", default=list)
    imported_at = models.DateTimeField("importé le", auto_now_add=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    report = models.JSONField("compte rendu", default=dict)  # read / mapped / left out, in French

    class Meta:
        ordering = ["-imported_at"]
        verbose_name = "jeu de données importé"
        constraints = [models.UniqueConstraint(fields=["source", "sha256"], name="dataset_imported_once")]

    def __str__(self):
        return f"{self.file_name} ({self.imported_at:%d/%m/%Y})"


class SourceValue(models.Model):
    """A value as published, on its source's geography (commune codes of `dataset.geography_year`, zones…)."""

    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="values")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="source_values")
    vintage = models.CharField("millésime", max_length=10)  # "2019", "2023-T3"
    level = models.CharField("géographie", max_length=20, choices=Level.choices)
    code = models.CharField("code officiel", max_length=10)
    value = models.FloatField("valeur")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["indicator", "vintage", "level", "code"], name="source_value_unique"),
        ]
        indexes = [models.Index(fields=["indicator", "vintage"])]


class Zone(models.Model):
    """A zone d'emploi of a zoning (ZE2020), with its région (00: interregional)."""

    zoning = models.CharField("zonage", max_length=10, default="ZE2020")
    code = models.CharField("code", max_length=4)
    name = models.CharField("libellé", max_length=120)
    region_code = models.CharField("région", max_length=3, blank=True)

    class Meta:
        ordering = ["zoning", "code"]
        constraints = [models.UniqueConstraint(fields=["zoning", "code"], name="zone_unique")]

    def __str__(self):
        return f"{self.name} ({self.code})"


class ZoneCommune(models.Model):
    """Composition of a zoning: the zone of each commune, in the COG of `geography_year`."""

    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="zone_communes")
    zoning = models.CharField("zonage", max_length=10, default="ZE2020")
    geography_year = models.PositiveSmallIntegerField("millésime du COG")
    commune_code = models.CharField("commune", max_length=5)
    zone_code = models.CharField("zone", max_length=4)
    zone_part_code = models.CharField("partie régionale", max_length=4, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["zoning", "geography_year", "commune_code"], name="zone_commune_unique"),
        ]


class Computation(models.Model):
    """Every indicator carried onto one edition and aggregated on every unit, from chosen vintages. Never updated:
    a new computation is a new row, so a score always says what it was computed from."""

    edition = models.ForeignKey("geography.Edition", on_delete=models.PROTECT, related_name="+")
    computed_at = models.DateTimeField("calculé le", auto_now_add=True)
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    vintages = models.JSONField("millésimes utilisés", default=dict)  # indicator code → vintage(s)
    datasets = models.ManyToManyField(Dataset, related_name="computations", blank=True)
    report = models.JSONField("compte rendu", default=dict)  # lineage: fusions summed, défusions, unmapped

    class Meta:
        ordering = ["-computed_at", "-id"]
        get_latest_by = ["computed_at", "id"]
        verbose_name = "calcul des indicateurs"

    def __str__(self):
        return f"Calcul {self.pk} (COG {self.edition_id}, {self.computed_at:%d/%m/%Y})"


class UnitValue(models.Model):
    """An indicator's value on one unit of a computation, and the share of the unit's population it rests on."""

    computation = models.ForeignKey(Computation, on_delete=models.CASCADE, related_name="values")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    vintage = models.CharField("millésime", max_length=10)
    level = models.CharField("géographie", max_length=20, choices=Level.choices)
    phase_slug = models.CharField("phase", max_length=20, blank=True)  # territories only
    code = models.CharField("code officiel", max_length=10)
    value = models.FloatField("valeur", null=True)
    coverage = models.FloatField("couverture (part de la population)", null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["computation", "indicator", "vintage", "level", "phase_slug", "code"], name="unit_value_unique"
            ),
        ]
        indexes = [models.Index(fields=["computation", "level", "phase_slug", "code"])]


class ImmutableMethod(Exception):
    """A published method version is never changed: a change is a new version, and past scores keep theirs."""


class Method(models.Model):
    """A published way of reading the indicators, e.g. the fragility index; its versions carry the content."""

    slug = models.SlugField("identifiant", max_length=40, unique=True)
    name = models.CharField("nom", max_length=200)
    description = models.TextField("présentation", blank=True)

    class Meta:
        verbose_name = "méthode"

    def __str__(self):
        return self.name


class MethodVersion(models.Model):
    """One version of a method: indicators and weights, transformation, missing values, shock thresholds. Once
    published it is never changed: a change is a new version, and past scores keep theirs."""

    method = models.ForeignKey(Method, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveSmallIntegerField("version")
    status = models.CharField("statut", max_length=10, choices=MethodStatus.choices, default=MethodStatus.DRAFT)
    transformation = models.CharField(
        "transformation", max_length=10, choices=Transformation.choices, default=Transformation.RANK
    )
    missing_values = models.CharField(
        "valeurs manquantes", max_length=12, choices=MissingValues.choices, default=MissingValues.RENORMALISE
    )
    thresholds = models.JSONField("seuils d'alerte", default=dict)  # documented defaults in the method page
    notes = models.TextField("ce qui change", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    published_at = models.DateTimeField("publiée le", null=True, blank=True)

    class Meta:
        ordering = ["method", "-number"]
        verbose_name = "version de méthode"
        constraints = [
            models.UniqueConstraint(fields=["method", "number"], name="method_version_unique"),
            models.CheckConstraint(condition=Q(status__in=MethodStatus.values), name="method_known_status"),
        ]

    def __str__(self):
        return f"{self.method} — version {self.number}"

    CONTENT = ("method_id", "number", "status", "transformation", "missing_values", "thresholds", "notes")

    def save(self, *args, **kwargs):
        if self.pk is not None:
            stored = MethodVersion.objects.filter(pk=self.pk, status=MethodStatus.PUBLISHED).values(*self.CONTENT)
            stored = stored.first()
            if stored is not None and any(stored[name] != getattr(self, name) for name in self.CONTENT):
                raise ImmutableMethod(f"{self} est publiée : une modification est une nouvelle version.")
        super().save(*args, **kwargs)

    @property
    def is_published(self) -> bool:
        return self.status == MethodStatus.PUBLISHED


class MethodWeight(models.Model):
    version = models.ForeignKey(MethodVersion, on_delete=models.CASCADE, related_name="weights")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    weight = models.FloatField("poids")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["version", "indicator"], name="method_weight_unique"),
            models.CheckConstraint(condition=Q(weight__gt=0), name="method_weight_positive"),
        ]

    def save(self, *args, **kwargs):
        self.refuse_if_published()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self.refuse_if_published()
        return super().delete(*args, **kwargs)

    def refuse_if_published(self):
        if MethodVersion.objects.filter(pk=self.version_id, status=MethodStatus.PUBLISHED).exists():
            raise ImmutableMethod("Les poids d'une version publiée ne changent plus : créez une nouvelle version.")


class Scoring(models.Model):
    """One method version applied to one computation; never rewritten."""

    method_version = models.ForeignKey(MethodVersion, on_delete=models.PROTECT, related_name="scorings")
    computation = models.ForeignKey(Computation, on_delete=models.PROTECT, related_name="scorings")
    computed_at = models.DateTimeField("calculé le", auto_now_add=True)
    draws = models.PositiveIntegerField("tirages de poids (stabilité)", default=1000)
    seed = models.PositiveIntegerField("graine", default=0)

    class Meta:
        ordering = ["-computed_at", "-id"]
        get_latest_by = ["computed_at", "id"]


class Score(models.Model):
    scoring = models.ForeignKey(Scoring, on_delete=models.CASCADE, related_name="scores")
    level = models.CharField("géographie", max_length=20, choices=Level.choices)
    phase_slug = models.CharField("phase", max_length=20, blank=True)
    code = models.CharField("code officiel", max_length=10)
    region_code = models.CharField("région", max_length=3, blank=True)
    score = models.FloatField("score", null=True)
    rank_national = models.PositiveIntegerField("rang national", null=True)
    rank_regional = models.PositiveIntegerField("rang régional", null=True)
    rank_low = models.PositiveIntegerField("meilleur rang (poids perturbés)", null=True)
    rank_high = models.PositiveIntegerField("moins bon rang (poids perturbés)", null=True)
    contributions = models.JSONField("contributions", default=dict)  # indicator code → points

    class Meta:
        ordering = ["rank_national"]
        constraints = [
            models.UniqueConstraint(fields=["scoring", "level", "phase_slug", "code"], name="score_unique"),
        ]


class Alert(models.Model):
    """An industrial shock detected in the series by a method version's thresholds."""

    scoring = models.ForeignKey(Scoring, on_delete=models.CASCADE, related_name="alerts")
    level = models.CharField("géographie", max_length=20, choices=Level.choices)
    phase_slug = models.CharField("phase", max_length=20, blank=True)
    code = models.CharField("code officiel", max_length=10)
    region_code = models.CharField("région", max_length=3, blank=True)
    kind = models.CharField("nature", max_length=30, choices=AlertKind.choices)
    period = models.CharField("période", max_length=10)
    evidence = models.JSONField("constat", default=dict)  # the figures and the threshold that fired
    status = models.CharField("suite donnée", max_length=12, choices=AlertStatus.choices, default=AlertStatus.OPEN)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField("examinée le", null=True, blank=True)

    class Meta:
        ordering = ["-scoring", "region_code", "code"]
        constraints = [
            models.UniqueConstraint(fields=["scoring", "level", "phase_slug", "code", "kind"], name="alert_unique"),
            models.CheckConstraint(condition=Q(kind__in=AlertKind.values), name="alert_known_kind"),
            models.CheckConstraint(condition=Q(status__in=AlertStatus.values), name="alert_known_status"),
        ]


class IndustrialEventQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The events of the user's scope (`targeting.perms`): all for ANCT, those of their régions and départements
        for the reviewers, none for the others. The one scoping of every list of events."""
        if not can_declare_events(user):
            return self.none()
        if is_national(user):
            return self
        return self.filter(Q(region_code__in=region_codes(user)) | Q(departement_code__in=departement_codes(user)))


class IndustrialEvent(Revised):
    """An industrial event declared by a State or regional service in its scope: the facts no open file gives in
    time (closure, PSE, relocation, disaster)."""

    commune_code = models.CharField("commune", max_length=5)
    departement_code = models.CharField("département", max_length=3)
    region_code = models.CharField("région", max_length=3)
    company = models.CharField("entreprise ou site", max_length=200)
    siret = models.CharField("SIRET", max_length=14, blank=True)
    sector = models.CharField("secteur (NAF)", max_length=200, blank=True)
    kind = models.CharField("nature", max_length=20, choices=EventKind.choices)
    occurred_on = models.DateField("date")
    jobs_lost = models.PositiveIntegerField("emplois supprimés", null=True, blank=True)
    jobs_threatened = models.PositiveIntegerField("emplois menacés", null=True, blank=True)
    description = models.TextField("description", blank=True)
    declared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    declared_at = models.DateTimeField("déclaré le", auto_now_add=True)
    is_demo = models.BooleanField("démonstration", default=False)

    objects = IndustrialEventQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_on", "-id"]
        verbose_name = "événement industriel déclaré"
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=EventKind.values), name="event_known_kind"),
            models.CheckConstraint(
                condition=Q(siret="") | Q(siret__regex=r"^[0-9]{14}$"), name="event_siret_14_digits"
            ),
        ]

    def __str__(self):
        return f"{self.company} — {self.get_kind_display()} ({self.occurred_on:%d/%m/%Y})"
