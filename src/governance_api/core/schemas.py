"""Request bodies, one way for every domain: each derives from ``Input`` (unknown fields are a 422,
never ignored); routes that must answer scope, state and role before the body (API.md's order of
checks) take the raw JSON and the service validates it with ``parse``. A create whose unit decides
scope reads that unit first with ``peek`` on a small target model (e.g. ``DecisionTarget``). The read
of a state-machine record derives from ``RecordRead``."""

import datetime as dt
import json
import uuid
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator
from pydantic.json_schema import SkipJsonSchema

from governance_api.core.errors import BadRequest
from governance_api.core.problems import pydantic_errors
from governance_api.core.validators import NUL_MESSAGE, has_nul

M = TypeVar("M", bound=BaseModel)


class Input(BaseModel):
    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value: Any, info: ValidationInfo) -> Any:
        """Every field of every body, whatever its type: PostgreSQL text cannot hold U+0000. After
        validation, so a nested model has already checked its own fields and the error names the
        nested field (``body.parties.0.name``), not the list holding it. Skipped when the raw body
        was seen to hold none (``nul_free``)."""
        if info.context is not None and info.context.get(_NUL_FREE):
            return value
        if has_nul(value):
            raise ValueError(NUL_MESSAGE)
        return value


_NUL_FREE = "nul_free"


def nul_free(raw: bytes) -> dict[str, bool]:
    """The validation context of a body validated from its raw JSON bytes: when they hold neither
    the escape ``\\u0000`` nor any zero byte, no string of the document can hold U+0000 (JSON writes
    it only as that escape; UTF-16 or UTF-32 text has zero bytes and is checked field by field), so
    ``Input`` skips its check of every field. For bodies validated in bulk (a feed's batch)."""
    return {_NUL_FREE: b"\\u0000" not in raw and b"\x00" not in raw}


# A PATCH field left out keeps its value; ``null`` is not a value for it (the contract shows no null,
# the service answers 422 "may not be null"). Typed ``X | Unset = None``.
Unset = SkipJsonSchema[None]


def example(**values: Any) -> ConfigDict:
    """``model_config`` of a body with its example (published in the contract; merged with Input's)."""
    return ConfigDict(json_schema_extra={"examples": [values]})


class Target(BaseModel):
    """The unit fields of a create, read before the body is validated (other fields ignored)."""

    model_config = ConfigDict(extra="ignore")


def parse_json(raw: bytes) -> Any:
    """A body's bytes parsed as JSON, or a 400."""
    try:
        return json.loads(raw)
    except (ValueError, RecursionError) as exc:  # also an integer past Python's digit limit, deep nesting
        raise BadRequest("the body is not valid JSON") from exc


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


ALLOWED_ACTIONS = "the transitions the caller may take now (guards not evaluated)"
ALLOWED_ACTIVITIES = "the other writes open to the caller in this state (guards not evaluated)"


class RecordRead(BaseModel):
    """The fields every state-machine record's read has. The machine-typed ones are the domain's, each
    typed with its machine's ``Late`` enums: ``state``, ``allowed_actions`` (described by
    ``ALLOWED_ACTIONS``) and ``allowed_activities`` (``ALLOWED_ACTIVITIES``)."""

    id: uuid.UUID
    state_label: str = Field(description="zh label of the state")
    version: int = Field(description="increments on every change; send as If-Match")
    created_at: dt.datetime
    updated_at: dt.datetime
