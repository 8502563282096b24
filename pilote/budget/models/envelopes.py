"""Envelopes: a year's budget at each level, and the errors a budget rule raises."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import F, Q

from pilote.core import perms
from pilote.core.audit import field_changes, record
from pilote.core.versioning import Revised, check_revision, revise
from pilote.geography.models import Departement, Region
from pilote.territories.models import Area, Territory

from ..enums import CHILD_LEVEL, ActionType, EnvelopeLevel
from ..money import euros
from ..perms import sees_whole_budget

MONEY = {"max_digits": 14, "decimal_places": 2}
ZERO = Decimal("0.00")


class RuleBroken(ValidationError):
    """A budget rule refuses the change; the message (French) says why. Nothing was written."""

    def __str__(self):
        return " ".join(self.messages)


# --- envelopes ------------------------------------------------------------------------------------------------------


class EnvelopeQuerySet(models.QuerySet):
    def visible_to(self, user):
        """ANCT and operators see every envelope; a regional reviewer those of their régions (and their
        départements); a départemental reviewer those of their départements. The one scoping method of envelopes."""
        if sees_whole_budget(user):
            return self
        return self.filter(
            Q(region_code__in=perms.region_codes(user)) | Q(departement_code__in=perms.departement_codes(user))
        )

    def of_year(self, year: int):
        return self.filter(year=year)

    def lock(self, pk: int) -> "Envelope":
        """The envelope, row-locked until the end of the transaction (PostgreSQL; SQLite serialises writers)."""
        return self.select_for_update().get(pk=pk)

    def use(self, pk: int, *, ae: Decimal = ZERO, cp: Decimal = ZERO) -> None:
        """Add to what the envelope has given away, in one UPDATE checked by the database."""
        try:
            with transaction.atomic():
                self.filter(pk=pk).update(ae_used=F("ae_used") + ae, cp_used=F("cp_used") + cp)
        except IntegrityError as error:
            raise RuleBroken("Refusé : l'enveloppe serait dépassée (contrôle de la base de données).") from error

    def open_year(self, *, year: int, ae: Decimal, cp: Decimal, actor, is_demo: bool = False) -> "Envelope":
        """The programme's envelope of a year (the root of its tree)."""
        with transaction.atomic():
            if self.filter(year=year, level=EnvelopeLevel.PROGRAMME).exists():
                raise RuleBroken(f"Le budget {year} est déjà ouvert.")
            envelope = self.create(
                year=year, level=EnvelopeLevel.PROGRAMME, ae_amount=ae, cp_amount=cp, is_demo=is_demo
            )
            record(actor=actor, action="budget.year_open", obj=envelope, changes=envelope.audit_values())
        return envelope

    def counterpart(self, envelope: "Envelope", year: int) -> "Envelope | None":
        """The envelope of the same action type and place in another year (where a payment draws its CP)."""
        return self.filter(
            year=year,
            level=envelope.level,
            action_type=envelope.action_type,
            region_code=envelope.region_code,
            departement_code=envelope.departement_code,
        ).first()


