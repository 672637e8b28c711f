"""Every ORM model, imported here so Alembic and relationships see one metadata."""

from governance_api.models.base import Base
from governance_api.models.decisions import *  # noqa: F403
from governance_api.models.disputes import *  # noqa: F403
from governance_api.models.evaluations import Evaluation
from governance_api.models.governance import *  # noqa: F403
from governance_api.models.integration import *  # noqa: F403
from governance_api.models.meetings import *  # noqa: F403
from governance_api.models.org import OrgUnit, RoleAssignment, User
from governance_api.models.patrols import *  # noqa: F403
from governance_api.models.records import (
    IdempotencyRecord,
    OutboxEvent,
    PersonalDataAccess,
    TransitionRecord,
)

__all__ = [
    "Base",
    "Evaluation",
    "IdempotencyRecord",
    "OrgUnit",
    "OutboxEvent",
    "PersonalDataAccess",
    "RoleAssignment",
    "TransitionRecord",
    "User",
]
