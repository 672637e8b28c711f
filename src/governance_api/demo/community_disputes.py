"""Disputes the communities handle themselves (居民区"三所联动"调解点 and 多元化解), from the everyday
scenarios of seed 000 §四(三): barking dogs, leaks, 楼道堆物, renovation noise, a tenancy deposit,
unpaid wages. Between them: every intake channel, and the states reported, screening, mediating,
escalation_pending, fulfilling, resolved, referred and withdrawn."""

from collections.abc import Callable

from governance_api.demo.disputes import Case, party, screening
from governance_api.demo.driver import Api
from governance_api.demo.world import DemoWorld, grid_worker
from governance_api.roles import Role

STAFF, SECRETARY, MEDIATOR = Role.community_staff, Role.community_secretary, Role.mediator
ADVISER, POLICE = Role.legal_adviser, Role.community_police


def barking_dog_reported(api: Api, world: DemoWorld) -> None:
    """凌兆新村: a 12348 hotline referral, just registered."""
    c = Case(api, world, "lingzhao")
    c.report(
        c.local(STAFF),
        "hotline_12348",
        "neighbor",
        "宠物犬夜间吠叫扰民",
        "5号楼住户反映楼下饲养的两只犬只夜间持续吠叫, 影响老人休息, 经12348热线转来。",
        parties=[party("applicant", "刘桂芳", "13917652381", "19520718"), party("respondent", "周建民")],
    )


def leak_work_order_reported(api: Api, world: DemoWorld) -> None:
    """金色雅筑: a 一网统管 work order from the city platform's feed, with no parties yet."""
    c = Case(api, world, "jinse")
    c.report(
        "demo_integration_client",
        "yiwangtongguan",
        "neighbor",
        "一网统管工单: 楼上卫生间漏水至楼下",
        "市民来电反映3号楼502室卫生间漏水至402室, 双方多次协商无果。",
        external_id="YWTG-DEMO-000387",
    )


def corridor_clutter_reported_by_resident(api: Api, world: DemoWorld) -> None:
    """金色雅筑: a resident reports through the mini-program (she sees it in the reporter view)."""
    c = Case(api, world, "jinse")
    c.report(
        "demo_resident",
        "mini_program",
        "neighbor",
        "楼道堆物堵塞消防通道",
        "6号楼2楼楼道长期堆放纸板和旧家具, 影响通行和消防安全。",
        parties=[party("applicant", "王秀英", "13761234509")],
    )


def renovation_noise_in_screening(api: Api, world: DemoWorld) -> None:
    """东明苑: a 110 non-emergency call passed on by the community police; 三查三问 half done."""
    c = Case(api, world, "dongming")
    c.report(
        c.local(POLICE),
        "police_110",
        "renovation_noise",
        "装修噪音扰民(110非警务警情)",
        "9号楼301室装修, 中午和晚间电钻作业, 楼上住户报警。",
        parties=[party("applicant", "孙秀兰", "13601718822"), party("respondent", "9号楼301室业主 李强")],
    )
    c.accept()
    c.save_screening(
        c.local(MEDIATOR),
        {
            "background": "301室业主新购二手房, 全屋翻新, 装修队未在物业登记施工时间",
            "demands": "中午12点至14点、晚上18点后停止噪音作业",
            "asked_party": "已走访报警人, 其家中有高考考生",
        },
    )


def leak_mediating_at_community(api: Api, world: DemoWorld) -> None:
    """金色雅筑1号微网格: found on patrol, screened, one session adjourned for a leak test."""
    c = Case(api, world, "jinse")
    c.report(
        grid_worker("jinse"),
        "grid_patrol",
        "neighbor",
        "楼上漏水致楼下天花板霉变",
        "巡查发现2号楼201室天花板大面积霉变, 住户称楼上301室漏水半年未修。",
        parties=[party("applicant", "赵美玲", "13816620457", "19680304"), party("respondent", "钱永康", "13564408213")],
        grid=1,
    )
    c.accept()
    c.screen(
        c.local(MEDIATOR),
        screening(
            "楼上住户为老人独居, 子女在外地; 双方曾因此争吵",
            "楼上修复防水层并赔偿天花板修复费用",
            "情绪对立, 暂无激化风险",
            ("已问201室住户", "已问同楼层邻居", "已问物业工程部"),
        ),
    )
    c.session(
        c.local(MEDIATOR),
        2,
        ["赵美玲", "钱永康之子", "物业工程部"],
        "物业检测确认漏水点为301室卫生间防水层, 双方同意待维修报价后再调。",
        "adjourned",
    )


