"""The audit trail of the sites capability, in French. Each part keeps its entries grouped under its comment."""

from pilote.core.history import Vocabulary

VOCABULARY = Vocabulary(
    actions={
        # --- sdata: imports of the pool ---
        "sites.import": "Import d'un fichier de sites (Cartofriches, Fonds friches)",
    },
    labels={
        # --- sdata ---
        "rows": "Lignes lues",
    },
)
