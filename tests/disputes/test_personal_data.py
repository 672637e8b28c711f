"""Personal data (API.md): masked for non-handlers, full (and audited) for handlers and the 司法所,
never an ID number in a list, nothing personal in logs, and a public lookup that tells only where
the dispute stands."""

import logging

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from disputes.factories import ID_NUMBER, PHONE, Disputes, dispute_body
from governance_api.db import Database
from governance_api.models.records import IdempotencyRecord, PersonalDataAccess
from world import World

MASKED_PHONE = "138****5678"
MASKED_ID = "310***********" + ID_NUMBER[-4:]  # API.md: 310***********1234


def _audits(w: World) -> list[tuple[str, str]]:
    with w.db.session(write=False) as s:
        rows = s.scalars(select(PersonalDataAccess).order_by(PersonalDataAccess.at))
        return [(str(r.actor_id), r.fields) for r in rows]


def test_handlers_and_the_judicial_office_read_unmasked_and_are_audited(
    client: TestClient, world: World, d: Disputes
) -> None:
    did = d.create("gw1", grid_id=str(world.units["G1"]))["id"]  # reported by a non-handler: no audit yet
    assert _audits(world) == []
    users = ["staff1", "med1", "smed", "la1", "pol1", "sec1", "jo"]
    for user in users:
        got = d.get(did, user)
        assert got["personal_data_masked"] is False, user
        assert got["parties"][0]["phone"] == PHONE and got["parties"][0]["id_number"] == ID_NUMBER
    fields = "parties.phone,parties.id_number"
    assert sorted(_audits(world)) == sorted((str(world.users[u]), fields) for u in users)


def test_others_read_masked_without_audit(client: TestClient, world: World, d: Disputes) -> None:
    did = d.create("gw1", grid_id=str(world.units["G1"]))["id"]
    for user in ("admin", "lic", "rol", "pls", "ll1", "gw1"):
        got = d.get(did, user)
        assert got["personal_data_masked"] is True, user
        assert got["parties"][0]["phone"] == MASKED_PHONE and got["parties"][0]["id_number"] == MASKED_ID
        assert got["parties"][1]["phone"] is None
        assert PHONE not in str(got) and ID_NUMBER not in str(got)
    assert _audits(world) == []


def test_after_escalation_the_community_reads_masked(world: World, d: Disputes) -> None:
    did = d.at_street("street_joint")
    assert d.get(did, "staff1")["personal_data_masked"] is True
    assert d.get(did, "smed")["personal_data_masked"] is False


def test_creating_as_a_handler_is_an_audited_unmasked_read(world: World, d: Disputes) -> None:
    created = d.create("staff1")
    assert created["parties"][0]["id_number"] == ID_NUMBER
    assert len(_audits(world)) == 1


def test_lists_never_carry_id_numbers(client: TestClient, world: World, d: Disputes) -> None:
    d.create("staff1")
    for user in ("staff1", "jo", "admin"):
        r = client.get("/api/v1/disputes", headers=world.h(user))
        assert r.status_code == 200
        assert ID_NUMBER not in r.text and "id_number" not in r.text and PHONE not in r.text
        assert r.json()["items"][0]["parties"][0]["phone"] == MASKED_PHONE
    before = len(_audits(world))
    client.get("/api/v1/disputes", headers=world.h("staff1"))
    assert len(_audits(world)) == before


def test_nothing_personal_in_logs(
    client: TestClient, world: World, d: Disputes, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="governance_api")
    did = d.create("staff1")["id"]
    d.get(did, "staff1")
    client.get("/api/v1/disputes", headers=world.h("jo"))
    r = client.post(
        "/api/v1/disputes",
        json={**_body(world), "parties": [{"name": "王五", "role": "applicant", "id_number": ID_NUMBER[:17] + "0"}]},
        headers=world.h("staff1"),
    )
    assert r.status_code == 422
    bad_phone = "12812345678"
    r = client.post(
        "/api/v1/disputes",
        json={**_body(world), "parties": [{"name": "王五", "role": "applicant", "phone": bad_phone}]},
        headers=world.h("staff1"),
    )
    assert r.status_code == 422 and bad_phone not in caplog.text
    assert caplog.records  # the request log is captured at all
    assert PHONE not in caplog.text and ID_NUMBER not in caplog.text and ID_NUMBER[:17] not in caplog.text


def _body(world: World) -> dict[str, object]:
    from disputes.factories import dispute_body

    return dispute_body(world)


def test_public_lookup_tells_only_state_and_level(client: TestClient, world: World, d: Disputes) -> None:
    created = d.create("staff1")
    r = client.get(f"/api/v1/public/disputes/{created['tracking_code']}")  # no token
    assert r.status_code == 200
    assert set(r.json()) == {"tracking_code", "state", "state_label", "level", "level_label"}
    assert r.json()["state_label"] == "已登记"
    for secret in (PHONE, ID_NUMBER, "张三", created["id"], created["title"], str(world.units["C1"])):
        assert secret not in r.text
    assert client.get(f"/api/v1/public/disputes/{created['tracking_code'].lower()}").status_code == 200
    missing = client.get("/api/v1/public/disputes/AAAAAAAAAAAAAAAA")
    assert missing.status_code == 404 and missing.headers["content-type"].startswith("application/problem+json")


def test_tracking_codes_are_unguessable(d: Disputes) -> None:
    codes = {d.create("staff1")["tracking_code"] for _ in range(5)}
    assert len(codes) == 5
    assert all(len(c) == 16 and c.isalnum() for c in codes)  # 80 bits of base32


def test_the_audit_count_grows_per_unmasked_read(world: World, d: Disputes) -> None:
    did = d.create("gw1", grid_id=str(world.units["G1"]))["id"]
    for _ in range(3):
        d.get(did, "jo")
    with world.db.session(write=False) as s:
        assert s.scalar(select(func.count()).select_from(PersonalDataAccess)) == 3


def test_stored_replays_hold_no_personal_data(client: TestClient, world: World, db: Database) -> None:
    """A handler's create answer shows the numbers in full; the copy kept for Idempotency-Key replays
    (24 h) must not, so a replay shows them masked and the full record stays behind an audited GET."""
    headers = world.h("staff1") | {"Idempotency-Key": "intake-42"}
    first = client.post("/api/v1/disputes", json=dispute_body(world), headers=headers)
    assert first.status_code == 201 and PHONE in first.text and ID_NUMBER in first.text
    with db.session(write=False) as s:
        stored = s.scalars(select(IdempotencyRecord.body)).one()
    assert stored is not None and PHONE.encode() not in stored and ID_NUMBER.encode() not in stored
    again = client.post("/api/v1/disputes", json=dispute_body(world), headers=headers)
    assert again.headers["Idempotent-Replayed"] == "true" and again.json()["id"] == first.json()["id"]
    assert PHONE not in again.text and "138****5678" in again.text
