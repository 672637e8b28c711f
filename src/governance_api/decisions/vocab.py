"""The words of the decisions domain (DOMAIN.md §2): catalog categories, consensus rules, ballot
choices, meeting kinds, filing answers and review conclusions."""

from governance_api.core.vocab import Labelled


class Category(Labelled):
    """重大决策事项清单的类别."""

    project = "project", "实事项目 / 工程"
    public_space = "public_space", "公共空间"
    funds = "funds", "资金使用"
    rules = "rules", "自治章程 / 公约"
    safety = "safety", "安全"
    other = "other", "其他"


class ConsensusRule(Labelled):
    owners_special = "owners_special", "业主 2/3 参与, 参与者 3/4 同意 (民法典 278 条)"
    owners_ordinary = "owners_ordinary", "业主 2/3 参与, 参与者过半数同意"
    residents_meeting = "residents_meeting", "居民会议"
    consultation = "consultation", "协商议事"


class BallotChoice(Labelled):
    for_ = "for", "同意"
    against = "against", "反对"
    abstain = "abstain", "弃权"


class MeetingKind(Labelled):
    consultation = "consultation", "协商议事会议"
    residents_meeting = "residents_meeting", "居民会议"


class FilingAnswer(Labelled):
    acknowledged = "acknowledged", "已知悉"
    objection = "objection", "有异议"


class OpinionConclusion(Labelled):
    lawful = "lawful", "合法"
    lawful_with_conditions = "lawful_with_conditions", "附条件合法"
    unlawful = "unlawful", "不合法"


class ReviewConclusion(Labelled):
    approved = "approved", "审核通过"
    approved_with_conditions = "approved_with_conditions", "附条件通过"


class FilingStage(Labelled):
    decision = "decision", "决策报备"
    review_result = "review_result", "审核结果报备"


class NoteKind(Labelled):
    progress = "progress", "进展"
    publicity = "publicity", "公示"
