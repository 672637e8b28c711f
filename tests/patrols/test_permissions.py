"""Who may do what (DOMAIN.md §1, §4, §4.3), every world user on every write and read: a patrol is
logged by the grid's grid worker only, a clue reported by the grid worker or the community's staff
and secretary; the staff roles over the grid see patrols, residents and the other non-staff roles
see none (404, empty lists); outside one's scope is 404."""

from patrols.factories import CLUE, Patrols, body
from world import USERS

# Users of the world with the answer each gets for a patrol of G1 (create) — scope first, then role.
CREATE = {
    "admin": 403,  # the administrator sees everything, but a patrol is the grid worker's own record
    "gw1": 201,
    "cw1": 201,  # a grid worker over the whole community patrols each of its grids
    "gw3": 404,
    "jo2": 404,
    "sec3": 404,
    "staff2": 404,
    "sec2": 404,
    "do1": 404,
    "do2": 404,
    "do3": 404,
}
# Staff roles that see patrols of G1 (by scope: G1 lies under their unit).
SEES_G1 = {"admin", "jo", "lic", "rol", "pls", "ll1", "sec1", "staff1", "la1", "med1", "smed", "pol1", "gw1", "cw1"}
REPORTERS_G1 = {"gw1", "cw1", "sec1", "staff1"}


def _everyone(p: Patrols) -> list[str]:
    return [name for name, _, _ in USERS] + ["gw3", "cw1"]


def test_only_the_grids_grid_worker_logs_a_patrol(p: Patrols) -> None:
    grid = str(p.w.units["G1"])
    for user in _everyone(p):
        want = CREATE.get(user, 403 if user in SEES_G1 else 404)
        if user in ("oc1", "pm1", "res1", "ic"):
            want = 403  # they reach C1 (non-staff): the unit is theirs to name, the write is not
        r = p.post(user, body(grid, findings=[CLUE]))
        assert r.status_code == want, (user, r.status_code, r.text)
        if want != 201:
            assert r.json()["code"] == {403: "forbidden", 404: "not_found"}[want]


def test_a_wrong_role_is_403_whatever_the_body(p: Patrols) -> None:
    r = p.post("staff1", {"grid_id": str(p.w.units["G1"]), "nonsense": True})
    assert r.status_code == 403 and r.json()["code"] == "forbidden"


def test_who_sees_a_patrol(p: Patrols) -> None:
    patrol = p.log(findings=[CLUE])
    for user in _everyone(p):
        read = p.get(patrol["id"], user)
        listed = p.list(user).json()["items"]
        history = p.c.get(f"/api/v1/patrols/{patrol['id']}/history", headers=p.h(user))
        findings = p.c.get(f"/api/v1/patrols/{patrol['id']}/findings", headers=p.h(user))
        if user in SEES_G1:
            assert read.status_code == history.status_code == findings.status_code == 200, user
            assert [i["id"] for i in listed] == [patrol["id"]], user
        else:
            assert read.status_code == history.status_code == findings.status_code == 404, user
            assert read.json()["code"] == "not_found"
            assert listed == [], user


def test_who_may_turn_a_clue_into_a_dispute(p: Patrols) -> None:
    """Each user on a fresh clue: 201 for the reporters, 403 for the other staff who see it, 404 for
    everyone else; the read's allowed_activities says the same."""
    for user in _everyone(p):
        patrol = p.log(findings=[CLUE])
        before = p.counts()
        offered = p.get(patrol["id"], user).json().get("allowed_activities") if user in SEES_G1 else None
        r = p.report(user, patrol["id"], patrol["findings"][0]["id"])
        if user in REPORTERS_G1:
            assert r.status_code == 201, (user, r.text)
            assert offered == ["report_finding"], user
        elif user in SEES_G1:
            assert (r.status_code, r.json()["code"]) == (403, "forbidden"), user
            assert offered == [], user
            assert p.counts() == before
        else:
            assert (r.status_code, r.json()["code"]) == (404, "not_found"), user
            assert p.counts() == before


def test_the_second_streets_worker_patrols_its_own_grid_unseen_by_the_first(p: Patrols) -> None:
    mine = p.log("gw3", "G3", findings=[CLUE])
    assert p.get(mine["id"], "jo2").status_code == 200
    for user in ("jo", "admin"):
        assert p.get(mine["id"], user).status_code == (200 if user == "admin" else 404)
    assert p.list("jo").json()["items"] == []
    r = p.report("gw3", mine["id"], mine["findings"][0]["id"])
    assert r.status_code == 201, r.text
