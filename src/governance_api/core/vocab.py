"""Closed vocabularies with their zh labels, published in the contract.

Every closed vocabulary is a ``Labelled`` enum (``community = "community", "居民区"``): the code is
the value on the wire, the label is the Chinese a front end shows. Its JSON schema — in requests and
responses alike — carries the codes as ``enum`` and the labels as ``x-enum-labels``, and
``GET /api/v1/meta/vocabularies`` lists them. A vocabulary defined by a machine (its states, actions,
activities) is the machine's own: ``Late`` reads it when the schema is built, so schemas need not
import the machine that imports them.
"""

from collections.abc import Callable, Mapping
from enum import StrEnum
from typing import Any, Self

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema


class Labelled(StrEnum):
    """A ``StrEnum`` whose members carry a zh ``label``."""

    label: str

    def __new__(cls, value: str, label: str = "") -> Self:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member

    @classmethod
    def labels(cls) -> dict[str, str]:
        return {m.value: m.label for m in cls}

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        json_schema = handler.resolve_ref_schema(handler(schema))
        json_schema["x-enum-labels"] = cls.labels()
        if cls.__doc__:
            json_schema["description"] = cls.__doc__.strip()
        return json_schema


class Late:
    """Annotation for a ``str`` whose closed set of codes (with labels) is known only once every
    module is imported — the states, actions and activities of a machine."""

    def __init__(self, title: str, source: Callable[[], Mapping[str, str]]) -> None:
        self.title = title
        self.source = source

    def __get_pydantic_core_schema__(self, source_type: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        def known(value: str) -> str:
            if value not in self.source():
                raise PydanticCustomError("enum", "not one of the {title} codes", {"title": self.title})
            return value

        return core_schema.no_info_after_validator_function(known, handler(source_type))

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        labels = dict(self.source())
        return {"type": "string", "title": self.title, "enum": list(labels), "x-enum-labels": labels}
