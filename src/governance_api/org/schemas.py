import datetime as dt
import uuid
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from governance_api.core.schemas import Input, Unset, example
from governance_api.core.validators import Code, MobilePhone, ShortText
from governance_api.roles import OrgKind, Role

Username = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=3, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.@-]*$")
]
Password = Annotated[str, StringConstraints(min_length=8, max_length=128)]


class OrgUnitCreate(Input):
    model_config = example(
        kind="community", code="c-jinse", name="金色雅筑居民区", parent_id="3fa85f64-5717-4562-b3fc-2c963f66afa6"
    )

    kind: OrgKind
    code: Code
    name: ShortText
    parent_id: uuid.UUID | None = None


class OrgUnitUpdate(Input):
    model_config = example(name="金色雅筑居民区")

    name: ShortText | Unset = None
    active: bool | Unset = None


class OrgUnitRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    kind: OrgKind
    code: str
    name: str
    parent_id: uuid.UUID | None
    active: bool
    created_at: dt.datetime
    updated_at: dt.datetime


class RoleAssignmentIn(Input):
    role: Role
    org_unit_id: uuid.UUID


class RoleAssignmentRead(BaseModel):
    role: Role
    org_unit_id: uuid.UUID
    org_unit_kind: OrgKind
    org_unit_name: str


class UserCreate(Input):
    model_config = example(
        username="wang_secretary",
        password="a-long-passphrase-2026",
        display_name="王书记",
        phone="13812345678",
        roles=[{"role": "community_secretary", "org_unit_id": "3fa85f64-5717-4562-b3fc-2c963f66afa6"}],
    )

    username: Username
    password: Password
    display_name: ShortText
    phone: MobilePhone | None = None
    roles: list[RoleAssignmentIn] = Field(default_factory=list, max_length=50)


class UserUpdate(Input):
    model_config = example(display_name="王书记", active=True)

    display_name: ShortText | Unset = None
    phone: MobilePhone | None = Field(None, description="null removes the phone number")
    password: Password | Unset = None
    active: bool | Unset = None
    roles: Annotated[list[RoleAssignmentIn], Field(max_length=50)] | Unset = None


class UserRead(BaseModel):
    id: uuid.UUID
    username: str
    display_name: str
    phone: str | None
    active: bool
    roles: list[RoleAssignmentRead]
    created_at: dt.datetime
    updated_at: dt.datetime
