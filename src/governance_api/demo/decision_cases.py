"""The demo street's major decisions, one per scenario of seed 000 §四(二), together covering every
state of the decision machine: a closed 加装电梯 marked a typical case, a 维修资金 repair being
implemented, items waiting in legal review, filing, consultation, proposal and the catalog, one
withdrawn, one rejected and one returned for revision."""

from collections.abc import Callable

from governance_api.demo.decisions import Matter, Vote, flats, votes
from governance_api.demo.driver import Api
from governance_api.demo.world import DemoWorld, department_officer, local
from governance_api.roles import Role

NOTED = ("acknowledged", "已知悉, 同意按程序推进")


def elevator_closed_as_typical_case(api: Api, world: DemoWorld) -> None:
    """凌兆新村12号楼加装电梯: the whole loop, with conditions met, then a typical case (典型案例)."""
    m = Matter(api, world, "lingzhao").list_under(
        "elevator_installation",
        "12号楼加装电梯",
        "12号楼为6层老公房, 共12户, 60岁以上住户过半, 楼组长代表居民申请加装电梯。",
    )
    m.propose(
        plan="在12号楼北侧加装贴墙式电梯一部(平层入户), 费用按楼层系数分摊并申请市、区两级补贴",
        scope="12号楼1-6层全体业主(12套, 11户业主)",
        schedule="方案公示一个月, 取得规划许可后开工, 工期约五个月",
    )
    m.open_consultation(total_area_m2="1010.40", total_owners=11)
    ballots = votes(flats("12", 6, 2), "84.20", against=["12-101"], abstain=["12-102"])
    owner = "12号楼3层陈某(两套)"
    ballots = [
        Vote(b.unit_ref, b.area_m2, b.choice, owner if b.unit_ref.startswith("12-30") else None) for b in ballots
    ]
    m.vote("demo_owners_committee_lingzhao", ballots[:6])
    m.vote(local(Role.community_staff, "lingzhao"), ballots[6:])
    m.confirm_consensus()
    m.answer_filings(
        {
            "housing": ("acknowledged", "请按本市既有多层住宅加装电梯流程办理规划许可, 注意底层住户采光"),
            "leader_in_charge": NOTED,
            "liaison_leader": ("acknowledged", "请居民区做好底层业主沟通, 法律顾问全程参与"),
        }
    )
    m.submit_for_review()
    m.opinion(
        m.adviser,
        "lawful_with_conditions",
        "参与表决的面积和人数均达三分之二以上, 同意比例达四分之三以上, 符合《民法典》第二百七十八条; "
        "建议施工前取得规划许可并与底层业主签订补偿协议。",
    )
    m.opinion(department_officer("housing"), "lawful", "符合本市既有多层住宅加装电梯的相关规定。")
    m.approve(["取得建设工程规划许可后方可施工", "与101、102室业主签订采光通风补偿协议"])
    m.answer_review_result("知悉, 请司法所跟踪条件落实情况")
    m.progress("已取得建设工程规划许可证, 施工单位进场")
    m.publicity("施工方案及费用分摊方案公示7天, 无异议", "12号楼公告栏、居民区微信群")
    m.meet_conditions(["规划许可证已取得(附许可证编号)", "补偿协议已由三方签字, 法律顾问见证"])
    m.progress("电梯通过特种设备监督检验, 交付使用")
    m.complete("电梯已投入使用, 12套住户全部受益; 底层业主补偿协议履行到位, 无遗留矛盾。")
    m.mark_typical_case("业主表决、部门报备、法制审核、条件落实全流程规范, 以补偿协议化解低层业主分歧, 可在辖区推广")


