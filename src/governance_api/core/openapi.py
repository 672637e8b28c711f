"""OpenAPI additions: the body schema of every state-machine action, which action routes validate
themselves (after scope, state and role) and so declare by reference."""

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from governance_api.machines import MACHINES

REF = "#/components/schemas/{model}"


def action_body_ref(name: str) -> dict[str, Any]:
    return {"required": False, "content": {"application/json": {"schema": {"$ref": REF.format(model=name)}}}}


def extend_openapi(app: FastAPI) -> None:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        doc = get_openapi(title=app.title, version=app.version, summary=app.summary, routes=app.routes)
        schemas = doc.setdefault("components", {}).setdefault("schemas", {})
        for machine in MACHINES.values():
            for action in machine.actions:
                schema = action.body.model_json_schema(ref_template=REF)
                schemas.update(schema.pop("$defs", {}))
                schemas[action.body.__name__] = schema
        app.openapi_schema = doc
        return doc

    app.openapi = openapi  # type: ignore[method-assign]
