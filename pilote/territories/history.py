"""The audit trail of perimeter versions, in French."""

from pilote.core.history import Vocabulary

VOCABULARY = Vocabulary(
    actions={"perimeter_version.create": "Nouvelle version du périmètre"},
    labels={"number": "Version n°", "members": "Nombre de membres (EPCI et communes)"},
)