def roof_repair_implementing(api: Api, world: DemoWorld) -> None:
    """金色雅筑7号楼屋面渗漏维修 with the maintenance fund (≥ 50000 元): approved with conditions, one met."""
    m = Matter(api, world, "jinse").list_under(
        "maintenance_fund_use",
        "7号楼屋面及外墙渗漏维修(动用公共维修资金)",
        "7号楼顶层多户雨天渗漏, 物业查勘为屋面防水层老化, 需动用该幢公共维修资金。",
        amount="62000.00",
    )
    m.propose(
        plan="屋面防水层整体翻新并修补外墙裂缝, 由物业公司组织比选施工单位, 经审价后实施",
        scope="7号楼全体业主(维修资金按幢分摊)",
        schedule="雨季前完成施工",
    )
    m.open_consultation(total_area_m2="1305.00", total_owners=18)
    m.vote(
        "demo_owners_committee", votes(flats("7", 6, 3)[:15], "72.50", against=["7-203", "7-402"], abstain=["7-501"])
    )
    m.confirm_consensus()
    m.answer_filings(
        {
            "housing": ("acknowledged", "请按维修资金使用流程向区维修资金管理中心申请划款, 并公示分摊明细"),
            "leader_in_charge": NOTED,
            "liaison_leader": NOTED,
        }
    )
    m.submit_for_review()
    m.opinion(m.adviser, "lawful_with_conditions", "表决符合《民法典》第二百七十八条第五项; 施工单位应经公开比选。")
    m.approve(["施工单位经公开比选确定并公示", "维修完成后公示费用决算"])
    m.progress("已公开比选确定施工单位, 签订施工合同")
    m.publicity("施工单位比选结果公示", "7号楼公告栏")
    m.meet_conditions(["比选结果已公示5天, 无异议"])


def ebike_shed_in_legal_review(api: Api, world: DemoWorld) -> None:
    """东明苑电动自行车集中充电棚: consulted, filed (the 派出所 objects), opinions given, awaiting the 司法所."""
    m = Matter(api, world, "dongming").list_under(
        "ebike_management", "电动自行车集中充电棚建设", "楼道内电动自行车充电、飞线充电屡禁不止, 存在严重消防隐患。"
    )
    m.propose(
        plan="在小区东侧空地建设集中充电棚(60个充电位), 同步开展楼道电动自行车清理",
        scope="东明苑全体居民",
        schedule="一个月内建成投用",
    )
    m.open_consultation()
    m.meeting(9, "consultation", 23, (21, 1), "三驾马车、楼组长及居民代表协商, 多数同意选址东侧空地, 1人担心噪音。")
    m.confirm_consensus()
    m.answer_filings(
        {
            "police": ("objection", "选址距4号楼不足6米, 须调整至符合消防技术标准的距离"),
            "leader_in_charge": NOTED,
            "liaison_leader": NOTED,
        }
    )
    m.submit_for_review()
    m.opinion(m.adviser, "lawful_with_conditions", "利用共有部分建设充电设施属协商议事范围; 选址应按派出所意见调整。")
    m.opinion(department_officer("police"), "lawful_with_conditions", "调整选址后符合消防管理规定。")


def corridor_clearance_in_filing(api: Api, world: DemoWorld) -> None:
    """永泰花苑楼道堆物集中整治: filed; the 分管领导 has answered, the 城管中队 and 包联领导 not yet."""
    m = Matter(api, world, "yongtai").list_under(
        "corridor_clearance", "楼道堆物集中整治", "多个楼道堆放纸板、旧家具, 堵塞消防通道, 居民多次投诉。"
    )
    m.propose(plan="分楼组告知、限期自清, 逾期由物业统一清运", scope="永泰花苑全部楼道", schedule="两周")
    m.open_consultation()
    m.meeting(6, "consultation", 18, (18, 0), "楼组长会议: 先宣传后清理, 对困难老人由志愿者协助搬运。")
    m.confirm_consensus()
    m.answer_filings({"leader_in_charge": NOTED})


def pilotis_in_consultation(api: Api, world: DemoWorld) -> None:
    """金色雅筑8号楼架空层改造: ballots still being collected (no quorum yet)."""
    m = Matter(api, world, "jinse").list_under(
        "public_space_use", "8号楼架空层改造为睦邻活动室", "8号楼架空层长期堆物, 居民希望改造为老年人活动和议事空间。"
    )
    m.propose(plan="清理架空层, 改造为睦邻活动室, 由物业负责日常管理", scope="8号楼全体业主", schedule="三个月")
    m.open_consultation(total_area_m2="1936.00", total_owners=22)
    m.meeting(3, "consultation", 16, (0, 0), "方案说明会: 介绍改造方案, 解答噪音和管理时间等问题。")
    m.vote(m.staff, votes(flats("8", 11, 2)[:9], "88.00", against=["8-102"]))


