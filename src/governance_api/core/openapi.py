"""OpenAPI additions: the body schema of every action and activity, which the generated routes
validate themselves (after scope, state and role) and so declare by reference; and the links from a
response to the operations its ids lead to."""

from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute
from pydantic import BaseModel

from governance_api.core.contract import finish
from governance_api.core.machine import StateMachine

REF = "#/components/schemas/{model}"
# Paths carry /api/v1 themselves: the server is wherever the document was read from.
SERVERS = [{"url": "/", "description": "the server that serves this document"}]

# OpenAPI links: (source operations, response status, target path, parameters of the targets, as
# runtime expressions). A source ending in ``/*`` stands for every operation of that method directly
# under the path; the target path stands for every operation on it or below it whose path parameters
# the link gives, and each of those gets the parameters it declares (an action its If-Match from the
# ETag of the response that led to it). Clients and stateful testers (scripts/proof-schemathesis.sh)
# follow them.
_RECORD = {"item_id": "$response.body#/id", "If-Match": "$response.header.ETag"}
LINKS: tuple[tuple[str, str, str, dict[str, str]], ...] = (
    ("POST /api/v1/disputes", "201", "/api/v1/disputes/{item_id}", _RECORD),
    ("GET /api/v1/disputes", "200", "/api/v1/disputes/{item_id}", {"item_id": "$response.body#/items/0/id"}),
    ("GET /api/v1/disputes/{item_id}", "200", "/api/v1/disputes/{item_id}", _RECORD),
    ("POST /api/v1/disputes/{item_id}/actions/*", "200", "/api/v1/disputes/{item_id}", _RECORD),
    (
        "GET /api/v1/disputes/{item_id}",
        "200",
        "/api/v1/public/disputes/{tracking_code}",
        {"tracking_code": "$response.body#/tracking_code"},
    ),
    ("POST /api/v1/evaluations", "201", "/api/v1/evaluations/{item_id}", _RECORD),
    ("GET /api/v1/evaluations", "200", "/api/v1/evaluations/{item_id}", {"item_id": "$response.body#/items/0/id"}),
    ("GET /api/v1/evaluations/{item_id}", "200", "/api/v1/evaluations/{item_id}", _RECORD),
    ("POST /api/v1/evaluations/{item_id}/actions/*", "200", "/api/v1/evaluations/{item_id}", _RECORD),
    ("POST /api/v1/decisions", "201", "/api/v1/decisions/{item_id}", _RECORD),
    ("GET /api/v1/decisions", "200", "/api/v1/decisions/{item_id}", {"item_id": "$response.body#/items/0/id"}),
    ("GET /api/v1/decisions/{item_id}", "200", "/api/v1/decisions/{item_id}", _RECORD),
    ("POST /api/v1/decisions/{item_id}/actions/*", "200", "/api/v1/decisions/{item_id}", _RECORD),
    (
        "GET /api/v1/decisions/{item_id}/filings",
        "200",
        "/api/v1/decisions/{item_id}/filings/{filing_id}",
        {"item_id": "$request.path.item_id", "filing_id": "$response.body#/items/0/id"},
    ),
    (
        "GET /api/v1/decisions/{item_id}/conditions",
        "200",
        "/api/v1/decisions/{item_id}/conditions/{condition_id}",
        {"item_id": "$request.path.item_id", "condition_id": "$response.body#/items/0/id"},
    ),
    (
        "GET /api/v1/decision-catalog",
        "200",
        "/api/v1/decision-catalog/{code}",
        {"code": "$response.body#/items/0/code"},
    ),
    ("POST /api/v1/decision-catalog", "201", "/api/v1/decision-catalog/{code}", {"code": "$response.body#/code"}),
    ("GET /api/v1/org-units", "200", "/api/v1/org-units/{unit_id}", {"unit_id": "$response.body#/items/0/id"}),
    ("POST /api/v1/org-units", "201", "/api/v1/org-units/{unit_id}", {"unit_id": "$response.body#/id"}),
    ("GET /api/v1/users", "200", "/api/v1/users/{user_id}", {"user_id": "$response.body#/items/0/id"}),
    ("POST /api/v1/users", "201", "/api/v1/users/{user_id}", {"user_id": "$response.body#/id"}),
)


def body_ref(name: str, required: bool = False) -> dict[str, Any]:
    return {"required": required, "content": {"application/json": {"schema": {"$ref": REF.format(model=name)}}}}


# Bodies of routes that read the raw body and let the service validate it after the caller's role
# (``raw_body``); their schemas join the document's components, as the machines' step bodies do.
RAW_BODIES: list[type[BaseModel]] = []


def raw_body(model: type[BaseModel]) -> dict[str, Any]:
    """``openapi_extra`` declaring ``model`` (by reference, as a component) as the required JSON body
    of a route that takes ``RawBody``: the service checks the role first, then parses (API.md's order
    of checks: a caller without the role gets 403 whatever it sent)."""
    RAW_BODIES.append(model)
    return {"requestBody": body_ref(model.__name__, required=True)}


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
        doc = get_openapi(title=app.title, version=app.version, summary=app.summary, routes=app.routes, servers=SERVERS)
        schemas = doc.setdefault("components", {}).setdefault("schemas", {})
        bodies = [step.body for machine in machines.values() for step in machine.steps] + RAW_BODIES
        for body in bodies:
            schema = body.model_json_schema(ref_template=REF)
            schemas.update(schema.pop("$defs", {}))
            known = schemas.get(body.__name__)
            assert known in (None, schema), f"two body schemas named {body.__name__}"
            schemas[body.__name__] = schema
        finish(doc)
        add_links(doc, LINKS)
        app.openapi_schema = doc
        return doc

    app.openapi = openapi  # type: ignore[method-assign]


def _path_parameters(path: str) -> set[str]:
    return {part[1:-1] for part in path.split("/") if part.startswith("{") and part.endswith("}")}


def add_links(doc: dict[str, Any], links: tuple[tuple[str, str, str, dict[str, str]], ...]) -> None:
    """Declare ``links`` (see ``LINKS``) on the responses of ``doc``, each named by its target's
    operationId; a link that matches no operation is a mistake in the table."""
    paths: dict[str, dict[str, Any]] = doc["paths"]
    for source, status, target, parameters in links:
        method, source_path = source.split(" ", 1)
        method = method.lower()
        if source_path.endswith("/*"):
            base = source_path[:-1]
            sources = [p for p in paths if p.startswith(base) and "/" not in p[len(base) :] and method in paths[p]]
        else:
            sources = [source_path] if method in paths.get(source_path, {}) else []
        targets = [
            (path, operation)
            for path, operations in paths.items()
            if (path == target or path.startswith(target + "/")) and _path_parameters(path) <= set(parameters)
            for operation in operations.values()
        ]
        assert sources and targets, f"the link {source} -> {target} matches no operation"
        for path in sources:
            named = paths[path][method]["responses"][status].setdefault("links", {})
            for target_path, operation in targets:
                declared = _path_parameters(target_path) | {p["name"] for p in operation.get("parameters", [])}
                named[operation["operationId"]] = {
                    "operationId": operation["operationId"],
                    "parameters": {k: v for k, v in parameters.items() if k in declared},
                }
