"""The steps of a major decision (重大决策事项: 清单→动议→共识→报备→法制审核→闭环), each taken over
HTTP by the person DOMAIN.md §2.3 gives it to: the community's staff lists, its secretary proposes
and steers, owners' ballots come from the 业委会 or staff, filings are answered by their targets,
opinions come from the legal adviser and the departments filed to, and the 司法所 decides."""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from governance_api.demo.clock import days_ago
from governance_api.demo.driver import Api, Json
from governance_api.demo.world import DemoWorld, community_code, department_code, local
from governance_api.roles import Role

JUDICIAL_OFFICER = "demo_judicial_officer"
RULE_OF_LAW_LEADER = "demo_rule_of_law_leader"

# Departments that must receive the filings of an entry (清单: "向相应的业务部门(单位)报备"). The
# default catalog names none, since departments are units of a street; the 司法所 names the demo
# street's own.
CATALOG_DEPARTMENTS = {
    "elevator_installation": ("housing",),
    "maintenance_fund_use": ("housing",),
    "public_space_use": ("housing", "chengguan"),
    "parking_management": ("police", "chengguan"),
    "corridor_clearance": ("chengguan",),
    "ebike_management": ("police",),
    "property_fee_adjustment": ("housing", "market"),
}

Answer = tuple[str, str]  # (acknowledged | objection, opinion)


@dataclass(frozen=True)
class Vote:
    """One unit's ballot (表决票); units of one owner share ``owner_ref``."""

    unit_ref: str
    area_m2: str
    choice: str
    owner_ref: str | None = None


def name_catalog_departments(api: Api, world: DemoWorld) -> None:
    for code, keys in CATALOG_DEPARTMENTS.items():
        departments = [world.unit(department_code(k)) for k in keys]
        api.patch(JUDICIAL_OFFICER, f"/decision-catalog/{code}", {"departments": departments})


def votes(units: Iterable[str], area_m2: str, against: Sequence[str] = (), abstain: Sequence[str] = ()) -> list[Vote]:
    """Ballots of equal-sized units: ``for`` unless listed as against or abstaining."""
    return [Vote(u, area_m2, "against" if u in against else "abstain" if u in abstain else "for") for u in units]


def flats(building: str, floors: int, per_floor: int) -> list[str]:
    """Unit refs of a building, e.g. ``12-101`` … ``12-602``."""
    return [f"{building}-{floor}{n:02d}" for floor in range(1, floors + 1) for n in range(1, per_floor + 1)]


