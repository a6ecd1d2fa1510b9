"""What the contract tests of both APIs share: how schemathesis runs them."""

from typing import Any

import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, settings
from schemathesis import BaseSchema, Case
from schemathesis.checks import positive_data_acceptance

# Bounded and repeatable: the same examples at each run.
examples = settings(
    max_examples=40,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


def schema_of(app: FastAPI) -> BaseSchema:
    """The OpenAPI schema the app publishes, as schemathesis reads it."""
    return schemathesis.openapi.from_dict(app.openapi())


def check_contract(case: Case[Any], base_url: str, key: str) -> None:
    """Send the case to the API with ``key``; fail on any answer it does not keep.

    No 5xx, and only the status codes, headers and bodies that the schema
    documents. A request that matches the schema may still be refused: no
    schema can say an ISBN's check digit, or which book a service knows.
    """
    case.call_and_validate(
        base_url=base_url,
        headers={"Authorization": f"Bearer {key}"},
        excluded_checks=[positive_data_acceptance],
    )
