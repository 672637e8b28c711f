"""The words of grid patrols (微网格巡查, DOMAIN.md §4.3): what a patrol may find."""

from governance_api.core.vocab import Labelled


class FindingKind(Labelled):
    """巡查发现的问题类型. Only a 矛盾纠纷线索 can be turned into a dispute."""

    dispute_clue = "dispute_clue", "矛盾纠纷线索"
    violation = "violation", "违法违规"
    safety_hazard = "safety_hazard", "安全隐患"
    other = "other", "其他"


MAX_FINDINGS = 50  # one patrol's findings: a street-level walk, not a census
