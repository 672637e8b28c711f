"""The issue's scenarios end to end: a mixed batch, a replay, the category map, a batch's dispute
against one from POST /disputes, and a feed held to its channel."""

import uuid
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from governance_api.db import Database
from governance_api.models.disputes import Dispute, DisputeParty
from governance_api.models.integration import WorkOrder
from governance_api.models.records import OutboxEvent, TransitionRecord
from intake.factories import URL, counts, item, post, statuses, unit_code
from world import World


def test_a_mixed_batch_then_its_replay_changes_nothing(client: TestClient, world: World, db: Database) -> None:
    first = post(client, world, [item(world, "A-1"), item(world, "A-2")])
    assert statuses(first) == ["created", "created"]
    a1 = first.json()["results"][0]["dispute_id"]
    batch = [
        item(world, "A-1"),  # the same again
        item(world, "A-2", title="另一个标题"),  # the same id, other content
        item(world, "A-3"),  # new
        item(world, "A-4", reported_at="not a time"),  # invalid
        item(world, "A-3"),  # within the batch: the same as the first A-3
        item(world, "A-3", description="不同"),  # within the batch: other content
    ]
    second = post(client, world, batch)
    results = second.json()["results"]
    assert statuses(second) == ["unchanged", "duplicate", "created", "rejected", "unchanged", "duplicate"]
    assert results[0]["dispute_id"] == a1
    assert results[1]["dispute_id"] == first.json()["results"][1]["dispute_id"]
    assert results[4]["dispute_id"] == results[5]["dispute_id"] == results[2]["dispute_id"]
    assert results[3] == {
        "external_id": "A-4",
        "status": "rejected",
        "dispute_id": None,
        "errors": [{"field": "body.items.3.reported_at", "message": results[3]["errors"][0]["message"]}],
    }
    assert "RFC 3339" in results[3]["errors"][0]["message"]

    before = counts(db)
    assert before["disputes"] == before["work_orders"] == 3
    assert before["transition_history"] == before["outbox_events"] == 3
    replay = post(client, world, batch)
    assert statuses(replay) == ["unchanged", "duplicate", "unchanged", "rejected", "unchanged", "duplicate"]
    assert [r["dispute_id"] for r in replay.json()["results"]] == [r["dispute_id"] for r in results]
    assert counts(db) == before
    # The duplicate changed nothing: A-2 keeps its first title.
    got = client.get(f"/api/v1/disputes/{results[1]['dispute_id']}", headers=world.h("jo"))
    assert got.json()["title"] == "楼上装修噪音"


def test_a_created_work_order_is_a_reported_dispute_the_feed_sees(
    client: TestClient, world: World, db: Database
) -> None:
    grid = unit_code(world, "G1")
    r = post(client, world, [item(world, "W-1", community_code=None, grid_code=grid)])
    assert statuses(r) == ["created"]
    dispute_id = r.json()["results"][0]["dispute_id"]
    full = client.get(f"/api/v1/disputes/{dispute_id}", headers=world.h("jo")).json()
    assert full["state"] == "reported" and full["level"] == "community" and full["channel"] == "yiwangtongguan"
    assert full["community_id"] == str(world.units["C1"]) and full["grid_id"] == str(world.units["G1"])
    assert full["category"] == "other"  # no map yet
    assert [(p["name"], p["role"], p["phone"]) for p in full["parties"]] == [("张三", "applicant", "13812345678")]
    # The feed sees what it reported (reporter view); a leader sees the reporter's phone masked.
    assert client.get(f"/api/v1/disputes/{dispute_id}", headers=world.h("ic")).status_code == 200
    masked = client.get(f"/api/v1/disputes/{dispute_id}", headers=world.h("lic")).json()
    assert masked["parties"][0]["phone"] == "138****5678"
    with db.session(write=False) as s:
        order = s.scalars(select(WorkOrder)).one()
        assert order.source_category_code == "0301" and order.address == "金色雅筑2号楼"
        assert order.attachments == [{"url": "https://ywtg.example.gov.cn/f/1.jpg", "name": "现场照片"}]
        assert str(order.dispute_id) == dispute_id
        # who relayed it, and on which channel under which id: the dispute's own columns
        dispute = s.get(Dispute, order.dispute_id)
        assert dispute is not None and dispute.created_by_id == world.users["ic"]
        assert (dispute.channel, dispute.external_id) == ("yiwangtongguan", "W-1")


