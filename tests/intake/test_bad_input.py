"""Bad input of every kind: a malformed batch is a 4xx for the whole request and writes nothing; a
bad work order is that item's ``rejected`` with its field errors, and the others go on."""

import datetime as dt
import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from governance_api.db import Database
from intake.factories import URL, counts, item, post, statuses, unit_code
from world import World

NOTHING = {"disputes": 0, "dispute_parties": 0, "transition_history": 0, "outbox_events": 0, "work_orders": 0}


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"items": []}, 422),
        ({}, 422),
        ({"items": "A-1"}, 422),
        ({"items": {"external_id": "A-1"}}, 422),
        ([{"external_id": "A-1"}], 422),
        ("items", 422),
        (None, 422),
    ],
)
def test_a_malformed_batch_is_refused_whole(
    client: TestClient, world: World, db: Database, body: Any, status: int
) -> None:
    r = client.post(URL, json=body, headers=world.h("ic"))
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == "application/problem+json"
    assert counts(db) == NOTHING


def test_batch_size_and_unknown_fields_fail_the_whole_request(client: TestClient, world: World, db: Database) -> None:
    too_many = client.post(URL, json={"items": [item(world, f"T-{i}") for i in range(501)]}, headers=world.h("ic"))
    assert too_many.status_code == 422 and too_many.json()["errors"][0]["field"] == "body.items"
    extra = client.post(URL, json={"items": [item(world, "T-1")], "channel": "police_110"}, headers=world.h("ic"))
    assert extra.status_code == 422 and extra.json()["errors"][0]["field"] == "body.channel"
    assert counts(db) == NOTHING


def test_not_json_and_the_wrong_content_type_are_400(client: TestClient, world: World, db: Database) -> None:
    headers = world.h("ic")
    assert (
        client.post(URL, content=b'{"items": [', headers=headers | {"Content-Type": "application/json"}).status_code
        == 400
    )
    text = json.dumps({"items": [item(world, "C-1")]}).encode()
    assert client.post(URL, content=text, headers=headers | {"Content-Type": "text/plain"}).status_code == 400
    assert (
        client.post(URL, content=b"\xff\xfe", headers=headers | {"Content-Type": "application/json"}).status_code == 400
    )
    json_headers = headers | {"Content-Type": "application/json"}
    for raw in (b'{"items": [' + b"9" * 5000 + b"]}", b"[" * 100_000 + b"]" * 100_000):  # digit limit, nesting
        r = client.post(URL, content=raw, headers=json_headers)
        assert r.status_code == 400 and r.json()["detail"] == "the body is not valid JSON", r.text
    assert counts(db) == NOTHING


def test_json_that_does_not_parse_is_400_before_the_role_and_the_body_422_after_it(
    client: TestClient, world: World, db: Database
) -> None:
    """API.md's order, as on every route with a JSON body: a body that is not JSON is a 400 for
    anyone; a caller that is not a bound feed is then refused (403) whatever the body says; only a
    feed learns what is wrong with its batch (422)."""
    json_headers = {"Content-Type": "application/json"}
    for user in ("admin", "jo", "ic"):
        r = client.post(URL, content=b'{"items": [', headers=world.h(user) | json_headers)
        assert r.status_code == 400, (user, r.text)
    for body in ({"items": []}, {"items": [item(world, "O-1")]}):
        assert client.post(URL, json=body, headers=world.h("admin")).status_code == 403
    assert client.post(URL, json={"items": []}, headers=world.h("ic")).status_code == 422
    assert counts(db) == NOTHING


def test_an_id_that_cannot_be_written_back_is_answered_as_none(client: TestClient, world: World, db: Database) -> None:
    """A rejected item is answered with its external_id only when that id is valid on its own: a
    lone surrogate (which JSON can escape but no answer can carry) was a 500."""
    items = [item(world, "\ud800-1"), item(world, " S-2\x1f ", title=""), item(world, "S-3")]
    body = json.dumps({"items": items}).encode()  # ASCII: the surrogate travels as its escape
    r = client.post(URL, content=body, headers=world.h("ic") | {"Content-Type": "application/json"})
    assert statuses(r) == ["rejected", "rejected", "created"], r.text
    assert [x["external_id"] for x in r.json()["results"]] == [None, "S-2\x1f", "S-3"]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16", "utf-32"])
