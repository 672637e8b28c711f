"""The committed OpenAPI document is the one the app generates (regenerate with
``governance-api export-openapi``)."""

import json
from pathlib import Path

from governance_api.app import create_app
from governance_api.cli import openapi_text
from governance_api.settings import Settings

COMMITTED = Path(__file__).parents[1] / "openapi" / "openapi.json"


def test_committed_openapi_matches_the_app(settings: Settings) -> None:
    generated = openapi_text(create_app(settings))
    assert json.loads(COMMITTED.read_text(encoding="utf-8")) == json.loads(generated), (
        "openapi/openapi.json is stale: run `governance-api export-openapi`"
    )


def test_every_operation_documents_its_problems(settings: Settings) -> None:
    doc = create_app(settings).openapi()
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            if path.startswith("/api/v1/") and "public" not in path and path != "/api/v1/auth/token":
                assert "401" in op["responses"], f"{method.upper()} {path} lists no 401 problem"
