"""Disputes that went up the ladder (seed 000 §四(三)3-4): to the street's 三所联动纠纷调解室, to the
红梅调解工作室, and to 矛盾化解专班 formed by the 分管政法副书记 or a 分管领导 — with written 调解协议书,
司法确认 and a 处置报告. Between them: every level above the community, mediating, fulfilling and
resolved there."""

from collections.abc import Callable

from governance_api.demo.disputes import JUDICIAL_OFFICER, STREET_MEDIATOR, Case, party, screening
from governance_api.demo.driver import Api
from governance_api.demo.world import DemoWorld, department_code, department_officer
from governance_api.roles import Role

STAFF, SECRETARY, MEDIATOR = Role.community_staff, Role.community_secretary, Role.mediator
POLITICAL_LEGAL_SECRETARY = "demo_political_legal_secretary"
LEADER_IN_CHARGE = "demo_leader_in_charge"


def _failed_at_community(c: Case, days: int, notes: str, participants: list[str]) -> None:
    c.session(c.local(MEDIATOR), days, participants, notes, "failed")


def property_fees_at_street_joint(api: Api, world: DemoWorld) -> None:
    """凌兆新村: owners against the property company, sent to the street's 三所联动纠纷调解室."""
    c = Case(api, world, "lingzhao")
    c.report(
        c.local(STAFF),
        "walk_in",
        "property_management",
        "物业服务质量与物业费纠纷(多户业主)",
        "20余户业主以电梯频繁故障、保洁不到位为由拒缴物业费, 物业公司拟起诉。",
        parties=[party("applicant", "业主代表 秦立明", "13901837726"), party("respondent", "某物业服务有限公司")],
    )
    c.accept()
    c.screen(
        c.local(SECRETARY),
        screening(
            "物业合同2024年到期续签, 业委会与物业对服务标准各执一词",
            "降低物业费或更换物业",
            "涉及20余户, 有群体性苗头",
            ("已问业主代表", "已问楼组长", "已问业委会、物业、房管办"),
            "medium",
            "multi_party",
            group_dispute=True,
        ),
    )
    _failed_at_community(c, 12, "三驾马车协调会未达成一致。", ["秦立明", "物业项目经理", "业委会主任"])
    c.request_escalation("多户业主拒缴物业费", "涉及面广, 居民区多元化解未果", "street_joint")
    c.approve_escalation("street_joint")
    c.session(
        STREET_MEDIATOR,
        2,
        ["秦立明", "物业项目经理", "房管办"],
        "物业同意整改电梯维保, 费用问题择期再谈。",
        "adjourned",
    )


def leak_damages_confirmed_by_court(api: Api, world: DemoWorld) -> None:
    """东明苑: settled in writing at the street room, and the 调解协议书 sent for 司法确认."""
    c = Case(api, world, "dongming")
    c.report(
        c.local(STAFF),
        "walk_in",
        "neighbor",
        "漏水损害赔偿纠纷",
        "6号楼502室水管爆裂, 致402室木地板、家具受损, 双方对赔偿金额分歧大。",
        parties=[
            party("applicant", "402室 龚丽娟", "13917703346", "19710926"),
            party("respondent", "502室 武建新", "13816092274", "19660413"),
        ],
    )
    c.accept()
    c.screen(
        c.local(MEDIATOR),
        screening(
            "损失经物业初步估价约1.5万元",
            "赔偿损失2万元",
            "被申请人认为估价过高",
            ("已问", "已问物业", "已问保险公司"),
            "medium",
        ),
    )
    _failed_at_community(c, 15, "双方对金额分歧大, 调解未成。", ["龚丽娟", "武建新"])
    c.request_escalation("漏水损害赔偿", "赔偿金额分歧大, 需专业调解", "street_joint")
    c.approve_escalation("street_joint")
    c.session(STREET_MEDIATOR, 5, ["龚丽娟", "武建新", "法律顾问"], "参照第三方评估, 双方同意按1.2万元赔偿。", "agreed")
    c.agree_in_writing(
        STREET_MEDIATOR,
        "502室水管爆裂致402室财产损失, 经第三方评估损失12000元。",
        [("武建新向龚丽娟支付赔偿款12000元", 10), ("武建新更换502室老化水管", 20)],
        signed=4,
    )
    c.apply_for_judicial_confirmation(applied=1)


