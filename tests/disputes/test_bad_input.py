"""Bad input of every kind: a 4xx problem, nothing written, never a 500."""

from typing import Any

import pytest
from fastapi.testclient import TestClient

from disputes.factories import ID_NUMBER, Disputes, an_hour_ago, days_ago, dispute_body, id_number, wrong_check
from governance_api.roles import Role
from world import World

PARTY = {"name": "张三", "role": "applicant"}
BAD_CREATES: list[tuple[str, dict[str, Any]]] = [
    ("phone starting 12", {"parties": [PARTY | {"phone": "12812345678"}]}),
    ("phone of 10 digits", {"parties": [PARTY | {"phone": "1381234567"}]}),
    ("phone with country code", {"parties": [PARTY | {"phone": "+8613812345678"}]}),
    ("landline", {"parties": [PARTY | {"phone": "02112345678"}]}),
    ("phone in Arabic-Indic digits", {"parties": [PARTY | {"phone": "138١٢٣٤٥٦٧٨"}]}),
    ("ID in full-width digits", {"parties": [PARTY | {"id_number": "３１０１０５１９４９１２３１００２７"}]}),
    ("ID wrong check digit", {"parties": [PARTY | {"id_number": wrong_check(ID_NUMBER)}]}),
    ("ID of 17 characters", {"parties": [PARTY | {"id_number": ID_NUMBER[:17]}]}),
    ("ID with letters", {"parties": [PARTY | {"id_number": "31010519491231A02X"}]}),
    ("unknown party role", {"parties": [PARTY | {"role": "witness"}]}),
    ("party without name", {"parties": [{"role": "applicant"}]}),
    ("too many parties", {"parties": [PARTY] * 21}),
    ("unknown channel", {"channel": "fax"}),
    ("unknown category", {"category": "weather"}),
    ("category not a code", {"category": "邻里 纠纷"}),
    ("title too long", {"title": "长" * 201}),
    ("blank title", {"title": "   "}),
    ("description too long", {"description": "x" * 5001}),
    ("unknown field", {"priority": "high"}),
    ("community_id not a uuid", {"community_id": "C1"}),
    ("external_id too long", {"external_id": "x" * 101}),
    ("parties not a list", {"parties": "张三"}),
]


def _count(client: TestClient, world: World) -> int:
    return len(client.get("/api/v1/disputes", headers=world.h("admin")).json()["items"])


def test_bad_create_is_422_and_writes_nothing(client: TestClient, world: World) -> None:
    wrong = []
    for why, change in BAD_CREATES:
        r = client.post("/api/v1/disputes", json=dispute_body(world, **change), headers=world.h("staff1"))
        problem = r.headers["content-type"].startswith("application/problem+json") and r.json().get("errors")
        if r.status_code != 422 or not problem:
            wrong.append(f"{why}: {r.status_code}")
    assert not wrong, wrong
    assert _count(client, world) == 0


def test_valid_id_numbers_with_x_check(client: TestClient, world: World) -> None:
    candidates = (id_number(f"11010519900101{n:03d}") for n in range(1000))
    x = next(c for c in candidates if c.endswith("X"))
    body = dispute_body(world, parties=[PARTY | {"id_number": x.lower(), "phone": "19912345678"}])
    r = client.post("/api/v1/disputes", json=body, headers=world.h("staff1"))
    assert r.status_code == 201 and r.json()["parties"][0]["id_number"] == x


def test_malformed_and_oversized_bodies(client: TestClient, world: World) -> None:
    h = world.h("staff1") | {"content-type": "application/json"}
    assert client.post("/api/v1/disputes", content=b"{not json", headers=h).status_code == 400
    assert client.post("/api/v1/disputes", content=b"[]", headers=h).status_code == 422
    big = dispute_body(world, description="x" * 2_000_000)
    assert client.post("/api/v1/disputes", json=big, headers=world.h("staff1")).status_code == 413
    assert _count(client, world) == 0


