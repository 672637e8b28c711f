"""Vocabularies of the annual evaluation (总结评估)."""

from governance_api.core.vocab import Labelled

SCORE_MAX = 100  # scores are out of 100 (DOMAIN §4.7)
FIRST_YEAR = 2000  # no evaluation is kept for an earlier year


class Grade(Labelled):
    excellent = "excellent", "优秀"
    good = "good", "良好"
    passed = "pass", "合格"
    fail = "fail", "不合格"


class Nomination(Labelled):
    """民主法治示范社区 nomination recommended by the evaluation."""

    none = "none", "不推荐"
    district = "district", "区级"
    city = "city", "市级"
    national = "national", "全国"
