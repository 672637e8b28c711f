"""What the contract promises beyond what FastAPI derives from the routes (API.md "The contract
itself"), applied once to the generated document: the Problem schema, declared headers and
parameters, ``security: []`` on public operations, guard codes per step, request examples, and no
``"default": null`` (generators read a default as "always present")."""

from collections.abc import Iterator
from typing import Any

from governance_api.core.problems import PROBLEM_JSON, Problem

REF = "#/components/schemas/{model}"
HEADERS: dict[str, dict[str, Any]] = {
    "X-Request-ID": {
        "description": "The request's id (echoed when the client sent a safe one); quote it when reporting a problem",
        "schema": {"type": "string"},
    },
    "ETag": {
        "description": 'The record\'s version, quoted (e.g. "3"): send it back as If-Match or If-None-Match',
        "schema": {"type": "string"},
    },
    "Location": {"description": "The path of the created record", "schema": {"type": "string"}},
    "Idempotent-Replayed": {
        "description": "true when this is the stored answer to an earlier request with the same Idempotency-Key",
        "schema": {"type": "string", "enum": ["true"]},
    },
    "Retry-After": {"description": "Seconds to wait before trying again", "schema": {"type": "integer"}},
}
IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": "Any unique string (e.g. a UUID) per logical request: a retry with the same key within 24 h"
    " replays the stored answer (Idempotent-Replayed: true); the same key with another body is 422.",
    # what core.middleware enforces (422 otherwise): no control characters, at most 255
    "schema": {"type": "string", "maxLength": 255, "pattern": "^[^\\u0000-\\u001f\\u007f]*$"},
}
IF_NONE_MATCH = {
    "name": "If-None-Match",
    "in": "header",
    "required": False,
    "description": 'The ETag you hold (e.g. "3"): 304 with no body while the record is unchanged',
    "schema": {"type": "string"},
}


def finish(doc: dict[str, Any]) -> None:
    """Apply the contract's promises to ``doc`` (in place)."""
    schemas = doc.setdefault("components", {}).setdefault("schemas", {})
    problem = Problem.model_json_schema(ref_template=REF)
    schemas.update(problem.pop("$defs", {}))
    schemas["Problem"] = problem
    doc["components"]["headers"] = HEADERS
    for path, method, op in _operations(doc):
        _declare_headers(path, method, op, schemas)
        op.setdefault("security", [])  # the routes without a bearer dependency are public
        if codes := op.get("x-guard-codes"):  # a machine step's (core.action_routes)
            listed = "".join(f"\n- `{c}`: {m}" for c, m in codes.items())
            op["description"] = op.get("description", "") + "\n\nGuard codes (`unmet`):" + listed
        _example(op, schemas)
    _drop_null_defaults(doc)
    _no_nul(doc)


def _operations(doc: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, ops in doc.get("paths", {}).items():
        for method, op in ops.items():
            if method in ("get", "post", "put", "patch", "delete"):
                yield path, method, op


def _versioned(response: dict[str, Any], schemas: dict[str, Any]) -> bool:
    """Whether a response is a versioned record (its schema has ``version``): it carries an ETag."""
    ref = response.get("content", {}).get("application/json", {}).get("schema", {}).get("$ref", "")
    schema = schemas.get(ref.rsplit("/", 1)[-1], {})
    return "version" in schema.get("properties", {})


def _declare_headers(path: str, method: str, op: dict[str, Any], schemas: dict[str, Any]) -> None:
    params = op.setdefault("parameters", [])
    if method == "post":
        params.append(IDEMPOTENCY_KEY)
    etag = False
    for status, response in op.get("responses", {}).items():
        headers = response.setdefault("headers", {})
        headers["X-Request-ID"] = {"$ref": "#/components/headers/X-Request-ID"}
        if status == "429":
            headers["Retry-After"] = {"$ref": "#/components/headers/Retry-After"}
        if not status.startswith("2"):
            content = response.get("content", {})
            if PROBLEM_JSON in content:
                content.pop("application/json", None)
            continue
        if method == "post":
            headers["Idempotent-Replayed"] = {"$ref": "#/components/headers/Idempotent-Replayed"}
        if status == "201" and not path.endswith("}"):
            headers["Location"] = {"$ref": "#/components/headers/Location"}
        if _versioned(response, schemas):
            headers["ETag"] = {"$ref": "#/components/headers/ETag"}
            etag = True
    if method == "get" and etag:
        params.append(IF_NONE_MATCH)
        op["responses"]["304"] = {
            "description": "Not modified: the If-None-Match tag is current",
            "headers": {
                "ETag": {"$ref": "#/components/headers/ETag"},
                "X-Request-ID": {"$ref": "#/components/headers/X-Request-ID"},
            },
        }
    if not params:
        op.pop("parameters")


def _example(op: dict[str, Any], schemas: dict[str, Any]) -> None:
    """The request body's example, from its schema's ``examples``."""
    media = op.get("requestBody", {}).get("content", {}).get("application/json")
    if not media or "example" in media:
        return
    schema = media.get("schema", {})
    if "$ref" in schema:
        schema = schemas.get(schema["$ref"].rsplit("/", 1)[-1], {})
    examples = schema.get("examples")
    if examples:
        media["example"] = examples[0]


NO_NUL = "^[^\\u0000]*$"  # PostgreSQL text cannot hold U+0000: the service refuses it with 422


def _no_nul(node: Any) -> None:
    """Say in every free text's schema that U+0000 is not text here (codes, ids, times and enums
    already say what they take)."""
    if isinstance(node, dict):
        free = node.get("type") == "string" and not {"pattern", "format", "enum", "const"} & node.keys()
        if free:
            node["pattern"] = NO_NUL
        for value in node.values():
            _no_nul(value)
    elif isinstance(node, list):
        for value in node:
            _no_nul(value)


def _drop_null_defaults(node: Any) -> None:
    if isinstance(node, dict):
        if "default" in node and node["default"] is None:
            del node["default"]
        for value in node.values():
            _drop_null_defaults(value)
    elif isinstance(node, list):
        for value in node:
            _drop_null_defaults(value)