def test_the_category_map_maps_and_unmapped_codes_become_other(client: TestClient, world: World, db: Database) -> None:
    path = "/api/v1/intake/sources/yiwangtongguan/category-map"
    entries = [{"source_code": "0301", "category": "renovation_noise"}, {"source_code": "0402", "category": "parking"}]
    put = client.put(path, json={"entries": entries}, headers=world.h("jo"))
    assert put.status_code == 200, put.text
    assert put.json() == {"channel": "yiwangtongguan", "entries": sorted(entries, key=lambda e: e["source_code"])}
    assert client.get(path, headers=world.h("ic")).json() == put.json()
    r = post(client, world, [item(world, "M-1"), item(world, "M-2", category_code="9999")])
    assert statuses(r) == ["created", "created"]
    with db.session(write=False) as s:
        got = dict(s.execute(select(Dispute.external_id, Dispute.category)).all())
        raw = dict(s.execute(select(Dispute.external_id, WorkOrder.source_category_code).join(WorkOrder)).all())
    assert got == {"M-1": "renovation_noise", "M-2": "other"}
    assert raw == {"M-1": "0301", "M-2": "9999"}
    # Replacing the table removes what is left out; the map of another channel is its own.
    assert client.put(path, json={"entries": entries[1:]}, headers=world.h("admin")).json()["entries"] == entries[1:]
    other = client.get("/api/v1/intake/sources/police_110/category-map", headers=world.h("jo2"))
    assert other.json() == {"channel": "police_110", "entries": []}


def _rows(db: Database, dispute_id: uuid.UUID) -> tuple[list[Any], list[Any], list[Any], Any]:
    with db.session(write=False) as s:
        history = [
            (
                r.aggregate_type,
                r.seq,
                r.action,
                r.from_state,
                r.to_state,
                r.actor_id,
                r.actor_name,
                r.comment,
                r.details,
            )
            for r in s.scalars(select(TransitionRecord).where(TransitionRecord.aggregate_id == dispute_id))
        ]
        events = [
            (e.aggregate_type, e.kind, e.payload, e.published_at)
            for e in s.scalars(select(OutboxEvent).where(OutboxEvent.aggregate_id == dispute_id))
        ]
        parties = [
            (p.seq, p.name, p.role, p.phone, p.id_number)
            for p in s.scalars(select(DisputeParty).where(DisputeParty.dispute_id == dispute_id))
        ]
        d = s.get(Dispute, dispute_id)
        assert d is not None
        record = {
            c: getattr(d, c)
            for c in (
                "state",
                "version",
                "level",
                "channel",
                "category",
                "title",
                "description",
                "community_id",
                "grid_id",
                "org_unit_id",
                "scope_path",
                "created_by_id",
                "group_dispute",
                "early_warning",
            )
        }
        return history, events, parties, record


def test_a_batch_writes_the_rows_post_disputes_writes(client: TestClient, world: World, db: Database) -> None:
    body = {
        "community_id": str(world.units["C1"]),
        "channel": "yiwangtongguan",
        "category": "other",
        "title": "楼上装修噪音",
        "description": "2号楼502室反映楼上夜间装修噪音",
        "parties": [{"name": "张三", "role": "applicant", "phone": "13812345678"}],
        "external_id": "P-1",
    }
    one = client.post("/api/v1/disputes", json=body, headers=world.h("ic"))
    assert one.status_code == 201, one.text
    batch = post(client, world, [item(world, "B-1")])
    assert statuses(batch) == ["created"]
    by_post = _rows(db, uuid.UUID(one.json()["id"]))
    by_batch = _rows(db, uuid.UUID(batch.json()["results"][0]["dispute_id"]))
    assert by_batch == by_post
    assert by_batch[0][0][2] == "create" and by_batch[1][0][1] == "dispute.create"
    with db.session(write=False) as s:
        codes = s.scalars(select(Dispute.tracking_code)).all()
    assert len(set(codes)) == 2 and all(len(c) == 16 for c in codes)


