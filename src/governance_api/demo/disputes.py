"""The steps of a dispute (矛盾纠纷) up the ladder 居民区→三所联动→红梅调解→矛盾化解专班, each taken
over HTTP by whom DOMAIN.md §3.3 gives it to: the community's staff accepts, its 老娘舅 and 法律顾问
screen and mediate, its secretary files the 联动化解申请表, the 司法所 decides the level, the street's
mediators and the task force handle what is above the community."""

from collections.abc import Sequence

from governance_api.core.validators import id_number_valid
from governance_api.demo.clock import days_ago, shanghai_day
from governance_api.demo.driver import Api, Json
from governance_api.demo.world import DemoWorld, community_code, grid_code, local
from governance_api.roles import Role

JUDICIAL_OFFICER = "demo_judicial_officer"
STREET_MEDIATOR = "demo_mediator_street"
COURT = "上海市浦东新区人民法院"


def id_number(born: str, name: str) -> str:
    """A resident ID number of 浦东新区 (310115) for a birthday ``YYYYMMDD``, with a valid GB 11643
    check character (demo data: no real person's number)."""
    body = f"310115{born}{sum(map(ord, name)) % 1000:03d}"
    return next(body + c for c in "0123456789X" if id_number_valid(body + c))


def party(role: str, name: str, phone: str | None = None, born: str | None = None) -> Json:
    """A party (当事人): ``applicant``, ``respondent`` or ``related``; phone and ID are optional."""
    p: Json = {"name": name, "role": role}
    if phone:
        p["phone"] = phone
    if born:
        p["id_number"] = id_number(born, name)
    return p


def screening(
    background: str,
    demands: str,
    risks: str,
    asked: tuple[str, str, str],
    risk_level: str = "low",
    track: str = "people_mediation",
    **flags: bool,
) -> Json:
    """三查三问: 查背景/诉求/风险, and ``asked`` = 问本人/邻居/关联方; ``flags`` are ``group_dispute`` and
    ``multi_department``."""
    party_, neighbors, related = asked
    return {
        "background": background,
        "demands": demands,
        "risks": risks,
        "asked_party": party_,
        "asked_neighbors": neighbors,
        "asked_related_parties": related,
        "risk_level": risk_level,
        "track": track,
        **flags,
    }


class Case:
    """One dispute of one community, driven step by step."""

    def __init__(self, api: Api, world: DemoWorld, community: str) -> None:
        self.api = api
        self.world = world
        self.community = community
        self.id = ""

    def local(self, role: Role) -> str:
        """The community's own holder of ``role``."""
        return local(role, self.community)

    def _act(self, who: str, action: str, body: Json | None = None) -> Json:
        return self.api.act(who, "disputes", self.id, action, body)

    def _post(self, who: str, sub: str, body: Json) -> Json:
        return self.api.post(who, f"/disputes/{self.id}/{sub}", body)

    # --- 信息收集, 排查研判 ---------------------------------------------------------------------

    def report(
        self,
        who: str,
        channel: str,
        category: str,
        title: str,
        description: str,
        *,
        parties: Sequence[Json] = (),
        grid: int | None = None,
        external_id: str | None = None,
    ) -> "Case":
        """Register the dispute, in the community or (``grid`` 1 or 2) one of its 微网格."""
        body: Json = {
            "community_id": self.world.unit(community_code(self.community)),
            "channel": channel,
            "category": category,
            "title": title,
            "description": description,
            "parties": list(parties),
        }
        if grid is not None:
            body["grid_id"] = self.world.unit(grid_code(self.community, grid))
        if external_id is not None:
            body["external_id"] = external_id
        self.id = str(self.api.post(who, "/disputes", body)["id"])
        return self

    def accept(self) -> None:
        self._act(self.local(Role.community_staff), "accept")

    def save_screening(self, who: str, answers: Json) -> None:
        """Part of the 三查三问 checklist, saved while screening."""
        self.api.put(who, f"/disputes/{self.id}/screening", answers)

    def screen(self, who: str, answers: Json) -> None:
        self._act(who, "complete_screening", answers)

    # --- 调解 -----------------------------------------------------------------------------------

    def session(self, who: str, held: int, participants: Sequence[str], notes: str, outcome: str) -> None:
        """A mediation session held ``held`` days ago."""
        body: Json = {"held_at": days_ago(held), "participants": list(participants), "notes": notes}
        self._post(who, "sessions", body | {"outcome": outcome})

    def agree_orally(self, who: str, content: str) -> None:
        self._act(who, "record_agreement", {"form": "oral", "content": content})

    def agree_in_writing(self, who: str, facts: str, terms: Sequence[tuple[str, int]], signed: int) -> None:
        """调解协议书 signed ``signed`` days ago; each term is (what, due in days from today)."""
        body: Json = {
            "form": "written",
            "facts": facts,
            "terms": [{"description": d, "due_on": shanghai_day(due)} for d, due in terms],
            "signed_by_parties": True,
            "signed_on": shanghai_day(-signed),
        }
        self._act(who, "record_agreement", body)

    def apply_for_judicial_confirmation(self, applied: int) -> None:
        """司法确认, applied for ``applied`` days ago (within 30 days of signing)."""
        body: Json = {"court": COURT, "applied_on": shanghai_day(-applied)}
        self._post(JUDICIAL_OFFICER, "judicial-confirmation", body)

    def confirm_fulfillment(self, who: str, note: str) -> None:
        self._act(who, "confirm_fulfillment", {"note": note})

    def report_breach(self, who: str, note: str) -> None:
        self._act(who, "report_breach", {"note": note})

    def refer(self, who: str, route: str, reason: str) -> None:
        self._act(who, "refer", {"route": route, "reason": reason})

    def withdraw(self, who: str, reason: str) -> None:
        self._act(who, "withdraw", {"reason": reason})

    # --- the ladder -----------------------------------------------------------------------------

    def request_escalation(self, summary: str, reason: str, level: str) -> None:
        """联动化解申请表: by the community's secretary, or by the 司法所 from the street room."""
        at_community = self.api.get(JUDICIAL_OFFICER, f"/disputes/{self.id}")["level"] == "community"
        who = self.local(Role.community_secretary) if at_community else JUDICIAL_OFFICER
        self._act(who, "request_escalation", {"summary": summary, "reason": reason, "requested_level": level})

    def approve_escalation(self, level: str) -> None:
        self._act(JUDICIAL_OFFICER, "approve_escalation", {"level": level})

    def deny_escalation(self, reason: str) -> None:
        self._act(JUDICIAL_OFFICER, "deny_escalation", {"reason": reason})

    def form_task_force(self, who: str, lead: str, departments: Sequence[str]) -> None:
        """矛盾化解专班: ``lead`` a username, ``departments`` unit codes."""
        ids = [self.world.unit(code) for code in departments]
        self._act(who, "form_task_force", {"lead_user_id": self.world.user(lead), "department_ids": ids})

    def file_disposal_report(self, who: str, content: str) -> None:
        """处置报告 of the task force."""
        self._post(who, "disposal-report", {"content": content})
