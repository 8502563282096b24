"""A new version of the qualification method (ANCT): weights of the criteria and points of their values."""

from django import forms

from pilote.core.forms import DsfrForm

from .. import scoring


class MethodVersionForm(DsfrForm):
    """Starts from the latest published version; saving publishes the new one and scores the pool under it (a
    published version never changes, so this is the only way to change the method)."""

    notes = forms.CharField(label="Ce qui change (publié avec la version)", max_length=2000, widget=forms.Textarea)

    def __init__(self, *args, **kwargs):
        self.latest = scoring.latest_method()
        self.criteria = self.latest.criteria if self.latest else scoring.DEFAULT_CRITERIA
        super().__init__(*args, **kwargs)
        for criterion in self.criteria:
            key = criterion["key"]
            self.fields[f"weight_{key}"] = forms.FloatField(
                label=f"Poids : {criterion['label']}", min_value=0, max_value=100, initial=criterion["weight"]
            )
            for i, value in enumerate(criterion["values"]):
                self.fields[f"points_{key}_{i}"] = forms.FloatField(
                    label=f"Points ({criterion['label']}) : {value['label']}",
                    help_text="de -1 (contrainte) à 1 (atout)",
                    min_value=-1,
                    max_value=1,
                    initial=value["points"],
                )

    def clean(self):
        data = super().clean()
        if not self.errors and not any(data.get(f"weight_{c['key']}") for c in self.criteria):
            raise forms.ValidationError("Donnez un poids positif à au moins un critère.")
        return data

    def new_criteria(self) -> list:
        data = self.cleaned_data
        return [
            {
                **criterion,
                "weight": data[f"weight_{criterion['key']}"],
                "values": [
                    {**value, "points": data[f"points_{criterion['key']}_{i}"]}
                    for i, value in enumerate(criterion["values"])
                ],
            }
            for criterion in self.criteria
        ]

    def save(self, actor):
        return scoring.publish_new_version(criteria=self.new_criteria(), notes=self.cleaned_data["notes"], actor=actor)