def test_a_nul_is_found_however_the_body_is_encoded(
    client: TestClient, world: World, db: Database, encoding: str
) -> None:
    """The per-field U+0000 check is skipped only when the raw body holds neither the escape nor a
    zero byte; a URL is the one field of a work order no pattern guards, so the check alone finds it
    there. UTF-16 and UTF-32 JSON (which ``json`` reads) write the escape with zero bytes between."""
    bad = item(world, "N-1", attachments=[{"url": "https://x.example/a\u0000b", "name": "a"}])
    body = json.dumps({"items": [bad, item(world, "N-2")]}).encode(encoding)
    r = client.post(URL, content=body, headers=world.h("ic") | {"Content-Type": "application/json"})
    assert statuses(r) == ["rejected", "created"], r.text
    error = r.json()["results"][0]["errors"][0]
    assert error["field"] == "body.items.0.attachments.0.url" and "U+0000" in error["message"]
    assert counts(db)["work_orders"] == 1


def _future() -> str:
    return (dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")


def bad_items(w: World) -> list[tuple[Any, str]]:
    """(item, the field its first error names), every kind of bad work order."""
    c3, g1, s1 = unit_code(w, "C3"), unit_code(w, "G1"), unit_code(w, "S1")
    return [
        ("not an object", ""),
        (item(w, "B-1", external_id=7), "external_id"),
        (item(w, "B-2", title=["a list"]), "title"),
        (item(w, "B-3", unexpected="x"), "unexpected"),
        (item(w, "B-4", title="长" * 201), "title"),
        (item(w, "B-5", description="x" * 5001), "description"),
        (item(w, "B-6", reported_at=_future()), "reported_at"),
        (item(w, "B-7", reported_at="2026-11-01T08:00:00"), "reported_at"),  # no zone
        (item(w, "B-8", reported_at=1764547200), "reported_at"),  # a Unix time is not RFC 3339
        (item(w, "B-9", reporter={"name": "张三", "phone": "12345678901"}), "reporter.phone"),
        (item(w, "B-10", reporter={"phone": "13812345678"}), "reporter.name"),
        (item(w, "B-11", attachments=[{"url": "ftp://x.example/a", "name": "a"}]), "attachments.0.url"),
        (item(w, "B-12", attachments=[{"url": "https://", "name": "a"}]), "attachments.0.url"),
        (item(w, "B-13", attachments=[{"url": "https://x.example/a", "name": "a"}] * 21), "attachments"),
        (item(w, "B-14", community_code=None), ""),  # neither community nor grid
        (item(w, "B-15", community_code="no-such-unit"), "community_code"),
        (item(w, "B-16", community_code=c3), "community_code"),  # another street's: out of scope
        (item(w, "B-17", community_code=s1), "community_code"),  # a street, not a community
        (item(w, "B-18", community_code=unit_code(w, "C2"), grid_code=g1), "grid_code"),  # C1's grid
        (item(w, "B-19", community_code=None, grid_code=unit_code(w, "C1")), "grid_code"),  # not a grid
        (item(w, "B-20", title="a\u0000b"), "title"),
        (item(w, "B-21", external_id="  "), "external_id"),
        (item(w, "B-22", external_id="x" * 101), "external_id"),
        (item(w, "B-23", category_code="有空格 的"), "category_code"),
        (item(w, "B-24", address="x" * 301), "address"),
        (item(w, "B-25", title=None), "title"),
        (item(w, "B-26", attachments="https://x.example/a"), "attachments"),
        (item(w, "B-27", reported_at="0001-01-01T00:00:00+01:00"), "reported_at"),  # no UTC form: was a 500
    ]


def test_each_bad_work_order_is_rejected_and_the_good_one_created(
    client: TestClient, world: World, db: Database
) -> None:
    cases = bad_items(world)
    r = post(client, world, [*(c for c, _ in cases), item(world, "GOOD")])
    got = statuses(r)
    assert got == ["rejected"] * len(cases) + ["created"], got
    results = r.json()["results"]
    for i, (case, field) in enumerate(cases):
        assert results[i]["dispute_id"] is None
        fields = [e["field"] for e in results[i]["errors"]]
        assert fields[0] == f"body.items.{i}" + (f".{field}" if field else ""), (case if i else "", fields)
    assert results[1]["external_id"] is None  # a number is no id to answer with
    assert results[4]["external_id"] == "B-4"
    # Unknown and out of scope read the same: existence does not leak.
    assert results[15]["errors"] == [
        {"field": "body.items.15.community_code", "message": "no such community or grid in your scope"}
    ]
    assert results[16]["errors"][0]["message"] == results[15]["errors"][0]["message"]
    assert results[18]["errors"][0]["message"] == "not a grid of this community"
    assert counts(db) == {k: 1 for k in NOTHING}


def test_a_batch_of_rejected_items_writes_nothing(client: TestClient, world: World, db: Database) -> None:
    assert set(statuses(post(client, world, [c for c, _ in bad_items(world)]))) == {"rejected"}
    assert counts(db) == NOTHING


def test_a_batch_may_be_larger_than_other_bodies(client: TestClient, world: World, db: Database) -> None:
    big = [item(world, f"L-{i}", description="长" * 1000) for i in range(500)]  # about 1.7 MB
    body = json.dumps({"items": big}).encode()
    assert len(body) > client.app.state.settings.max_body_bytes  # type: ignore[attr-defined]
    r = client.post(URL, content=body, headers=world.h("ic") | {"Content-Type": "application/json"})
    assert set(statuses(r)) == {"created"} and len(r.json()["results"]) == 500
    over = b'{"items": [' + b" " * client.app.state.settings.max_batch_body_bytes + b"]}"  # type: ignore[attr-defined]
    r = client.post(URL, content=over, headers=world.h("ic") | {"Content-Type": "application/json"})
    assert r.status_code == 413
    # Every other route keeps the 1 MiB limit.
    r = client.post("/api/v1/disputes", content=body, headers=world.h("ic") | {"Content-Type": "application/json"})
    assert r.status_code == 413
    assert counts(db)["disputes"] == 500


MAP = "/api/v1/intake/sources/yiwangtongguan/category-map"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"entries": [{"source_code": "0301", "category": "no_such_category"}]}, "body.entries.0.category"),
        (
            {"entries": [{"source_code": "0301", "category": "parking"}, {"source_code": "0301", "category": "other"}]},
            "body.entries.1.source_code",
        ),
        ({"entries": [{"source_code": "has space", "category": "parking"}]}, "body.entries.0.source_code"),
        ({"entries": [{"source_code": "0301"}]}, "body.entries.0.category"),
        ({"entries": "0301"}, "body.entries"),
        ({}, "body.entries"),
        ({"entries": [], "channel": "x"}, "body.channel"),
    ],
)
def test_a_bad_category_map_is_422_and_keeps_the_old_one(
    client: TestClient, world: World, body: Any, field: str
) -> None:
    old = {"entries": [{"source_code": "0402", "category": "parking"}]}
    assert client.put(MAP, json=old, headers=world.h("jo")).status_code == 200
    r = client.put(MAP, json=body, headers=world.h("jo"))
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == field, r.text
    assert client.get(MAP, headers=world.h("jo")).json()["entries"] == old["entries"]