class Matter:
    """One decision of one community, driven step by step."""

    def __init__(self, api: Api, world: DemoWorld, community: str) -> None:
        self.api = api
        self.world = world
        self.community = community
        self.id = ""

    @property
    def secretary(self) -> str:
        return local(Role.community_secretary, self.community)

    @property
    def staff(self) -> str:
        return local(Role.community_staff, self.community)

    @property
    def adviser(self) -> str:
        return local(Role.legal_adviser, self.community)

    def _act(self, who: str, action: str, body: Json | None = None) -> Json:
        return self.api.act(who, "decisions", self.id, action, body)

    def _post(self, who: str, sub: str, body: Json, expect: int = 201) -> Json:
        return self.api.post(who, f"/decisions/{self.id}/{sub}", body, expect)

    # --- 清单, 动议, 共识 ---------------------------------------------------------------------

    def list_under(self, catalog_code: str, title: str, description: str, amount: str | None = None) -> "Matter":
        body: Json = {
            "community_id": self.world.unit(community_code(self.community)),
            "catalog_code": catalog_code,
            "title": title,
            "description": description,
        }
        if amount is not None:
            body["amount"] = amount
        self.id = str(self.api.post(self.staff, "/decisions", body)["id"])
        return self

    def propose(self, plan: str, scope: str, schedule: str) -> None:
        self._act(self.secretary, "propose", {"plan": plan, "scope": scope, "schedule": schedule})

    def open_consultation(self, **voting_scope: int | str) -> None:
        self._act(self.secretary, "open_consultation", dict(voting_scope))

    def vote(self, who: str, ballots: Iterable[Vote]) -> None:
        for b in ballots:
            body: Json = {"unit_ref": b.unit_ref, "area_m2": b.area_m2, "choice": b.choice}
            if b.owner_ref:
                body["owner_ref"] = b.owner_ref
            self._post(who, "ballots", body)

    def meeting(self, held: int, kind: str, attendees: int, tally: tuple[int, int], minutes: str) -> None:
        """A 协商议事会 or 居民会议 held ``held`` days ago; ``tally`` is (for, against)."""
        body: Json = {"held_at": days_ago(held), "kind": kind, "attendees": attendees, "minutes": minutes}
        body |= {"votes_for": tally[0], "votes_against": tally[1]}
        self._post(self.staff, "meetings", body)

    def confirm_consensus(self) -> None:
        self._act(self.secretary, "confirm_consensus")

    def revise(self, reason: str) -> None:
        self._act(self.secretary, "revise", {"reason": reason})

    def withdraw(self, reason: str) -> None:
        self._act(self.secretary, "withdraw", {"reason": reason})

    # --- 报备 ---------------------------------------------------------------------------------

    def answer_filings(self, answers: Mapping[str, Answer]) -> None:
        """Each open filing whose target is in ``answers`` (a department key such as ``housing``, or
        ``leader_in_charge`` / ``liaison_leader``) is answered by the user it went to."""
        for f in self.api.get(self.secretary, f"/decisions/{self.id}/filings")["items"]:
            if f["stage"] != "decision" or f["response"] is not None:
                continue
            unit_id = str(f["target_org_unit_id"])
            target = str(f["target_role"])
            key = self._department_key(unit_id) if target == Role.department_officer.value else target
            if key in answers:
                response, opinion = answers[key]
                who = self.world.holder(target, unit_id)
                self._post(who, f"filings/{f['id']}/response", {"response": response, "opinion": opinion}, 200)

    def _department_key(self, unit_id: str) -> str:
        code = next(c for c, i in self.world.units.items() if i == unit_id)
        return code.removeprefix("demo-d-")

    def submit_for_review(self) -> None:
        self._act(self.secretary, "submit_for_review")

    # --- 法制审核 -----------------------------------------------------------------------------

    def opinion(self, who: str, conclusion: str, text: str) -> None:
        self._post(who, "legal-opinions", {"conclusion": conclusion, "opinion": text})

    def approve(self, conditions: Sequence[str] = ()) -> None:
        conclusion = "approved_with_conditions" if conditions else "approved"
        self._act(JUDICIAL_OFFICER, "approve", {"conclusion": conclusion, "conditions": list(conditions)})

    def return_for_revision(self, reason: str) -> None:
        self._act(JUDICIAL_OFFICER, "return_for_revision", {"reason": reason})

    def reject(self, reason: str) -> None:
        self._act(JUDICIAL_OFFICER, "reject", {"reason": reason})

    def answer_review_result(self, opinion: str) -> None:
        """The 分管法治工作的街道领导 acknowledges the review result filed to it."""
        filings = self.api.get(self.secretary, f"/decisions/{self.id}/filings")["items"]
        result = next(f for f in filings if f["stage"] == "review_result")
        body: Json = {"response": "acknowledged", "opinion": opinion}
        self._post(RULE_OF_LAW_LEADER, f"filings/{result['id']}/response", body, 200)

    # --- 闭环 ---------------------------------------------------------------------------------

    def progress(self, content: str) -> None:
        self._post(self.staff, "progress", {"content": content})

    def publicity(self, content: str, channel: str) -> None:
        self._post(self.secretary, "publicity", {"content": content, "channel": channel})

    def meet_conditions(self, notes: Sequence[str]) -> None:
        """Mark the first ``len(notes)`` review conditions met, each with how it was met."""
        conditions = self.api.get(self.secretary, f"/decisions/{self.id}/conditions")["items"]
        for condition, note in zip(sorted(conditions, key=lambda c: int(c["position"])), notes, strict=False):
            self._post(self.secretary, f"conditions/{condition['id']}/met", {"note": note}, 200)

    def complete(self, summary: str) -> None:
        self._act(self.secretary, "complete", {"summary": summary})

    def mark_typical_case(self, note: str) -> None:
        self._post(JUDICIAL_OFFICER, "typical-case", {"note": note}, 200)
