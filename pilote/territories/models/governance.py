"""Governance of a territory: the binôme (elected official + industrialist), the chef de projet (one current, the
past ones kept with their end date), the steering committee and the partner organisations.

Entered by the territory team; each change writes an AuditEvent where it happens (see `plans/governance_forms.py`).
A stale edit is refused (`pilote.core.versioning`): the binôme's revision covers the one form that edits the binôme,
the steering committee and the partners; the chef de projet has its own.
"""

import re
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models

from pilote.core.versioning import Revised

from .territories import Territory

# Personal contact details (e-mail, phone) of the binôme, the chef de projet and the committee members: shown only on
# the governance pages (signed-in people in scope), never in the API, the public pages or the campaign snapshots.
PHONE_STORED = r"^0[1-9]( [0-9]{2}){4}$"
PHONE_HELP = "Numéro français, par exemple 06 12 34 56 78 ou +33 6 12 34 56 78."


def normalise_phone(value: str) -> str:
    """A French phone number (« +33 6 12 34 56 78 », « 0612345678 », « 06.12.34.56.78 ») as « 06 12 34 56 78 »;
    "" stays "". Raises ValidationError for anything else."""
    digits = re.sub(r"[\s.\-()]", "", value or "")
    if not digits:
        return ""
    if digits.startswith("+33"):
        digits = "0" + digits[3:].removeprefix("0")  # « +33 (0)6… » is common
    elif digits.startswith("0033"):
        digits = "0" + digits[4:]
    if not re.fullmatch(r"0[1-9][0-9]{8}", digits):
        raise ValidationError(
            "Numéro de téléphone invalide : indiquez un numéro français à 10 chiffres (06 12 34 56 78) "
            "ou au format international (+33 6 12 34 56 78).",
            code="phone",
        )
    return " ".join([digits[:2], digits[2:4], digits[4:6], digits[6:8], digits[8:]])


def validate_phone(value: str) -> None:
    if value and value != normalise_phone(value):
        raise ValidationError("Le numéro doit être enregistré sous la forme 06 12 34 56 78.", code="phone_format")


def phone_field(verbose_name: str) -> models.CharField:
    return models.CharField(verbose_name, max_length=14, blank=True, validators=[validate_phone], help_text=PHONE_HELP)


def phone_constraint(field: str, name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=models.Q(**{field: ""}) | models.Q(**{f"{field}__regex": PHONE_STORED}), name=name
    )


class Binome(Revised):
    """The pair that leads a Territoire d'industrie: an elected official and an industrialist."""

    territory = models.OneToOneField(Territory, on_delete=models.CASCADE, related_name="binome")
    elected_name = models.CharField("élu·e : nom", max_length=200)
    elected_function = models.CharField("élu·e : mandat ou fonction", max_length=200)
    elected_organisation = models.CharField("élu·e : collectivité", max_length=200)
    industrialist_name = models.CharField("industriel·le : nom", max_length=200)
    industrialist_company = models.CharField("industriel·le : entreprise", max_length=200)
    industrialist_siren = models.CharField("industriel·le : SIREN de l'entreprise", max_length=9, blank=True)
    elected_email = models.EmailField("élu·e : courriel", blank=True)
    elected_phone = phone_field("élu·e : téléphone")
    industrialist_email = models.EmailField("industriel·le : courriel", blank=True)
    industrialist_phone = phone_field("industriel·le : téléphone")
    contact_email = models.EmailField(
        "adresse de contact du territoire",
        blank=True,
        help_text="Adresse générique (pas celle d'une personne) : affichée publiquement dans « Qui contacter ».",
    )

    class Meta:
        verbose_name = "binôme"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(industrialist_siren="") | models.Q(industrialist_siren__regex=r"^[0-9]{9}$"),
                name="binome_siren_nine_digits",
            ),
            phone_constraint("elected_phone", "binome_elected_phone_normalised"),
            phone_constraint("industrialist_phone", "binome_industrialist_phone_normalised"),
        ]

    def __str__(self):
        return f"Binôme {self.elected_name} / {self.industrialist_name}"


class ProjectLeadQuerySet(models.QuerySet):
    def current(self):
        return self.filter(ended_on__isnull=True)


class ProjectLead(Revised):
    """A chef de projet of the territory. Never overwritten when the person changes: the previous one gets an end
    date, so that the history says who led the territory when."""

    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="project_leads")
    name = models.CharField("nom", max_length=200)
    employer = models.CharField("employeur", max_length=200)
    email = models.EmailField("courriel", blank=True)
    phone = phone_field("téléphone")
    started_on = models.DateField("prise de poste le")
    ended_on = models.DateField("fin de mission le", null=True, blank=True)
    full_time_share = models.DecimalField(
        "quotité (part d'un temps plein)", max_digits=3, decimal_places=2, default=Decimal("1.00")
    )
    state_funding = models.DecimalField("financement de l'État (€ par an)", max_digits=12, decimal_places=2, default=0)
    epci_funding = models.DecimalField(
        "financement de l'intercommunalité (€ par an)", max_digits=12, decimal_places=2, default=0
    )

    objects = ProjectLeadQuerySet.as_manager()

    class Meta:
        verbose_name = "chef de projet"
        ordering = ["territory", "-started_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["territory"], condition=models.Q(ended_on__isnull=True), name="one_current_project_lead"
            ),
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True) | models.Q(ended_on__gte=models.F("started_on")),
                name="project_lead_dates_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(full_time_share__gte=0, full_time_share__lte=1), name="project_lead_share_0_1"
            ),
            models.CheckConstraint(
                condition=models.Q(state_funding__gte=0, epci_funding__gte=0), name="project_lead_funding_positive"
            ),
            phone_constraint("phone", "project_lead_phone_normalised"),
        ]

    def __str__(self):
        return f"{self.name} ({self.employer})"


class CommitteeMember(models.Model):
    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="committee_members")
    name = models.CharField("nom", max_length=200)
    organisation = models.CharField("organisation", max_length=200)
    role = models.CharField("rôle au comité", max_length=200, blank=True)
    email = models.EmailField("courriel", blank=True)
    phone = phone_field("téléphone")

    class Meta:
        verbose_name = "membre du comité de pilotage"
        ordering = ["territory", "name", "id"]
        constraints = [phone_constraint("phone", "committee_member_phone_normalised")]

    def __str__(self):
        return f"{self.name} ({self.organisation})"


class Partner(models.Model):
    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="partners")
    name = models.CharField("organisation partenaire", max_length=200)
    contribution = models.CharField("contribution", max_length=300, blank=True)

    class Meta:
        verbose_name = "partenaire"
        ordering = ["territory", "name", "id"]
        constraints = [models.UniqueConstraint(fields=["territory", "name"], name="partner_unique_name")]

    def __str__(self):
        return self.name
