"""The audit trail of a fiche or of a governance, in French: field labels, choice labels, lists joined."""

from dataclasses import dataclass

from pilote.territories.models import Binome, ProjectLead

from .enums import FicheStatus, Priority
from .models import FicheAction

ACTIONS = {
    "fiche.create": "Création de la fiche",
    "fiche.update": "Modification de la fiche",
    "fiche.import": "Import d'un classeur",
    "binome.create": "Binôme renseigné",
    "binome.update": "Binôme modifié",
    "committee.update": "Comité de pilotage modifié",
    "partners.update": "Partenaires modifiés",
    "project_lead.create": "Chef de projet renseigné",
    "project_lead.update": "Chef de projet corrigé",
    "project_lead.end": "Fin de mission du chef de projet",
}
CHOICES = {"priority": dict(Priority.choices), "status": dict(FicheStatus.choices)}
LABELS = {
    "funders": "Financeurs",
    "indicators": "Indicateurs",
    "committee_members": "Comité de pilotage",
    "partners": "Partenaires",
    "ended_on": "Fin de mission le",
}
for model in (FicheAction, Binome, ProjectLead):
    for model_field in model._meta.fields:
        LABELS.setdefault(model_field.name, str(model_field.verbose_name).capitalize())


@dataclass
class Change:
    label: str
    before: str
    after: str


def _text(name: str, value) -> str:
    if value is None or value == "" or value == []:
        return "–"
    if isinstance(value, list):
        return " ; ".join(str(v) for v in value)
    return str(CHOICES.get(name, {}).get(value, value))


def changes_of(event) -> list[Change]:
    return [
        Change(LABELS.get(name, name), _text(name, old), _text(name, new)) for name, (old, new) in event.changes.items()
    ]


def history(events) -> list[tuple]:
    """(event, French action label, [Change]) for each audit event."""
    return [(event, ACTIONS.get(event.action, event.action), changes_of(event)) for event in events]
