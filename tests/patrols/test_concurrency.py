"""Real concurrency against a live server: the grid worker and the community's staff turn the same
clue into a dispute at the same moment. The patrol is locked, so exactly one dispute is made; the
other caller sees 409 (the clue is no longer open)."""

import threading
import uuid

import httpx
import pytest
from sqlalchemy import func, select

from governance_api.models.disputes import Dispute
from patrols.factories import CLUE, Patrols


@pytest.mark.parametrize("round_", range(3))
def test_two_reports_of_one_clue_make_one_dispute(live_server: str, p: Patrols, round_: int) -> None:
    patrol = p.log(findings=[CLUE, CLUE])
    url = f"/api/v1/patrols/{patrol['id']}/findings/{patrol['findings'][round_ % 2]['id']}/report"
    barrier = threading.Barrier(2)
    results: list[httpx.Response] = []
    lock = threading.Lock()

    def run(user: str) -> None:
        with httpx.Client(base_url=live_server, timeout=30) as http:
            barrier.wait()
            r = http.post(url, json={"category": "neighbor"}, headers=p.h(user))
            with lock:
                results.append(r)

    threads = [threading.Thread(target=run, args=(u,)) for u in ("gw1", "staff1")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    codes = sorted(r.status_code for r in results)
    assert codes == [201, 409], [r.text for r in results]
    loser = next(r for r in results if r.status_code == 409).json()
    assert loser["code"] == "transition_not_allowed"
    winner = next(r for r in results if r.status_code == 201).json()
    with p.w.db.session(write=False) as s:
        made = s.scalar(
            select(func.count()).select_from(Dispute).where(Dispute.patrol_finding_id == uuid.UUID(winner["id"]))
        )
    assert made == 1
    hist = p.c.get(f"/api/v1/patrols/{patrol['id']}/history", headers=p.h("admin")).json()["items"]
    assert [h["action"] for h in hist] == ["create", "report_finding"]
