"""Schemathesis reads /api/openapi.json and throws generated requests at every operation, on the tiny France:
whatever it sends, the API answers what its schema declares, and never a 500."""

from .schema import hypothesis, schema


@schema.parametrize()
@hypothesis.settings(max_examples=30, deadline=None, suppress_health_check=list(hypothesis.HealthCheck))
def test_every_operation_answers_as_its_schema_says(case, mini_world, keep_test_connection):
    case.call_and_validate()