def test_create_scope_and_role(client: TestClient, world: World) -> None:
    def post(user: str, **over: Any) -> int:
        return client.post("/api/v1/disputes", json=dispute_body(world, **over), headers=world.h(user)).status_code

    assert post("sec2") == 404  # C1 is not sec2's community
    assert post("sec3") == 404
    assert post("jo") == 403  # sees C1 but does not report disputes
    assert post("admin") == 403
    assert post("gw1") == 404  # a grid worker reports in its own grid
    assert post("gw1", grid_id=str(world.units["G1"])) == 201
    assert post("staff2", community_id=str(world.units["C2"]), grid_id=str(world.units["G1"])) == 422
    # outside the caller's scope, naming a grid under the wrong community tells nothing: 404, not 422
    assert post("sec3", community_id=str(world.units["C2"]), grid_id=str(world.units["G1"])) == 404
    assert post("staff1", community_id="00000000-0000-0000-0000-000000000000") == 404
    assert post("staff1", community_id=str(world.units["A1"])) == 404  # outside staff1's scope
    world.add_user("street_staff", (Role.community_staff, "S1"))
    assert post("street_staff", community_id=str(world.units["A1"])) == 422  # an area, not a community
    for user in ("staff1", "sec1", "pol1", "res1"):
        assert post(user) == 201, user
    assert post("ic", channel="yiwangtongguan") == 201  # a feed reports on the channel it is bound to
    for user in ("la1", "med1", "oc1", "pm1", "ll1", "lic", "do1"):
        assert post(user) in (403, 404), user


def test_duplicate_external_id_names_the_existing_dispute(client: TestClient, world: World) -> None:
    body = dispute_body(world, channel="yiwangtongguan", external_id="YW-2026-0001", parties=[])
    first = client.post("/api/v1/disputes", json=body, headers=world.h("ic"))
    assert first.status_code == 201
    again = client.post("/api/v1/disputes", json=body, headers=world.h("ic"))
    assert again.status_code == 409 and again.json()["code"] == "duplicate"
    assert again.json()["existing_id"] == first.json()["id"]
    # The id is the source's: the same one from another channel's feed is another dispute.
    world.add_user("ic_lianqin", (Role.integration_client, "S1"))
    world.bind_channel("ic_lianqin", "lianqin")
    other_channel = client.post("/api/v1/disputes", json=body | {"channel": "lianqin"}, headers=world.h("ic_lianqin"))
    assert other_channel.status_code == 201


BAD_ACTIONS: list[tuple[str, str, str, dict[str, Any]]] = [
    ("mediating@community", "med1", "record_agreement", {"form": "handshake", "content": "c"}),
    ("mediating@community", "med1", "record_agreement", {"content": "c"}),
    (
        "mediating@community",
        "med1",
        "record_agreement",
        {
            "form": "written",
            "facts": "f",
            "terms": [{"description": "t", "due_on": "2026-01-01"}],
            "signed_by_parties": True,
            "signed_on": days_ago(-1),
        },
    ),
    (
        "mediating@community",
        "med1",
        "record_agreement",
        {
            "form": "written",
            "facts": "f",
            "terms": [{"description": "t"}],
            "signed_by_parties": True,
            "signed_on": days_ago(1),
        },
    ),
    ("mediating@community", "med1", "record_agreement", {"form": "oral", "content": "c" * 5001}),
    ("mediating@community", "med1", "record_agreement", {"form": "oral", "content": "c", "extra": 1}),
    ("mediating@community", "sec1", "request_escalation", {"summary": "s", "reason": "r", "requested_level": "mayor"}),
    (
        "mediating@community",
        "sec1",
        "request_escalation",
        {"summary": "s", "reason": "r", "requested_level": "task_force"},
    ),
    ("escalation_pending", "jo", "approve_escalation", {"level": "moon"}),
    ("mediating@community", "pls", "form_task_force", {"lead_user_id": "nobody", "department_ids": []}),
    ("mediating@community", "pls", "form_task_force", {"lead_user_id": None, "department_ids": ["x", "y"]}),
    ("mediating@community", "staff1", "refer", {"route": "mediation_again", "reason": "r"}),
    ("screening", "staff1", "complete_screening", {"risk_level": "extreme"}),
    ("screening", "staff1", "complete_screening", {"track": "courts"}),
    ("screening", "staff1", "complete_screening", {"unknown": "x"}),
    ("reported", "staff1", "accept", {"note": "x"}),
]


@pytest.mark.parametrize("setup", sorted({c[0] for c in BAD_ACTIONS}))
def test_bad_action_body_is_422_and_changes_nothing(d: Disputes, setup: str) -> None:
    from disputes.factories import prepare

    did = prepare(d, setup)
    before, history = d.get(did, "admin")["version"], len(d.history(did, "admin"))
    for _, user, action, body in (c for c in BAD_ACTIONS if c[0] == setup):
        r = d.act(user, did, action, body)
        assert r.status_code == 422, (action, body, r.text)
    assert d.get(did, "admin")["version"] == before and len(d.history(did, "admin")) == history