def test_each_work_order_of_a_batch_gets_its_own_rows(client: TestClient, world: World, db: Database) -> None:
    """Ids are made in bulk (by the server on PostgreSQL) and rows matched to them by external id:
    in a batch whose items differ in every field, and come in an order that is not the ids' order,
    each dispute holds its own title, party, work order, history row and event."""
    names = ["赵一", "钱二", "孙三", "李四", "周五", "吴六"]
    exts = ["Z-5", "Z-1", "Z-4", "Z-0", "Z-3", "Z-2"]
    items = [
        item(
            world,
            ext,
            title=f"工单 {ext}",
            reporter={"name": name, "phone": f"1381234567{i}"},
            community_code=unit_code(world, "C1" if i % 2 else "C2"),
            attachments=[{"url": f"https://ywtg.example.gov.cn/f/{ext}.jpg", "name": ext}],
        )
        for i, (ext, name) in enumerate(zip(exts, names, strict=True))
    ]
    r = post(client, world, items)
    assert statuses(r) == ["created"] * len(items)
    answered = {x["external_id"]: uuid.UUID(x["dispute_id"]) for x in r.json()["results"]}
    assert len(set(answered.values())) == len(items)
    with db.session(write=False) as s:
        for i, (ext, name) in enumerate(zip(exts, names, strict=True)):
            d = s.get(Dispute, answered[ext])
            assert d is not None and d.external_id == ext and d.title == f"工单 {ext}"
            assert d.community_id == world.units["C1" if i % 2 else "C2"]
            party = s.scalars(select(DisputeParty).where(DisputeParty.dispute_id == d.id)).one()
            assert (party.name, party.phone) == (name, f"1381234567{i}")
            order = s.scalars(select(WorkOrder).where(WorkOrder.dispute_id == d.id)).one()
            assert order.attachments[0]["name"] == ext
            for model in (TransitionRecord, OutboxEvent):
                assert len(s.scalars(select(model).where(model.aggregate_id == d.id)).all()) == 1, model


def test_one_id_is_one_dispute_whichever_way_it_came(client: TestClient, world: World, db: Database) -> None:
    body = {
        "community_id": str(world.units["C1"]),
        "channel": "yiwangtongguan",
        "category": "neighbor",
        "title": "t",
        "description": "d",
        "external_id": "X-1",
    }
    posted = client.post("/api/v1/disputes", json=body, headers=world.h("ic"))
    assert posted.status_code == 201
    r = post(client, world, [item(world, "X-1")])
    assert statuses(r) == ["duplicate"] and r.json()["results"][0]["dispute_id"] == posted.json()["id"]
    r2 = post(client, world, [item(world, "X-2")])
    again = client.post("/api/v1/disputes", json=body | {"external_id": "X-2"}, headers=world.h("ic"))
    assert again.status_code == 409 and again.json()["existing_id"] == r2.json()["results"][0]["dispute_id"]
    assert counts(db)["disputes"] == 2


