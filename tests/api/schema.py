"""The API's OpenAPI schema for schemathesis, on the site's WSGI application (skips the module where it is missing)."""

import pytest
from django.core.wsgi import get_wsgi_application

schemathesis = pytest.importorskip("schemathesis")
hypothesis = pytest.importorskip("hypothesis")

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())