class Envelope(Revised):
    """A year's budget at one level: the programme's total, one action type nationally, or its delegation to a région
    or a département. The sum of the children never exceeds the parent (in AE and in CP)."""

    year = models.PositiveSmallIntegerField("année")
    level = models.CharField("niveau", max_length=20, choices=EnvelopeLevel.choices)
    action_type = models.CharField("type d'action", max_length=20, choices=ActionType.choices, blank=True)
    region_code = models.CharField("région", max_length=3, blank=True)
    departement_code = models.CharField("département", max_length=3, blank=True)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name="enveloppe mère"
    )
    label = models.CharField("libellé", max_length=200, blank=True)
    ae_amount = models.DecimalField("autorisations d'engagement (€)", **MONEY)
    cp_amount = models.DecimalField("crédits de paiement (€)", **MONEY)
    ae_used = models.DecimalField("AE déléguées ou engagées (€)", default=ZERO, editable=False, **MONEY)
    cp_used = models.DecimalField("CP délégués ou payés (€)", default=ZERO, editable=False, **MONEY)
    is_demo = models.BooleanField("démonstration", default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EnvelopeQuerySet.as_manager()

    class Meta:
        verbose_name = "enveloppe"
        ordering = ["year", "level", "action_type", "region_code", "departement_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "level", "action_type", "region_code", "departement_code"], name="envelope_unique"
            ),
            models.CheckConstraint(condition=Q(ae_amount__gte=0) & Q(cp_amount__gte=0), name="envelope_positive"),
            models.CheckConstraint(condition=Q(ae_used__gte=0) & Q(cp_used__gte=0), name="envelope_used_positive"),
            # The rule of the whole app: an envelope never gives away more than it holds.
            models.CheckConstraint(condition=Q(ae_used__lte=F("ae_amount")), name="envelope_ae_not_overspent"),
            models.CheckConstraint(condition=Q(cp_used__lte=F("cp_amount")), name="envelope_cp_not_overspent"),
            models.CheckConstraint(condition=Q(level__in=EnvelopeLevel.values), name="envelope_known_level"),
            models.CheckConstraint(
                condition=(Q(level=EnvelopeLevel.PROGRAMME) & Q(action_type="") & Q(parent__isnull=True))
                | (~Q(level=EnvelopeLevel.PROGRAMME) & Q(action_type__in=ActionType.values) & Q(parent__isnull=False)),
                name="envelope_action_type_below_programme",
            ),
            models.CheckConstraint(
                condition=(Q(level__in=[EnvelopeLevel.PROGRAMME, EnvelopeLevel.NATIONAL]) & Q(region_code=""))
                | (Q(level__in=[EnvelopeLevel.REGION, EnvelopeLevel.DEPARTEMENT]) & ~Q(region_code="")),
                name="envelope_region_where_delegated",
            ),
            models.CheckConstraint(
                condition=Q(level=EnvelopeLevel.DEPARTEMENT, departement_code__gt="")
                | (~Q(level=EnvelopeLevel.DEPARTEMENT) & Q(departement_code="")),
                name="envelope_departement_only_at_its_level",
            ),
        ]

    def __str__(self):
        parts = [str(self.year), self.get_action_type_display() or "Programme"]
        if self.departement_code:
            parts.append(f"département {self.departement_code}")
        elif self.region_code:
            parts.append(f"région {self.region_code}")
        return " · ".join(parts)

    @property
    def ae_remaining(self) -> Decimal:
        return self.ae_amount - self.ae_used

    @property
    def cp_remaining(self) -> Decimal:
        return self.cp_amount - self.cp_used

    @property
    def child_level(self) -> str | None:
        return CHILD_LEVEL.get(self.level)

    def audit_values(self) -> dict:
        return field_changes(
            None, self, ["year", "level", "action_type", "region_code", "departement_code", "ae_amount", "cp_amount"]
        )

    def describe(self, regions: dict[str, str], departements: dict[str, str]) -> str:
        """« Investissements productifs · Bourgogne-Franche-Comté »: what users read, places by name (code → name)."""
        if self.level == EnvelopeLevel.PROGRAMME:
            return f"Programme {self.year}"
        parts = [self.get_action_type_display()]
        if self.departement_code:
            name = departements.get(self.departement_code, "")
            parts.append(f"{name} ({self.departement_code})".strip())
        elif self.region_code:
            parts.append(regions.get(self.region_code, f"région {self.region_code}"))
        return " · ".join(parts)

    def covers(self, area: Area) -> bool:
        """Whether a commitment on this envelope may name a territory of `area`: any on a national envelope; on a
        département's, one whose perimeter touches the département; on a région's, one touching or attached to it."""
        if self.departement_code:
            return self.departement_code in area.departements
        return not self.region_code or self.region_code in area.regions

    def territory_ids(self, also: int | None = None) -> list[int]:
        """Ids of the territories a commitment on this envelope may name (and `also`, the one it names already):
        active in its year (`Territory.is_active_in`) and covered (`covers`). Two queries, whatever the number of
        territories."""
        territories = Territory.objects.active_in(self.year)
        if self.region_code:
            ids = [pk for pk, area in territories.areas().items() if self.covers(area)]
        else:
            ids = list(territories.values_list("pk", flat=True))
        return sorted({*ids, *([also] if also else [])})

    def named(self) -> str:
        """`describe` with the year, reading the one name it needs (one query): for messages."""
        edition, regions, departements = settings.DEFAULT_EDITION, {}, {}
        if self.departement_code:
            rows = Departement.objects.of(edition).filter(code=self.departement_code)
            departements = dict(rows.values_list("code", "name"))
        elif self.region_code:
            regions = dict(Region.objects.of(edition).filter(code=self.region_code).values_list("code", "name"))
        text = self.describe(regions, departements)
        return text if self.level == EnvelopeLevel.PROGRAMME else f"{self.year} · {text}"

    def require(self, *, ae: Decimal = ZERO, cp: Decimal = ZERO, what: str = "Ce montant") -> None:
        """Refuse, in French, what this (locked) envelope cannot give."""
        if ae > self.ae_remaining:
            raise RuleBroken(
                f"{what} dépasse l'enveloppe {self.named()} : il reste {euros(self.ae_remaining)} en autorisations "
                f"d'engagement, {euros(ae)} demandés."
            )
        if cp > self.cp_remaining:
            raise RuleBroken(
                f"{what} dépasse l'enveloppe {self.named()} : il reste {euros(self.cp_remaining)} en crédits de "
                f"paiement, {euros(cp)} demandés."
            )

    def delegate(
        self,
        *,
        actor,
        ae: Decimal,
        cp: Decimal,
        action_type: str = "",
        region_code: str = "",
        departement_code: str = "",
        label: str = "",
        is_demo: bool = False,
    ) -> "Envelope":
        """A sub-envelope taken from this one: an action type from the programme, a région from an action type, a
        département from a région."""
        level = self.child_level
        if level is None:
            raise RuleBroken("Une enveloppe départementale ne se délègue pas plus bas.")
        with transaction.atomic():
            parent = Envelope.objects.lock(self.pk)
            child = Envelope(
                year=parent.year,
                level=level,
                parent=parent,
                action_type=action_type if level == EnvelopeLevel.NATIONAL else parent.action_type,
                region_code=region_code if level == EnvelopeLevel.REGION else parent.region_code,
                departement_code=departement_code if level == EnvelopeLevel.DEPARTEMENT else "",
                label=label,
                ae_amount=ae,
                cp_amount=cp,
                is_demo=is_demo,
            )
            child.check_place()
            if Envelope.objects.filter(
                year=child.year,
                level=level,
                action_type=child.action_type,
                region_code=child.region_code,
                departement_code=child.departement_code,
            ).exists():
                raise RuleBroken(f"L'enveloppe {child.named()} existe déjà : modifiez son montant.")
            parent.require(ae=ae, cp=cp, what="Cette délégation")
            Envelope.objects.use(parent.pk, ae=ae, cp=cp)
            child.save()
            record(actor=actor, action="budget.envelope_delegate", obj=child, changes=child.audit_values())
        return child

    def check_place(self) -> None:
        """An action type, a région or a département the platform knows (on its default edition)."""
        if self.level == EnvelopeLevel.NATIONAL and self.action_type not in ActionType.values:
            raise RuleBroken("Choisissez un type d'action.")
        edition = settings.DEFAULT_EDITION
        if (
            self.level == EnvelopeLevel.REGION
            and not Region.objects.filter(edition_id=edition, code=self.region_code).exists()
        ):
            raise RuleBroken(f"Région inconnue : « {self.region_code} ».")
        if (
            self.level == EnvelopeLevel.DEPARTEMENT
            and not Departement.objects.filter(
                edition_id=edition, code=self.departement_code, region__code=self.region_code
            ).exists()
        ):
            raise RuleBroken(f"Le département « {self.departement_code} » n'est pas dans la région {self.region_code}.")

    def set_amounts(self, *, actor, ae: Decimal, cp: Decimal, revision: int) -> None:
        """Change the envelope's AE and CP: never below what it has given away, never beyond what its parent has
        left. `revision` is the one the form was made from (`pilote.core.versioning`); the same amounts change
        nothing."""
        with transaction.atomic():
            parent = Envelope.objects.lock(self.parent_id) if self.parent_id else None
            current = Envelope.objects.lock(self.pk)
            if (ae, cp) == (current.ae_amount, current.cp_amount):
                self.revision = current.revision
                return
            check_revision(
                current,
                revision,
                f"L'enveloppe {current.named()} a été modifiée entre-temps (AE {euros(current.ae_amount)}, "
                f"CP {euros(current.cp_amount)}) : vos montants n'ont pas été enregistrés.",
            )
            if ae < current.ae_used or cp < current.cp_used:
                raise RuleBroken(
                    f"L'enveloppe {current.named()} a déjà délégué ou engagé {euros(current.ae_used)} en AE et délégué "
                    f"ou payé {euros(current.cp_used)} en CP : elle ne peut descendre en dessous."
                )
            delta_ae, delta_cp = ae - current.ae_amount, cp - current.cp_amount
            if parent is not None:
                parent.require(ae=max(delta_ae, ZERO), cp=max(delta_cp, ZERO), what="Cette augmentation")
                Envelope.objects.use(parent.pk, ae=delta_ae, cp=delta_cp)
            before = Envelope(ae_amount=current.ae_amount, cp_amount=current.cp_amount)
            self.revision = revise(Envelope.objects, self.pk, revision, ae_amount=ae, cp_amount=cp)
            self.ae_amount, self.cp_amount = ae, cp
            record(
                actor=actor,
                action="budget.envelope_amounts",
                obj=self,
                changes=field_changes(before, self, ["ae_amount", "cp_amount"]),
            )

    def national_ancestor(self) -> "Envelope | None":
        envelope = self
        while envelope is not None and envelope.level not in (EnvelopeLevel.NATIONAL, EnvelopeLevel.PROGRAMME):
            envelope = envelope.parent
        return envelope if envelope is not None and envelope.level == EnvelopeLevel.NATIONAL else None
