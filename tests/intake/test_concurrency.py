"""Two feeds' batches racing on overlapping ids, over real HTTP: each id becomes one dispute, every
item is answered, nothing fails. The batches name the shared ids in opposite orders, which is what
would deadlock two transactions that claimed ids in the order they were given."""

import json
import threading
import time
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from governance_api.db import Database
from governance_api.models.disputes import Dispute
from governance_api.models.integration import WorkOrder
from governance_api.models.records import OutboxEvent, TransitionRecord
from intake.factories import URL, item
from world import World

ROUNDS, SIZE, SHARED = 3, 120, 60


def test_overlapping_batches_create_each_dispute_once(live_server: str, world: World, db: Database) -> None:
    headers = world.h("ic")
    answers: list[list[dict[str, Any]]] = []
    failures: list[str] = []
    for round_ in range(ROUNDS):
        shared = [f"S{round_}-{i:03d}" for i in range(SHARED)]
        own = [[f"O{round_}-{side}-{i:03d}" for i in range(SIZE - SHARED)] for side in (0, 1)]
        bodies = [
            {"items": [item(world, e) for e in shared + own[0]]},
            {"items": [item(world, e) for e in own[1] + shared[::-1]]},
        ]
        barrier = threading.Barrier(len(bodies))

        def send(body: dict[str, Any], barrier: threading.Barrier) -> None:
            with httpx.Client(base_url=live_server, timeout=60) as http:
                barrier.wait()
                r = http.post(URL, json=body, headers=headers)
            if r.status_code != 200:
                failures.append(f"{r.status_code} {r.text[:200]}")
            else:
                answers.append(r.json()["results"])

        threads = [threading.Thread(target=send, args=(b, barrier)) for b in bodies]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
    assert not failures, failures
    assert len(answers) == 2 * ROUNDS
    created: dict[str, str] = {}
    for results in answers:
        for r in results:
            if r["status"] == "created":
                assert r["external_id"] not in created, r  # created once
                created[r["external_id"]] = r["dispute_id"]
            else:
                assert r["status"] == "unchanged", r  # the other batch's copy of a shared id
    # Every unchanged answer names the dispute the other batch created.
    for results in answers:
        for r in results:
            assert r["dispute_id"] == created[r["external_id"]]
    total = ROUNDS * (2 * SIZE - SHARED)
    assert len(created) == total
    with db.session(write=False) as s:
        for model in (Dispute, WorkOrder, TransitionRecord, OutboxEvent):
            assert s.scalar(select(func.count()).select_from(model)) == total, model


def test_a_batch_waits_for_an_uncommitted_claim_of_its_id_then_skips_it(
    world: World, db: Database, dialect: str
) -> None:
    """The claim itself, made to race deterministically: a transaction holds a new dispute for X-1
    uncommitted while a batch naming X-1 and X-2 comes in. The batch waits for it, then answers X-1
    with that dispute (recorded by another way: ``duplicate``) and creates X-2 only."""
    if dialect != "postgresql":
        pytest.skip("SQLite serializes write transactions at BEGIN IMMEDIATE: a batch never meets an uncommitted claim")
    from governance_api.core.actor import load_actor
    from governance_api.disputes.intake import Intake, register_many
    from governance_api.disputes.vocab import Channel
    from governance_api.intake import service
    from governance_api.models.org import OrgUnit

    with db.session(write=False) as s:
        actor = load_actor(s, world.users["ic"])
    assert actor is not None
    holder = db.session(write=True)
    community = holder.get(OrgUnit, world.units["C1"])
    assert community is not None
    intake = Intake(community, None, Channel.yiwangtongguan, "other", "t", "d", external_id="X-1")
    held = register_many(holder, actor, [intake])["X-1"]
    answer: dict[str, Any] = {}

    def batch() -> None:
        with db.session(write=True) as s:
            started = time.perf_counter()
            body = json.dumps({"items": [item(world, "X-2"), item(world, "X-1")]}).encode()
            results = service.receive_work_orders(s, actor, body)
            answer["results"] = [(r.external_id, r.status.value, r.dispute_id) for r in results.results]
            answer["waited"] = time.perf_counter() - started

    thread = threading.Thread(target=batch)
    thread.start()
    time.sleep(0.5)
    assert thread.is_alive()  # waiting on X-1
    holder.commit()
    holder.close()
    thread.join(timeout=30)
    assert answer["waited"] >= 0.4
    (x2, x2_status, _), (x1, x1_status, x1_dispute) = answer["results"]
    assert (x2, x2_status) == ("X-2", "created")
    assert (x1, x1_status, x1_dispute) == ("X-1", "duplicate", held)
    with db.session(write=False) as s:
        assert s.scalar(select(func.count()).select_from(Dispute)) == 2
