"""The demo world's buildings and working bodies (made through the API by ``seed-demo``)."""

from sqlalchemy import func, select

from governance_api.db import Database
from governance_api.demo import seed_demo
from governance_api.demo.world import COMMUNITIES
from governance_api.models.governance import BodyMember, Building, WorkingBody
from governance_api.settings import Settings


def test_the_demo_has_buildings_groups_and_the_task_force(settings: Settings, db: Database) -> None:
    assert "demo data created" in seed_demo(settings)
    with db.session(write=False) as s:
        per_community = s.execute(select(Building.org_unit_id, func.count()).group_by(Building.org_unit_id)).all()
        assert len(per_community) == len(COMMUNITIES) and all(n >= 3 for _, n in per_community)
        kinds = sorted(s.scalars(select(WorkingBody.kind)))
        assert kinds == ["governance_group"] * len(COMMUNITIES) + ["street_task_force"]
        ended = list(s.scalars(select(BodyMember).where(BodyMember.ended_at.is_not(None))))
        assert [m.name for m in ended] == ["金色雅筑物业经理"]
        leaders = s.scalar(select(func.count()).select_from(BodyMember).where(BodyMember.position == "leader"))
        assert leaders == len(COMMUNITIES) + 1
