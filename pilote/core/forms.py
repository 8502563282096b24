from django import forms
from django.contrib.auth.forms import AuthenticationForm
from dsfr.forms import DsfrBaseForm


class LoginForm(AuthenticationForm):
    """Django's sign-in form with the platform's French labels (its errors are Django's French translations)."""

    username = forms.CharField(
        label="Identifiant",
        max_length=150,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    password = forms.CharField(
        label="Mot de passe", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )


class DsfrForm(DsfrBaseForm):
    """The base of plain forms: DSFR classes on the widgets, so templates may render `{{ field }}` as is."""


class DsfrModelForm(DsfrBaseForm, forms.ModelForm):
    """The base of model forms, for the same reason."""
