"""Who may write on a decision beyond a plain role over its community (DOMAIN.md §2.3), as
``Permission`` objects the machine uses; their ``describe()`` is what the meta endpoint publishes.

Both depend on the decision's filings (a department officer is not under the community: it acts
because a filing went to its department), so they read them through the decision's session."""

from dataclasses import dataclass

from sqlalchemy.orm import Session, object_session

from governance_api.core.actor import Actor
from governance_api.core.machine import PerItem
from governance_api.decisions import repository as repo
from governance_api.models.decisions import Decision, Filing
from governance_api.roles import Role


def _session(decision: Decision) -> Session:
    session = object_session(decision)
    assert session is not None, "a decision is checked while loaded"
    return session


def is_filing_target(actor: Actor, filing: Filing) -> bool:
    return actor.holds(Role(filing.target_role), filing.target_path)


def filing_open(decision: Decision, filing: Filing) -> bool:
    """A decision filing is answered while the decision is in ``filing`` and in its round; the
    review-result filing to the rule-of-law leader at any time after the approval."""
    if filing.stage == "decision":
        return decision.state == "filing" and filing.round == decision.filing_round
    return decision.state != "filing"


FILING_ROLES = (Role.department_officer, Role.leader_in_charge, Role.liaison_leader, Role.rule_of_law_leader)
# 报备对象: the holders of a filing's role on the unit it went to, decided filing by filing.
FILING_TARGETS = PerItem[Decision](tuple(f"{r.value} (the filing's target)" for r in FILING_ROLES))


def opinion_role(actor: Actor, decision: Decision) -> Role | None:
    """Who gives a 法制审核意见: the legal adviser, the 司法所, or a department officer filed to."""
    for role in (Role.legal_adviser, Role.judicial_officer):
        if actor.holds(role, decision.scope_path):
            return role
    for f in repo.current_filings(_session(decision), decision):
        if f.target_role == Role.department_officer.value and actor.holds(Role.department_officer, f.target_path):
            return Role.department_officer
    return None


@dataclass(frozen=True)
class OpinionAuthors:
    def allows(self, actor: Actor, aggregate: Decision) -> bool:
        return opinion_role(actor, aggregate) is not None

    def describe(self) -> list[str]:
        return ["legal_adviser", "judicial_officer", "department_officer (of a department filed to this round)"]
