"""A role held on a unit covers that unit's subtree: ``Actor.holds`` in Python and
``core.scope.under_any`` / ``within_roles`` in SQL agree, and so does ``under_bound`` (the same test
with the paths bound per call, for statements built once)."""

import uuid

import pytest
from sqlalchemy import select

from foundation.conftest import Shared
from governance_api.core.actor import Actor, Grant, load_actor
from governance_api.core.scope import like_prefix, path_binds, under_any, under_bound, within_roles
from governance_api.db import Database
from governance_api.models.org import OrgUnit
from governance_api.roles import OrgKind, Role
from world import World

# unit key → the units (keys) in its subtree, itself included
SUBTREES = {
    "S1": {"S1", "A1", "C1", "C2", "G1", "D1", "D2", "D3"},
    "A1": {"A1", "C1", "C2", "G1"},
    "C1": {"C1", "G1"},
    "C2": {"C2"},
    "G1": {"G1"},
    "D1": {"D1"},
    "S2": {"S2", "C3"},
}


def _actor(db: Database, world: World, name: str) -> Actor:
    with db.session(write=False) as s:
        actor = load_actor(s, world.users[name])
    assert actor is not None
    return actor


def _keys_under(db: Database, world: World, paths: list[str], form: str = "values") -> set[str]:
    by_id = {v: k for k, v in world.units.items()}
    with db.session(write=False) as s:
        if form == "bound":  # named parameters, filled per call
            stmt = select(OrgUnit.id).where(under_bound(OrgUnit.path, "p", len(paths)))
            ids = s.scalars(stmt, path_binds("p", paths))
        elif form == "carried":  # the same clause carrying its values
            carried = under_bound(OrgUnit.path, "p", len(paths), path_binds("p", paths))
            ids = s.scalars(select(OrgUnit.id).where(carried))
        else:
            ids = s.scalars(select(OrgUnit.id).where(under_any(OrgUnit.path, paths)))
        return {by_id[i] for i in ids}


FORMS = pytest.mark.parametrize("bound", ["values", "bound", "carried"])


@FORMS
@pytest.mark.parametrize("root", list(SUBTREES))
def test_under_any_matches_the_subtree(shared: Shared, root: str, bound: str) -> None:
    assert _keys_under(shared.db, shared.world, [shared.world.paths[root]], bound) == SUBTREES[root]


@FORMS
def test_under_any_of_several_and_of_none(db: Database, world: World, bound: str) -> None:
    assert _keys_under(db, world, [world.paths["C1"], world.paths["S2"]], bound) == {"C1", "G1", "S2", "C3"}
    assert _keys_under(db, world, [], bound) == set()


@FORMS
def test_under_any_escapes_like_wildcards(db: Database, world: World, bound: str) -> None:
    """A path is matched literally: ``%`` or ``_`` in it is no wildcard."""
    assert _keys_under(db, world, ["/%"], bound) == set()
    assert _keys_under(db, world, ["_" * 33], bound) == set()


def test_like_prefix_escapes_the_wildcards_and_its_escape_character() -> None:
    assert like_prefix("/a_b%c/") == "//a/_b/%c//%"


@pytest.mark.parametrize("root", list(SUBTREES))
def test_holds_covers_exactly_the_subtree(shared: Shared, root: str) -> None:
    db, world = shared.db, shared.world
    world.add_user(f"holder_{root}", (Role.mediator, root))
    actor = _actor(db, world, f"holder_{root}")
    for key, path in world.paths.items():
        if key not in SUBTREES["S1"] | SUBTREES["S2"]:
            continue  # units other tests of this module added
        assert actor.holds(Role.mediator, path) is (key in SUBTREES[root]), key
        assert actor.holds(Role.community_staff, path) is False
    assert actor.holds(Role.mediator) is True
    assert actor.holds(Role.resident) is False


def test_holds_is_not_fooled_by_a_sibling_with_a_common_prefix() -> None:
    """Paths end with ``/``, so a unit id that merely starts like another is not inside it."""
    a = uuid.UUID("aaaaaaaa-0000-0000-0000-000000000001")
    grant = Grant(Role.mediator, a, f"/{a.hex}/")
    actor = Actor(uuid.uuid4(), "u", "u", (grant,))
    assert actor.holds(Role.mediator, f"/{a.hex}/{uuid.uuid4().hex}/")
    assert not actor.holds(Role.mediator, f"/{a.hex}ff/")


def test_a_role_held_on_several_units_covers_each_subtree_and_nothing_else() -> None:
    a, b, c = (uuid.uuid4() for _ in range(3))
    grants = (Grant(Role.mediator, a, f"/{a.hex}/"), Grant(Role.legal_adviser, c, f"/{c.hex}/"))
    actor = Actor(uuid.uuid4(), "u", "u", (*grants, Grant(Role.mediator, b, f"/{b.hex}/")))
    assert actor.holds(Role.mediator, f"/{a.hex}/x/") and actor.holds(Role.mediator, f"/{b.hex}/")
    assert not actor.holds(Role.mediator, f"/{c.hex}/")
    assert actor.holds_any((Role.community_staff, Role.legal_adviser), f"/{c.hex}/y/")
    assert not actor.holds_any((Role.community_staff, Role.judicial_officer), f"/{c.hex}/y/")


def test_within_roles_and_paths_follow_the_grants(db: Database, world: World) -> None:
    world.add_user("multi", (Role.mediator, "C1"), (Role.community_staff, "C3"), (Role.resident, "C2"))
    actor = _actor(db, world, "multi")
    assert actor.paths([Role.mediator, Role.community_staff]) == sorted([world.paths["C1"], world.paths["C3"]])
    by_id = {v: k for k, v in world.units.items()}
    with db.session(write=False) as s:
        stmt = select(OrgUnit.id).where(within_roles(actor, OrgUnit.path, [Role.mediator, Role.community_staff]))
        assert {by_id[i] for i in s.scalars(stmt)} == {"C1", "G1", "C3"}
        stmt = select(OrgUnit.id).where(within_roles(actor, OrgUnit.path, [Role.judicial_officer]))
        assert list(s.scalars(stmt)) == []


def test_is_admin_only_for_the_admin_role(db: Database, world: World) -> None:
    assert _actor(db, world, "admin").is_admin
    assert not _actor(db, world, "jo").is_admin


def test_new_unit_below_a_grant_is_covered(db: Database, world: World) -> None:
    world.add_unit("G2", OrgKind.grid, "C2")
    actor = _actor(db, world, "sec2")
    assert actor.holds(Role.community_secretary, world.paths["G2"])
    assert "G2" in _keys_under(db, world, actor.paths([Role.community_secretary]))
