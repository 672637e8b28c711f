"""Small helpers that drive buildings, and who sees what, over HTTP only."""

from typing import Any

from fastapi.testclient import TestClient
from httpx import Response

from decisions.factories import ok as ok  # the suite's one pair of response checks, re-exported
from decisions.factories import problem as problem
from world import USERS, World

API = "/api/v1"
EVERYONE = [name for name, _, _ in USERS]
# Who sees a C1 record of governance work by scope: the staff roles held on C1 or above (admins
# everywhere). Residents, the owners' committee, the property manager and machine clients see none;
# the grid worker's role is on a grid below C1, the department officers' on departments beside it.
SEES_C1 = {"admin", "jo", "lic", "rol", "pls", "ll1", "sec1", "staff1", "la1", "med1", "smed", "pol1"}
# ... and a record of the street S1 itself.
SEES_S1 = {"admin", "jo", "lic", "rol", "pls", "smed"}
OUTSIDERS = {"res1", "oc1", "pm1", "ic"}


def register(c: TestClient, w: World, code: str, name: str, community: str = "C1", who: str = "sec1") -> Response:
    body = {"community_id": str(w.units[community]), "code": code, "name": name}
    return c.post(f"{API}/buildings", json=body, headers=w.h(who))


def every_building(c: TestClient, w: World) -> list[dict[str, Any]]:
    """Every building, as the admin sees them."""
    return ok(c.get(f"{API}/buildings", params={"limit": 200}, headers=w.h("admin")))["items"]  # type: ignore[no-any-return]
