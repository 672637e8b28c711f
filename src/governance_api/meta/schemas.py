"""Typed self-description: state machines as enforced, and the closed vocabularies with zh labels."""

from pydantic import BaseModel, ConfigDict, Field


class StateRead(BaseModel):
    code: str
    label: str = Field(description="zh label")
    terminal: bool = Field(description="no action leaves this state")


class ActionRead(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    code: str
    label: str = Field(description="zh label")
    from_: list[str] = Field(alias="from", description="the states the action starts from")
    to: str = Field(description="the state it leads to")
    roles: list[str] = Field(description="who may take it (roles, or a rule such as the handlers of a level)")
    guards: list[str] = Field(description="its preconditions, in words; a failing one answers 409 guard_failed")
    guard_codes: dict[str, str] = Field(description="the unmet codes its guards can answer, with zh messages")
    body_schema: str = Field(description="the name of its body schema in components/schemas")


class ActivityRead(BaseModel):
    code: str
    label: str = Field(description="zh label")
    states: list[str] = Field(description="the states in which it is allowed")
    roles: list[str]
    guards: list[str]
    guard_codes: dict[str, str]
    body_schema: str
    result_schema: str | None = Field(description="the schema of its answer; null: the record itself")
    item: str | None = Field(description="the sub-record it acts on (addressed in its path), if any")
    in_history: bool = Field(description="whether it is kept in the record's history like a transition")


class MachineRead(BaseModel):
    name: str
    label: str
    initial: str = Field(description="the state a new record starts in")
    create_roles: list[str] = Field(description="the roles that may create a record")
    states: list[StateRead]
    actions: list[ActionRead]
    activities: list[ActivityRead]


class MachineList(BaseModel):
    items: list[MachineRead]


class Term(BaseModel):
    code: str
    label: str = Field(description="zh label")


class Vocabulary(BaseModel):
    name: str = Field(description="the vocabulary's name, as the title of its enum in the OpenAPI document")
    terms: list[Term]


class VocabularyList(BaseModel):
    items: list[Vocabulary]
