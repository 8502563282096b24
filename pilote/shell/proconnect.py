"""ProConnect, the State's OpenID Connect login, through mozilla-django-oidc.

A ProConnect identity signs in to the account that ANCT created with the same e-mail address; an unknown address
is refused and nothing is created (accounts carry an organisation and roles that only ANCT assigns). Switched off
unless `PILOTE_PROCONNECT_ENABLED` is set: the views then answer 404.
"""

import logging
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import resolve_url
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

logger = logging.getLogger(__name__)

UNKNOWN_EMAIL = (
    "Aucun compte Pilote TI n'est associé à l'adresse {email}. Les comptes sont ouverts par l'ANCT : "
    "demandez à la délégation Territoires d'industrie de créer le vôtre."
)
FAILED = "La connexion avec ProConnect a échoué. Réessayez, ou connectez-vous avec votre identifiant."


class ProConnectBackend(OIDCAuthenticationBackend):
    def authenticate(self, request, **kwargs):
        if not settings.PROCONNECT_ENABLED:
            return None
        return super().authenticate(request, **kwargs)

    def get_or_create_user(self, access_token, id_token, payload):
        user = super().get_or_create_user(access_token, id_token, payload)
        if user is None:
            # Only reached when no account has the address (several accounts raise before).
            self.request.proconnect_refusal = UNKNOWN_EMAIL.format(email=self._email)
        return user

    def get_userinfo(self, access_token, id_token, payload):
        claims = super().get_userinfo(access_token, id_token, payload)
        self._email = claims.get("email", "")
        return claims

    def update_user(self, user, claims):
        return user  # names and organisation stay as ANCT entered them


class _Enabled:
    def dispatch(self, request, *args, **kwargs):
        if not settings.PROCONNECT_ENABLED:
            raise Http404("ProConnect n'est pas activé sur cette plateforme")
        return super().dispatch(request, *args, **kwargs)


class ProConnectLoginView(_Enabled, OIDCAuthenticationRequestView):
    pass


class ProConnectCallbackView(_Enabled, OIDCAuthenticationCallbackView):
    def get(self, request):
        try:
            return super().get(request)
        except Exception:  # the provider down, a bad token, a replayed state: a message, never a 500
            logger.exception("ProConnect callback failed")
            self.request = request
            return self.login_failure()

    def login_failure(self):
        messages.error(self.request, getattr(self.request, "proconnect_refusal", FAILED))
        return HttpResponseRedirect(resolve_url(settings.LOGIN_URL))


def logout_url(request, redirect_to: str) -> str:
    """Where to send a person signing out: through ProConnect's end of session when they came that way."""
    id_token = request.session.get("oidc_id_token")
    if not (settings.PROCONNECT_ENABLED and id_token):
        return redirect_to
    query = urlencode(
        {
            "id_token_hint": id_token,
            "state": "deconnexion",
            "post_logout_redirect_uri": request.build_absolute_uri(redirect_to),
        }
    )
    return f"{settings.OIDC_OP_LOGOUT_ENDPOINT}?{query}"
