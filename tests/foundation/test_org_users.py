"""User administration: creation with role assignments, department rules, argon2id hashes, PATCH
semantics (roles replace the assignments)."""

import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from foundation.conftest import Shared
from foundation.factories import assert_problem, count
from governance_api.db import Database
from governance_api.models.org import RoleAssignment, User
from governance_api.security import verify_password
from world import World

USERS = "/api/v1/users"
TOKEN = "/api/v1/auth/token"


def _user(world: World, username: str = "newbie", **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "username": username,
        "password": "Secret-pass-1",
        "display_name": "新同事",
        "phone": "13912345678",
        "roles": [{"role": "community_staff", "org_unit_id": str(world.units["C1"])}],
    }
    body.update(overrides)
    return body


def _roles(body: dict[str, Any]) -> set[tuple[str, str]]:
    return {(x["role"], x["org_unit_id"]) for x in body["roles"]}


def test_create_user_and_sign_in(client: TestClient, world: World, db: Database) -> None:
    r = client.post(USERS, json=_user(world), headers=world.h("admin"))
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["username"] == "newbie" and body["display_name"] == "新同事" and body["phone"] == "13912345678"
    assert body["active"] is True
    assert _roles(body) == {("community_staff", str(world.units["C1"]))}
    assert body["roles"][0]["org_unit_kind"] == "community"
    assert "password" not in r.text and "Secret-pass-1" not in r.text and "argon2" not in r.text
    with db.session(write=False) as s:
        user = s.get(User, uuid.UUID(body["id"]))
        assert user is not None
        assert user.password_hash.startswith("$argon2id$")
        assert verify_password(user.password_hash, "Secret-pass-1")
    token = client.post(TOKEN, data={"username": "newbie", "password": "Secret-pass-1"})
    assert token.status_code == 200, token.text


def test_get_and_list_users_never_show_passwords(client: TestClient, world: World) -> None:
    one = client.get(f"{USERS}/{world.users['sec1']}", headers=world.h("admin"))
    assert one.status_code == 200 and one.json()["username"] == "sec1"
    listed = client.get(f"{USERS}?limit=200", headers=world.h("admin"))
    assert listed.status_code == 200
    assert {u["username"] for u in listed.json()["items"]} >= {"admin", "sec1", "ic"}
    for text in (one.text, listed.text):
        assert "password" not in text and "$argon2" not in text
    assert_problem(client.get(f"{USERS}/{uuid.uuid4()}", headers=world.h("admin")), 404, "not_found")


def test_duplicate_username_is_409(client: TestClient, world: World, db: Database) -> None:
    before = count(db, User)
    r = client.post(USERS, json=_user(world, "sec1"), headers=world.h("admin"))
    body = assert_problem(r, 409, "duplicate")
    assert body["existing_id"] == str(world.users["sec1"])
    assert count(db, User) == before


def test_department_officer_on_a_department(client: TestClient, world: World) -> None:
    roles = [{"role": "department_officer", "org_unit_id": str(world.units["D2"])}]
    r = client.post(USERS, json=_user(world, roles=roles), headers=world.h("admin"))
    assert r.status_code == 201, r.text


@pytest.mark.parametrize(
    ("role", "unit"),
    [
        ("department_officer", "C1"),
        ("department_officer", "S1"),
        ("department_officer", "G1"),
        ("community_staff", "D1"),
        ("judicial_officer", "D1"),
        ("mediator", "D3"),
    ],
)
def test_department_rules_are_422(shared: Shared, role: str, unit: str) -> None:
    client, world, db = shared.client, shared.world, shared.db
    before = count(db, User), count(db, RoleAssignment)
    roles = [
        {"role": "resident", "org_unit_id": str(world.units["C1"])},
        {"role": role, "org_unit_id": str(world.units[unit])},
    ]
    r = client.post(USERS, json=_user(world, roles=roles), headers=world.h("admin"))
    body = assert_problem(r, 422, "validation_error")
    assert body["errors"][0]["field"] == "body.roles.1"
    assert (count(db, User), count(db, RoleAssignment)) == before


@pytest.mark.parametrize(
    "overrides",
    [
        {"phone": "12345678901"},
        {"phone": "1381234567"},
        {"phone": "138123456789"},
        {"phone": "+8613812345678"},
        {"phone": "1381234567a"},
        {"username": "ab"},
        {"username": "u" * 65},
        {"username": "has space"},
        {"password": "short"},
        {"password": "p" * 129},
        {"display_name": "d" * 201},
        {"display_name": ""},
        {"roles": [{"role": "king", "org_unit_id": "00000000-0000-0000-0000-000000000000"}]},
        {"roles": [{"role": "resident"}]},
        {"roles": [{"role": "resident", "org_unit_id": "00000000-0000-0000-0000-000000000000"}]},
        {"is_superuser": True},
        {"password_hash": "$argon2id$forged"},
    ],
    ids=[
        "phone-12",
        "phone-short",
        "phone-long",
        "phone-plus86",
        "phone-letter",
        "username-short",
        "username-long",
        "username-space",
        "password-short",
        "password-long",
        "name-long",
        "name-empty",
        "role-unknown",
        "role-no-unit",
        "role-missing-unit",
        "extra-field",
        "password-hash-field",
    ],
)
def test_invalid_user_bodies_are_422(shared: Shared, overrides: dict[str, Any]) -> None:
    client, world, db = shared.client, shared.world, shared.db
    before = count(db, User), count(db, RoleAssignment)
    r = client.post(USERS, json=_user(world, **overrides), headers=world.h("admin"))
    assert_problem(r, 422, "validation_error")
    assert (count(db, User), count(db, RoleAssignment)) == before


