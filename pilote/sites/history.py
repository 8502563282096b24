"""The audit trail of the sites capability, in French."""

from pilote.core.history import Vocabulary


def _pairs(value) -> str:
    return " ; ".join(f"{k} : {v:g}" for k, v in sorted(value.items()))


VOCABULARY = Vocabulary(
    actions={
        # sscore: the qualification method
        "sites.method_publish": "Nouvelle version de la méthode de qualification des sites publiée",
    },
    labels={
        # sscore
        "number": "Version n°",
        "weights": "Poids des critères",
        "notes": "Ce qui change",
    },
    formats={"weights": _pairs},
)
