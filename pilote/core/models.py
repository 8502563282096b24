"""People, organisations, their roles on a scope, and the audit trail of every change a person makes.

Scopes are official codes (region, département, or a territory as phase slug + `ti-RRNN`), never foreign keys to
the geography or the territories, so that `core` depends on no other app.
"""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import IntegrityError, models, transaction
from django.db.models.functions import Lower
from django.utils import timezone

from .enums import DEPARTEMENTAL_KINDS, REGIONAL_KINDS, Operator, OrganisationKind, Role

SERVICE_PREFIXES = {
    OrganisationKind.PREFECTURE_DEPARTEMENT: "Préfecture de département",
    OrganisationKind.PREFECTURE_REGION: "Préfecture de région (SGAR)",
    OrganisationKind.DREETS: "DREETS",
    OrganisationKind.CONSEIL_REGIONAL: "Conseil régional",
}


class OrganisationManager(models.Manager):
    def serving(self, kind: str, code: str, *, place: str = "") -> "Organisation":
        """The State service or conseil régional of `kind` serving the département or région `code`, created when
        missing and named « Préfecture de département – Ain (01) » (`place`: the place's name, if known). The database
        keeps one of each (constraints below), so two callers at once get the same organisation."""
        scope = {"departement_code": code} if kind in DEPARTEMENTAL_KINDS else {"region_code": code}
        found = self.filter(kind=kind, **scope).first()
        if found is not None:
            return found
        name = f"{SERVICE_PREFIXES[kind]} – {place} ({code})" if place else f"{SERVICE_PREFIXES[kind]} ({code})"
        try:
            with transaction.atomic():
                return self.create(kind=kind, name=name, **scope)
        except IntegrityError:  # created meanwhile by another caller
            return self.get(kind=kind, **scope)


class Organisation(models.Model):
    kind = models.CharField("nature", max_length=30, choices=OrganisationKind.choices)
    name = models.CharField("nom", max_length=200)
    operator = models.CharField("opérateur", max_length=30, choices=Operator.choices, blank=True)
    region_code = models.CharField("région", max_length=3, blank=True)
    departement_code = models.CharField("département", max_length=3, blank=True)
    siren = models.CharField("SIREN", max_length=9, blank=True)

    objects = OrganisationManager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=OrganisationKind.values), name="organisation_known_kind"
            ),
            models.CheckConstraint(
                condition=~models.Q(kind=OrganisationKind.OPERATOR) | ~models.Q(operator=""),
                name="operator_organisation_names_its_operator",
            ),
            models.UniqueConstraint(
                fields=["kind", "departement_code"],
                condition=models.Q(kind__in=DEPARTEMENTAL_KINDS),
                name="one_departemental_service_per_departement",
                violation_error_message="Cette préfecture de département existe déjà.",
            ),
            models.UniqueConstraint(
                fields=["kind", "region_code"],
                condition=models.Q(kind__in=REGIONAL_KINDS),
                name="one_regional_service_per_region",
                violation_error_message="Ce service régional existe déjà pour cette région.",
            ),
        ]

    def __str__(self):
        return self.name


class User(AbstractUser):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="members"
    )

    class Meta:
        verbose_name = "utilisateur"
        constraints = [
            # ProConnect signs a person in to the account with their e-mail address: one account per address.
            models.UniqueConstraint(
                Lower("email"),
                condition=~models.Q(email=""),
                name="user_unique_email",
                violation_error_message=("Un compte utilise déjà cette adresse e-mail."),
            ),
        ]

    def __str__(self):
        return self.get_full_name() or self.username


class RoleAssignment(models.Model):
    """A role on a scope: national (no code), a région, a département, or one territory of a phase."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField("rôle", max_length=30, choices=Role.choices)
    region_code = models.CharField("région", max_length=3, blank=True)
    departement_code = models.CharField("département", max_length=3, blank=True)
    phase_slug = models.CharField("phase", max_length=20, blank=True)
    territory_code = models.CharField("territoire", max_length=7, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(role__in=Role.values), name="role_known"),
            models.CheckConstraint(
                condition=~models.Q(role=Role.REGION_REVIEWER) | ~models.Q(region_code=""),
                name="region_reviewer_has_region",
            ),
            models.CheckConstraint(
                condition=~models.Q(role=Role.DEPARTEMENT_REVIEWER) | ~models.Q(departement_code=""),
                name="departement_reviewer_has_departement",
            ),
            models.CheckConstraint(
                condition=~models.Q(role=Role.TERRITORY_TEAM)
                | (~models.Q(territory_code="") & ~models.Q(phase_slug="")),
                name="territory_team_has_territory",
            ),
        ]

    def __str__(self):
        scope = self.territory_code or self.departement_code or self.region_code or "national"
        return f"{self.get_role_display()} ({scope})"

    @property
    def scope_label(self) -> str:
        return self.describe_scope()

    def describe_scope(self, regions: dict[str, str] | None = None, departements: dict[str, str] | None = None) -> str:
        """In French, with the names of régions and départements when given (code → name)."""
        if self.territory_code:
            return f"territoire {self.territory_code} (phase {self.phase_slug})"
        if self.departement_code:
            return _place("département", self.departement_code, departements or {})
        if self.region_code:
            return _place("région", self.region_code, regions or {})
        return "national"


def _place(kind: str, code: str, names: dict[str, str]) -> str:
    return f"{kind} {names[code]} ({code})" if code in names else f"{kind} {code}"


class AuditEvent(models.Model):
    """Who changed what, when: written by the code that makes the change, in the same transaction."""

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    at = models.DateTimeField("date", auto_now_add=True, db_index=True)
    action = models.CharField("action", max_length=60)
    object_type = models.CharField("objet", max_length=60)
    object_id = models.CharField("identifiant", max_length=60)
    object_repr = models.CharField("libellé", max_length=300)
    changes = models.JSONField("modifications", default=dict, blank=True)  # field → [before, after]
    # The territory the change belongs to, so that a file's history is one indexed query.
    phase_slug = models.CharField(max_length=20, blank=True)
    territory_code = models.CharField(max_length=7, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["phase_slug", "territory_code"]),
        ]

    def __str__(self):
        return f"{self.at:%d/%m/%Y %H:%M} {self.actor} {self.action} {self.object_repr}"


class NotificationQuerySet(models.QuerySet):
    def of(self, user):
        """What was sent to this person, newest first: the one read of « Mes notifications »."""
        return self.filter(recipient=user) if user.is_authenticated else self.none()


class Notification(models.Model):
    """One e-mail to one person about one event (a file's transition, an opinion asked or given, a message, a
    deadline near): written with its French text and HTML when the event happens, in the event's transaction, then
    sent by a background task once that transaction commits (`pilote.core.notifications`). « Mes notifications »
    lists these rows, so each person sees what was sent to them."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField("nature", max_length=40)  # e.g. "campaign_file.depose", "message.post"
    subject = models.CharField("objet", max_length=200)
    text = models.TextField("texte")
    html = models.TextField("HTML")
    url = models.CharField("lien", max_length=300, blank=True)  # the page the e-mail is about (a path of this site)
    created_at = models.DateTimeField("créée le", default=timezone.now)
    sent_at = models.DateTimeField("envoyée le", null=True, blank=True)
    error = models.CharField("erreur d'envoi", max_length=300, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "notification"
        indexes = [models.Index(fields=["recipient", "-created_at"])]

    def __str__(self):
        return f"{self.subject} → {self.recipient}"

    @property
    def status(self) -> str:
        if self.sent_at:
            return "Envoyée"
        return f"Non envoyée : {self.error}" if self.error else "En attente d'envoi"