@pytest.mark.parametrize("channel", ["nowhere", "walk_in", "grid_patrol"])
def test_a_channel_that_is_not_a_feed_is_422(client: TestClient, world: World, channel: str) -> None:
    path = f"/api/v1/intake/sources/{channel}/category-map"
    r = client.get(path, headers=world.h("jo"))
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "path.channel"
    assert client.put(path, json={"entries": []}, headers=world.h("jo")).status_code == 422
    bind = client.put(
        f"/api/v1/intake/clients/{world.users['ic']}", json={"channel": channel}, headers=world.h("admin")
    )
    assert bind.status_code == 422 and bind.json()["errors"][0]["field"] == "body.channel"


def test_bad_binding_requests(client: TestClient, world: World) -> None:
    admin = world.h("admin")
    assert (
        client.put("/api/v1/intake/clients/not-a-uuid", json={"channel": "lianqin"}, headers=admin).status_code == 422
    )
    target = f"/api/v1/intake/clients/{world.users['ic']}"
    for body in ({}, {"channel": "lianqin", "extra": 1}, {"channel": None}, []):
        assert client.put(target, json=body, headers=admin).status_code == 422, body
    listed = client.get("/api/v1/intake/clients", headers=admin).json()["items"]
    assert [c["channel"] for c in listed] == ["yiwangtongguan"]
