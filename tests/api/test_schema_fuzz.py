"""Schemathesis reads /api/openapi.json and throws generated requests at every operation, on the tiny France:
whatever it sends, the API answers what its schema declares, and never a 500."""

import pytest
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections

schemathesis = pytest.importorskip("schemathesis")
hypothesis = pytest.importorskip("hypothesis")

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())


@pytest.fixture
def keep_test_connection():
    """The WSGI app closes "old" connections around each request, which on PostgreSQL would close the test's own
    transaction; Django's test client unhooks the same handlers."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@hypothesis.settings(max_examples=30, deadline=None, suppress_health_check=list(hypothesis.HealthCheck))
def test_every_operation_answers_as_its_schema_says(case, mini_world, keep_test_connection):
    case.call_and_validate()
