"""The words of the disputes domain (DOMAIN.md §3): channels, levels of the ladder, tracks, risk
levels, session outcomes, referral routes, party roles, with their zh labels."""

from enum import StrEnum


class Channel(StrEnum):
    """信息收集渠道."""

    yiwangtongguan = "yiwangtongguan"  # 一网统管
    police_110 = "police_110"  # 110非警务警情
    lianqin = "lianqin"  # 联勤联动微平台
    judicial_platform = "judicial_platform"  # 司法行政信息化平台
    grid_patrol = "grid_patrol"  # 微网格巡查
    hotline_12348 = "hotline_12348"
    mini_program = "mini_program"
    walk_in = "walk_in"


class Level(StrEnum):
    """The ladder, lowest first: 居民区 < 街道三所联动 < 红梅调解 < 矛盾化解专班."""

    community = "community"
    street_joint = "street_joint"
    hongmei = "hongmei"
    task_force = "task_force"


LEVEL_LABELS = {
    Level.community: "居民区",
    Level.street_joint: "街道三所联动纠纷调解室",
    Level.hongmei: "红梅调解工作室",
    Level.task_force: "矛盾化解专班",
}
LADDER = list(Level)


def rank(level: str) -> int:
    """Position on the ladder (0 = community)."""
    return LADDER.index(Level(level))


class EscalationLevel(StrEnum):
    """Where the 司法所 may send an application (联动化解申请表): the street rooms, not the task force
    (which the 分管政法副书记 forms directly)."""

    street_joint = "street_joint"
    hongmei = "hongmei"


class RiskLevel(StrEnum):
    low = "low"
    medium = "medium"
    high = "high"
    critical = "critical"


EARLY_WARNING_RISKS = {RiskLevel.high, RiskLevel.critical}


class Track(StrEnum):
    """人民调解 (single people's mediation) or 多元化解 (party-led multi-party handling)."""

    people_mediation = "people_mediation"
    multi_party = "multi_party"


class PartyRole(StrEnum):
    applicant = "applicant"
    respondent = "respondent"
    related = "related"


class Outcome(StrEnum):
    """How a mediation session ended."""

    agreed = "agreed"  # 达成一致
    partial = "partial"  # 部分达成
    failed = "failed"  # 未达成
    adjourned = "adjourned"  # 择期再调
    refused = "refused"  # 当事人拒绝调解


class AgreementForm(StrEnum):
    oral = "oral"  # 口头协议
    written = "written"  # 调解协议书


class Route(StrEnum):
    """引导诉讼/仲裁/行政途径."""

    litigation = "litigation"
    arbitration = "arbitration"
    administrative = "administrative"


JUDICIAL_CONFIRMATION_DAYS = 30  # 人民调解法 art. 33: jointly, within 30 days of taking effect
PEOPLES_MEDIATION_LEVELS = (Level.community, Level.street_joint, Level.hongmei)  # not the task force