def test_patch_profile_password_and_active(client: TestClient, world: World, db: Database) -> None:
    url, h = f"{USERS}/{world.users['staff1']}", world.h("admin")
    r = client.patch(url, json={"display_name": "王老师", "phone": "13700001111"}, headers=h)
    assert r.status_code == 200, r.text
    assert r.json()["display_name"] == "王老师" and r.json()["phone"] == "13700001111"
    assert client.patch(url, json={"phone": None}, headers=h).json()["phone"] is None
    assert client.patch(url, json={"password": "Brand-new-pass-9"}, headers=h).status_code == 200
    with db.session(write=False) as s:
        user = s.get(User, world.users["staff1"])
        assert user is not None and user.password_hash.startswith("$argon2id$")
    assert client.post(TOKEN, data={"username": "staff1", "password": "Brand-new-pass-9"}).status_code == 200
    assert client.post(TOKEN, data={"username": "staff1", "password": "World-pass-1234"}).status_code == 401
    staff_h = world.h("staff1")
    assert client.patch(url, json={"active": False}, headers=h).json()["active"] is False
    assert_problem(client.get("/api/v1/me", headers=staff_h), 401, "unauthorized")


@pytest.mark.parametrize(
    "body",
    [{"display_name": None}, {"active": None}, {"phone": "123"}, {"password": "short"}, {"username": "rename"}],
    ids=["null-name", "null-active", "bad-phone", "short-password", "username-immutable"],
)
def test_patch_user_invalid_is_422(shared: Shared, body: dict[str, Any]) -> None:
    client, world = shared.client, shared.world
    url, h = f"{USERS}/{world.users['staff1']}", world.h("admin")
    before = client.get(url, headers=h).json()
    assert_problem(client.patch(url, json=body, headers=h), 422, "validation_error")
    assert client.get(url, headers=h).json() == before


def test_patch_roles_replaces_the_assignments(client: TestClient, world: World, db: Database) -> None:
    url, h = f"{USERS}/{world.users['staff1']}", world.h("admin")
    c1, c2 = str(world.units["C1"]), str(world.units["C2"])
    new = [{"role": "mediator", "org_unit_id": c2}, {"role": "community_staff", "org_unit_id": c2}]
    r = client.patch(url, json={"roles": new}, headers=h)
    assert r.status_code == 200, r.text
    assert _roles(r.json()) == {("mediator", c2), ("community_staff", c2)}
    # The same role and unit again, plus one back: no unique-key clash with the rows being replaced.
    again = [*new, {"role": "community_staff", "org_unit_id": c1}]
    r = client.patch(url, json={"roles": again}, headers=h)
    assert r.status_code == 200, r.text
    assert _roles(r.json()) == {("mediator", c2), ("community_staff", c2), ("community_staff", c1)}
    # Duplicates in one request collapse to one assignment.
    r = client.patch(url, json={"roles": [new[0], new[0]]}, headers=h)
    assert _roles(r.json()) == {("mediator", c2)}
    # Omitting roles leaves them alone; an empty list removes them all.
    assert _roles(client.patch(url, json={"display_name": "x"}, headers=h).json()) == {("mediator", c2)}
    assert client.patch(url, json={"roles": []}, headers=h).json()["roles"] == []
    with db.session(write=False) as s:
        rows = s.scalars(select(RoleAssignment).where(RoleAssignment.user_id == world.users["staff1"])).all()
        assert rows == []
    assert client.get("/api/v1/me", headers=world.h("staff1")).json()["roles"] == []


def test_patch_roles_invalid_keeps_the_old_ones(client: TestClient, world: World) -> None:
    url, h = f"{USERS}/{world.users['staff1']}", world.h("admin")
    bad = [{"role": "department_officer", "org_unit_id": str(world.units["C1"])}]
    assert_problem(client.patch(url, json={"roles": bad}, headers=h), 422, "validation_error")
    missing = [{"role": "mediator", "org_unit_id": str(uuid.uuid4())}]
    assert_problem(client.patch(url, json={"roles": missing}, headers=h), 422, "validation_error")
    assert _roles(client.get(url, headers=h).json()) == {("community_staff", str(world.units["C1"]))}


def test_patch_missing_user_is_404(client: TestClient, world: World) -> None:
    r = client.patch(f"{USERS}/{uuid.uuid4()}", json={"display_name": "x"}, headers=world.h("admin"))
    assert_problem(r, 404, "not_found")