def test_bad_sub_record_bodies(client: TestClient, world: World, d: Disputes) -> None:
    did = d.mediating()
    url = f"/api/v1/disputes/{did}/sessions"
    good = {"held_at": an_hour_ago(), "participants": ["张三"], "notes": "n", "outcome": "failed"}
    future = "2999-01-01T00:00:00Z"
    for bad in (
        good | {"held_at": future},
        good | {"held_at": "2026-01-01T08:00:00"},  # no time zone
        good | {"outcome": "won"},
        good | {"participants": []},
        good | {"participants": "张三"},
        good | {"notes": "n" * 5001},
        good | {"mood": "calm"},
        {k: v for k, v in good.items() if k != "outcome"},
    ):
        assert client.post(url, json=bad, headers=world.h("med1")).status_code == 422, bad
    assert client.get(url, headers=world.h("med1")).json()["items"] == []
    put = client.put(f"/api/v1/disputes/{did}/screening", json={"background": "b"}, headers=world.h("staff1"))
    assert put.status_code == 409 and put.json()["code"] == "transition_not_allowed"


def test_invalid_uuids_and_queries(client: TestClient, world: World) -> None:
    h = world.h("jo")
    assert client.get("/api/v1/disputes/not-a-uuid", headers=h).status_code == 422
    assert client.post("/api/v1/disputes/123/actions/accept", json={}, headers=h).status_code == 422
    assert client.get("/api/v1/disputes/00000000-0000-0000-0000-000000000000", headers=h).status_code == 404
    for query in (
        "limit=0",
        "limit=201",
        "level=moon",
        "state=lost",
        "channel=fax",
        "risk_level=extreme",
        "overdue=perhaps",
        "org_unit_id=C1",
        "created_from=yesterday",
        "created_from=2026-01-01T00:00:00",
        "q=" + "x" * 101,
        "cursor=garbage",
        "category=weather",
    ):
        r = client.get(f"/api/v1/disputes?{query}", headers=h)
        assert r.status_code == 422, (query, r.text)
        assert r.headers["content-type"].startswith("application/problem+json")
    assert client.get("/api/v1/disputes").status_code == 401


def test_judicial_confirmation_dates(client: TestClient, world: World, d: Disputes) -> None:
    did = d.at_street("street_joint")
    d.session("smed", did)
    d.do("smed", did, "record_agreement", d.written(days_ago(30)))
    url = f"/api/v1/disputes/{did}/judicial-confirmation"

    def apply(applied_on: str, user: str = "jo") -> Any:
        return client.post(url, json={"court": "区法院", "applied_on": applied_on}, headers=world.h(user))

    assert apply(days_ago(-1)).status_code == 422  # tomorrow (Asia/Shanghai)
    assert apply(days_ago(31)).json()["unmet"] == ["applied_on_after_signing"]
    assert apply(days_ago(0)).status_code == 201  # day 30: accepted
    again = apply(days_ago(0))
    assert again.status_code == 409 and again.json()["code"] == "duplicate"


def test_judicial_confirmation_day_31_refused(client: TestClient, world: World, d: Disputes) -> None:
    did = d.mediating()
    d.do("staff1", did, "record_agreement", d.written(days_ago(31)))  # signed before registration: fine
    r = client.post(
        f"/api/v1/disputes/{did}/judicial-confirmation",
        json={"court": "区法院", "applied_on": days_ago(0)},
        headers=world.h("la1"),
    )
    assert r.status_code == 409 and r.json()["unmet"] == ["within_30_days"]
    r = client.post(
        f"/api/v1/disputes/{did}/judicial-confirmation",
        json={"court": "区法院", "applied_on": days_ago(1)},
        headers=world.h("la1"),
    )
    assert r.status_code == 201


def test_judicial_confirmation_needs_a_written_peoples_mediation_agreement(
    client: TestClient, world: World, d: Disputes
) -> None:
    body = {"court": "区法院", "applied_on": days_ago(0)}
    oral = d.fulfilling()
    r = client.post(f"/api/v1/disputes/{oral}/judicial-confirmation", json=body, headers=world.h("jo"))
    assert r.status_code == 409 and r.json()["unmet"] == ["written_agreement"]
    tf = d.at_task_force()
    d.do("do1", tf, "record_agreement", d.written())
    r = client.post(f"/api/v1/disputes/{tf}/judicial-confirmation", json=body, headers=world.h("jo"))
    assert r.status_code == 409 and r.json()["unmet"] == ["peoples_mediation"]
    mediating = d.mediating()
    r = client.post(f"/api/v1/disputes/{mediating}/judicial-confirmation", json=body, headers=world.h("jo"))
    assert r.status_code == 409 and r.json()["code"] == "transition_not_allowed"
    assert client.get(f"/api/v1/disputes/{tf}/judicial-confirmation", headers=world.h("jo")).status_code == 404
