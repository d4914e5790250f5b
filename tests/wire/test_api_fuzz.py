"""schemathesis against the served OpenAPI document (/api/v1/openapi.json): requests made from
the document, valid ones and not, sent with a real key to the WSGI app, over stories of every
kind the wire sends. No answer may be a 5xx, and every answer must be one the document
declares, in the declared shape. Bounded and derandomized: a run is short and the same each
time."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from dateline.config.wsgi import application
from dateline.wire.subscribers import add_subscriber

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
EXAMPLES = 30  # per operation and mode


@pytest.fixture
def key(stories) -> str:
    return add_subscriber("Fuzzing Daily", rate_limit="100000/m", inbound=True).api_key


@pytest.fixture
def wire_schema(key, settings):
    """The WSGI app called directly, keeping the test's database connection open between
    requests as Django's test client does (PostgreSQL would otherwise close it under the
    test's transaction, and every request after the first would find no database)."""
    settings.ALLOWED_HOSTS = ["*"]
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_no_server_errors_and_answers_as_documented(wire_schema, key, mode):
    operations = [result.ok() for result in wire_schema.get_all_operations()]
    assert {operation.path for operation in operations} == {
        "/api/v1/items",
        "/api/v1/items/{code}",
        "/api/v1/incoming",
        "/api/v1/search",
    }
    for operation in operations:

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=EXAMPLES,
            derandomize=True,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def answers_as_documented(case):
            case.call_and_validate(headers={"Authorization": f"Bearer {key}"}, checks=CHECKS)

        answers_as_documented()
