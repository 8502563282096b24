"""The audit trail of a fiche or of a governance, in French (amounts in euros, dates dd/mm/yyyy)."""

from decimal import Decimal

from pilote.core import attachments
from pilote.core.formats import day, money
from pilote.core.history import Vocabulary, field_labels
from pilote.territories.models import Binome, ProjectLead

from .enums import FicheStatus, Priority
from .models import FicheAction

CHOICES = {"priority": dict(Priority.choices), "status": dict(FicheStatus.choices)} | attachments.HISTORY_CHOICES
LABELS = field_labels(
    FicheAction,
    Binome,
    ProjectLead,
    funders="Financeurs",
    indicators="Indicateurs",
    committee_members="Comité de pilotage",
    partners="Partenaires",
    ended_on="Fin de mission le",
    **attachments.HISTORY_LABELS,
)
MONEY_FIELDS = ("total_cost", "amount", "state_funding", "epci_funding")
DATE_FIELDS = ("started_on", "ended_on", "measured_on")


def share(value) -> str:
    """A part of a full time ("0.80") → « 80 % »."""
    return f"{Decimal(str(value)) * 100:.0f}\u202f%"


VOCABULARY = Vocabulary(
    actions={
        "fiche.create": "Création de la fiche",
        "fiche.update": "Modification de la fiche",
        "fiche.import": "Import d'un classeur",
        "fiche_attachment.add": "Pièce jointe ajoutée à la fiche",
        "fiche_attachment.remove": "Pièce jointe retirée de la fiche",
        "binome.create": "Binôme renseigné",
        "binome.update": "Binôme modifié",
        "committee.update": "Comité de pilotage modifié",
        "partners.update": "Partenaires modifiés",
        "project_lead.create": "Chef de projet renseigné",
        "project_lead.update": "Chef de projet corrigé",
        "project_lead.end": "Fin de mission du chef de projet",
    },
    labels=LABELS,
    choices=CHOICES,
    formats=dict.fromkeys(MONEY_FIELDS, money) | dict.fromkeys(DATE_FIELDS, day) | {"full_time_share": share},
)
history = VOCABULARY.history
