"""The two machines and their words are published (GET /meta/…) as the service enforces them."""

from fastapi.testclient import TestClient

from buildings.factories import API, ok
from world import World


def test_vocabularies_and_machines_are_published(client: TestClient, world: World) -> None:
    items = ok(client.get(f"{API}/meta/vocabularies", headers=world.h("sec1")))["items"]
    vocab = {v["name"]: {t["code"]: t["label"] for t in v["terms"]} for v in items}
    assert vocab["BodyKind"] == {"governance_group": "依法治理工作小组", "street_task_force": "依法治理工作专班"}
    assert vocab["MemberPosition"] == {"leader": "组长", "member": "组员"}
    assert vocab["WorkingBodyState"] == {"active": "运行中"}
    assert vocab["WorkingBodyActivity"] == {"add_member": "增补成员", "end_member": "成员退出"}
    assert vocab["BuildingState"] == {"registered": "已登记"}
    body = ok(client.get(f"{API}/meta/state-machines/working_body", headers=world.h("sec1")))
    add = next(a for a in body["activities"] if a["code"] == "add_member")
    assert add["roles"] == [
        "community_secretary (governance_group)",
        "judicial_officer (street_task_force)",
        "political_legal_secretary (street_task_force)",
    ]
    assert body["create_roles"] == ["community_secretary", "judicial_officer", "political_legal_secretary"]
    building = ok(client.get(f"{API}/meta/state-machines/building", headers=world.h("sec1")))
    assert building["create_roles"] == ["community_secretary", "community_staff"] and building["activities"] == []
