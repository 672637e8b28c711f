"""The working body's machine (依法治理工作机构): one state, ``active``. A body has no life cycle of
its own; its members joining and leaving are the machine's activities, each kept in its history."""

from governance_api.bodies.activities import ACTIVITIES
from governance_api.bodies.permissions import MANAGERS
from governance_api.core.machine import State, StateMachine
from governance_api.models.governance import WorkingBody

BODY_MACHINE = StateMachine[WorkingBody](
    name="working_body",
    label="依法治理工作机构",
    states=(State("active", "运行中"),),
    initial="active",
    # Which of them may create a body depends on its kind (``permissions.MANAGERS``).
    create_roles=tuple(dict.fromkeys(r for roles in MANAGERS.values() for r in roles)),
    actions=(),
    activities=ACTIVITIES,
)
