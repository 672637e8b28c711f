"""GET /patrols: filters (grid, unit subtree, Shanghai date range, nil report), pagination, order,
and a page's query count."""

import datetime as dt

from sqlalchemy import event

from patrols.factories import CLUE, Patrols, today


def _ids(p: Patrols, user: str = "sec1", **params: object) -> list[str]:
    r = p.list(user, **params)
    assert r.status_code == 200, r.text
    return [i["id"] for i in r.json()["items"]]


def test_filters(p: Patrols) -> None:
    g1_nil = p.log(days_ago=3)["id"]
    g1_found = p.log(days_ago=2, findings=[CLUE])["id"]
    g2 = p.log("cw1", "G2", days_ago=1)["id"]
    g3 = p.log("gw3", "G3", days_ago=1)["id"]
    u = {k: str(v) for k, v in p.w.units.items()}
    assert _ids(p) == [g2, g1_found, g1_nil]  # newest first; G3 is in the other street
    assert _ids(p, grid_id=u["G1"]) == [g1_found, g1_nil]
    assert _ids(p, org_unit_id=u["G2"]) == [g2]
    assert _ids(p, org_unit_id=u["C1"]) == [g2, g1_found, g1_nil]
    assert _ids(p, org_unit_id=u["C2"]) == []
    assert _ids(p, "admin", org_unit_id=u["S1"]) == [g2, g1_found, g1_nil]
    assert _ids(p, "admin", org_unit_id=u["A1"]) == [g2, g1_found, g1_nil]
    assert _ids(p, "admin", org_unit_id=u["S2"]) == [g3]
    assert _ids(p, "admin", org_unit_id=u["C3"]) == [g3]
    assert _ids(p, org_unit_id=u["C3"]) == []  # a unit out of scope lists nothing
    assert _ids(p, org_unit_id="00000000-0000-0000-0000-000000000000") == []
    assert _ids(p, nil_report=True) == [g2, g1_nil]
    assert _ids(p, nil_report=False) == [g1_found]
    day = lambda n: (today() - dt.timedelta(days=n)).isoformat()  # noqa: E731
    assert _ids(p, patrol_date_from=day(2)) == [g2, g1_found]
    assert _ids(p, patrol_date_to=day(2)) == [g1_found, g1_nil]
    assert _ids(p, patrol_date_from=day(2), patrol_date_to=day(2)) == [g1_found]
    assert _ids(p, grid_id=u["G1"], nil_report=False, patrol_date_from=day(5)) == [g1_found]


def test_pages_walk_every_patrol_once(p: Patrols) -> None:
    made = [p.log(days_ago=n)["id"] for n in range(1, 8)]
    seen: list[str] = []
    cursor = None
    while True:
        params: dict[str, object] = {"limit": 3} | ({"cursor": cursor} if cursor else {})
        page = p.list("gw1", **params).json()
        seen += [i["id"] for i in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == list(reversed(made))


def test_a_page_costs_a_fixed_number_of_queries(p: Patrols) -> None:
    for n in range(1, 6):
        p.log(days_ago=n, findings=[CLUE, CLUE])
    p.list("sec1", limit=1)  # the caller's grants are cached from here on
    engine = p.w.db.engine
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(engine, "before_cursor_execute", count)
    try:
        small = len(p.list("sec1", limit=1).json()["items"])
        n_small = len(statements)
        statements.clear()
        big = len(p.list("sec1", limit=5).json()["items"])
        n_big = len(statements)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert (small, big) == (1, 5)
    assert n_small == n_big, "a list page's queries grow with its rows"