def group_rental_at_hongmei(api: Api, world: DemoWorld) -> None:
    """凌兆新村: a 群租 with fire risks, high risk (early warning), sent straight to 红梅调解工作室."""
    c = Case(api, world, "lingzhao")
    c.report(
        c.local(Role.community_police),
        "police_110",
        "tenancy",
        "群租房噪音与消防安全隐患",
        "15号楼201室被分隔为6间出租, 住10余人, 夜间喧哗, 楼道私拉电线。",
        parties=[party("applicant", "15号楼居民代表 金海燕", "13611825530"), party("respondent", "201室房东 汤某")],
    )
    c.accept()
    c.screen(
        c.local(SECRETARY),
        screening(
            "房东通过中介转租, 已被多次投诉",
            "恢复原状、停止群租",
            "私拉电线存在火灾风险, 居民情绪激烈",
            ("已问", "已问同楼住户", "已问中介、派出所"),
            "high",
            "multi_party",
            group_dispute=True,
        ),
    )
    _failed_at_community(c, 9, "房东拒不到场。", ["金海燕", "中介"])
    c.request_escalation("群租整治", "房东拒不配合, 存在安全隐患", "hongmei")
    c.approve_escalation("hongmei")
    c.session(STREET_MEDIATOR, 1, ["金海燕", "汤某", "派出所", "城管中队"], "房东同意一个月内拆除隔断。", "partial")


def family_support_resolved_at_hongmei(api: Api, world: DemoWorld) -> None:
    """永泰花苑: the whole ladder up to 红梅, then a written agreement, 司法确认 and fulfilment."""
    c = Case(api, world, "yongtai")
    c.report(
        c.local(STAFF),
        "walk_in",
        "family",
        "老人赡养及房屋居住权纠纷",
        "八旬老人与儿子、女儿就赡养费分担和老宅居住发生纠纷。",
        parties=[
            party("applicant", "沈阿婆", "13501762245", "19430815"),
            party("respondent", "沈建国", "13788015531", "19680122"),
            party("related", "沈建英"),
        ],
    )
    c.accept()
    c.screen(
        c.local(MEDIATOR),
        screening("老人独居, 子女间积怨多年", "每月赡养费并保障居住", "老人身体欠佳", ("已问", "已问", "已问子女")),
    )
    _failed_at_community(c, 40, "子女互相推诿。", ["沈阿婆", "沈建国", "沈建英"])
    c.request_escalation("赡养纠纷", "家庭矛盾深, 居民区调解未果", "street_joint")
    c.approve_escalation("street_joint")
    c.session(JUDICIAL_OFFICER, 30, ["沈阿婆", "沈建国", "沈建英"], "赡养费分担未谈拢。", "failed")
    c.request_escalation("赡养纠纷", "三所联动调解室调解未果, 申请红梅调解工作室调处", "hongmei")
    c.approve_escalation("hongmei")
    c.session(STREET_MEDIATOR, 20, ["沈阿婆", "沈建国", "沈建英"], "红梅调解工作室以情说法, 达成协议。", "agreed")
    c.agree_in_writing(
        STREET_MEDIATOR,
        "沈阿婆现年八十余岁, 由二子女共同赡养。",
        [("沈建国、沈建英每月各支付赡养费1500元", -10), ("老宅由沈阿婆终身居住", -10)],
        signed=19,
    )
    c.apply_for_judicial_confirmation(applied=12)
    c.confirm_fulfillment(STREET_MEDIATOR, "回访: 赡养费按月到账, 老人满意。")


