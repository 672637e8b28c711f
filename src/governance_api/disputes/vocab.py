"""The words of the disputes domain (DOMAIN.md §3): channels, levels of the ladder, tracks, risk
levels, session outcomes, referral routes, party roles, with their zh labels."""

from governance_api.core.vocab import Labelled


class Channel(Labelled):
    """信息收集渠道."""

    yiwangtongguan = "yiwangtongguan", "一网统管"
    police_110 = "police_110", "110非警务警情"
    lianqin = "lianqin", "联勤联动微平台"
    judicial_platform = "judicial_platform", "司法行政信息化平台"
    grid_patrol = "grid_patrol", "微网格巡查"
    hotline_12348 = "hotline_12348", "12348法律服务热线"
    mini_program = "mini_program", "小程序"
    walk_in = "walk_in", "来访"


class Level(Labelled):
    """The ladder, lowest first: 居民区 < 街道三所联动 < 红梅调解 < 矛盾化解专班."""

    community = "community", "居民区"
    street_joint = "street_joint", "街道三所联动纠纷调解室"
    hongmei = "hongmei", "红梅调解工作室"
    task_force = "task_force", "矛盾化解专班"


LADDER = list(Level)


def rank(level: str) -> int:
    """Position on the ladder (0 = community)."""
    return LADDER.index(Level(level))


class EscalationLevel(Labelled):
    """Where the 司法所 may send an application (联动化解申请表): the street rooms, not the task force
    (which the 分管政法副书记 forms directly)."""

    street_joint = "street_joint", "街道三所联动纠纷调解室"
    hongmei = "hongmei", "红梅调解工作室"


class RiskLevel(Labelled):
    low = "low", "低"
    medium = "medium", "中"
    high = "high", "高"
    critical = "critical", "重大"


EARLY_WARNING_RISKS = {RiskLevel.high, RiskLevel.critical}


class Track(Labelled):
    """人民调解 (single people's mediation) or 多元化解 (party-led multi-party handling)."""

    people_mediation = "people_mediation", "人民调解"
    multi_party = "multi_party", "多元化解"


class PartyRole(Labelled):
    applicant = "applicant", "申请人"
    respondent = "respondent", "被申请人"
    related = "related", "关联方"


class Outcome(Labelled):
    """How a mediation session ended."""

    agreed = "agreed", "达成一致"
    partial = "partial", "部分达成"
    failed = "failed", "未达成"
    adjourned = "adjourned", "择期再调"
    refused = "refused", "当事人拒绝调解"


class AgreementForm(Labelled):
    oral = "oral", "口头协议"
    written = "written", "调解协议书"


class AgreementStatus(Labelled):
    fulfilling = "fulfilling", "履行中"
    fulfilled = "fulfilled", "已履行"
    breached = "breached", "未履行"


class EscalationDecision(Labelled):
    """The 司法所's review of a 联动化解申请表."""

    approved = "approved", "同意"
    denied = "denied", "不同意"
    superseded = "superseded", "因成立专班而终止"


class Route(Labelled):
    """引导诉讼/仲裁/行政途径."""

    litigation = "litigation", "诉讼"
    arbitration = "arbitration", "仲裁"
    administrative = "administrative", "行政途径"


JUDICIAL_CONFIRMATION_DAYS = 30  # 人民调解法 art. 33: jointly, within 30 days of taking effect
PEOPLES_MEDIATION_LEVELS = (Level.community, Level.street_joint, Level.hongmei)  # not the task force