def aircon_escalation_denied(api: Api, world: DemoWorld) -> None:
    """东明苑: the secretary asks for the street room, the 司法所 sends it back to the community."""
    c = Case(api, world, "dongming")
    c.report(
        c.local(STAFF),
        "walk_in",
        "neighbor",
        "空调外机噪音及冷凝水滴落",
        "3号楼102室住户反映楼上空调外机噪音大, 冷凝水滴落在其晾衣架上。",
        parties=[party("applicant", "马国华", "13916035576"), party("respondent", "3号楼202室 徐丽")],
    )
    c.accept()
    c.screen(
        c.local(MEDIATOR),
        screening(
            "空调外机安装位置正对楼下窗户",
            "移装外机并加装冷凝水管",
            "双方互不相让",
            ("已问", "已问左右邻居", "已问物业"),
            "medium",
        ),
    )
    c.session(c.local(MEDIATOR), 8, ["马国华", "徐丽"], "徐丽不同意移机, 调解未成。", "failed")
    c.request_escalation("空调外机相邻纠纷", "居民区调解未果, 双方对立", "street_joint")
    c.deny_escalation("事实清楚、争议标的小, 仍由居民区三所联动调解点调处, 请法律顾问参与")
    c.session(
        c.local(ADVISER),
        2,
        ["马国华", "徐丽", "法律顾问"],
        "法律顾问释明相邻关系规定, 徐丽同意加装冷凝水管。",
        "partial",
    )


def sunroom_escalation_pending(api: Api, world: DemoWorld) -> None:
    """永泰花苑: the 联动化解申请表 filed, awaiting the 司法所."""
    c = Case(api, world, "yongtai")
    c.report(
        c.local(STAFF),
        "walk_in",
        "neighbor",
        "违章搭建阳光房遮挡采光",
        "1号楼底层住户在院内搭建阳光房, 楼上住户反映遮挡采光并存在攀爬入室隐患。",
        parties=[party("applicant", "杜建华", "13482210937"), party("respondent", "1号楼101室 蒋伟")],
    )
    c.accept()
    c.screen(
        c.local(SECRETARY),
        screening(
            "阳光房未经审批, 城管已告知属违法建筑",
            "拆除阳光房",
            "被申请人称装修时物业未制止, 情绪激烈",
            ("已问", "已问同楼住户", "已问物业、城管"),
            "medium",
            "multi_party",
        ),
    )
    c.session(
        c.local(MEDIATOR), 5, ["杜建华", "蒋伟", "社区民警", "法律顾问"], "三所联动调解, 被申请人拒绝拆除。", "failed"
    )
    c.request_escalation("违章阳光房相邻纠纷", "涉及违法建筑认定, 居民区调解未果", "street_joint")


def weekend_renovation_fulfilling(api: Api, world: DemoWorld) -> None:
    """凌兆新村: an oral agreement (口头协议) whose fulfilment is being watched."""
    c = Case(api, world, "lingzhao")
    c.report(
        c.local(STAFF),
        "lianqin",
        "renovation_noise",
        "周末早间装修施工扰民",
        "联勤联动微平台派单: 7号楼402室周末早7点开始施工。",
        parties=[party("applicant", "韦志强", "15921176604"), party("respondent", "7号楼402室装修负责人 陶师傅")],
    )
    c.accept()
    c.screen(
        c.local(MEDIATOR),
        screening(
            "装修队赶工期",
            "周末不施工",
            "无激化风险",
            ("已问", "已问楼组长", "已问物业、装修队"),
        ),
    )
    c.session(c.local(MEDIATOR), 3, ["韦志强", "陶师傅", "物业"], "装修方同意调整施工时间。", "agreed")
    c.agree_orally(
        c.local(MEDIATOR), "工作日8:00-12:00、14:00-18:00施工, 周末及节假日不进行产生噪音的作业; 物业负责监督。"
    )


