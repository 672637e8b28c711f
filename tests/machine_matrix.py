"""The (record × user × step) matrix of a state machine over HTTP, with the answers computed from the
machine's own definition (used by ``decisions/test_matrix.py`` and ``disputes/test_matrix.py``).

Every probe sends a body that can never validate (``{"_matrix_probe": 1}``: every body model
forbids unknown fields) and no If-Match, so a probe never writes; its answer is the first failing
check of API.md's order, which the definition predicts:

- 404 ``not_found`` when the caller cannot read the record (its ``GET`` is 404) or the sub-record
  named in the path does not exist;
- else 409 ``transition_not_allowed`` when the record's state is not among the step's states, or the
  sub-record is not ``open``;
- else 403 ``forbidden`` when ``step.permission.allows`` (or ``step.item.allows``) says no;
- else 422 ``validation_error``.

``allows`` and ``open`` are evaluated here, with the real definition objects, on the aggregate as
loaded from the database. The read (``allowed_actions`` / ``allowed_activities``) must then offer
exactly the steps whose probe answered 422. Literal cases in the test modules, written by hand from
DOMAIN.md, keep a wrong definition from passing.
"""

import asyncio
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx
from httpx import Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from conftest import Shared
from governance_api.core.action_routes import ActivityRoute
from governance_api.core.actor import Actor, load_actor
from governance_api.core.machine import Activity, StateMachine, Step
from governance_api.models.base import AggregateMixin, Base
from governance_api.models.records import TransitionRecord

API = "/api/v1"
PROBE = {"_matrix_probe": 1}  # never validates: every body model forbids unknown fields
NOT_FOUND = (404, "not_found")
NOT_NOW = (409, "transition_not_allowed")
FORBIDDEN = (403, "forbidden")
INVALID = (422, "validation_error")
STALE = (412, "version_conflict")
Answer = tuple[int, str | None]
Probe = tuple[Step[Any], str | None]  # a step, and the sub-record it acts on
Case = tuple[str, str, str, Answer, str | None]  # record (its key), step, user, expected, sub-record
Ordered = tuple[str, str, str | None, str, Answer]  # user, step, sub-record, If-Match, expected
Said = tuple[str, str, Answer]  # user, step, answer


@dataclass(frozen=True)
class Domain:
    """Where a machine is served: its aggregate's model, the resource path, the activities' routes,
    and for an activity on a sub-record the sub-resource that lists those sub-records."""

    machine: StateMachine[Any]
    model: type[AggregateMixin]
    resource: str
    routes: Mapping[str, ActivityRoute]
    item_lists: Mapping[str, str] = field(default_factory=dict)

    def request(self, step: Step[Any], record_id: str, item_id: str | None) -> tuple[str, str]:
        """(method, url) of ``step`` on the record (and the sub-record ``item_id``)."""
        if not isinstance(step, Activity):
            return "POST", f"{API}/{self.resource}/{record_id}/actions/{step.code}"
        route = self.routes[step.code]
        path = route.path
        if step.item is not None:
            assert item_id is not None
            start, end = path.index("{"), path.index("}")
            path = path[:start] + item_id + path[end + 1 :]
        return route.method, f"{API}/{self.resource}/{record_id}/{path}"


def answer(r: Response) -> Answer:
    code = r.json().get("code") if r.headers.get("content-type", "").startswith("application/problem+json") else None
    return r.status_code, code


@dataclass
class Outcome:
    """What the matrix found on one record: the mismatches (empty when all is as defined) and the
    number of requests it sent."""

    probes: int = 0
    mismatches: list[str] = field(default_factory=list)


