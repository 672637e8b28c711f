"""Request bodies, one way for every domain: each derives from ``Input`` (unknown fields are a 422,
never ignored); routes that must answer scope, state and role before the body (API.md's order of
checks) take the raw JSON and the service validates it with ``parse``. A create whose unit decides
scope reads that unit first with ``peek`` on a small target model (e.g. ``DecisionTarget``)."""

from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from governance_api.core.problems import pydantic_errors

M = TypeVar("M", bound=BaseModel)


class Input(BaseModel):
    model_config = ConfigDict(extra="forbid")


def example(**values: Any) -> ConfigDict:
    """``model_config`` of a body with its example (published in the contract; merged with Input's)."""
    return ConfigDict(json_schema_extra={"examples": [values]})


class Target(BaseModel):
    """The unit fields of a create, read before the body is validated (other fields ignored)."""

    model_config = ConfigDict(extra="ignore")


def parse(model: type[M], raw: Any) -> M:
    """Validate a raw JSON body against ``model`` (422 with every field error)."""
    try:
        return model.model_validate({} if raw is None else raw)
    except ValidationError as exc:
        raise pydantic_errors(exc) from exc


def peek(model: type[M], raw: Any) -> M | None:
    """``model`` read from the raw body, or None when it does not validate (``parse`` then answers)."""
    try:
        return model.model_validate(raw)
    except ValidationError:
        return None
