"""Forms that allocate: open a year, delegate an envelope, change its amounts."""

from decimal import Decimal

from django import forms
from django.conf import settings
from django.utils import timezone

from pilote.core.versioning import EditConflict, row
from pilote.geography.models import Departement

from ..enums import ActionType, EnvelopeLevel
from ..models import Envelope
from . import RuleForm, euros_cents, money

DEFAULT_YEAR_AMOUNT = Decimal("100000000")


class YearOpenForm(RuleForm):
    year = forms.IntegerField(label="Année", min_value=2018, max_value=2100)
    ae = money("Autorisations d'engagement (€)", initial=DEFAULT_YEAR_AMOUNT)
    cp = money("Crédits de paiement (€)", initial=DEFAULT_YEAR_AMOUNT)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year + 1

    def save(self, actor) -> Envelope | None:
        data = self.cleaned_data
        return self.apply(
            lambda: Envelope.objects.open_year(year=data["year"], ae=data["ae"], cp=data["cp"], actor=actor)
        )


class DelegateForm(RuleForm):
    """A sub-envelope: an action type (from the programme), a région (from an action type) or a département (from a
    région), whichever the envelope's child level is; places already delegated are not offered."""

    PLACE_LABELS = {
        EnvelopeLevel.NATIONAL: "Type d'action",
        EnvelopeLevel.REGION: "Région",
        EnvelopeLevel.DEPARTEMENT: "Département",
    }

    place = forms.ChoiceField(label="Type d'action")
    ae = money("Autorisations d'engagement (€)")
    cp = money("Crédits de paiement (€)")
    label = forms.CharField(label="Libellé", max_length=200, required=False)

    def __init__(self, *args, envelope: Envelope, regions: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.envelope = envelope
        level = envelope.child_level
        self.fields["place"].label = self.PLACE_LABELS.get(level, "Lieu")
        self.fields["place"].choices = [("", "— Choisir —"), *self._places(level, regions)]

    def _places(self, level: str, regions: dict[str, str]) -> list[tuple[str, str]]:
        taken = set(self.envelope.children.values_list(self._key(level), flat=True))
        if level == EnvelopeLevel.NATIONAL:
            places = ActionType.choices
        elif level == EnvelopeLevel.REGION:
            places = [(code, f"{name} ({code})") for code, name in sorted(regions.items(), key=lambda r: r[1])]
        else:
            departements = Departement.objects.filter(
                edition_id=settings.DEFAULT_EDITION, region__code=self.envelope.region_code
            ).order_by("code")
            places = [(d.code, f"{d.name} ({d.code})") for d in departements]
        return [(value, label) for value, label in places if value not in taken]

    @staticmethod
    def _key(level: str) -> str:
        return {EnvelopeLevel.NATIONAL: "action_type", EnvelopeLevel.REGION: "region_code"}.get(
            level, "departement_code"
        )

    def save(self, actor) -> Envelope | None:
        data = self.cleaned_data
        place = {self._key(self.envelope.child_level): data["place"]}
        return self.apply(
            lambda: self.envelope.delegate(actor=actor, ae=data["ae"], cp=data["cp"], label=data["label"], **place)
        )


class EnvelopeAmountsForm(RuleForm):
    ae = money("Autorisations d'engagement (€)")
    cp = money("Crédits de paiement (€)")

    def __init__(self, *args, envelope: Envelope, **kwargs):
        super().__init__(*args, initial={"ae": envelope.ae_amount, "cp": envelope.cp_amount}, **kwargs)
        self.envelope = envelope
        self.carry_revision(envelope)

    def save(self, actor) -> bool:
        data, revision = self.cleaned_data, self.submitted_revision
        return bool(
            self.apply(lambda: self.envelope.set_amounts(actor=actor, ae=data["ae"], cp=data["cp"], revision=revision))
        )

    def refuse_stale(self, error: EditConflict) -> None:
        saved = Envelope.objects.get(pk=self.envelope.pk)
        rows = [
            row(self.fields["ae"].label, euros_cents(self.cleaned_data["ae"]), euros_cents(saved.ae_amount)),
            row(self.fields["cp"].label, euros_cents(self.cleaned_data["cp"]), euros_cents(saved.cp_amount)),
        ]
        self.refuse(error, saved, rows)
