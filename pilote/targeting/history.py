"""The audit trail of targeting in French: declared industrial events."""

from pilote.core.formats import day
from pilote.core.history import Vocabulary, field_labels

from .enums import AlertStatus, EventKind
from .models import IndustrialEvent

VOCABULARY = Vocabulary(
    actions={
        "targeting.event_declare": "Événement industriel déclaré",
        "targeting.event_change": "Événement industriel modifié",
        "targeting.alert_dismiss": "Alerte écartée",
    },
    labels=field_labels(IndustrialEvent, commune_code="Commune (code INSEE)", status="Suite donnée", reason="Motif"),
    choices={"kind": dict(EventKind.choices), "status": dict(AlertStatus.choices)},
    formats={"occurred_on": day},
)
history = VOCABULARY.history
