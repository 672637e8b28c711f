"""OpenAPI additions: the body schema of every action and activity, which the generated routes
validate themselves (after scope, state and role) and so declare by reference."""

from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute
from pydantic import BaseModel

from governance_api.core.contract import finish
from governance_api.core.machine import StateMachine

REF = "#/components/schemas/{model}"


def body_ref(name: str, required: bool = False) -> dict[str, Any]:
    return {"required": required, "content": {"application/json": {"schema": {"$ref": REF.format(model=name)}}}}


def _inline(schema: Any, defs: dict[str, Any]) -> Any:
    if isinstance(schema, dict):
        if "$ref" in schema:
            return _inline(defs[schema["$ref"].rsplit("/", 1)[-1]], defs)
        return {k: _inline(v, defs) for k, v in schema.items()}
    if isinstance(schema, list):
        return [_inline(v, defs) for v in schema]
    return schema


def inline_body(model: type[BaseModel]) -> dict[str, Any]:
    """``openapi_extra`` declaring ``model`` as the JSON body of a route that reads the raw body and
    lets the service validate it (after scope and role), inlined so no component is needed."""
    schema = model.model_json_schema()
    defs = schema.pop("$defs", {})
    body = {"required": True, "content": {"application/json": {"schema": _inline(schema, defs)}}}
    return {"requestBody": body}


def operation_id(route: APIRoute) -> str:
    """Short and stable: ``{tag}.{name}`` without the tag's own word (``disputes.accept``,
    ``decisions.list``, ``decisions.list_ballots``)."""
    tag = str(route.tags[0]) if route.tags else "api"
    words = [w for w in route.name.split("_") if w not in (tag, tag.removesuffix("s"))]
    return f"{tag}.{'_'.join(words) or route.name}"


def extend_openapi(app: FastAPI, machines: Mapping[str, StateMachine[Any]]) -> None:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        doc = get_openapi(title=app.title, version=app.version, summary=app.summary, routes=app.routes)
        schemas = doc.setdefault("components", {}).setdefault("schemas", {})
        for machine in machines.values():
            for step in machine.steps:
                schema = step.body.model_json_schema(ref_template=REF)
                schemas.update(schema.pop("$defs", {}))
                known = schemas.get(step.body.__name__)
                assert known in (None, schema), f"two body schemas named {step.body.__name__}"
                schemas[step.body.__name__] = schema
        finish(doc, machines)
        app.openapi_schema = doc
        return doc

    app.openapi = openapi  # type: ignore[method-assign]
