"""The audit trail of the targeting app, in French."""

from pilote.core.history import Vocabulary

VOCABULARY = Vocabulary(
    actions={"dataset.import": "Import d'un fichier d'indicateurs"},
    labels={"values": "Valeurs importées"},
)
