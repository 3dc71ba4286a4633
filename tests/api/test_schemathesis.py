"""The JSON API against its own OpenAPI schema, with schemathesis.

The schema is the one the application serves at /api/openapi.json. Every generated
request carries the bearer token of the demo "office" account (a global office role), over
the demo data. No request may end in a server error, and every answer must be documented:
its status code, its content type and its body.

Database access: the demo is loaded once for the module, inside a transaction that is rolled
back at the end; each operation's examples then run inside the usual per-test transaction.
Schemathesis calls the WSGI application directly, which would close the database connection
at the end of every request (Django's `close_old_connections`); like Django's own test client,
the fixture disconnects that handler meanwhile, so the test transaction survives on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

# Loaded when the module is collected: fetching the schema needs no database.
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", WSGIHandler())

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@dataclass(frozen=True)
class ApiEnv:
    app: WSGIHandler
    token: str


@pytest.fixture(scope="module")
def api_env(django_db_setup: Any, django_db_blocker: Any) -> Iterator[ApiEnv]:
    from jiandu.accounts import services
    from jiandu.accounts.models import User
    from jiandu.demo import load

    with django_db_blocker.unblock():
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        try:
            with transaction.atomic():
                load()
                office = User.objects.get(username="office")
                assert office.assignments.filter(role__code="office", scope_kind="global").exists()
                _token, raw = services.create_api_token(actor=office, name="schemathesis")
                yield ApiEnv(app=WSGIHandler(), token=raw)
                transaction.set_rollback(True)
        finally:
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)


def test_schema_lists_the_api() -> None:
    operations = {
        (op.method.upper(), op.path) for op in (r.ok() for r in schema.get_all_operations())
    }
    assert {
        ("GET", "/api/org-units"),
        ("POST", "/api/org-units"),
        ("GET", "/api/org-units/{unit_id}"),
        ("GET", "/api/people"),
        ("POST", "/api/people"),
        ("GET", "/api/people/{person_id}"),
    } <= operations


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_to_its_schema(case: Any, api_env: ApiEnv) -> None:
    response = case.call(app=api_env.app, headers={"Authorization": f"Bearer {api_env.token}"})
    assert response.status_code < 500, response.text
    # A valid token is never refused as unauthenticated.
    assert response.status_code != 401, response.text
    case.validate_response(response, checks=CHECKS)
