"""The building's read for a caller."""

from governance_api.buildings.machine import BUILDING_MACHINE as MACHINE
from governance_api.buildings.schemas import BuildingRead
from governance_api.core.actor import Actor
from governance_api.models.governance import Building


def to_read(b: Building, actor: Actor) -> BuildingRead:
    return BuildingRead(
        **MACHINE.record_fields(b, actor),
        community_id=b.org_unit_id,
        code=b.code,
        name=b.name,
        created_by_id=b.created_by_id,
    )
