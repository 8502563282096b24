"""The API's documentation page: Swagger UI from npm (swagger-ui-dist), served by the app itself, so that it works
offline and within the Content-Security-Policy (no CDN, no inline script)."""

from django.shortcuts import render
from ninja.openapi.docs import Swagger


class LocalSwagger(Swagger):
    default_settings = {
        "layout": "BaseLayout",
        "deepLinking": True,
        "validatorUrl": None,  # never send the schema to an outside validator
        "defaultModelsExpandDepth": 0,
    }

    def render_page(self, request, api, **kwargs):
        settings = {**self.settings, "url": self.get_openapi_url(api, kwargs)}
        return render(request, "api/docs.html", {"api": api, "swagger_settings": settings})
