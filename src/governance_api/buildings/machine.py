"""The building's machine (楼栋): one state, ``registered``. A building has no life cycle yet; the
machine gives it the version, history and create roles every §4 record has, and is where later
issues hang its writes (the 法律明白人 serving each building, DOMAIN.md §4.6)."""

from governance_api.core.machine import State, StateMachine
from governance_api.models.governance import Building
from governance_api.roles import Role

# 登记楼栋: the community's secretary or staff (a role held on an ancestor unit counts; admins too).
REGISTRARS = (Role.community_secretary, Role.community_staff)

BUILDING_MACHINE = StateMachine[Building](
    name="building",
    label="楼栋",
    states=(State("registered", "已登记"),),
    initial="registered",
    create_roles=REGISTRARS,
    actions=(),
)