def elevator_obstruction_task_force(api: Api, world: DemoWorld) -> None:
    """华夏一村: low-floor owners block an elevator build; the 分管政法副书记 forms a task force, which
    overtakes the pending application."""
    c = Case(api, world, "huaxia")
    c.report(
        c.local(STAFF),
        "walk_in",
        "elevator",
        "加装电梯施工受阻(低层业主阻工)",
        "6号楼加装电梯已获规划许可, 一楼两户以采光受损为由阻止施工, 双方多次冲突。",
        parties=[
            party("applicant", "6号楼加装电梯代表 康志远", "13918874402"),
            party("respondent", "6号楼101室 闫某"),
            party("respondent", "6号楼102室 柏某"),
        ],
    )
    c.accept()
    c.screen(
        c.local(SECRETARY),
        screening(
            "加装电梯表决通过, 一楼两户投反对票",
            "尽快施工 / 给予采光补偿",
            "已发生推搡, 可能激化",
            ("已问", "已问同楼住户", "已问房管办、施工方"),
            "high",
            "multi_party",
            group_dispute=True,
            multi_department=True,
        ),
    )
    _failed_at_community(c, 6, "双方各执一词, 现场冲突。", ["康志远", "闫某", "柏某"])
    c.request_escalation("加装电梯阻工", "涉及多部门职责", "street_joint")
    departments = [department_code(k) for k in ("housing", "chengguan", "police")]
    c.form_task_force(POLITICAL_LEGAL_SECRETARY, POLITICAL_LEGAL_SECRETARY, departments)
    c.session(
        department_officer("housing"),
        1,
        ["康志远", "闫某", "柏某", "施工方"],
        "专班提出采光补偿方案, 待一楼业主答复。",
        "partial",
    )


def parking_resolved_by_task_force(api: Api, world: DemoWorld) -> None:
    """东明苑: a 一网统管 group complaint, a task force led by a 分管领导, closed with a 处置报告."""
    c = Case(api, world, "dongming")
    c.report(
        "demo_integration_client",
        "yiwangtongguan",
        "parking",
        "一网统管工单: 小区周边占道停车及夜间噪音",
        "多名市民反映小区东门外道路夜间占道停车、鸣笛扰民, 消防车通道受阻。",
        external_id="YWTG-DEMO-000412",
    )
    c.accept()
    c.screen(
        c.local(SECRETARY),
        screening(
            "周边商户及外来车辆夜间停放",
            "恢复通行、减少噪音",
            "涉及消防安全, 群体投诉",
            ("已问来电市民", "已问沿街居民", "已问商户、物业"),
            "high",
            "multi_party",
            group_dispute=True,
            multi_department=True,
        ),
    )
    departments = [department_code(k) for k in ("chengguan", "police")]
    c.form_task_force(LEADER_IN_CHARGE, LEADER_IN_CHARGE, departments)
    officer = department_officer("chengguan")
    c.session(
        officer, 14, ["居民代表", "商户代表", "派出所", "城管中队"], "商定划设夜间限时停车位并设禁停标志。", "agreed"
    )
    c.agree_orally(officer, "东门外道路划设夜间限时停车位, 消防通道设禁停标志, 商户车辆入场停放。")
    c.file_disposal_report(
        officer,
        "矛盾纠纷处置报告: 专班由街道分管领导牵头, 城管中队、派出所参与; 已划设限时停车位, "
        "设置禁停标志, 连续两周夜间巡查未见占道, 居民满意。",
    )
    c.confirm_fulfillment(LEADER_IN_CHARGE, "回访居民代表, 占道停车问题已解决。")


CASES: tuple[Callable[[Api, DemoWorld], None], ...] = (
    property_fees_at_street_joint,
    leak_damages_confirmed_by_court,
    group_rental_at_hongmei,
    family_support_resolved_at_hongmei,
    elevator_obstruction_task_force,
    parking_resolved_by_task_force,
)