class Matrix:
    def __init__(self, shared: Shared, domain: Domain) -> None:
        self.s = shared
        self.d = domain
        self._actors: dict[str, Actor] = {}

    @property
    def users(self) -> list[str]:
        return list(self.s.world.users)

    def actor(self, user: str) -> Actor:
        if user not in self._actors:
            with self.s.db.session(write=False) as session:
                found = load_actor(session, self.s.world.users[user])
            assert found is not None
            self._actors[user] = found
        return self._actors[user]

    def step(self, code: str) -> Step[Any]:
        return next(s for s in self.d.machine.steps if s.code == code)

    def probe(
        self, user: str, record_id: str, code: str, item_id: str | None = None, if_match: str | None = None
    ) -> Answer:
        method, url = self.d.request(self.step(code), record_id, item_id)
        headers = self.s.h(user) | ({"If-Match": if_match} if if_match is not None else {})
        return answer(self.s.client.request(method, url, json=PROBE, headers=headers))

    def read(self, user: str, record_id: str) -> Response:
        r: Response = self.s.client.get(f"{API}/{self.d.resource}/{record_id}", headers=self.s.h(user))
        return r

    def etag(self, record_id: str) -> str:
        """The record's current version as an If-Match value, as the admin reads it."""
        r = self.read("admin", record_id)
        assert r.status_code == 200, r.text
        return f'"{r.json()["version"]}"'

    def literal_mismatches(self, records: Mapping[str, str], cases: Iterable[Case]) -> list[str]:
        """The literal cases (written by hand from DOMAIN.md) that HTTP or the definition answers
        otherwise than the case says; none when both agree with every case."""
        wrong = []
        for record, code, user, want, item_id in cases:
            record_id = records[record]
            got = self.probe(user, record_id, code, item_id)
            readable = self.read(user, record_id).status_code == 200
            [predicted] = self.expected(record_id, user, readable, [(self.step(code), item_id)])
            if (got, predicted) != (want, want):
                wrong.append(f"{record} {code} by {user}: DOMAIN.md says {want}, HTTP {got}, definition {predicted}")
        return wrong

    def in_order(self, record_id: str, cases: list[Ordered]) -> tuple[list[Said], list[Said]]:
        """API.md's order of checks: what HTTP answers to each case (with its If-Match), and what the
        cases expect, both as (user, step, answer)."""
        got = [(user, code, self.probe(user, record_id, code, item, im)) for user, code, item, im, _ in cases]
        return got, [(user, code, want) for user, code, _, _, want in cases]

    def items(self, record_id: str, step: Step[Any]) -> list[str]:
        """The ids of the sub-records ``step`` may act on, as the admin lists them."""
        sub = self.d.item_lists[step.code]
        r = self.s.client.get(f"{API}/{self.d.resource}/{record_id}/{sub}", headers=self.s.h("admin"))
        assert r.status_code == 200, r.text
        return [str(i["id"]) for i in r.json()["items"]]

    def expected(self, record_id: str, user: str, readable: bool, probes: list[Probe]) -> list[Answer]:
        """The answers the definition predicts for ``probes`` by ``user`` (see the module docstring),
        evaluated on the aggregate as loaded from the database."""
        if not readable:
            return [NOT_FOUND for _ in probes]
        with self.s.db.session(write=False) as session:
            aggregate = session.get(self.d.model, uuid.UUID(record_id))
            assert aggregate is not None
            return [self._predict(session, self.actor(user), aggregate, step, item_id) for step, item_id in probes]

    @staticmethod
    def _predict(session: Session, actor: Actor, aggregate: Any, step: Step[Any], item_id: str | None) -> Answer:
        rule = step.item if isinstance(step, Activity) else None
        item = rule.load(session, aggregate, uuid.UUID(item_id)) if rule is not None and item_id else None
        if rule is not None and item is None:
            return NOT_FOUND
        if aggregate.state not in step.states or (rule is not None and not rule.open(aggregate, item)):
            return NOT_NOW
        if not step.permission.allows(actor, aggregate):
            return FORBIDDEN
        if rule is not None and not rule.allows(actor, aggregate, item):
            return FORBIDDEN
        return INVALID

    def probes(self, record_id: str) -> list[Probe]:
        """Every step of the machine; an activity on a sub-record once per sub-record of the record
        (as the admin lists them) and once on one that does not exist (404 for everyone)."""
        out: list[Probe] = []
        for step in self.d.machine.steps:
            if isinstance(step, Activity) and step.item is not None:
                out += [(step, item_id) for item_id in [*self.items(record_id, step), str(uuid.uuid4())]]
            else:
                out.append((step, None))
        return out

    def fingerprint(self, record_id: str) -> tuple[Any, ...]:
        """(version, state, history rows, row count of every table): what a refused probe must not change."""
        with self.s.db.session(write=False) as session:
            aggregate = session.get(self.d.model, uuid.UUID(record_id))
            assert aggregate is not None
            history = session.scalar(
                select(func.count()).select_from(TransitionRecord).where(TransitionRecord.aggregate_id == aggregate.id)
            )
            counts = {t.name: session.scalar(select(func.count()).select_from(t)) for t in Base.metadata.sorted_tables}
            return aggregate.version, aggregate.state, history, counts

    def run(self, record_id: str) -> Outcome:
        """Every user × every probe on one record: the answers against the definition, the read's
        offers against the answers, and nothing changed by the probes. The reads come first (a
        handler's read of a dispute is audited: a write, by design), then the probes between two
        fingerprints. The requests go to the app in this thread's event loop
        (``httpx.ASGITransport``): the same ASGI app the ``TestClient`` drives, without its thread
        hop per message (about a third of the time per request). This loop does not run the app's
        lifespan, so it opens the pools of the reads and steps served on the event loop itself."""
        return asyncio.run(self._on_this_loop(record_id, self.probes(record_id)))

    async def _on_this_loop(self, record_id: str, probes: list[Probe]) -> Outcome:
        state = self.s.client.app.state  # type: ignore[attr-defined]
        await state.loop_reads.open()
        await state.loop_writes.open()
        try:
            return await self._run(record_id, probes)
        finally:
            await state.loop_writes.close()
            await state.loop_reads.close()

    async def _run(self, record_id: str, probes: list[Probe]) -> Outcome:
        out = Outcome()
        transport = httpx.ASGITransport(app=self.s.client.app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://matrix") as client:
            reads = {
                u: await client.get(f"{API}/{self.d.resource}/{record_id}", headers=self.s.h(u)) for u in self.users
            }
            out.probes += len(reads)
            before = self.fingerprint(record_id)
            for user, r in reads.items():
                if r.status_code not in (200, 404):
                    out.mismatches.append(f"{user}: GET answered {r.status_code}: {r.text[:200]}")
                    continue
                admitted: set[str] = set()
                for (step, item_id), want in zip(
                    probes, self.expected(record_id, user, r.status_code == 200, probes), strict=True
                ):
                    method, url = self.d.request(step, record_id, item_id)
                    got = answer(await client.request(method, url, json=PROBE, headers=self.s.h(user)))
                    out.probes += 1
                    if got != want:
                        on = f" on {item_id}" if item_id else ""
                        out.mismatches.append(f"{user} {step.code}{on}: expected {want}, got {got}")
                    if got == INVALID:
                        admitted.add(step.code)
                if r.status_code == 200:
                    out.mismatches += self._offers(user, r.json(), admitted)
            after = self.fingerprint(record_id)
            if after != before:
                changed = {t: (n, after[3][t]) for t, n in before[3].items() if after[3][t] != n}
                out.mismatches.append(f"the probes changed the data: {before[:3]} -> {after[:3]}, rows {changed}")
        return out

    def _offers(self, user: str, read: dict[str, Any], admitted: set[str]) -> list[str]:
        """The read's ``allowed_actions`` / ``allowed_activities`` against the steps the probes admitted."""
        wrong = []
        for kind, steps in (("actions", self.d.machine.actions), ("activities", self.d.machine.activities)):
            listed, passed = set(read[f"allowed_{kind}"]), {s.code for s in steps} & admitted
            if listed != passed:
                wrong.append(f"{user}: allowed_{kind} {sorted(listed)} but the probes admit {sorted(passed)}")
        return wrong
