"""The filters of the labelling dashboard's table (its counts link to them): région, year of availability, ready or
not. They read the query string; a bad value is a French error and an empty table."""

from django import forms

from pilote.core.forms import DsfrForm

READY = {"oui": True, "non": False}


class DashboardFilterForm(DsfrForm):
    region = forms.ChoiceField(label="Région", required=False)
    annee = forms.ChoiceField(label="Année de disponibilité", required=False)
    pret = forms.ChoiceField(
        label="Prêt à accueillir", required=False, choices=[("", "Tous"), ("oui", "prêts"), ("non", "pas encore")]
    )

    def __init__(self, data, *, board):
        super().__init__(data)
        self.fields["region"].choices = [("", "Toutes")] + [(code, code) for code, _, _ in board.by_region]
        self.fields["annee"].choices = [("", "Toutes")] + [(year, year) for year, _ in board.by_year]
        self.fields["region"].error_messages["invalid_choice"] = "Aucun site labellisé dans la région %(value)s."
        self.fields["annee"].error_messages["invalid_choice"] = "Aucun site labellisé disponible en %(value)s."
        self.fields["pret"].error_messages["invalid_choice"] = "« Prêt » vaut oui ou non, pas %(value)s."

    def filter(self, rows):
        """The dashboard rows (`SiteProgress`) that pass the valid filters."""
        data = self.cleaned_data
        ready = READY.get(data.get("pret") or "")
        return [
            row
            for row in rows
            if (not data.get("region") or row.site.region_code == data["region"])
            and (not data.get("annee") or row.year == data["annee"])
            and (ready is None or row.is_ready == ready)
        ]

    def summary(self) -> str:
        """The filters in force, as a caption reads them: « région 84, disponibles en 2030, prêts »."""
        data = self.cleaned_data
        parts = [f"région {data['region']}"] if data.get("region") else []
        parts += [f"disponibilité : {data['annee']}"] if data.get("annee") else []
        parts += [dict(self.fields["pret"].choices)[data["pret"]]] if data.get("pret") else []
        return ", ".join(parts)
