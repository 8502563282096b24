"""The audit trail of campaigns, files, opinions and perimeter requests, in French: states and opinions by their
labels, dates dd/mm/yyyy, EPCI and communes by name and code (resolved in bulk, one query per kind for a whole page)."""

from django.conf import settings

from pilote.core import attachments
from pilote.core.formats import day
from pilote.core.history import Vocabulary, field_labels
from pilote.geography.enums import CommuneKind
from pilote.geography.models import Commune, Epci

from .enums import FileState, OpinionKind
from .models import Campaign, Opinion, OpinionRequest, PerimeterChangeRequest


def epci_names(sirens: set[str]) -> dict[str, str]:
    rows = Epci.objects.filter(edition__year=settings.DEFAULT_EDITION, siren__in=sirens).values_list("siren", "name")
    return {siren: f"{name} ({siren})" for siren, name in rows}


def commune_names(codes: set[str]) -> dict[str, str]:
    rows = Commune.objects.filter(edition__year=settings.DEFAULT_EDITION, code__in=codes).values_list(
        "code", "name", "kind"
    )
    names = {}
    for code, name, _kind in sorted(rows, key=lambda row: row[2] != CommuneKind.CURRENT):  # the commune itself first
        names.setdefault(code, f"{name} ({code})")
    return names


STATES = {
    FileState.SUBMITTED: "Dossier déposé",
    FileState.IN_REVIEW: "Instruction commencée",
    FileState.TO_COMPLETE: "Dossier renvoyé au territoire (à compléter)",
    FileState.VALIDATED: "Dossier validé",
}
VOCABULARY = Vocabulary(
    actions={
        "campaign.open": "Ouverture de la campagne",
        **{f"campaign_file.{state}": label for state, label in STATES.items()},
        "campaign_file.reopen": "Dépôt rouvert",
        "opinion.ask": "Avis demandé",
        "opinion.give": "Avis rendu",
        "opinion.extend": "Délai de l'avis prolongé",
        "perimeter_request.save": "Demande de modification du périmètre enregistrée",
        "message.post": "Message envoyé",
        "file_attachment.add": "Pièce jointe ajoutée au dossier",
        "file_attachment.remove": "Pièce jointe retirée du dossier",
    },
    labels=field_labels(
        Campaign,
        OpinionRequest,
        Opinion,
        PerimeterChangeRequest,
        state="État du dossier",
        reopened_until="Dépôt rouvert jusqu'au",
        territories="Territoires concernés",
        organisation="Avis demandé à",
        body="Message",
        **attachments.HISTORY_LABELS,
    ),
    choices={"state": dict(FileState.choices), "kind": dict(OpinionKind.choices)} | attachments.HISTORY_CHOICES,
    formats=dict.fromkeys(("submission_deadline", "opinion_deadline", "deadline", "reopened_until"), day),
    names={
        "add_epcis": epci_names,
        "remove_epcis": epci_names,
        "add_communes": commune_names,
        "remove_communes": commune_names,
    },
)
history = VOCABULARY.history