def parking_proposed(api: Api, world: DemoWorld) -> None:
    """华夏一村机动车停车管理: proposed, consultation not opened yet."""
    m = Matter(api, world, "huaxia").list_under(
        "parking_management", "机动车停车管理方案", "小区车位约300个, 登记车辆近450辆, 夜间乱停堵塞消防通道。"
    )
    m.propose(
        plan="划线增设车位, 外来车辆临时停放收费, 与周边单位签订错峰共享停车协议",
        scope="华夏一村全体业主",
        schedule="征求意见一个月, 业主大会表决后实施",
    )


def convention_returned_for_revision(api: Api, world: DemoWorld) -> None:
    """永泰花苑居民公约修订: adopted by a residents' meeting, returned by the legal review."""
    m = Matter(api, world, "yongtai").list_under(
        "residents_convention", "《永泰花苑居民公约》修订", "增加文明养犬、垃圾分类、群租治理等条款。"
    )
    m.propose(plan="修订公约第三、五、七条", scope="永泰花苑全体居民", schedule="居民会议表决后公布施行")
    m.open_consultation(eligible_residents=1260)
    m.meeting(14, "residents_meeting", 702, (611, 38), "居民会议(户代表)表决通过公约修订稿。")
    m.confirm_consensus()
    m.answer_filings({"leader_in_charge": NOTED, "liaison_leader": NOTED})
    m.submit_for_review()
    m.opinion(
        m.adviser, "unlawful", "第七条“禁止向外来人员出租房屋”限制业主依法处分其财产, 与《民法典》第二百四十条不符。"
    )
    m.return_for_revision("删除第七条中限制出租对象的内容, 改为规范群租、报备租住信息后重新征求意见")


def covenant_listed(api: Api, world: DemoWorld) -> None:
    """凌兆新村业主管理规约修订: just listed (列入清单)."""
    Matter(api, world, "lingzhao").list_under(
        "covenant_revision", "《业主管理规约》修订", "现行规约制定于2012年, 未涉及加装电梯、电动自行车管理等新情况。"
    )


def fee_adjustment_withdrawn(api: Api, world: DemoWorld) -> None:
    """东明苑物业费调价: withdrawn during consultation."""
    m = Matter(api, world, "dongming").list_under(
        "property_fee_adjustment",
        "物业费调价",
        "物业公司以人工成本上涨为由申请将多层住宅物业费由每月1.2元/㎡调至1.6元/㎡。",
    )
    m.propose(plan="分两年调价到位, 同步公开服务标准和收支情况", scope="东明苑全体业主", schedule="业主大会表决")
    m.open_consultation(total_area_m2="52860.00", total_owners=586)
    m.withdraw("物业公司撤回调价申请, 先整改服务质量, 半年后视业主满意度测评再议")


def green_space_parking_rejected(api: Api, world: DemoWorld) -> None:
    """华夏一村宅间绿地改建停车位: the owners agreed, the legal review rejects it."""
    m = Matter(api, world, "huaxia").list_under(
        "public_space_use", "18、19号楼宅间绿地改建为停车位", "部分业主提出将宅间绿地改建为12个停车位, 缓解停车难。"
    )
    m.propose(plan="移除宅间绿地约400㎡, 硬化后划设12个停车位", scope="18、19号楼全体业主", schedule="两个月")
    m.open_consultation(total_area_m2="1560.00", total_owners=24)
    building_18, building_19 = flats("18", 6, 2), flats("19", 6, 2)
    m.vote(
        m.staff, votes(building_18[:10] + building_19[:10], "65.00", against=["18-101", "19-101"], abstain=["19-102"])
    )
    m.confirm_consensus()
    m.answer_filings(
        {
            "housing": ("acknowledged", "请核实规划用途"),
            "chengguan": ("objection", "宅间绿地属规划绿地, 擅自改变用途将面临查处"),
            "leader_in_charge": NOTED,
            "liaison_leader": NOTED,
        }
    )
    m.submit_for_review()
    m.opinion(m.adviser, "unlawful", "规划绿地改作他用须经绿化管理部门批准, 业主表决不能替代行政许可。")
    m.reject("擅自改变规划绿地用途违反《上海市绿化条例》; 建议另行研究错峰共享停车等方案")


CASES: tuple[Callable[[Api, DemoWorld], None], ...] = (
    elevator_closed_as_typical_case,
    roof_repair_implementing,
    ebike_shed_in_legal_review,
    corridor_clearance_in_filing,
    pilotis_in_consultation,
    parking_proposed,
    convention_returned_for_revision,
    covenant_listed,
    fee_adjustment_withdrawn,
    green_space_parking_rejected,
)