def test_an_id_another_caller_recorded_is_answered_without_its_dispute(
    client: TestClient, world: World, db: Database
) -> None:
    """Two feeds relaying one channel share its ids (one id is one dispute), but a dispute the other
    reported is out of the caller's scope (DOMAIN §1): its status is told, its id is not."""
    from governance_api.roles import Role

    world.add_user("ic2", (Role.integration_client, "S1"))
    world.bind_channel("ic2", "yiwangtongguan")
    mine = post(client, world, [item(world, "S-1")])
    theirs = client.post(
        URL, json={"items": [item(world, "S-1"), item(world, "S-1", title="改")]}, headers=world.h("ic2")
    )
    assert theirs.status_code == 200, theirs.text
    assert [(r["status"], r["dispute_id"]) for r in theirs.json()["results"]] == [
        ("unchanged", None),
        ("duplicate", None),
    ]
    own = mine.json()["results"][0]["dispute_id"]
    assert [r["dispute_id"] for r in post(client, world, [item(world, "S-1")]).json()["results"]] == [own]
    assert client.get(f"/api/v1/disputes/{own}", headers=world.h("ic2")).status_code == 404
    assert counts(db)["disputes"] == 1


def test_a_bound_feed_reports_on_its_own_channel_only(client: TestClient, world: World) -> None:
    body = {
        "community_id": str(world.units["C1"]),
        "channel": "police_110",
        "category": "neighbor",
        "title": "t",
        "description": "d",
    }
    r = client.post("/api/v1/disputes", json=body, headers=world.h("ic"))
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "body.channel"
    assert (
        client.post("/api/v1/disputes", json=body | {"channel": "yiwangtongguan"}, headers=world.h("ic")).status_code
        == 201
    )
    # An unbound client keeps today's behaviour: any channel.
    from governance_api.roles import Role

    world.add_user("ic_free", (Role.integration_client, "S1"))
    assert client.post("/api/v1/disputes", json=body, headers=world.h("ic_free")).status_code == 201
    # Staff are not feeds: a walk-in stays a walk-in.
    assert (
        client.post("/api/v1/disputes", json=body | {"channel": "walk_in"}, headers=world.h("staff1")).status_code
        == 201
    )


def test_an_idempotency_key_replays_the_answer(client: TestClient, world: World, db: Database) -> None:
    headers = world.h("ic") | {"Idempotency-Key": "batch-1"}
    first = client.post(URL, json={"items": [item(world, "I-1")]}, headers=headers)
    again = client.post(URL, json={"items": [item(world, "I-1")]}, headers=headers)
    assert again.headers.get("idempotent-replayed") == "true"
    assert again.json() == first.json() and statuses(again) == ["created"]
    assert counts(db)["disputes"] == 1


def test_the_admin_binds_feeds(client: TestClient, world: World) -> None:
    from governance_api.roles import Role

    new = world.add_user("ic_new", (Role.integration_client, "S1"))
    listed = client.get("/api/v1/intake/clients", headers=world.h("admin")).json()["items"]
    assert [(c["username"], c["channel"]) for c in listed] == [("ic", "yiwangtongguan"), ("ic_new", None)]
    assert post(client, world, [item(world, "N-1")], user="ic_new").status_code == 403
    put = client.put(f"/api/v1/intake/clients/{new}", json={"channel": "yiwangtongguan"}, headers=world.h("admin"))
    assert put.status_code == 200 and put.json()["channel"] == "yiwangtongguan" and put.json()["bound_at"]
    assert statuses(post(client, world, [item(world, "N-1")], user="ic_new")) == ["created"]
    # Re-bound to 110: its ids live in that channel now, so N-1 is new there.
    client.put(f"/api/v1/intake/clients/{new}", json={"channel": "police_110"}, headers=world.h("admin"))
    assert statuses(post(client, world, [item(world, "N-1")], user="ic_new")) == ["created"]
    assert statuses(post(client, world, [item(world, "N-1")], user="ic")) == ["unchanged"]


def test_unmapped_codes_land_in_a_builtin_category(client: TestClient, world: World) -> None:
    """``other`` is one of the nine builtin categories (migration 0003), so it is always there."""
    listed = client.get("/api/v1/dispute-categories", headers=world.h("jo")).json()["items"]
    assert {"code": "other", "name": "其他", "builtin": True} in listed
