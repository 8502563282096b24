"""The audit trail of the sites, in French."""

from pilote.core.history import Vocabulary

from .enums import LabelOpinionKind, LabelState, MilestoneKind

VOCABULARY = Vocabulary(
    actions={
        # --- slabel ---
        "site.proposed": "Site proposé",
        "site.label.preselectionne": "Site présélectionné",
        "site.label.en_instruction": "Instruction du label ouverte",
        "site.label.labellise": "Site labellisé",
        "site.label.ajourne": "Labellisation ajournée",
        "site.label.refuse": "Labellisation refusée",
        "site.label_opinion.asked": "Avis demandé sur la labellisation",
        "site.label_opinion.given": "Avis rendu sur la labellisation",
        "site.milestone.saved": "Étape vers « prêt à accueillir » enregistrée",
    },
    labels={
        # --- slabel ---
        "label_state": "labellisation",
        "comment": "motivation",
        "deadline": "à rendre avant le",
        "kind": "avis",
        "text": "motivation",
        "planned_on": "prévue le",
        "done_on": "faite le",
        "amount": "montant (€)",
        "note": "commentaire",
        "name": "nom",
        "commune_code": "commune",
        "area_m2": "surface (m²)",
    },
    choices={
        # --- slabel ---
        "label_state": dict(LabelState.choices),
        "kind": {**dict(LabelOpinionKind.choices), **dict(MilestoneKind.choices)},
    },
)
history = VOCABULARY.history