def stairwell_clutter_resolved(api: Api, world: DemoWorld) -> None:
    """华夏一村1号微网格: agreed, breached (the clutter came back), agreed again, resolved."""
    c = Case(api, world, "huaxia")
    c.report(
        grid_worker("huaxia"),
        "grid_patrol",
        "neighbor",
        "楼道堆放回收旧物",
        "巡查发现11号楼楼道堆满废品, 邻居多次劝说无果。",
        parties=[party("applicant", "11号楼楼组长 蔡玉珍"), party("respondent", "11号楼302室 冯老伯")],
        grid=1,
    )
    c.accept()
    c.screen(
        c.local(MEDIATOR),
        screening("冯老伯靠回收废品补贴生活", "清空楼道", "老人独居, 注意方式", ("已问", "已问", "已问子女")),
    )
    mediator = c.local(MEDIATOR)
    c.session(mediator, 20, ["蔡玉珍", "冯老伯"], "冯老伯同意三天内清理。", "agreed")
    c.agree_orally(mediator, "三天内清空楼道, 废品改放小区指定回收点。")
    c.report_breach(mediator, "一周后楼道复堆")
    c.session(mediator, 10, ["蔡玉珍", "冯老伯", "冯老伯之女"], "子女协助, 居委联系回收站上门。", "agreed")
    c.agree_orally(mediator, "子女每周上门协助清理, 回收站每周二上门收购。")
    c.confirm_fulfillment(mediator, "连续两周回访, 楼道保持畅通。")


def deposit_referred_to_court(api: Api, world: DemoWorld) -> None:
    """金色雅筑: the landlord refuses mediation, so the tenant is pointed to the court."""
    c = Case(api, world, "jinse")
    c.report(
        c.local(STAFF),
        "walk_in",
        "tenancy",
        "房屋租赁押金退还纠纷",
        "租客退租后房东以墙面损坏为由扣留押金6000元。",
        parties=[party("applicant", "许晨", "18817290365", "19960511"), party("respondent", "4号楼601室房东 邱某")],
    )
    c.accept()
    c.save_screening(  # the legal adviser fills in the checklist; the staff completes the screening
        c.local(ADVISER),
        screening(
            "租期两年, 合同约定押一付三", "全额退还押金", "金额不大, 无激化风险", ("已问", "已问中介", "已问物业")
        ),
    )
    c.screen(c.local(STAFF), {})
    c.session(c.local(ADVISER), 4, ["许晨"], "房东电话明确拒绝调解。", "refused")
    c.refer(c.local(ADVISER), "litigation", "被申请人拒绝调解(人民调解法第十七条), 已告知可向人民法院起诉")


def wages_referred_to_arbitration(api: Api, world: DemoWorld) -> None:
    """永泰花苑: a wage claim from the 司法行政信息化平台, referred to labour arbitration at screening."""
    c = Case(api, world, "yongtai")
    c.report(
        c.local(STAFF),
        "judicial_platform",
        "labor",
        "装修工人讨要工钱",
        "装修工人称为小区业主装修后, 包工头拖欠工资12800元。",
        parties=[party("applicant", "罗大勇", "13764420981"), party("respondent", "包工头 葛某")],
    )
    c.accept()
    c.refer(c.local(STAFF), "arbitration", "属劳动报酬争议, 已告知向区劳动人事争议仲裁委员会申请仲裁")


def quarrel_withdrawn(api: Api, world: DemoWorld) -> None:
    """华夏一村: the parties made up on their own; the applicant withdraws."""
    c = Case(api, world, "huaxia")
    c.report(
        c.local(STAFF),
        "walk_in",
        "neighbor",
        "晾晒衣物滴水引发口角",
        "4号楼两户因晾晒衣物滴水发生口角。",
        parties=[party("applicant", "邵雪梅"), party("respondent", "4号楼502室 毛先生")],
    )
    c.accept()
    c.withdraw(c.local(STAFF), "经楼组长劝说双方已自行和解, 申请人撤回")


CASES: tuple[Callable[[Api, DemoWorld], None], ...] = (
    barking_dog_reported,
    leak_work_order_reported,
    corridor_clutter_reported_by_resident,
    renovation_noise_in_screening,
    leak_mediating_at_community,
    aircon_escalation_denied,
    sunroom_escalation_pending,
    weekend_renovation_fulfilling,
    stairwell_clutter_resolved,
    deposit_referred_to_court,
    wages_referred_to_arbitration,
    quarrel_withdrawn,
)
