"""The audit trail of the targeting capability, in French: imported datasets, method versions, declared
industrial events and the follow-up of alerts."""

from pilote.core.formats import day
from pilote.core.history import Vocabulary, field_labels

from .enums import AlertStatus, EventKind, MissingValues, Transformation
from .forms.method import THRESHOLDS
from .models import IndustrialEvent


def _pairs(value) -> str:
    return " ; ".join(f"{k} : {v:g}" for k, v in sorted(value.items()))


def _number(value: float) -> str:
    return f"{value:g}".replace(".", ",")


def _thresholds(value) -> str:
    """The shock thresholds of a version by the French labels of the method form, in its order."""
    order = list(THRESHOLDS)
    keys = sorted(value, key=lambda k: (order.index(k) if k in order else len(order), k))
    return " ; ".join(f"{THRESHOLDS[k][0] if k in THRESHOLDS else k} : {_number(value[k])}" for k in keys)


VOCABULARY = Vocabulary(
    actions={
        "dataset.import": "Import d'un fichier d'indicateurs",
        "method_version.create": "Nouvelle version de la méthode publiée",
        "targeting.event_declare": "Événement industriel déclaré",
        "targeting.event_change": "Événement industriel modifié",
        "targeting.alert_dismiss": "Alerte écartée",
    },
    labels={
        **field_labels(IndustrialEvent, commune_code="Commune (code INSEE)", status="Suite donnée", reason="Motif"),
        "values": "Valeurs importées",
        "number": "Version n°",
        "transformation": "Transformation",
        "missing_values": "Valeurs manquantes",
        "weights": "Poids des indicateurs",
        "thresholds": "Seuils d'alerte",
        "notes": "Ce qui change",
    },
    choices={
        "kind": dict(EventKind.choices),
        "status": dict(AlertStatus.choices),
        "transformation": dict(Transformation.choices),
        "missing_values": dict(MissingValues.choices),
    },
    formats={"occurred_on": day, "weights": _pairs, "thresholds": _thresholds},
)
history = VOCABULARY.history
