"""The demo world's year of meetings: every kind, community meetings monthly, links to the
community's decisions and disputes, resolutions both done and open; seen by the community
secretary, not by a resident."""

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from governance_api.app import create_app
from governance_api.db import Database
from governance_api.demo import DEMO_PASSWORD, seed_demo
from governance_api.demo.world import COMMUNITIES
from governance_api.meetings.vocab import GovernanceMeetingKind
from governance_api.models.meetings import GovernanceMeeting, MeetingAgendaItem, MeetingResolution
from governance_api.settings import Settings


def _token(client: TestClient, username: str) -> dict[str, str]:
    r = client.post("/api/v1/auth/token", data={"username": username, "password": DEMO_PASSWORD})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def test_the_demo_has_a_year_of_meetings(settings: Settings, db: Database) -> None:
    assert "demo data created" in seed_demo(settings)
    with db.session(write=False) as s:
        by_kind = dict(s.execute(select(GovernanceMeeting.kind, func.count()).group_by(GovernanceMeeting.kind)).all())
        done = dict(s.execute(select(MeetingResolution.done, func.count()).group_by(MeetingResolution.done)).all())
        linked = s.scalar(select(func.count()).where(MeetingAgendaItem.decision_id.is_not(None))) or 0
        disputes = s.scalar(select(func.count()).where(MeetingAgendaItem.dispute_id.is_not(None))) or 0
    assert set(by_kind) == {k.value for k in GovernanceMeetingKind}
    assert by_kind["governance_meeting"] == 12 * len(COMMUNITIES)
    assert done[True] > 0 and done[False] > 0
    assert linked > 0 and disputes > 0
    with TestClient(create_app(settings, db)) as client:
        r = client.get(
            "/api/v1/meetings?kind=governance_meeting&limit=200", headers=_token(client, "demo_community_secretary")
        )
        assert r.status_code == 200 and len(r.json()["items"]) == 12  # their own community's year
        r = client.get("/api/v1/meetings", headers=_token(client, "demo_resident"))
        assert r.status_code == 200 and r.json()["items"] == []
