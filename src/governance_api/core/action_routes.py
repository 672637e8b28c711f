"""One POST route per action of a machine (``/{resource}/{id}/actions/{action}``), generated from
the definition so the OpenAPI document names each action and its body."""

import uuid
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Response
from pydantic import BaseModel
from sqlalchemy.orm import Session

from governance_api.core.actor import Actor
from governance_api.core.deps import CurrentActor, WriteSession
from governance_api.core.http import if_match, json_body, set_etag
from governance_api.core.machine import StateMachine
from governance_api.core.openapi import action_body_ref
from governance_api.core.problems import WRITE_PROBLEMS, responses

Perform = Callable[[Session, Actor, uuid.UUID, str, Any, int | None], BaseModel]


def add_action_routes(
    router: APIRouter, machine: StateMachine[Any], resource: str, read_model: type[BaseModel], perform: Perform
) -> None:
    for action in machine.actions:
        router.add_api_route(
            f"/{resource}/{{item_id}}/actions/{action.code}",
            _endpoint(action.code, perform),
            methods=["POST"],
            response_model=read_model,
            name=f"{machine.name}_{action.code}",
            summary=f"{action.code} ({action.label})",
            description=_describe(machine, action.code),
            responses=responses(*WRITE_PROBLEMS),
            openapi_extra={"requestBody": action_body_ref(action.body.__name__)},
        )


def _endpoint(code: str, perform: Perform) -> Callable[..., BaseModel]:
    def endpoint(
        item_id: uuid.UUID,
        response: Response,
        actor: CurrentActor,
        session: WriteSession,
        expected: Annotated[int | None, Depends(if_match)],
        body: Annotated[Any, Depends(json_body)],
    ) -> BaseModel:
        result = perform(session, actor, item_id, code, body, expected)
        set_etag(response, int(getattr(result, "version")))  # noqa: B009
        return result

    return endpoint


def _describe(machine: StateMachine[Any], code: str) -> str:
    action = machine.action(code)
    assert action is not None
    guards = "".join(f"\n- {g.description}" for g in action.guards) or " none"
    return (
        f"From {', '.join(action.sources)} to {action.target}. Roles: {', '.join(action.permission.describe())}."
        f"\n\nGuards:{guards}"
    )
