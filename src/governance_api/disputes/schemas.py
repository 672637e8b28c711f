"""Request bodies of disputes (their read models are in ``reads.py``). Inputs forbid unknown fields
and bound every string; fields that a guard of DOMAIN.md §3.3 names are optional here and checked by
the machine's guards."""

import uuid
from typing import Annotated

from pydantic import Field

from governance_api.core.schemas import Input, Target, example
from governance_api.core.validators import (
    Code,
    Day,
    GuardText,
    IdNumber,
    LongText,
    MobilePhone,
    PastDay,
    PastTime,
    ShortText,
    says_something,
)
from governance_api.disputes.vocab import (
    AgreementForm,
    Channel,
    EscalationLevel,
    Outcome,
    PartyRole,
    RiskLevel,
    Route,
    Track,
)

Name = Annotated[str, says_something(100)]
ExternalId = Annotated[str, says_something(100)]
TermText = Annotated[str, says_something(2000)]


# ---- intake -------------------------------------------------------------------------------------


class PartyIn(Input):
    """A party (当事人); phone and ID number are optional personal data."""

    name: Name
    role: PartyRole
    phone: MobilePhone | None = None
    id_number: IdNumber | None = None


class DisputeCreate(Input):
    """信息收集: a dispute reported by a grid worker, the community, the police, a resident or a feed."""

    model_config = example(
        community_id="3fa85f64-5717-4562-b3fc-2c963f66afa6",
        channel="walk_in",
        category="neighbor",
        title="楼上装修噪音扰民",
        description="2号楼502室反映楼上夜间装修噪音",
        parties=[{"name": "张三", "role": "applicant", "phone": "13812345678"}, {"name": "李四", "role": "respondent"}],
    )

    community_id: uuid.UUID
    grid_id: uuid.UUID | None = None
    channel: Channel
    category: Code
    title: ShortText
    description: LongText
    parties: list[PartyIn] = Field(default_factory=list, max_length=20)
    external_id: ExternalId | None = None


class DisputeTarget(Target):
    """The units a create names, read first so scope (404) and role (403) answer before the body."""

    community_id: uuid.UUID
    grid_id: uuid.UUID | None = None


class CategoryCreate(Input):
    model_config = example(code="pet_nuisance", name="宠物扰民")

    code: Code
    name: Name


# ---- screening (三查三问) -------------------------------------------------------------------------


class ScreeningFields(Input):
    """查背景/查诉求/查风险, 问本人/问邻居/问关联方, and the 研判 result. Saved progressively: fields
    left out keep their saved value; ``null`` clears one."""

    background: GuardText | None = None
    demands: GuardText | None = None
    risks: GuardText | None = None
    asked_party: GuardText | None = None
    asked_neighbors: GuardText | None = None
    asked_related_parties: GuardText | None = None
    risk_level: RiskLevel | None = None
    track: Track | None = None
    group_dispute: bool | None = None
    multi_department: bool | None = None


class ScreeningUpdate(ScreeningFields):
    model_config = example(background="相邻两户, 楼上装修", demands="停止夜间施工", risk_level="low")

    pass


class CompleteScreeningBody(ScreeningFields):
    """The checklist's remaining answers (or none when the saved screening is complete)."""

    model_config = example(
        background="相邻两户, 楼上装修",
        demands="停止夜间施工",
        risks="情绪激动, 暂无激化风险",
        asked_party="已问本人",
        asked_neighbors="已问同楼层邻居",
        asked_related_parties="已问物业",
        risk_level="low",
        track="people_mediation",
    )


# ---- action bodies ------------------------------------------------------------------------------


class TermIn(Input):
    description: TermText
    due_on: Day


class RecordAgreementBody(Input):
    """调解协议: ``oral`` needs ``content``; ``written`` (调解协议书) needs ``facts``, ``terms`` each
    with a due date, ``signed_by_parties: true`` and ``signed_on`` (the day it takes effect)."""

    model_config = example(
        form="written",
        facts="楼上装修夜间施工影响休息",
        terms=[{"description": "晚上八点后停止施工", "due_on": "2026-12-01"}],
        signed_by_parties=True,
        signed_on="2026-11-20",
    )

    form: AgreementForm
    content: GuardText | None = None
    facts: GuardText | None = None
    terms: list[TermIn] | None = Field(default=None, max_length=50)
    signed_by_parties: bool | None = None
    signed_on: PastDay | None = None


class ConfirmFulfillmentBody(Input):
    model_config = example(note="回访确认已停止夜间施工")

    note: GuardText | None = None


class ReportBreachBody(Input):
    model_config = example(note="回访发现仍有夜间施工")

    note: GuardText | None = None


class RequestEscalationBody(Input):
    """联动化解申请表."""

    model_config = example(
        summary="漏水纠纷涉及维修资金", reason="居民区调解未果, 双方对立", requested_level="street_joint"
    )

    summary: GuardText | None = None
    reason: GuardText | None = None
    requested_level: EscalationLevel | None = None


class ApproveEscalationBody(Input):
    """The level the 司法所 sends the dispute to; the application's requested level when left out."""

    model_config = example(level="street_joint")

    level: EscalationLevel | None = None


class DenyEscalationBody(Input):
    model_config = example(reason="事实清楚、争议标的小, 由居民区继续调解")

    reason: GuardText | None = None


class FormTaskForceBody(Input):
    model_config = example(
        lead_user_id="3fa85f64-5717-4562-b3fc-2c963f66afa6",
        department_ids=["3fa85f64-5717-4562-b3fc-2c963f66afa7", "3fa85f64-5717-4562-b3fc-2c963f66afa8"],
    )

    lead_user_id: uuid.UUID | None = None
    department_ids: list[uuid.UUID] | None = Field(default=None, max_length=20)


class ReferBody(Input):
    model_config = example(route="litigation", reason="涉及房屋质量鉴定, 引导诉讼解决")

    route: Route | None = None
    reason: GuardText | None = None


class WithdrawBody(Input):
    model_config = example(reason="当事人已自行和解")

    reason: GuardText | None = None


# ---- sub-resources in ---------------------------------------------------------------------------


class SessionCreate(Input):
    """调解记录."""

    model_config = example(
        held_at="2026-11-20T10:00:00Z",
        participants=["张三", "李四", "调解员王五"],
        notes="释明相邻关系规定, 双方同意调整施工时间",
        outcome="agreed",
    )

    held_at: PastTime
    participants: list[Name] = Field(min_length=1, max_length=50)
    notes: LongText
    outcome: Outcome


class JudicialConfirmationCreate(Input):
    """司法确认申请: filed with ``court`` on ``applied_on`` (at most 30 days after ``signed_on``)."""

    model_config = example(court="上海市浦东新区人民法院", applied_on="2026-11-25")

    court: ShortText
    applied_on: PastDay


class DisposalReportCreate(Input):
    """矛盾纠纷处置报告."""

    model_config = example(content="专班会商形成处置方案, 各部门分工落实, 已化解")

    content: LongText
