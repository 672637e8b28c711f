"""Routes generated from a machine's definition: one POST per action
(``/{resource}/{id}/actions/{action}``) and one route per activity at the path its router gives it
(``/{resource}/{id}/ballots``, ``…/filings/{filing_id}/response``). Each names its step, states,
roles and guards in OpenAPI, declares its body by reference, and hands the service a ``Command``."""

import re
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request, Response
from pydantic import BaseModel
from sqlalchemy.orm import Session

from governance_api.core.actor import Actor
from governance_api.core.deps import CurrentActor, StepWriteSession
from governance_api.core.http import IfMatch, RawBody, set_etag
from governance_api.core.loop_writes import StepSession
from governance_api.core.machine import Action, StateMachine, Step, guard_codes
from governance_api.core.openapi import body_ref
from governance_api.core.problems import WRITE_PROBLEMS, responses
from governance_api.settings import Settings


@dataclass(frozen=True)
class Command:
    """One state-dependent write as a generated route hands it to the domain's service."""

    session: Session
    actor: Actor
    settings: Settings
    aggregate_id: uuid.UUID
    code: str
    body: Any
    if_match: int | None
    item_id: uuid.UUID | None = None


Perform = Callable[[Command], BaseModel]


@dataclass(frozen=True)
class ActivityRoute:
    """Where an activity is served: ``path`` below ``/{resource}/{item_id}/`` (with one
    ``{name_id}`` when the activity acts on a sub-record), its method and status."""

    path: str
    method: str = "POST"
    status_code: int = 201


def add_action_routes(
    router: APIRouter, machine: StateMachine[Any], resource: str, read_model: type[BaseModel], perform: Perform
) -> None:
    for action in machine.actions:
        router.add_api_route(
            f"/{resource}/{{item_id}}/actions/{action.code}",
            _endpoint(action.code, perform),
            methods=["POST"],
            response_model=read_model,
            name=action.code,
            summary=f"{action.code} ({action.label})",
            description=describe(action),
            responses=responses(*WRITE_PROBLEMS),
            openapi_extra=_extra(action),
        )


def _extra(step: Step[Any]) -> dict[str, Any]:
    """The step's body by reference, and the ``unmet`` codes its guards can answer (published as
    ``x-guard-codes``; ``core.contract`` lists them in the description)."""
    body = body_ref(step.body.__name__, required=_needs_body(step.body))
    return {"requestBody": body, "x-guard-codes": guard_codes(step)}


def _needs_body(body: type[BaseModel]) -> bool:
    """An empty or missing body is read as ``{}`` (core.http.json_body): the body is required in the
    contract exactly when ``{}`` does not validate, i.e. the model has a required field."""
    return any(field.is_required() for field in body.model_fields.values())


def add_activity_routes(
    router: APIRouter,
    machine: StateMachine[Any],
    resource: str,
    read_model: type[BaseModel],
    routes: Mapping[str, ActivityRoute],
    perform: Perform,
) -> None:
    """One route per activity; every activity must have a route and every route an activity."""
    assert set(routes) == {a.code for a in machine.activities}, f"{machine.name}: activities and routes differ"
    for activity in machine.activities:
        route = routes[activity.code]
        names = re.findall(r"{(\w+)}", route.path)
        assert len(names) == (1 if activity.item else 0), f"{machine.name}.{activity.code}: path parameters"
        router.add_api_route(
            f"/{resource}/{{item_id}}/{route.path}",
            _item_endpoint(activity.code, perform, names[0]) if names else _endpoint(activity.code, perform),
            methods=[route.method],
            status_code=route.status_code,
            response_model=activity.result or read_model,
            name=activity.code,
            summary=f"{activity.code} ({activity.label})",
            description=describe(activity),
            responses=responses(*WRITE_PROBLEMS),
            openapi_extra=_extra(activity),
        )


@dataclass(frozen=True)
class _Write:
    """What every generated route takes: the record's id, the caller, the write session, settings,
    If-Match and the raw body (validated by the engine after scope, state and role)."""

    item_id: uuid.UUID
    response: Response
    actor: Actor
    session: StepSession
    settings: Settings
    expected: int | None
    body: Any

    async def run(self, perform: Perform, code: str, sub_id: uuid.UUID | None = None) -> BaseModel:
        def step(session: Session) -> BaseModel:
            cmd = Command(session, self.actor, self.settings, self.item_id, code, self.body, self.expected, sub_id)
            return perform(cmd)

        result = await self.session.run(step)
        _etag(self.response, result)
        return result


async def _write(  # async: it only bundles, and a sync dependency would cost a thread hand-off
    item_id: uuid.UUID,
    request: Request,
    response: Response,
    actor: CurrentActor,
    session: StepWriteSession,
    expected: IfMatch,
    body: RawBody,
) -> _Write:
    settings: Settings = request.app.state.settings  # as ``get_settings``, without a dependency's cost
    return _Write(item_id, response, actor, session, settings, expected, body)


Write = Annotated[_Write, Depends(_write)]


# The endpoints are coroutines: the step itself runs where its session says (``StepSession.run``).
def _endpoint(code: str, perform: Perform) -> Callable[..., Awaitable[BaseModel]]:
    async def endpoint(write: Write) -> BaseModel:
        return await write.run(perform, code)

    return endpoint


def _item_endpoint(code: str, perform: Perform, name: str) -> Callable[..., Awaitable[BaseModel]]:
    async def endpoint(write: Write, sub_id: Annotated[uuid.UUID, Path(alias=name)]) -> BaseModel:
        return await write.run(perform, code, sub_id)

    return endpoint


def _etag(response: Response, result: BaseModel) -> None:
    """A response that is the aggregate itself (it carries ``version``) gets its ETag."""
    version = getattr(result, "version", None)
    if isinstance(version, int):
        set_etag(response, version)


def describe(step: Step[Any]) -> str:
    guards = "".join(f"\n- {g.description}" for g in step.guards) or " none"
    if isinstance(step, Action):
        where = f"From {', '.join(step.sources)} to {step.target}"
    else:
        where = f"While {', '.join(step.states)}" + (f", on one {step.item.noun}" if step.item else "")
    return f"{where}. Roles: {', '.join(step.permission.describe())}.\n\nGuards:{guards}"
