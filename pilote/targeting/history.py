"""The audit trail of the targeting capability, in French."""

from pilote.core.history import Vocabulary

from .enums import MissingValues, Transformation


def _pairs(value) -> str:
    return " ; ".join(f"{k} : {v:g}" for k, v in sorted(value.items()))


VOCABULARY = Vocabulary(
    actions={
        "dataset.import": "Import d'un fichier d'indicateurs",
        "method_version.create": "Nouvelle version de la méthode publiée",
    },
    labels={
        "values": "Valeurs importées",
        "number": "Version n°",
        "transformation": "Transformation",
        "missing_values": "Valeurs manquantes",
        "weights": "Poids des indicateurs",
        "thresholds": "Seuils d'alerte",
        "notes": "Ce qui change",
    },
    choices={"transformation": dict(Transformation.choices), "missing_values": dict(MissingValues.choices)},
    formats={"weights": _pairs, "thresholds": _pairs},
)
